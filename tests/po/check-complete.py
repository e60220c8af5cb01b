#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""check-complete.py PO... : fail unless every message of every PO file is
translated and none is fuzzy.

Counts, per file, the messages (header and obsolete "#~" entries aside) whose
msgstr, or any msgstr[N] of a plural message, is empty, and those flagged
fuzzy; also checks that plural messages have as many forms as the
Plural-Forms header's nplurals. Prints one line per file and exits 1 on any
problem (2 if a file cannot be read or parsed)."""
import re
import sys

KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')
CONTINUATION = re.compile(r'^"(.*)"\s*$')


class Entry:
    def __init__(self):
        self.flags = set()
        self.ctxt = None
        self.msgid = None
        self.msgid_plural = None
        self.msgstr = {}
        self.line = 0


def parse(path):
    entries = []
    cur = None
    last = None

    def finish():
        nonlocal cur, last
        if cur is not None and cur.msgid is not None:
            entries.append(cur)
        cur, last = None, None

    with open(path, encoding='utf-8') as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            if not line.strip():
                finish()
                continue
            if line.startswith('#~'):  # obsolete: not part of the catalogue
                continue
            if line.startswith('#'):
                if cur is not None and cur.msgid is not None:
                    finish()
                if cur is None:
                    cur = Entry()
                if line.startswith('#,'):
                    cur.flags.update(flag.strip() for flag in line[2:].split(','))
                continue
            m = KEYWORD.match(line)
            if m:
                keyword, index, value = m.group(1), m.group(2), m.group(3)
                if keyword in ('msgctxt', 'msgid') and cur is not None and cur.msgid is not None:
                    finish()
                if cur is None:
                    cur = Entry()
                if keyword == 'msgctxt':
                    cur.ctxt, last = value, ('ctxt', None)
                elif keyword == 'msgid':
                    cur.msgid, cur.line, last = value, number, ('msgid', None)
                elif keyword == 'msgid_plural':
                    cur.msgid_plural, last = value, ('msgid_plural', None)
                else:
                    key = int(index) if index is not None else -1
                    cur.msgstr[key], last = value, ('msgstr', key)
                continue
            m = CONTINUATION.match(line)
            if m and cur is not None and last is not None:
                kind, key = last
                if kind == 'msgstr':
                    cur.msgstr[key] += m.group(1)
                elif kind == 'ctxt':
                    cur.ctxt += m.group(1)
                elif kind == 'msgid':
                    cur.msgid += m.group(1)
                else:
                    cur.msgid_plural += m.group(1)
                continue
            raise ValueError(f'{path}:{number}: cannot parse: {line!r}')
    finish()
    return entries


def check(path):
    entries = parse(path)
    header = next((e for e in entries if e.msgid == '' and e.ctxt is None), None)
    messages = [e for e in entries if e is not header]
    problems = []
    if header is None:
        problems.append('no header entry')
        nplurals = None
    else:
        if 'fuzzy' in header.flags:
            problems.append('the header is fuzzy')
        m = re.search(r'nplurals\s*=\s*(\d+)', header.msgstr.get(-1, ''))
        nplurals = int(m.group(1)) if m else None
        if nplurals is None:
            problems.append('no nplurals in the Plural-Forms header')

    untranslated = fuzzy = 0
    for e in messages:
        where = f'{path}:{e.line}: "{e.msgid[:60]}"'
        if 'fuzzy' in e.flags:
            fuzzy += 1
            problems.append(f'{where} is fuzzy')
        if e.msgid_plural is not None:
            forms = sorted(k for k in e.msgstr if k >= 0)
            if nplurals is not None and forms != list(range(nplurals)):
                problems.append(f'{where} has plural forms {forms}, expected {nplurals}')
            if not forms or any(e.msgstr[k] == '' for k in forms):
                untranslated += 1
                problems.append(f'{where} is untranslated')
        elif e.msgstr.get(-1, '') == '':
            untranslated += 1
            problems.append(f'{where} is untranslated')

    print(f'{path}: {len(messages) - untranslated - fuzzy} translated, '
          f'{fuzzy} fuzzy, {untranslated} untranslated')
    if not messages:
        problems.append('no messages')
    for p in problems:
        print(f'  {p}')
    return not problems


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    ok = True
    for path in argv[1:]:
        try:
            ok = check(path) and ok
        except (OSError, UnicodeDecodeError, ValueError) as e:
            print(f'{path}: {e}', file=sys.stderr)
            return 2
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
