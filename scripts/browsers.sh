#!/usr/bin/env bash
# Makes the browser suites runnable on a fresh Debian machine, with no download from outside the package registries:
# - Debian's chromium and firefox-esr (Playwright drives them; its own browser builds cannot be downloaded here),
# - ffmpeg (Playwright records video with it) linked where playwright-core/browsers.json says Playwright looks,
# - the fonts the committed visual baselines were rendered with (docs/visual-testing.md).
# Idempotent; installs only what is missing (apt-get needs root). Used by scripts/verify.sh and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(chromium firefox-esr ffmpeg fonts-dejavu-core fonts-liberation2)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "browsers: installing ${missing[*]} from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "browsers: missing Debian packages: ${missing[*]} (sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
fi

# Playwright looks for <registry>/ffmpeg-<revision>/ffmpeg-linux; the registry is PLAYWRIGHT_BROWSERS_PATH or
# ~/.cache/ms-playwright (XDG_CACHE_HOME honoured).
rev=$(node -p "JSON.parse(require('fs').readFileSync('node_modules/playwright-core/browsers.json','utf8')).browsers.find(b=>b.name==='ffmpeg').revision")
registry="${PLAYWRIGHT_BROWSERS_PATH:-${XDG_CACHE_HOME:-$HOME/.cache}/ms-playwright}"
mkdir -p "$registry/ffmpeg-$rev"
ln -sf "$(command -v ffmpeg)" "$registry/ffmpeg-$rev/ffmpeg-linux"
