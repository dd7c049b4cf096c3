#!/usr/bin/env bash
# Installs what the browser tests of `forecast serve` need (issue 13) when it is missing: Debian's
# chromium (/usr/bin/chromium, driven by Microsoft.Playwright; no browser download) and a CJK font
# (fonts-noto-cjk) so the Chinese page and report render as text in screenshots and PDFs.
# FORECAST_SKIP_BROWSER=1 skips the install (the browser tests then report as skipped).
set -euo pipefail
if [ "${FORECAST_SKIP_BROWSER:-0}" = 1 ]; then
  echo "install-browser: FORECAST_SKIP_BROWSER=1, not installing"
  exit 0
fi
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: ${missing[*]} missing and no apt-get here; the browser tests will be skipped" >&2
  exit 0
fi
sudo=""
[ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
echo "install-browser: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
[ -x /usr/bin/chromium ] || { echo "install-browser: chromium did not install" >&2; exit 1; }
/usr/bin/chromium --version
