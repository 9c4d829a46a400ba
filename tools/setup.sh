#!/usr/bin/env bash
# Set-up steps the Makefile runs: `site` (venv + build dependencies),
# `test` (test dependencies), `chromium` (a browser for the browser tests),
# `nginx` (Debian's nginx and its brotli_static module, for the hosting tests and bench).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
UV_VERSION=0.13.9  # uv installs the locked set many times faster than pip

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    if ! python3 -m venv "$VENV" 2>/dev/null; then
      # Debian/Ubuntu ship venv separately.
      echo "python3 -m venv failed: installing python3-venv" >&2
      as_root apt-get update -qq && as_root apt-get install -y -qq python3-venv
      rm -rf "$VENV" && python3 -m venv "$VENV"
    fi
  fi
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION"
}

case "${1:-}" in
  site)
    ensure_venv
    "$VENV/bin/uv" pip install -q --python "$VENV/bin/python" -r requirements.lock
    ;;
  test)
    ensure_venv
    "$VENV/bin/uv" pip install -q --python "$VENV/bin/python" -r requirements-test.lock
    ;;
  chromium)
    if [ -n "${CHROMIUM_PATH:-}" ] || command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then
      exit 0
    fi
    if [ -s "$VENV/chromium-path" ] && [ -x "$(cat "$VENV/chromium-path")" ]; then
      exit 0
    fi
    if [ "$(id -u)" = 0 ]; then
      # Playwright's own browser download is not reachable everywhere; Debian's package is.
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
    else
      # No root (a laptop, Netlify, Cloudflare Pages): Playwright's Chromium, in the user's
      # cache. Playwright is a test dependency, so its locked version is installed here first;
      # the browser's path is recorded where tools/browser.py looks (builds do not import Playwright).
      ensure_venv
      "$VENV/bin/uv" pip install -q --python "$VENV/bin/python" "$(grep -E '^playwright==' requirements-test.lock)"
      "$VENV/bin/python" -m playwright install chromium
      "$VENV/bin/python" -c 'from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    print(p.chromium.executable_path)' > "$VENV/chromium-path"
    fi
    ;;
  nginx)
    # The tests start their own nginx on a loopback port (never the system service).
    if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
      if [ -e /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || ! command -v apt-get >/dev/null; then
        exit 0
      fi
    fi
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-http-brotli-static
    ;;
  *)
    echo "usage: $0 site|test|chromium|nginx" >&2
    exit 2
    ;;
esac
