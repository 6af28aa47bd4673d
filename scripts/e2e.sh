#!/usr/bin/env bash
# The desktop app end to end: a real window under Xvfb, driven over
# WebDriver (tauri-driver + WebKitWebDriver) by tests/e2e/app.e2e.mjs, on a
# fresh data dir. Expects the app and CLI built (scripts/test.sh builds
# them). Screenshots of every view go to target/e2e-screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$HOME/.cargo/bin:$PATH"

work=$(mktemp -d)
display=:$((90 + RANDOM % 9))
cleanup() {
  [ -n "${driver_pid:-}" ] && kill "$driver_pid" 2>/dev/null || true
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

Xvfb "$display" -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
touch "$work/config.toml"
mkdir -p "$work/exports"
export DISPLAY=$display
export BURNRATE_DATA_DIR="$work/data"
export BURNRATE_CONFIG="$work/config.toml"
port=$((4500 + RANDOM % 400))
tauri-driver --port "$port" >"$work/driver.log" 2>&1 &
driver_pid=$!
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$port/status" >/dev/null 2>&1 && break
  sleep 0.2
done

rm -rf target/e2e-screenshots
# The fixture's first row alone: in a month of the fixture, but not all of it.
head -n 2 "$root/tests/fixtures/azure_ea.csv" >"$work/azure_ea_first_row.csv"
WEBDRIVER_URL="http://127.0.0.1:$port" \
BURNRATE_APP="$root/target/debug/burnrate-app" \
BURNRATE_CLI="$root/target/debug/burnrate" \
BURNRATE_FIXTURE="$root/tests/fixtures/azure_ea.csv" \
BURNRATE_FIXTURE_SUBSET="$work/azure_ea_first_row.csv" \
SCREENSHOTS="$root/target/e2e-screenshots" \
SCHEDULE_OUTPUT="$work/exports" \
  node tests/e2e/app.e2e.mjs || { echo "tauri-driver log:"; cat "$work/driver.log"; exit 1; }
