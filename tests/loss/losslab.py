# SPDX-License-Identifier: GPL-3.0-or-later
"""Calls over the loss lab (losslab.sh), Confab <-> Confab and Chromium <->
Chromium, each side's video figures read from its own stats.

The lab: host A and host B in network namespaces, the wire between them
impaired by confab-impair (the --netsim engine on a TUN device), so that
both kinds of peer cross the same seeded path. Used by test-loss.py (the
meson suite 'loss') and tools/bench-loss-survival.py (the figures).

Every call reports, per receiving host ('a' gets B's video, 'b' A's), one
dict of the same keys whatever the peer: frames_decoded, frames_encoded
(by the sender), freezes, freeze_s, packets_received, packets_lost, nack,
rtx_sent, fec_sent, media_packets_sent (the sender's), and 'impair' holds
what the wire really lost each way.
"""

import atexit
import importlib.util
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get('CONFAB_SOURCE_DIR', os.path.dirname(os.path.dirname(HERE)))
BUILD_DIR = os.environ.get('CONFAB_BUILD_DIR', os.path.join(SOURCE_DIR, 'build'))
LOSSLAB = os.path.join(HERE, 'losslab.sh')
IMPAIR = os.path.join(BUILD_DIR, 'tools', 'confab-impair', 'confab-impair')
RESOLUTION = (640, 360)
FRAMERATE = 30


def load_web():
    """tests/web/test-web.py, for its WebDriver client and page steps."""
    path = os.path.join(SOURCE_DIR, 'tests', 'web', 'test-web.py')
    spec = importlib.util.spec_from_file_location('confab_test_web', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


web = load_web()


def why_not():
    """None when the lab can run here, else the reason to skip."""
    if os.geteuid() != 0:
        return 'needs root (network namespaces, a TUN device)'
    if not os.path.exists('/dev/net/tun'):
        return '/dev/net/tun is missing'
    if not shutil.which('ip'):
        return 'ip (iproute2) is missing'
    for path in (IMPAIR, web.CONFAB):
        if not os.access(path, os.X_OK):
            return '%s is not built' % path
    return None


def chromium_missing():
    missing = [p for p in (web.CHROMIUM, web.CHROMEDRIVER) if not os.access(p, os.X_OK)]
    return ', '.join(missing) if missing else None


def rtt_spec(loss, rtt_ms, seed=1):
    """A --netsim SPEC for one direction: @loss as SPEC's loss= ('10%',
    'ge:10:3' or None) and half the round trip as its delay."""
    parts = []
    if loss:
        parts.append('loss=' + loss)
    if rtt_ms:
        parts.append('delay=%gms' % (rtt_ms / 2))
    parts.append('seed=%d' % seed)
    return ','.join(parts)


class Lab:
    """One lab, up for the with-block; removed on any exit, a signal's too."""

    live = set()

    def __init__(self, spec_ab, spec_ba=None, keep=None):
        self.id = 'confab-loss-%d-%08x' % (os.getpid(), random.getrandbits(32))
        self.dir = keep or tempfile.mkdtemp(prefix='confab-loss-')
        self.spec_ab = spec_ab
        self.spec_ba = spec_ba or spec_ab

    def __enter__(self):
        subprocess.run(['sh', LOSSLAB, 'reap'], check=False)
        Lab.live.add(self.id)
        subprocess.run(['sh', LOSSLAB, 'up', self.id, self.dir, IMPAIR, self.spec_ab,
                        self.spec_ba], check=True)
        return self

    def __exit__(self, exc_type, *_):
        self.down()
        # A failed call keeps its logs and stats; CONFAB_LOSS_KEEP=1 keeps all.
        if exc_type or os.environ.get('CONFAB_LOSS_KEEP'):
            print('# loss lab files kept in %s' % self.dir, file=sys.stderr, flush=True)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
        return False

    def down(self):
        if self.id in Lab.live:
            subprocess.run(['sh', LOSSLAB, 'down', self.id], check=False)
            Lab.live.discard(self.id)

    def ns(self, host):
        return '%s-%s' % (self.id, host)

    def impair_stats(self):
        try:
            with open(os.path.join(self.dir, 'impair.json')) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None


def _down_all():
    for lab_id in list(Lab.live):
        subprocess.run(['sh', LOSSLAB, 'down', lab_id], check=False)
    Lab.live.clear()


atexit.register(_down_all)


def _on_signal(sig, _frame):
    for child in web.children:  # chromedriver runs outside the lab
        try:
            child.kill()
        except OSError:
            pass
    _down_all()
    signal.signal(sig, signal.SIG_DFL)
    os.kill(os.getpid(), sig)


for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_sig, _on_signal)


def udp_probe(lab, count=1000):
    """@count datagrams from A to B, each echoed back (udp-probe.py): what
    the wire lost from A to B, its mean burst length, the round trip."""
    probe = os.path.join(HERE, 'udp-probe.py')
    seconds = count * 0.005 + 4
    echo = subprocess.Popen(['ip', 'netns', 'exec', lab.ns('b'), sys.executable, probe, 'echo',
                             '5000', str(seconds)], stdout=subprocess.PIPE)
    try:
        time.sleep(0.5)
        sent = subprocess.run(['ip', 'netns', 'exec', lab.ns('a'), sys.executable, probe, 'send',
                               '10.0.2.2', '5000', str(count)], stdout=subprocess.PIPE,
                              check=True, timeout=seconds + 10)
        received = set(json.loads(echo.communicate(timeout=seconds + 10)[0])['received'])
    finally:
        if echo.poll() is None:
            echo.kill()
            echo.wait()
    rtts = json.loads(sent.stdout)['rtt_ms']
    lost = [seq for seq in range(count) if seq not in received]
    bursts = sum(1 for i, seq in enumerate(lost) if i == 0 or lost[i - 1] != seq - 1)
    return {'loss_pct': 100.0 * len(lost) / count, 'mean_burst': len(lost) / bursts if bursts else 0,
            'rtt_ms': rtts[len(rtts) // 2] if rtts else None, 'echoes': len(rtts)}


# ---------------------------------------------------------------------------
# Confab <-> Confab
# ---------------------------------------------------------------------------

def _confab_receiver(rx, tx):
    v, s = rx.get('video') or {}, tx.get('video') or {}
    return {
        'frames_decoded': v.get('frames_decoded', 0),
        'frames_encoded': s.get('frames_encoded', 0),
        'freezes': v.get('freezes', 0),
        'freeze_s': v.get('freeze_s', 0.0),
        'packets_received': v.get('packets_received', 0),
        'packets_lost': v.get('packets_lost', 0),
        'nack': v.get('nack_sent', 0),
        'rtx_sent': s.get('rtx_sent', 0),
        'fec_sent': s.get('fec_repair_sent', 0),
        'media_packets_sent': s.get('packets_sent', 0),
        'fec_recovered': v.get('fec_recovered', 0),
        'rtx_recovered': v.get('rtx_recovered', 0),
        'width': v.get('width', 0),
        'height': v.get('height', 0),
    }


def confab_call(lab, seconds, options=()):
    """`confab offer` on A, `confab answer` on B, @seconds from connecting,
    with @options on both sides. Returns {'a': ..., 'b': ..., 'impair': ...}."""
    extra = ['--resolution', '%dx%d' % RESOLUTION, '--framerate', str(FRAMERATE)] + list(options)
    workdir = {h: os.path.join(lab.dir, 'confab-' + h) for h in 'ab'}
    for d in workdir.values():
        os.makedirs(d, exist_ok=True)
    offer = web.ConfabProcess(workdir['a'], 'offer', seconds,
                              ['ip', 'netns', 'exec', lab.ns('a')], extra)
    answer = web.ConfabProcess(workdir['b'], 'answer', seconds,
                               ['ip', 'netns', 'exec', lab.ns('b')], extra)
    try:
        answer.write_blob(offer.read_blob())
        offer.write_blob(answer.read_blob())
        deadline = time.monotonic() + seconds + 60
        for side in (offer, answer):
            while side.proc.poll() is None:
                if time.monotonic() > deadline:
                    raise AssertionError('confab %s did not end: %s' % (
                        'offer' if side is offer else 'answer', side.log_tail()))
                time.sleep(0.2)
        stats = {}
        for host, side in (('a', offer), ('b', answer)):
            stats[host] = side.stats()
            if side.proc.returncode != 0 or not stats[host]:
                raise AssertionError('confab on %s: exit %s: %s' % (host, side.proc.returncode,
                                                                    side.log_tail()))
        return {'a': _confab_receiver(stats['a'], stats['b']),
                'b': _confab_receiver(stats['b'], stats['a']),
                'impair': lab.impair_stats()}
    finally:
        offer.close()
        answer.close()


# ---------------------------------------------------------------------------
# Chromium <-> Chromium (data/web/confab.html)
# ---------------------------------------------------------------------------

def _page_receiver(rx, tx):
    r, s = rx.get('videoReceived') or {}, tx.get('videoSent') or {}
    retransmitted = s.get('retransmittedPacketsSent', 0)
    fec = s.get('fecPacketsSent', 0)
    return {
        'frames_decoded': r.get('framesDecoded', 0),
        'frames_encoded': s.get('framesEncoded', 0),
        'freezes': r.get('freezeCount', 0),
        'freeze_s': r.get('totalFreezesDuration', 0.0),
        'packets_received': r.get('packetsReceived', 0),
        'packets_lost': r.get('packetsLost', 0),
        'nack': r.get('nackCount', 0),
        'rtx_sent': retransmitted,
        'fec_sent': fec,
        # packetsSent counts retransmissions and FEC too (webrtc-stats).
        'media_packets_sent': s.get('packetsSent', 0) - retransmitted - fec,
        'fec_recovered': None,
        'rtx_recovered': r.get('retransmittedPacketsReceived'),
        'width': s.get('frameWidth', 0),
        'height': s.get('frameHeight', 0),
    }


def chromium_call(lab, driver, seconds):
    """The page on A offers, the page on B answers (compact form, typed in
    as a person pastes it); after both decode video, @seconds of call."""
    query = '?video=%dx%d@%d' % (RESOLUTION + (FRAMERATE,))
    a = driver.browser('A', netns=lab.ns('a'), query=query, fps=FRAMERATE)
    b = None
    try:
        b = driver.browser('B', netns=lab.ns('b'), query=query, fps=FRAMERATE)
        offer_blob, _ = web.start(a, True)
        answer_blob, _ = web.join(b, offer_blob, True)
        web.apply_answer(a, answer_blob)
        a.wait('media and DTLS', web.in_call, 60)
        b.wait('media and DTLS', web.in_call, 60)
        time.sleep(seconds)
        sa, sb = a.state(), b.state()
        return {'a': _page_receiver(sa, sb), 'b': _page_receiver(sb, sa),
                'impair': lab.impair_stats(), 'rtt_ms': (sa.get('rttMs'), sb.get('rttMs'))}
    finally:
        for browser in (a, b):
            if browser:
                browser.close()


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------

def summary(call, seconds):
    """Both receivers together: frames decoded, freezes per minute per
    receiver, freeze seconds per receiver, overhead (FEC + RTX packets over
    media packets), and what the wire lost."""
    rx = [call['a'], call['b']]
    media = sum(r['media_packets_sent'] for r in rx)
    repair = sum(r['fec_sent'] + r['rtx_sent'] for r in rx)
    impair = call.get('impair') or {}
    lost = [impair.get(d, {}).get('loss_pct') for d in ('a_to_b', 'b_to_a')]
    return {
        'frames_decoded': sum(r['frames_decoded'] for r in rx),
        'frames_encoded': sum(r['frames_encoded'] for r in rx),
        'freezes_per_min': sum(r['freezes'] for r in rx) / 2 / (seconds / 60.0),
        'freeze_s': sum(r['freeze_s'] for r in rx) / 2,
        'fec_pct': 100.0 * sum(r['fec_sent'] for r in rx) / media if media else 0.0,
        'rtx_pct': 100.0 * sum(r['rtx_sent'] for r in rx) / media if media else 0.0,
        'overhead_pct': 100.0 * repair / media if media else 0.0,
        'nack': sum(r['nack'] or 0 for r in rx),
        'wire_loss_pct': lost,
    }


def describe(name, call, seconds):
    s = summary(call, seconds)
    return ('%-8s decoded %5d of %5d encoded (%5.1f%%), %.1f freezes/min, %.1f s frozen, '
            'overhead %.1f%% (FEC %.1f%%, RTX %.1f%%), %d NACKs; wire lost %s%% A->B, %s%% B->A' % (
                name, s['frames_decoded'], s['frames_encoded'],
                100.0 * s['frames_decoded'] / s['frames_encoded'] if s['frames_encoded'] else 0,
                s['freezes_per_min'], s['freeze_s'], s['overhead_pct'], s['fec_pct'],
                s['rtx_pct'], s['nack'], s['wire_loss_pct'][0], s['wire_loss_pct'][1]))
