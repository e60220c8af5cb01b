#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Loss survival figures, as root: Confab and Chromium over the
same impaired path in the loss lab (tests/loss/losslab.sh, confab-impair
between two network namespaces), 640x360 at 30 fps.

For every round trip (--rtt) and loss pattern (--loss: random percentages,
each way, and Gilbert-Elliott 10%/burst 3 unless --no-ge), every peer
(--peers) makes --runs calls of --seconds; the table gives the medians:

  decoded   frames decoded, as % of the same peer's clean run at that RTT
            (and as % of what its peer encoded)
  frz/min   freezes per minute per receiver (W3C webrtc-stats definition:
            Confab's video.freezes, Chromium's freezeCount)
  frz s     seconds frozen per receiver
  ovh       FEC + RTX packets over media packets sent, %

Peers: confab (default: adaptive), confab-fec-off (--fec off),
confab-rtx-off (--rtx off, if this confab has that option), chromium
(data/web/confab.html, headless, fake devices). Run i of a cell uses
seed --seed + i, the same for every peer.

  sudo tools/bench-loss-survival.py --build build --seconds 20 --runs 1 \\
      --loss 10,20 --no-ge --rtt 20,150
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def confab_has_option(confab, option):
    out = subprocess.run([confab, 'offer', '--help-all'], capture_output=True, text=True).stdout
    return option in out


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--build', default=os.path.join(ROOT, 'build'), help='meson build directory')
    p.add_argument('--runs', type=int, default=1, help='calls per cell (medians)')
    p.add_argument('--seconds', type=int, default=20, help='length of each call')
    p.add_argument('--loss', default='0,2,5,10,20', help='random loss each way, %% (comma list)')
    p.add_argument('--no-ge', action='store_true', help='leave out Gilbert-Elliott 10%%/burst 3')
    p.add_argument('--rtt', default='20,150', help='round trips, ms (comma list)')
    p.add_argument('--peers', default='confab,confab-fec-off,confab-rtx-off,chromium')
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--json', help='also write every call\'s figures to this file')
    return p.parse_args()


def main():
    args = parse_args()
    os.environ.setdefault('CONFAB_SOURCE_DIR', ROOT)
    os.environ['CONFAB_BUILD_DIR'] = os.path.abspath(args.build)
    sys.path.insert(0, os.path.join(ROOT, 'tests', 'loss'))
    import losslab

    reason = losslab.why_not()
    if reason:
        print('bench-loss-survival: cannot run: %s' % reason, file=sys.stderr)
        return 1
    variants = {'confab': [], 'confab-fec-off': ['--fec', 'off'],
                'confab-rtx-off': ['--rtx', 'off'], 'chromium': None}
    peers = []
    for name in args.peers.split(','):
        if name not in variants:
            print('bench-loss-survival: unknown peer %s' % name, file=sys.stderr)
            return 2
        if name == 'confab-rtx-off' and not confab_has_option(losslab.web.CONFAB, '--rtx'):
            print('# confab-rtx-off left out: this confab has no --rtx option')
            continue
        if name == 'chromium' and losslab.chromium_missing():
            print('# chromium left out: %s missing' % losslab.chromium_missing())
            continue
        peers.append(name)

    losses = ['%s%%' % x if x not in ('0', '') else None for x in args.loss.split(',')]
    if None not in losses:
        losses.insert(0, None)  # the clean run every figure is relative to
    if not args.no_ge:
        losses.append('ge:10:3')
    rtts = [int(x) for x in args.rtt.split(',')]

    driver = None
    workdir = tempfile.mkdtemp(prefix='confab-loss-bench-')
    if 'chromium' in peers:
        driver = losslab.web.Driver(workdir)
    every = []
    table = {}
    started = time.monotonic()
    try:
        for rtt in rtts:
            for loss in losses:
                for peer in peers:
                    calls = []
                    for run in range(args.runs):
                        spec = losslab.rtt_spec(loss, rtt, args.seed + run)
                        with losslab.Lab(spec) as lab:
                            try:
                                if peer == 'chromium':
                                    call = losslab.chromium_call(lab, driver, args.seconds)
                                else:
                                    call = losslab.confab_call(lab, args.seconds, variants[peer])
                            except Exception as e:
                                print('# %s, %s, RTT %d ms, run %d failed: %s' % (
                                    peer, loss or 'clean', rtt, run, e), flush=True)
                                continue
                        s = losslab.summary(call, args.seconds)
                        calls.append(s)
                        every.append({'peer': peer, 'loss': loss, 'rtt_ms': rtt, 'spec': spec,
                                      'summary': s, 'call': call})
                        print('# %-14s %-8s RTT %3d ms run %d: %s' % (
                            peer, loss or 'clean', rtt, run,
                            losslab.describe('', call, args.seconds).strip()), flush=True)
                    table[(rtt, loss, peer)] = calls
    finally:
        if driver:
            driver.close()
        shutil.rmtree(workdir, ignore_errors=True)

    if args.json:
        import json
        with open(args.json, 'w') as f:
            json.dump(every, f, indent=1)

    def median(calls, key):
        return statistics.median(c[key] for c in calls) if calls else None

    print()
    print('Loss survival, %dx%d at %d fps, %d s calls, %d run(s) per cell (medians), %.0f min' % (
        *losslab.RESOLUTION, losslab.FRAMERATE, args.seconds, args.runs,
        (time.monotonic() - started) / 60))
    print('decoded: % of the peer\'s clean run at that RTT (% of frames encoded); '
          'frz/min and frz s per receiver; ovh: FEC+RTX over media packets')
    head = '| RTT | loss each way |' + ''.join(' %s |' % p for p in peers)
    print(head)
    print('|' + '---|' * (2 + len(peers)))
    for rtt in rtts:
        for loss in losses:
            cells = []
            clean_of = {p: median(table.get((rtt, None, p), []), 'frames_decoded') for p in peers}
            for peer in peers:
                calls = table.get((rtt, loss, peer), [])
                if not calls:
                    cells.append(' failed |')
                    continue
                decoded = median(calls, 'frames_decoded')
                encoded = median(calls, 'frames_encoded')
                rel = '%.0f%%' % (100.0 * decoded / clean_of[peer]) if clean_of[peer] else '-'
                cells.append(' %s (%.0f%%), %.1f frz/min, %.1f frz s, ovh %.0f%% |' % (
                    rel, 100.0 * decoded / encoded if encoded else 0,
                    median(calls, 'freezes_per_min'), median(calls, 'freeze_s'),
                    median(calls, 'overhead_pct')))
            name = {None: '0', 'ge:10:3': 'GE 10%/burst 3'}.get(loss, loss)
            print('| %d ms | %s |%s' % (rtt, name, ''.join(cells)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
