#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage: check-tool.sh PACKAGE TOOL [ARG...]
# Runs TOOL with ARGs, or exits 77 (meson's "skipped") with a message naming
# the Debian PACKAGE when TOOL is not installed, so a missing validator shows
# up as a skip rather than a pass or a failure.
set -eu

package=$1
tool=$2
shift 2

if ! command -v "$tool" >/dev/null 2>&1; then
  echo "SKIP: $tool not found; install the $package package (tools/install-deps.sh)" >&2
  exit 77
fi

exec "$tool" "$@"
