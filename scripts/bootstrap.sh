#!/usr/bin/env bash
# Creates .venv and installs the project into it (with the given extras).
# Usage: scripts/bootstrap.sh [EXTRAS]   e.g. scripts/bootstrap.sh dev
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

apt_install() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing Debian packages ($*); install them as root: apt-get install $*" >&2
        exit 1
    fi
    if [ -z "${_APT_UPDATED:-}" ]; then
        apt-get update -q >/dev/null
        _APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    apt_install python3-venv
fi
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
# The image's pip 23.2 mis-resolves some extras; a current pip does not.
.venv/bin/python -m pip install -q --disable-pip-version-check -U pip
if [ -n "$extras" ]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[$extras]"
else
    .venv/bin/python -m pip install -q --disable-pip-version-check -e .
fi
