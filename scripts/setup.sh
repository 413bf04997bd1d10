#!/usr/bin/env bash
# Set up archdsl in this checkout: Graphviz and fonts from Debian's packages
# when they are missing, then a virtual environment in .venv with archdsl
# installed in editable mode.
#
#   scripts/setup.sh          what `archdsl render` needs
#   scripts/setup.sh --test   also the test tools and Debian's chromium
#
# Installing Debian packages needs root or sudo. Python 3.11 or newer is
# required.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
if [ "${1:-}" = "--test" ]; then
  with_tests=1
fi

apt_install() {
  local runner=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "setup: need root or sudo to install Debian packages: $*" >&2
      exit 1
    fi
    runner=(sudo)
  fi
  echo "setup: installing Debian packages: $*" >&2
  "${runner[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${runner[@]}" apt-get install -y -qq "$@" >/dev/null
}

missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)
if [ "$with_tests" -eq 1 ] && ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: please install these with your package manager: ${missing[*]}" >&2
    exit 1
  fi
  apt_install "${missing[@]}"
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: archdsl needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
extras=""
if [ "$with_tests" -eq 1 ]; then
  extras="[test]"
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}" \
  2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
# An editable install leaves archdsl's own modules uncompiled, and with
# PYTHONDONTWRITEBYTECODE set every run would compile them again (about
# 100 ms of each command's start-up on 2 cores).
.venv/bin/python -m compileall -q archdsl >/dev/null
echo "setup: ready; run .venv/bin/archdsl --help" >&2
