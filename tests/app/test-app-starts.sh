#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `confab app` as installed users start it: the real binary, with a session
# bus, on the display run-with-display.sh gives. It must come up, stay up,
# and say nothing alarming; a screenshot of the screen is kept.
# Usage: test-app-starts.sh CONFAB_BINARY OUTPUT_PNG
set -u
confab="$1"
png="$2"

if ! command -v dbus-run-session >/dev/null 2>&1; then
  echo "1..0 # SKIP dbus-run-session is missing (apt-get install dbus)"
  exit 77
fi

echo "1..2"
log=$(mktemp)
# GTK warns without a session bus; the app runs in one, as on a desktop.
dbus-run-session -- sh -c "timeout 6 '$confab' app" >"$log" 2>&1 &
runner=$!
sleep 4
if command -v gst-launch-1.0 >/dev/null 2>&1; then
  gst-launch-1.0 -q ximagesrc use-damage=false num-buffers=1 ! videoconvert ! pngenc \
    ! filesink location="$png" >/dev/null 2>&1
fi
wait $runner
status=$?

if [ "$status" -eq 124 ]; then
  echo "ok 1 confab app stayed up until stopped"
else
  echo "not ok 1 confab app exited by itself with status $status"
  sed 's/^/# /' "$log"
fi
if grep -E "CRITICAL|Gtk-WARNING|Adwaita-WARNING|GLib-GObject-WARNING" "$log" >/dev/null; then
  echo "not ok 2 confab app printed warnings"
  sed 's/^/# /' "$log"
else
  echo "ok 2 no warnings (screenshot: $png)"
fi
rm -f "$log"
