#!/usr/bin/env bash
# Import and query benchmark on a generated ~4M-row legacy CUR (see
# BENCHMARKS.md). Usage: scripts/bench.sh [ROWS]   (default 4000000)
# Optional baseline: `pip install duckdb` to time DuckDB's plain CSV->Parquet.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-4000000}"
cargo build --release --locked -p burnrate-cli
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
if python3 -c "import duckdb" 2>/dev/null; then
  echo "== baseline: DuckDB plain CSV -> Parquet of the same file"
  /usr/bin/time -f "duckdb: %e s wall, %M KiB max RSS" python3 -c "
import duckdb, sys
duckdb.sql(\"COPY (SELECT * FROM '$csv') TO '$data/duck.parquet' (FORMAT parquet)\")"
fi
rm -rf "$data"
