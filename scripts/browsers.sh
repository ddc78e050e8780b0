#!/usr/bin/env bash
# Makes the browser suites runnable on a fresh Debian machine, with no download from outside the package registries:
# - Debian's chromium and firefox-esr (Playwright drives them; its own browser builds cannot be downloaded here),
# - ffmpeg (Playwright records video with it) linked where playwright-core/browsers.json says Playwright looks,
# - the fonts the committed visual baselines were rendered with (docs/visual-testing.md).
# Idempotent; installs only what is missing (apt-get needs root). Used by scripts/verify.sh and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

# Fonts: the visual baselines were rendered with exactly these (the console's stack is system-ui → DejaVu Sans, and
# "DejaVu Sans Mono" for code); fonts-dejavu-extra (condensed/light faces) is on the machine image and changes which
# face fontconfig picks, so it is pinned here too. The check at the end warns when the font families differ.
PACKAGES=(chromium firefox-esr ffmpeg fonts-dejavu-core fonts-dejavu-extra fonts-liberation2)
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

# The font families the visual baselines were rendered with (`fc-list : family`). Another family (a package that pulls
# in fonts-noto, say) can change which glyphs fontconfig picks and so every screenshot: say so before the suite does.
BASELINE_FONTS="DejaVu Math TeX Gyre;DejaVu Sans;DejaVu Sans Mono;DejaVu Sans,DejaVu Sans Condensed;DejaVu Sans,DejaVu Sans Light;DejaVu Serif;DejaVu Serif,DejaVu Serif Condensed;Liberation Mono;Liberation Sans;Liberation Serif;"
fonts=$(fc-list : family | LC_ALL=C sort -u | tr '\n' ';')
if [ "$fonts" != "$BASELINE_FONTS" ]; then
  echo "browsers: warning: font families differ from those of the visual baselines (docs/visual-testing.md):" >&2
  echo "  baselines: $BASELINE_FONTS" >&2
  echo "  here:      $fonts" >&2
fi
