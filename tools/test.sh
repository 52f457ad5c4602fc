#!/usr/bin/env bash
# The README's test command: install test dependencies on a fresh machine, then run every check.
#   Debian's chromium for the browser tests (never a downloaded browser), pinned Python packages,
#   then tools/check.py: ruff, mypy, translations, the suite on nx-27017 and again on mongomock.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
# The virtual environment of the first README command (tools/start.sh) when there is one, or made here when the
# system Python refuses pip installs (Debian). Otherwise (CI, a Python image) the `python` on PATH, as always.
. tools/venv.sh
PYTHON=python
if [ -x .venv/bin/python ]; then
  PYTHON=.venv/bin/python
elif ! command -v python >/dev/null 2>&1 || externally_managed python; then
  make_venv  # stock Debian 12: no `python`, and pip refuses the system Python
  PYTHON=.venv/bin/python
fi
"$PYTHON" -m pip install -q -r requirements-dev.txt
exec "$PYTHON" -m tools.check "$@"
