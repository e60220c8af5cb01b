#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what Confab needs, builds it, and runs every test.
# Extra arguments go to `meson test`, e.g. --suite transport.
set -eu
cd "$(dirname "$0")/.."
sh tools/install-deps.sh --tests
[ -f build/build.ninja ] || meson setup build
meson compile -C build
# Network and pipeline tests run two at a time at most: the machine has
# 2 cores, and a starved pipeline would measure the scheduler, not us.
meson test -C build --print-errorlogs --num-processes 2 "$@"
