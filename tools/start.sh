#!/usr/bin/env bash
# The README's first command: run the platform on a fresh machine, stock Debian 12 or a Python docker image alike.
#   Debian has `python3` but no `python`, refuses `pip install` into the system ("externally managed") and ships
#   venv separately (python3-venv): so everything goes into a virtual environment, .venv/, created here once.
#   Then `python run.py` in it (exec: Ctrl-C and SIGTERM reach run.py directly). Arguments: none.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="$(command -v python3 || command -v python)"
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  if ! "$PYTHON" -m venv .venv >/dev/null 2>&1; then
    echo "Installing python3-venv (Debian/Ubuntu ship it separately) ..." >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
    rm -rf .venv
    "$PYTHON" -m venv .venv
  fi
fi
.venv/bin/python -m pip install -q -r requirements.txt
exec .venv/bin/python run.py
