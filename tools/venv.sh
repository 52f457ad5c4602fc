# Sourced by tools/start.sh and tools/test.sh: make .venv/ (installing Debian's python3-venv when missing).
#   Debian has `python3` but no `python`, refuses `pip install` into its system Python ("externally managed")
#   and ships venv separately.
make_venv() {
  local python
  python="$(command -v python3 || command -v python)"
  if [ -x .venv/bin/python ] && .venv/bin/python -m pip --version >/dev/null 2>&1; then
    return 0
  fi
  if ! "$python" -m venv .venv >/dev/null 2>&1; then
    echo "Installing python3-venv (Debian/Ubuntu ship it separately) ..." >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
    rm -rf .venv
    "$python" -m venv .venv
  fi
}

# Whether this interpreter refuses pip installs (PEP 668: Debian's system Python).
externally_managed() {
  "$1" -c 'import os, sys, sysconfig; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) else 1)'
}
