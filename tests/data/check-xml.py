#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that each file given is well-formed XML and, for SVG icons, that
the root element is an <svg> with a viewBox of the expected size."""

import sys
import xml.dom.minidom
from xml.parsers.expat import ExpatError

SVG_NS = "http://www.w3.org/2000/svg"


def check(path: str) -> list[str]:
    try:
        doc = xml.dom.minidom.parse(path)
    except ExpatError as err:
        return [f"{path}: not well-formed XML: {err}"]
    if not path.endswith(".svg"):
        return []
    root = doc.documentElement
    problems = []
    if root.tagName != "svg" or root.getAttribute("xmlns") != SVG_NS:
        problems.append(f"{path}: root element is not an SVG <svg> in {SVG_NS}")
    size = "16" if path.endswith("-symbolic.svg") else "128"
    want = f"0 0 {size} {size}"
    if root.getAttribute("viewBox") != want:
        problems.append(f"{path}: viewBox is '{root.getAttribute('viewBox')}', not '{want}'")
    return problems


def main() -> int:
    problems = [p for path in sys.argv[1:] for p in check(path)]
    for p in problems:
        print(p, file=sys.stderr)
    if not problems:
        print(f"{len(sys.argv) - 1} file(s) well-formed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
