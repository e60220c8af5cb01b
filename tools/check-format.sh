#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks that every C source and header in the tree is formatted as .clang-format says.
# Run by the test suite (meson test format); `sh tools/check-format.sh --fix` rewrites the
# files in place instead.
set -eu
cd "$(dirname "$0")/.."

if ! command -v clang-format >/dev/null 2>&1; then
  echo "check-format: SKIP: clang-format is not installed (sh tools/install-deps.sh installs it)" >&2
  exit 77
fi

# The tracked files in a git checkout; every .c/.h outside build trees otherwise.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  files=$(git ls-files '*.c' '*.h')
else
  files=$(find . -name '*.[ch]' -not -path './build*' -not -path './_build/*' | sort)
fi

if [ "${1:-}" = "--fix" ]; then
  # shellcheck disable=SC2086
  clang-format -i $files
  exit 0
fi

# shellcheck disable=SC2086
if ! clang-format --dry-run --Werror $files; then
  echo "check-format: the files above differ from .clang-format; run sh tools/check-format.sh --fix" >&2
  exit 1
fi
echo "check-format: $(echo "$files" | wc -l) files formatted as .clang-format says"
