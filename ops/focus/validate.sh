#!/usr/bin/env bash
# Runs the FinOps Foundation's FOCUS validator (focus-validator, from PyPI) on a FOCUS export.
#
#   ./tokenledger export focus --period 2026-11 --out focus.csv      # or --format parquet
#   ops/focus/validate.sh focus.csv
#
# Installs the validator into .tokenledger/focus-validator (a virtualenv) on first use; exits 3,
# saying so, when it cannot be installed (no PyPI, as on the machines this project is built on).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FILE="$(realpath "${1:?usage: validate.sh FILE.csv|FILE.parquet}")"
VENV="$ROOT/.tokenledger/focus-validator"
if [ ! -x "$VENV/bin/focus-validator" ]; then
  python3 -m venv "$VENV" || { echo "Cannot make a Python virtualenv (Debian: apt-get install python3-venv)"; exit 3; }
  if ! "$VENV/bin/pip" install -q focus-validator; then
    echo "Cannot install focus-validator from PyPI (is PyPI reachable from here?); the export was not validated."
    exit 3
  fi
fi
format=(); [[ "$FILE" == *.parquet ]] && format=(--data-format parquet)
# Run from the package's parent directory: some validator releases find their currency list by a
# path relative to the working directory.
cd "$("$VENV/bin/python" -c 'import focus_validator, os; print(os.path.dirname(os.path.dirname(focus_validator.__file__)))')"
exec "$VENV/bin/focus-validator" --data-file "$FILE" "${format[@]}" --validate-version 1.2 --output-type console \
  --block-download
