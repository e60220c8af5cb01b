#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what Confab needs, builds it, and runs the demo call
# (two peers over loopback; a window if there is a display, else a summary).
# Extra arguments go to `confab demo`, e.g. --headless --duration 20.
set -eu
cd "$(dirname "$0")/.."
sh tools/install-deps.sh
[ -f build/build.ninja ] || meson setup build
meson compile -C build
exec ./build/app/confab demo "$@"
