#!/usr/bin/env bash
# Builds Burnrate, loads the built-in demo dataset (three months of AWS and
# Azure billing) into a demo data dir, prints where the money goes, and opens
# the desktop app on it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
export PATH="$HOME/.cargo/bin:$PATH"
export BURNRATE_DATA_DIR="${BURNRATE_DATA_DIR:-$PWD/target/demo-data}"
# The demo names its AWS accounts in the config ([accounts] file): its own
# config, so the user's stays as it is.
export BURNRATE_CONFIG="${BURNRATE_CONFIG:-$BURNRATE_DATA_DIR/config.toml}"
(cd ui && npm run build)
cargo build --workspace --locked
./target/debug/burnrate demo
echo
echo "== cost by provider and service (billed, effective = amortized, list)"
./target/debug/burnrate summary --by provider,service
echo
echo "== forecast (effective cost; 95% interval; backtest error)"
./target/debug/burnrate forecast
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo
  echo "No display: the desktop app needs one. Run ./target/debug/burnrate-app from a desktop session"
  echo "(with BURNRATE_DATA_DIR=$BURNRATE_DATA_DIR) to open it on this data."
  exit 0
fi
echo
echo "Opening the desktop app on $BURNRATE_DATA_DIR (close the window to finish)."
exec ./target/debug/burnrate-app
