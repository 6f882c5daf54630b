#!/usr/bin/env bash
# Install the Debian packages the test suite needs (Chromium and WebKitGTK for browser tests, PostgreSQL server).
# Only what is missing is installed: with everything present this does nothing (no apt-get at all).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need+=(postgresql)
# WebKit (the engine of iPhone Safari): MiniBrowser and WebKitWebDriver, on an Xvfb display (no headless mode).
minibrowser=(/usr/lib/*/webkit2gtk-4.1/MiniBrowser)  # in libwebkit2gtk-4.1-0, a dependency of webkit2gtk-driver
[ -x /usr/bin/WebKitWebDriver ] && [ -x "${minibrowser[0]}" ] || need+=(webkit2gtk-driver)
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
  echo "Please install as root: apt-get install -y ${need[*]}" >&2; exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
