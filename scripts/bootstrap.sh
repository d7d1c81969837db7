#!/usr/bin/env bash
# Creates .venv (Python 3.11) and installs the pinned requirements; a no-op when nothing changed.
# Usage: scripts/bootstrap.sh [runtime|dev]  (dev also installs the browser tests' chromium and
# CJK font with apt-get when they are missing: scripts/install-browser.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-runtime}"
req=requirements.txt
[ "$kind" = "dev" ] && req=requirements-dev.txt
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv with $($PY --version)"
  "$PY" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
stamp=".venv/.installed-$kind"
hash=$(cat requirements*.txt | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
  echo "== installing $req"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
  echo "$hash" > "$stamp"
fi
if [ "$kind" = "dev" ]; then scripts/install-browser.sh; fi
