#!/usr/bin/env bash
# CUR -> FOCUS Parquet: Burnrate (`import` + `export focus`) against the
# FinOps Foundation's converter (PyPI `focus-converter`) on the same
# generated legacy CUR, in the same run, alternating, and the FOCUS
# validator's verdict on each tool's output (see BENCHMARKS.md).
#
# Usage: scripts/bench-focus.sh [ROWS] [RUNS]   (default 4000000 rows, 2 runs)
# The converter holds the whole file in memory (about 5 GiB per million
# rows here), so ROWS is bounded by the machine's RAM.
# Needs the release CLI (built here), scripts/focus-validator.sh's venv,
# and focus-converter in $BURNRATE_TOOLS_DIR/focus-converter (installed here).
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-4000000}"
runs="${2:-2}"
tools="${BURNRATE_TOOLS_DIR:-$HOME/.cache/burnrate}"
cargo build --release --locked -p burnrate-cli
bin=target/release/burnrate
validator=$(scripts/focus-validator.sh)

converter="$tools/focus-converter/venv/bin/focus-converter"
if [ ! -x "$converter" ]; then
  python3 -m venv "$tools/focus-converter/venv"
  # 1.0.0 needs these pins: its CLI breaks on click 8.2 and its pandera on
  # multimethod 1.11.
  "$tools/focus-converter/venv/bin/pip" install --quiet 'focus-converter==1.0.0' \
    'click==8.1.7' 'multimethod<1.11'
fi

mkdir -p bench-data
csv="bench-data/cur-$rows.csv"
[ -f "$csv" ] || $bin dev gen-cur --rows "$rows" --out "$csv"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== $rows rows, $(du -h "$csv" | cut -f1), $runs runs each, alternating"

# The validator's verdict on one file: its totals line and failing rules.
verdict() {
  local out failed
  out=$("$validator" "$1" 2>&1 || true)
  echo "$out" | grep -E '^Total:' || echo "validator gave no result: $(echo "$out" | tail -3)"
  failed=$(echo "$out" | grep -E '^❌ ' | cut -d: -f1 | sed 's/^❌ //' | tr '\n' ' ')
  echo "failing rules: ${failed:-none}"
}

for run in $(seq "$runs"); do
  # Burnrate: import the CUR into a fresh dataset, then export FOCUS 1.2.
  data="$work/data"
  rm -rf "$data" "$work/burnrate.parquet"
  /usr/bin/time -o "$work/t1" -f "%e %M" $bin --data-dir "$data" import "$csv" >/dev/null
  /usr/bin/time -o "$work/t2" -f "%e %M" \
    $bin --data-dir "$data" export focus --out "$work/burnrate.parquet" >/dev/null
  read -r import_s import_kib <"$work/t1"
  read -r export_s export_kib <"$work/t2"
  echo "run $run burnrate: import ${import_s} s (${import_kib} KiB) + export focus ${export_s} s (${export_kib} KiB) = $(awk "BEGIN { print $import_s + $export_s }") s"

  # The converter runs to the end or for at most an hour (on an error it
  # prints the error and does not exit).
  rm -rf "$work/converter" && mkdir -p "$work/converter"
  /usr/bin/time -o "$work/t3" -f "%e %M" \
    timeout 3600 "$converter" convert --provider aws-cur --data-format csv \
    --data-path "$csv" --export-path "$work/converter/" >"$work/converter.log" 2>&1 \
    || echo "focus-converter stopped: $(tail -3 "$work/converter.log")"
  read -r converter_s converter_kib <"$work/t3"
  echo "run $run focus-converter: ${converter_s} s (${converter_kib} KiB)"
done

echo "-- validator on burnrate's output"
verdict "$work/burnrate.parquet"
for f in "$work"/converter/*.parquet; do
  [ -f "$f" ] || continue
  echo "-- validator on focus-converter's output"
  verdict "$f"
done
