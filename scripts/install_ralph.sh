#!/usr/bin/env bash
# Installs the Ralph LRS (ralph-malph, France Université Numérique) in its OWN virtual environment, apart from
# PassInnov's: its `lrs` extra pins FastAPI and uvicorn exactly, which must not leak into the project's .venv.
#
#   scripts/install_ralph.sh                 # -> var/ralph-venv
#   RALPH_VENV=/opt/ralph scripts/install_ralph.sh
#
# Then `export PASSINNOV_RALPH_BIN=<venv>/bin/ralph` (printed at the end) so the `ralph` tests run.
# Ralph imports `requests` without declaring it: it is installed alongside, pinned.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RALPH_VENV="${RALPH_VENV:-$ROOT/var/ralph-venv}"
PYTHON="${PYTHON:-python3}"
RALPH_VERSION="5.1.0"
REQUESTS_VERSION="2.34.2"

if [ -x "$RALPH_VENV/bin/ralph" ] \
    && "$RALPH_VENV/bin/python" -m pip show ralph-malph 2>/dev/null | grep -qx "Version: $RALPH_VERSION"; then
    echo "Ralph $RALPH_VERSION already installed in $RALPH_VENV" >&2
else
    "$PYTHON" -m venv "$RALPH_VENV"
    "$RALPH_VENV/bin/python" -m pip install --quiet --upgrade pip
    "$RALPH_VENV/bin/python" -m pip install --quiet \
        "ralph-malph[cli,lrs,backend-lrs]==$RALPH_VERSION" "requests==$REQUESTS_VERSION"
fi

# Smoke test: the CLI must start (RALPH_RUNSERVER_BACKEND=fs, else even `--help` of some commands crashes).
RALPH_RUNSERVER_BACKEND=fs "$RALPH_VENV/bin/ralph" --help >/dev/null
echo "$RALPH_VENV/bin/ralph"
