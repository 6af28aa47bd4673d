#!/usr/bin/env bash
# Installs the FinOps Foundation's FOCUS validator (PyPI `focus-validator`,
# needs Python >= 3.12) in its own venv and writes `run`, which validates one
# file offline:  $TOOLS/focus-validator/run FILE  (prints the validator's
# console report). Safe to run repeatedly; prints the path of `run`.
set -euo pipefail
tools="${BURNRATE_TOOLS_DIR:-$HOME/.cache/burnrate}/focus-validator"
run="$tools/run"
if [ -x "$run" ] && [ -x "$tools/venv/bin/focus-validator" ]; then
  echo "$run"; exit 0
fi

python=""
for candidate in python3.13 python3.12 python3 "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 \
     && "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    python="$candidate"; break
  fi
done
if [ -z "$python" ]; then
  # Debian 12's python3 is 3.11; Debian 13 and Ubuntu 24.04 have 3.12+.
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -qq python3.12 python3.12-venv >/dev/null 2>&1 && python=python3.12 || {
    echo "focus-validator needs Python >= 3.12 and none was found" >&2; exit 1; }
fi

mkdir -p "$tools/work/focus_validator/rules"
"$python" -m venv "$tools/venv"
# pyarrow 18+ needs NumPy 2, which this validator's pandas pin does not take.
"$tools/venv/bin/pip" install --quiet 'focus-validator==2.2.1' 'pyarrow<18' pycountry
# The validator reads ISO 4217 codes from this path relative to its working
# directory and would otherwise download them: write them from pycountry.
"$tools/venv/bin/python" - "$tools/work/focus_validator/rules/currency_codes.csv" <<'PY'
import csv, sys, pycountry
with open(sys.argv[1], "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["", "currency_codes"])
    for i, c in enumerate(sorted(c.alpha_3 for c in pycountry.currencies)):
        out.writerow([i, c])
PY
cat > "$run" <<RUN
#!/usr/bin/env bash
# Validates one FOCUS 1.2 file offline with the FinOps Foundation's validator.
set -euo pipefail
file="\$(realpath "\$1")"
cd "$tools/work"
exec "$tools/venv/bin/focus-validator" --data-file "\$file" --validate-version 1.2 \\
  --block-download --column-namespace x
RUN
chmod +x "$run"
echo "$run"
