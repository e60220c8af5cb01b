#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Real calls through data/web/confab.html in headless Chromium (issue 9).

Talks W3C WebDriver to chromedriver over HTTP (stdlib only), carries the
offer and answer between the two sides as a person would (typed into the
page's text box), and checks what the page shows in window.confabState.

  test-web.py [--list] [--figures N] [CASE-PREFIX...]

Cases: browser/* (page <-> page), confab-offers/* (`confab offer` <-> page),
browser-offers/* (page <-> `confab answer`). --figures N repeats the
browser-offers call N times and prints the median times from applying the
answer. Output is TAP; skips (exit 77 in meson's eyes: "1..0 # SKIP") when
Chromium, chromedriver or the confab binary is missing.
"""

import hashlib
import base64
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zlib

SOURCE_DIR = os.environ.get('CONFAB_SOURCE_DIR',
                            os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD_DIR = os.environ.get('CONFAB_BUILD_DIR', os.path.join(SOURCE_DIR, 'build'))
PAGE = os.path.join(SOURCE_DIR, 'data', 'web', 'confab.html')
CONFAB = os.path.join(BUILD_DIR, 'app', 'confab')
CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
CHROMEDRIVER = shutil.which('chromedriver') or '/usr/bin/chromedriver'

WATCHDOG_S = float(os.environ.get('CONFAB_WEB_WATCHDOG', '600'))
CALL_S = 6  # how long `confab` stays in the call

children = []  # processes to kill when the watchdog fires


def tap_comment(text):
    for line in str(text).splitlines() or ['']:
        print('# ' + line, flush=True)


# ---------------------------------------------------------------------------
# The compact form and the SAS, from their definitions (not from the page)
# ---------------------------------------------------------------------------

def compact_dictionary():
    """The preset dictionary, read from the C source that defines format 1."""
    with open(os.path.join(SOURCE_DIR, 'transport', 'confab-sdp-compact.c'), encoding='utf-8') as f:
        src = f.read()
    m = re.search(r'static const char dictionary\[\]\s*=\s*((?:\s*"(?:[^"\\]|\\.)*")+);', src)
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))
    return ''.join(parts).encode('ascii').decode('unicode_escape').encode('ascii')


def compact_decode(text):
    """Returns (type 'O'/'A', sdp) of a 'confab1:' text, checking its CRC."""
    assert text.startswith('confab1:'), text[:20]
    body = text[len('confab1:'):]
    frame = base64.urlsafe_b64decode(body + '=' * (-len(body) % 4))
    crc = int.from_bytes(frame[-4:], 'big')
    assert zlib.crc32(frame[:-4]) == crc, 'CRC mismatch'
    assert frame[0] == 1, 'version %d' % frame[0]
    d = zlib.decompressobj(-15, zdict=compact_dictionary())
    sdp = d.decompress(frame[2:-4]) + d.flush()
    assert d.eof and not d.unused_data, 'deflate stream not complete'
    return chr(frame[1]), sdp.decode('utf-8')


def compact_encode(sdp, kind):
    """As Confab encodes: raw deflate that refers into the dictionary."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15, zdict=compact_dictionary())
    frame = bytes([1, ord(kind)]) + c.compress(sdp.encode('utf-8')) + c.flush()
    frame += zlib.crc32(frame).to_bytes(4, 'big')
    return 'confab1:' + base64.urlsafe_b64encode(frame).decode('ascii').rstrip('=')


def fingerprint(sdp):
    m = re.search(r'^a=fingerprint:\s*(\S+)\s+([0-9A-Fa-f:]+)\s*$', sdp.replace('\r', ''), re.M)
    return m.group(1).lower() + ' ' + m.group(2).upper() if m else None


def sas(offer_sdp, answer_sdp):
    """transport/confab-dtls-sas.h, computed here independently."""
    data = 'confab-sas-1\n%s\n%s\n' % (fingerprint(offer_sdp), fingerprint(answer_sdp))
    n = int.from_bytes(hashlib.sha256(data.encode('ascii')).digest()[:4], 'big') % 1000000
    s = '%06d' % n
    return s[:3] + ' ' + s[3:]


# ---------------------------------------------------------------------------
# WebDriver
# ---------------------------------------------------------------------------

ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'


class WebDriverError(Exception):
    pass


class Driver:
    """One chromedriver process; sessions are browsers."""

    def __init__(self, workdir):
        with socket.socket() as s:
            s.bind(('127.0.0.1', 0))
            self.port = s.getsockname()[1]
        self.log = open(os.path.join(workdir, 'chromedriver.log'), 'w')
        self.proc = subprocess.Popen([CHROMEDRIVER, '--port=%d' % self.port],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        children.append(self.proc)
        self.workdir = workdir
        deadline = time.monotonic() + 20
        while True:
            try:
                if self.request('GET', '/status')['ready']:
                    break
            except (OSError, WebDriverError):
                pass
            if time.monotonic() > deadline:
                raise WebDriverError('chromedriver did not start')
            time.sleep(0.1)

    def request(self, method, path, body=None, timeout=60):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request('http://127.0.0.1:%d%s' % (self.port, path), data=data,
                                     method=method,
                                     headers={'Content-Type': 'application/json; charset=utf-8'})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return json.loads(r.read().decode())['value']
        except urllib.error.HTTPError as e:
            try:
                value = json.loads(e.read().decode())['value']
                raise WebDriverError('%s: %s' % (value.get('error'), value.get('message', '')[:300]))
            except (ValueError, KeyError):
                raise WebDriverError('HTTP %d on %s' % (e.code, path))

    def browser(self, name, camera=True, netns=None, query='', fps=None):
        """@netns: Chromium runs in that network namespace (tests/loss/), and
        chromedriver talks to it over a pipe rather than its loopback.
        @query: the page's, e.g. '?video=640x360@30'; @fps: the fake camera's
        frame rate (its default is 20)."""
        profile = tempfile.mkdtemp(prefix='profile-%s-' % name, dir=self.workdir)
        fake = '--use-fake-device-for-media-stream' + (
            '=device-count=0' if not camera else '=fps=%d' % fps if fps else '')
        args = ['--headless=new', '--no-sandbox', fake,
                '--use-fake-ui-for-media-stream', '--allow-file-access-from-files',
                '--autoplay-policy=no-user-gesture-required', '--disable-dev-shm-usage',
                '--no-first-run', '--user-data-dir=' + profile]
        binary = CHROMIUM
        if netns:
            binary = os.path.join(profile, 'chromium-in-netns')
            with open(binary, 'w') as f:
                f.write('#!/bin/sh\nexec ip netns exec %s %s "$@"\n' % (netns, CHROMIUM))
            os.chmod(binary, 0o755)
            args.append('--remote-debugging-pipe')
        caps = {'capabilities': {'alwaysMatch': {
            'browserName': 'chrome',
            'goog:chromeOptions': {'binary': binary, 'args': args}}}}
        value = self.request('POST', '/session', caps, timeout=90)
        return Browser(self, value['sessionId'], name, query)

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


class Browser:
    def __init__(self, driver, session, name, query=''):
        self.driver = driver
        self.session = session
        self.name = name
        self.query = query

    def cmd(self, method, path, body=None, timeout=60):
        return self.driver.request(method, '/session/%s%s' % (self.session, path), body, timeout)

    def open_page(self):
        self.cmd('POST', '/url', {'url': 'file://' + PAGE + self.query})

    def js(self, script, *args):
        return self.cmd('POST', '/execute/sync', {'script': script, 'args': list(args)})

    def element(self, element_id):
        value = self.cmd('POST', '/element', {'using': 'css selector', 'value': '#' + element_id})
        return value[ELEMENT]

    def click(self, element_id):
        self.cmd('POST', '/element/%s/click' % self.element(element_id), {})

    def type_into(self, element_id, text):
        """As a person pastes it: the text box gets every character."""
        el = self.element(element_id)
        self.cmd('POST', '/element/%s/clear' % el, {})
        # Chromedriver turns each "\n" into an Enter key press, a new line in a
        # text area; "\r" would add a second one.
        self.cmd('POST', '/element/%s/value' % el, {'text': text.replace('\r\n', '\n')},
                 timeout=120)

    def text(self, element_id):
        return self.cmd('GET', '/element/%s/text' % self.element(element_id))

    def state(self):
        return self.js('return window.confabState;')

    def wait(self, what, predicate, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            st = self.state()
            if predicate(st):
                return st
            if time.monotonic() > deadline:
                raise AssertionError('%s: timed out waiting for %s; state %s, status "%s", '
                                     'paste error "%s"' % (self.name, what, st.get('state'),
                                                           self.text('status'),
                                                           self.text('paste-error')))
            time.sleep(0.1)

    def close(self):
        try:
            self.cmd('DELETE', '', timeout=30)
        except (OSError, WebDriverError):
            pass


# ---------------------------------------------------------------------------
# Page steps
# ---------------------------------------------------------------------------

def set_compact(browser, on):
    if bool(browser.js('return document.getElementById("compact").checked;')) != on:
        browser.click('compact')


def local_blob(browser, compact):
    """Waits for the offer or answer the page shows, in the form asked for."""
    st = browser.wait('its offer or answer', lambda s: s['localSdp'] is not None or s['error'], 60)
    if st['localSdp'] is None:
        raise AssertionError('%s: %s' % (browser.name, st['error']))
    set_compact(browser, compact)
    st = browser.wait('the %s form' % ('compact' if compact else 'plain'),
                      lambda s: s['localBlob'] is not None
                      and s['localBlob'].startswith('confab1:') == compact, 10)
    return st['localBlob'], st['localSdp']


def start(browser, compact):
    browser.open_page()
    browser.click('start')
    return local_blob(browser, compact)


def join(browser, offer_blob, compact):
    browser.open_page()
    browser.click('join')
    browser.type_into('remote-blob', offer_blob)
    browser.click('apply')
    return local_blob(browser, compact)


def apply_answer(browser, answer_blob):
    browser.type_into('remote-blob', answer_blob)
    browser.click('apply')
    st = browser.wait('the answer to be taken',
                      lambda s: s['state'] != 'waiting-answer' or s['error'], 20)
    if st['state'] == 'waiting-answer':
        raise AssertionError('the page refused the answer: ' + st['error'])


def in_call(s):
    return s['dtlsState'] == 'connected' and s['video']['framesDecoded'] > 0 \
        and s['audio']['packetsReceived'] > 0


# ---------------------------------------------------------------------------
# Test cases
# ---------------------------------------------------------------------------

def browser_browser(driver, compact):
    a = driver.browser('A')
    b = driver.browser('B')
    try:
        offer_blob, offer_sdp = start(a, compact)
        if compact:
            assert compact_decode(offer_blob) == ('O', offer_sdp), 'the offer does not decode back'
            # The page's own deflate uses the dictionary as zlib does.
            assert len(offer_blob) <= len(compact_encode(offer_sdp, 'O')) + 24, \
                'the compact offer is %d characters, zlib with the dictionary %d' % (
                    len(offer_blob), len(compact_encode(offer_sdp, 'O')))
        if not compact:
            # As a chat window wraps it, with no-break spaces for spaces.
            offer_blob = '\n'.join(line[i:i + 61].replace(' ', '\u00a0')
                                   for line in offer_blob.splitlines()
                                   for i in range(0, max(len(line), 1), 61))
        answer_blob, answer_sdp = join(b, offer_blob, compact)
        if compact:
            assert compact_decode(answer_blob) == ('A', answer_sdp), 'the answer does not decode back'
            # What Confab writes refers into the dictionary; the page must
            # read that too.
            answer_blob = compact_encode(answer_sdp, 'A')
        apply_answer(a, answer_blob)
        sa = a.wait('media and DTLS', in_call, 30)
        sb = b.wait('media and DTLS', in_call, 30)
        expected = sas(offer_sdp, answer_sdp)
        assert sa['sas'] == sb['sas'] == expected, 'SAS A %s, B %s, expected %s' % (
            sa['sas'], sb['sas'], expected)
        assert sb['remoteSdp'].replace('\r\n', '\n') == offer_sdp.replace('\r\n', '\n'), \
            'B did not get the offer byte for byte'
        tap_comment('A: %s; SAS %s; frames %d; times %s' % (sa['pair'], sa['sas'],
                                                          sa['video']['framesDecoded'], sa['times']))
        tap_comment('B: %s; frames %d' % (sb['pair'], sb['video']['framesDecoded']))
        b.click('hangup')
        a.wait('the other side to hang up', lambda s: s['state'] == 'ended', 15)
    finally:
        a.close()
        b.close()


def bad_paste(driver, _compact):
    b = driver.browser('B')
    try:
        b.open_page()
        b.click('join')
        cases = [('confab1:AQ', 'incomplete'),
                 ('confab1:AAAA\u00e9AAA', 'does not belong'),
                 ('confab7:AAAAAAAA', 'format 7'),
                 ('hello', 'neither an offer nor an answer'),
                 ('<img src=x onerror="window.pwned=1">', 'neither an offer nor an answer'),
                 ('v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=Confab answer\r\nt=0 0\r\n'
                  'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ice-ufrag:abcd\r\n'
                  'a=fingerprint:sha-256 AB:CD\r\n', 'this is an answer')]
        for text, words in cases:
            b.type_into('remote-blob', text)
            b.click('apply')
            deadline = time.monotonic() + 5
            while words not in b.text('paste-error') and time.monotonic() < deadline:
                time.sleep(0.05)
            shown = b.text('paste-error')
            assert words in shown, 'pasting %r shows %r' % (text, shown)
            assert '\n' not in shown
            st = b.state()
            assert st['state'] == 'waiting-offer', st['state']
        assert b.js('return window.pwned === undefined;'), 'a paste ran as HTML'
    finally:
        b.close()


def sha256_fallback(driver, _compact):
    """The page's own SHA-256 (for pages served where crypto.subtle is
    missing) against hashlib, across the padding boundaries."""
    b = driver.browser('B')
    try:
        b.open_page()
        for n in (0, 1, 55, 56, 63, 64, 65, 119, 120, 200):
            data = bytes((i * 7 + n) & 0xFF for i in range(n))
            got = b.js('return Array.from(window.confabCompact.sha256Fallback('
                       'Uint8Array.from(arguments[0])));', list(data))
            assert bytes(got) == hashlib.sha256(data).digest(), 'SHA-256 of %d bytes' % n
        fp_a = 'sha-256 ' + ':'.join('%02X' % i for i in range(32))
        fp_b = 'sha-256 ' + ':'.join('%02X' % (255 - i) for i in range(32))
        got = b.js('return await window.confabCompact.sas(arguments[0], arguments[1]);', fp_a, fp_b)
        want = sas('a=fingerprint:' + fp_a, 'a=fingerprint:' + fp_b)
        assert got == want, 'SAS %s, expected %s' % (got, want)
    finally:
        b.close()


class ConfabProcess:
    def __init__(self, workdir, role, duration=CALL_S, prefix=(), extra=()):
        """@prefix runs confab through a command (`ip netns exec NS`), @extra
        are more options for it."""
        self.stats_path = os.path.join(workdir, 'confab-%s-stats.json' % role)
        self.stderr = open(os.path.join(workdir, 'confab-%s.log' % role), 'w+')
        env = dict(os.environ)
        self.proc = subprocess.Popen(list(prefix) + [
                                      CONFAB, role, '--video', 'test', '--audio', 'test',
                                      '--duration', str(duration), '--stats', self.stats_path]
                                     + list(extra),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, env=env)
        children.append(self.proc)
        self.seen_dtls_connected = False
        self.page_dtls_connected = False

    def read_blob(self, timeout=30):
        lines = []
        result = {}

        def reader():
            for raw in self.proc.stdout:
                line = raw.decode('utf-8', 'replace').rstrip('\r\n')
                if line == '' and lines:
                    break
                lines.append(line)
            result['done'] = True

        t = threading.Thread(target=reader, daemon=True)
        t.start()
        t.join(timeout)
        if 'done' not in result or not lines:
            raise AssertionError('confab printed no offer/answer: %s' % self.log_tail())
        return '\r\n'.join(lines) + '\r\n'

    def write_blob(self, text):
        self.proc.stdin.write(text.replace('\r\n', '\n').rstrip('\n').encode() + b'\n\n')
        self.proc.stdin.flush()

    def stats(self):
        try:
            with open(self.stats_path) as f:
                s = json.load(f)
        except (OSError, ValueError):
            return None
        dtls = s.get('dtls') or {}
        if dtls.get('state') == 'connected':
            self.seen_dtls_connected = True
        return s

    def finish(self, browser, timeout):
        """Follows the call to its end; returns the final stats and the page's
        state at its best (most frames) while the call ran."""
        best = None
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            self.stats()
            st = browser.state()
            if best is None or st['video']['framesDecoded'] >= best['video']['framesDecoded']:
                best = st
            # Confab's close_notify ends the page's DTLS at the end of the call.
            if st['dtlsState'] == 'connected':
                self.page_dtls_connected = True
            if time.monotonic() > deadline:
                self.proc.kill()
                raise AssertionError('confab did not end: %s' % self.log_tail())
            time.sleep(0.2)
        return self.stats(), best, self.proc.returncode

    def log_tail(self):
        self.stderr.flush()
        self.stderr.seek(0)
        return ' | '.join(self.stderr.read().strip().splitlines()[-6:])

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()


def check_confab_call(confab, stats, page, rc, offer_sdp, answer_sdp, camera=True):
    expected = sas(offer_sdp, answer_sdp)
    assert stats is not None, 'no stats: %s' % confab.log_tail()
    where = 'confab exit %d, stats %s; log: %s' % (rc, json.dumps({k: stats.get(k) for k in (
        'call', 'dtls', 'ice')})[:600], confab.log_tail())
    assert page['sas'] == expected, 'page SAS %s, expected %s' % (page['sas'], expected)
    assert confab.page_dtls_connected, 'page DTLS never connected (%s); %s' % (
        page['dtlsState'], where)
    assert page['video']['framesDecoded'] > 0, 'page decoded no video; ' + where
    assert page['audio']['packetsReceived'] > 0, 'page got no audio; ' + where
    assert rc == 0, where
    assert (stats.get('call') or {}).get('state') == 'ended', where
    if camera:
        assert stats['video']['frames_decoded'] > 0, 'confab decoded no video; ' + where
    else:
        assert not stats['video'].get('frames_decoded'), 'video from a page without a camera'
    assert stats['audio']['frames_decoded'] > 0, 'confab decoded no audio; ' + where
    dtls = stats.get('dtls')
    assert isinstance(dtls, dict), 'confab stats have no "dtls" object; ' + where
    assert confab.seen_dtls_connected, 'confab never reported DTLS connected; ' + where
    assert dtls.get('fingerprint_verified') is True, where
    assert dtls.get('sas') == expected, 'confab SAS %s, expected %s' % (dtls.get('sas'), expected)


def confab_offers(driver, compact, workdir, camera=True, extra=()):
    confab = ConfabProcess(workdir, 'offer', extra=extra)
    page = driver.browser('page', camera)
    try:
        offer_sdp = confab.read_blob()
        answer_blob, answer_sdp = join(page, offer_sdp, compact)
        page_state = page.state()
        confab.write_blob(answer_blob)
        stats, best, rc = confab.finish(page, CALL_S + 40)
        tap_comment('page: %s; times from the offer applied %s' % (best['pair'], best['times']))
        times = {}
        if stats:
            times = {'ice-connected': stats.get('ice', {}).get('checks_ms'),
                     'dtls-connected': (stats.get('dtls') or {}).get('connected_ms'),
                     'first-frame': stats.get('first_frame_ms')}
            tap_comment('confab, from the answer applied: %s' % times)
        assert page_state['remoteSdp'] is not None
        check_confab_call(confab, stats, best, rc, offer_sdp, answer_sdp, camera)
        # Confab's own Reed-Solomon, offered besides FlexFEC: a browser
        # ignores it and the call goes on with what it does answer.
        if '--fec' in extra:
            assert 'x-confab-rs/90000' in offer_sdp, offer_sdp
            assert 'x-confab-rs' not in answer_sdp, answer_sdp
            assert stats['video'].get('fec_scheme') != 'rs', stats['video']
            tap_comment('video FEC agreed: %s' % stats['video'].get('fec_scheme'))
        return times
    finally:
        page.close()
        confab.close()


def browser_offers(driver, compact, workdir, camera=True):
    """Returns the page's times from applying the answer."""
    confab = ConfabProcess(workdir, 'answer')
    page = driver.browser('page', camera)
    try:
        offer_blob, offer_sdp = start(page, compact)
        confab.write_blob(offer_blob)
        answer_sdp = confab.read_blob()
        answer_blob = compact_encode(answer_sdp, 'A') if compact else answer_sdp
        apply_answer(page, answer_blob)
        stats, best, rc = confab.finish(page, CALL_S + 40)
        tap_comment('page: %s; times from the answer applied %s' % (best['pair'], best['times']))
        check_confab_call(confab, stats, best, rc, offer_sdp, answer_sdp, camera)
        return best['times']
    finally:
        page.close()
        confab.close()


def page_hangs_up(driver, workdir):
    """Hang up on the page: Confab, left to run for a minute, ends at once
    (DTLS close_notify) and counts it as a normal end."""
    confab = ConfabProcess(workdir, 'answer', duration=60)
    page = driver.browser('page')
    try:
        offer_blob, _ = start(page, False)
        confab.write_blob(offer_blob)
        apply_answer(page, confab.read_blob())
        page.wait('media and DTLS', in_call, 30)
        deadline = time.monotonic() + 20
        while not (confab.stats() or {}).get('video', {}).get('frames_decoded'):
            assert time.monotonic() < deadline, 'confab decoded nothing: ' + confab.log_tail()
            time.sleep(0.1)
        page.click('hangup')
        t0 = time.monotonic()
        try:
            rc = confab.proc.wait(10)
        except subprocess.TimeoutExpired:
            raise AssertionError('confab still in the call 10 s after the page hung up: ' +
                                 confab.log_tail())
        took = time.monotonic() - t0
        tap_comment('confab ended %.0f ms after the page hung up' % (took * 1000))
        stats = confab.stats()
        assert rc == 0, 'confab exit %d: %s' % (rc, confab.log_tail())
        assert (stats.get('call') or {}).get('state') == 'ended', stats.get('call')
        assert took < 3, 'confab took %.1f s to end' % took
    finally:
        page.close()
        confab.close()


def browser_browser_times(driver):
    a = driver.browser('A')
    b = driver.browser('B')
    try:
        offer_blob, _ = start(a, False)
        answer_blob, _ = join(b, offer_blob, False)
        apply_answer(a, answer_blob)
        sa = a.wait('the first frame', lambda s: 'first-frame' in s['times']
                    and 'dtls-connected' in s['times'], 30)
        return sa['times']
    finally:
        a.close()
        b.close()


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def main():
    args = sys.argv[1:]
    figures = 0
    if '--figures' in args:
        i = args.index('--figures')
        figures = int(args[i + 1])
        del args[i:i + 2]
    workdir = tempfile.mkdtemp(prefix='confab-web-')

    cases = [
        ('browser/plain', lambda d: browser_browser(d, False)),
        ('browser/compact', lambda d: browser_browser(d, True)),
        ('browser/bad-paste', lambda d: bad_paste(d, False)),
        ('browser/sha256-fallback', lambda d: sha256_fallback(d, False)),
        ('confab-offers/plain', lambda d: confab_offers(d, False, workdir)),
        ('confab-offers/compact', lambda d: confab_offers(d, True, workdir)),
        ('confab-offers/page-without-camera', lambda d: confab_offers(d, False, workdir, False)),
        ('confab-offers/fec-rs',
         lambda d: confab_offers(d, False, workdir, extra=('--fec', 'rs'))),
        ('browser-offers/plain', lambda d: browser_offers(d, False, workdir)),
        ('browser-offers/compact', lambda d: browser_offers(d, True, workdir)),
        ('browser-offers/page-hangs-up', lambda d: page_hangs_up(d, workdir)),
        ('browser-offers/page-without-camera', lambda d: browser_offers(d, False, workdir, False)),
    ]
    # Known Confab bugs this harness found, reported as TAP TODO while the
    # failure is exactly that one; once fixed, the case passes as usual.
    known = {}
    if '--list' in args:
        for name, _ in cases:
            print(name)
        return 0
    selected = [c for c in cases if not args or any(c[0].startswith(a) for a in args)]
    if figures:
        selected = []

    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        print('1..0 # SKIP %s missing (sh tools/install-deps.sh --tests installs chromium '
              'chromium-driver)' % ', '.join(missing))
        return 0
    if any(n.startswith(('confab-offers', 'browser-offers')) for n, _ in selected) or figures:
        if not os.access(CONFAB, os.X_OK):
            print('1..0 # SKIP %s is not built' % CONFAB)
            return 0

    def watchdog():
        print('Bail out! watchdog: still running after %d s' % WATCHDOG_S, flush=True)
        for p in children:
            try:
                p.kill()
            except OSError:
                pass
        os._exit(1)

    timer = threading.Timer(WATCHDOG_S, watchdog)
    timer.daemon = True
    timer.start()

    driver = Driver(workdir)
    failed = 0
    try:
        if figures:
            return run_figures(driver, figures, workdir)
        print('1..%d' % len(selected), flush=True)
        for n, (name, fn) in enumerate(selected, 1):
            t0 = time.monotonic()
            try:
                fn(driver)
                print('ok %d - %s (%.1f s)' % (n, name, time.monotonic() - t0), flush=True)
            except Exception as e:  # one line per failure, the rest goes on
                tap_comment('%s: %s: %s' % (name, type(e).__name__, e))
                if name in known and known[name] in str(e):
                    print('not ok %d - %s # TODO known Confab bug: %s' % (n, name, known[name]),
                          flush=True)
                    continue
                failed += 1
                print('not ok %d - %s' % (n, name), flush=True)
    finally:
        driver.close()
        timer.cancel()
    if not failed:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        tap_comment('logs kept in %s' % workdir)
    return 1 if failed else 0


def run_figures(driver, runs, workdir):
    """Median times from applying the answer, N calls each, measured by the
    side that applies it."""
    print('1..3', flush=True)
    for n, (name, fn) in enumerate([
            ('page <-> page (page side)', lambda: browser_browser_times(driver)),
            ('page offers, confab answers (page side)',
             lambda: browser_offers(driver, False, workdir)),
            ('confab offers, page answers (confab side)',
             lambda: confab_offers(driver, False, workdir))], 1):
        got = {'dtls-connected': [], 'first-frame': []}
        try:
            for _ in range(runs):
                times = fn()
                for k in got:
                    if k in times:
                        got[k].append(times[k])
            tap_comment('%s, %d runs: answer applied -> DTLS connected median %s ms %s, '
                        '-> first frame median %s ms %s' % (
                            name, runs, statistics.median(got['dtls-connected']) if got['dtls-connected'] else '-',
                            got['dtls-connected'],
                            statistics.median(got['first-frame']) if got['first-frame'] else '-',
                            got['first-frame']))
            print('ok %d - figures %s' % (n, name), flush=True)
        except Exception as e:
            tap_comment('%s: %s' % (type(e).__name__, e))
            print('not ok %d - figures %s' % (n, name), flush=True)
    return 0


if __name__ == '__main__':
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sys.exit(main())
