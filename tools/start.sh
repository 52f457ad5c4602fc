#!/usr/bin/env bash
# The README's first command: run the platform on a fresh machine, stock Debian 12 or a Python docker image alike.
#   Debian has `python3` but no `python`, refuses `pip install` into the system ("externally managed") and ships
#   venv separately (python3-venv): so everything goes into a virtual environment, .venv/, created here once.
#   Then `python run.py` in it (exec: Ctrl-C and SIGTERM reach run.py directly). Arguments: none.
set -euo pipefail
cd "$(dirname "$0")/.."

. tools/venv.sh
make_venv
.venv/bin/python -m pip install -q -r requirements.txt
exec .venv/bin/python run.py
