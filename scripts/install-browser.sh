#!/usr/bin/env bash
# The browser tests' system packages: Debian's chromium (Playwright drives it; its own browser
# download is not possible here) and a CJK font (Noto CJK) so that Korean text renders.
# Quiet and fast when both are there; apt-get otherwise (sudo only when not root).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# no grep -q: it would stop reading early, and under pipefail fc-list's SIGPIPE fails the test
fc-list : family 2>/dev/null | grep -i 'Noto.*CJK' >/dev/null || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "!! browser tests need: ${missing[*]} (no apt-get here; install them yourself)" >&2
  exit 1
fi
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "== installing ${missing[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" fontconfig >/dev/null
# fontconfig (for fc-list) comes with the fonts; refresh its cache for the new font
fc-cache -f >/dev/null 2>&1 || true
