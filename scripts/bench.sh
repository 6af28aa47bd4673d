#!/usr/bin/env bash
# Import and query benchmark on a generated ~4M-row legacy CUR (see
# BENCHMARKS.md). Usage: scripts/bench.sh [ROWS]   (default 4000000)
# Optional baseline: `pip install duckdb` to time DuckDB's plain CSV->Parquet.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-4000000}"
cargo build --release --locked -p burnrate-cli
cargo build --release --locked -p burnrate-api --example answer_times
bin=target/release/burnrate
mkdir -p bench-data
csv="bench-data/cur-${rows}.csv"
[ -f "$csv" ] || $bin dev gen-cur --rows "$rows" --out "$csv"
ls -l "$csv"
data=$(mktemp -d)
echo "== import (wall time, peak RSS incl. the memory-mapped input)"
/usr/bin/time -f "import: %e s wall, %M KiB max RSS" $bin import "$csv" --data-dir "$data" >/dev/null
echo "== summary --by service, 5 runs (whole process)"
for _ in 1 2 3 4 5; do
  /usr/bin/time -f "summary: %e s wall, %M KiB max RSS" $bin summary --by service --data-dir "$data" >/dev/null
done
echo "== analysis commands over the stored rows (whole process, best of 3)"
config=$(mktemp)
bench() {
  local best=""
  for _ in 1 2 3; do
    local t
    t=$( { /usr/bin/time -f "%e %M" $bin "$@" --data-dir "$data" --config "$config" >/dev/null; } 2>&1 | tail -1)
    if [ -z "$best" ] || [ "$(echo "$t" | cut -d' ' -f1 | tr -d .)" -lt "$(echo "$best" | cut -d' ' -f1 | tr -d .)" ]; then best="$t"; fi
  done
  echo "$* : $(echo "$best" | cut -d' ' -f1) s wall, $(echo "$best" | cut -d' ' -f2) KiB max RSS"
}
for report in $($bin reports --format csv --data-dir "$data" --config "$config" | tail -n +2 | cut -d, -f1); do
  bench report "$report"
done
bench forecast
bench forecast --by service
bench anomalies
bench trend --period day --by service
bench movers --by resource
bench untagged
bench allocate --key team
bench summary --by tag:team
bench recommend
bench commitments --format json
rm -f "$config"
if python3 -c "import duckdb" 2>/dev/null; then
  echo "== baseline: DuckDB plain CSV -> Parquet of the same file"
  /usr/bin/time -f "duckdb: %e s wall, %M KiB max RSS" python3 -c "
import duckdb, sys
duckdb.sql(\"COPY (SELECT * FROM '$csv') TO '$data/duck.parquet' (FORMAT parquet)\")"
fi
rm -rf "$data"
echo "== the desktop app's answers over the stored rows (best of 3, in process)"
target/release/examples/answer_times "$data"
