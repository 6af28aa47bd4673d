#!/usr/bin/env bash
# Builds burnrate, loads the built-in demo dataset into a demo data dir and
# shows where the money goes.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
export BURNRATE_DATA_DIR="${BURNRATE_DATA_DIR:-$PWD/target/demo-data}"
cargo build --workspace --locked
./target/debug/burnrate demo
echo
echo "== cost by provider and service (billed, effective = amortized, list)"
./target/debug/burnrate summary --by provider,service
echo
echo "== cost by team tag (keys compared case-insensitively)"
./target/debug/burnrate summary --by tag:team
echo
echo "== forecast (effective cost; 95% interval; backtest error)"
./target/debug/burnrate forecast
echo
echo "== anomalies since the demo's first month"
./target/debug/burnrate anomalies --since 2026-08-01
