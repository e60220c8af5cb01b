#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs exactly what Confab needs to build and run on Debian 12; with
# --tests, also what only the tests need (a real browser and its driver).
# Idempotent: packages already present are left alone and apt is not touched.
set -eu

TESTS=no
for arg in "$@"; do
  case "$arg" in
    --tests) TESTS=yes ;;
    *) echo "install-deps: unknown option $arg (only --tests)" >&2; exit 2 ;;
  esac
done

PACKAGES="
  meson ninja-build pkg-config gcc clang libclang-rt-14-dev
  libglib2.0-dev libglib2.0-dev-bin glib-networking openssl
  libnice-dev gstreamer1.0-nice libssl-dev libsrtp2-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstreamer-plugins-bad1.0-dev
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-tools
  libopus-dev libvpx-dev
  libgtk-4-dev libadwaita-1-dev
  libjson-glib-dev
  gettext desktop-file-utils appstream
  coturn xvfb xauth dbus python3 valgrind clang-format locales
  iproute2 iptables procps
"
# Test peers only: Chromium drives data/web/confab.html against Confab.
TEST_PACKAGES="chromium chromium-driver"
[ "$TESTS" = yes ] && PACKAGES="$PACKAGES $TEST_PACKAGES"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

# The tests check that numbers keep their dot under a decimal-comma locale.
need_locale() {
  ! locale -a 2>/dev/null | grep -qi '^fr_FR\.utf-\?8$'
}

make_locale() {
  if need_locale && [ "$(id -u)" = 0 ]; then
    echo "install-deps: generating the fr_FR.UTF-8 locale for the tests" >&2
    localedef -i fr_FR -f UTF-8 fr_FR.UTF-8
  fi
}

if [ -z "$missing" ]; then
  make_locale
  echo "install-deps: all Confab dependencies are installed" >&2
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing packages:$missing" >&2
  echo "install-deps: run this script as root (or with sudo) to install them" >&2
  exit 1
fi

echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >&2
make_locale
