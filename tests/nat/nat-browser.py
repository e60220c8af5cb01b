#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a browser does in the NAT lab: Chromium (headless, fake camera) on
host A offers through data/web/confab.html; host B answers with `confab
answer` or a second Chromium. Prints the pair each side selected and the
times from applying the answer, per run and as medians.

  nat-browser.py KIND_A KIND_B [--turn-host-unroutable] [--peer confab|browser]
                 [--servers stun|turn] [--runs N]

Needs root (network namespaces), natlab.sh's tools, chromium, chromedriver
and a built confab (CONFAB_BUILD_DIR, default ./build). A measuring tool for
the README's note, not a test: it never fails a build.
"""

import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get('CONFAB_SOURCE_DIR', os.path.dirname(os.path.dirname(HERE)))
BUILD_DIR = os.environ.get('CONFAB_BUILD_DIR', os.path.join(SOURCE_DIR, 'build'))
NATLAB = os.path.join(HERE, 'natlab.sh')
CONFAB = os.path.join(BUILD_DIR, 'app', 'confab')
TURN_HOST = '203.0.113.1'
CALL_S = 5


def load_web():
    """tests/web/test-web.py's chromedriver client and page steps."""
    spec = importlib.util.spec_from_file_location(
        'test_web', os.path.join(SOURCE_DIR, 'tests', 'web', 'test-web.py'))
    web = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(web)
    return web


def servers(kind):
    stun = 'stun:%s:3478' % TURN_HOST
    if kind == 'stun':
        return {'stun': stun}
    return {'stun': stun, 'turn': 'turn:%s:3478?transport=udp' % TURN_HOST,
            'turn-user': 'alice', 'turn-pass': 'secret'}


def confab_options(kind):
    s = servers(kind)
    opts = ['--stun', s['stun']]
    if 'turn' in s:
        opts += ['--turn', s['turn'], '--turn-user', 'alice', '--turn-pass', 'secret']
    return opts


def wait_file(path, timeout):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise TimeoutError('no ' + os.path.basename(path))
        time.sleep(0.1)
    time.sleep(0.1)
    with open(path) as f:
        return f.read()


def write_file(path, text):
    with open(path + '.tmp', 'w') as f:
        f.write(text)
    os.rename(path + '.tmp', path)


def side(role, workdir, server_kind):
    """Inside a namespace: one page, offering or answering through files."""
    web = load_web()
    driver = web.Driver(workdir)
    page = driver.browser('page-' + role)
    result = {'role': role}
    try:
        page.open_page()
        for field, value in servers(server_kind).items():
            page.js('document.getElementById(arguments[0]).value = arguments[1];', field, value)
        if role == 'offer':
            page.click('start')
            blob, _ = web.local_blob(page, False)
            write_file(os.path.join(workdir, 'offer.txt'), blob)
            web.apply_answer(page, wait_file(os.path.join(workdir, 'answer.txt'), 60))
        else:
            page.click('join')
            page.type_into('remote-blob', wait_file(os.path.join(workdir, 'offer.txt'), 60))
            page.click('apply')
            blob, _ = web.local_blob(page, False)
            write_file(os.path.join(workdir, 'answer.txt'), blob)
        try:
            st = page.wait('the call', web.in_call, 40)
            time.sleep(1)
            st = page.state()
            result.update(connected=True, pair=st['pair'], times=st['times'])
        except AssertionError as e:
            st = page.state()
            result.update(connected=False, pair=st['pair'], times=st['times'],
                          why=str(e)[:300], ice=st.get('iceState'))
    finally:
        write_file(os.path.join(workdir, 'result-%s.json' % role), json.dumps(result))
        page.close()
        driver.close()


def in_ns(lab, ns, argv, **kw):
    return subprocess.Popen(['ip', 'netns', 'exec', '%s-%s' % (lab, ns)] + argv, **kw)


def run_once(kind_a, kind_b, unroutable, peer, server_kind, n):
    lab = 'confab-nat-%d-web%d' % (os.getpid(), n)
    workdir = tempfile.mkdtemp(prefix='confab-nat-web-')
    subprocess.run(['sh', NATLAB, 'up', lab, kind_a, kind_b]
                   + (['--turn-host-unroutable'] if unroutable else []), check=True)
    procs = []
    try:
        subprocess.run(['sh', NATLAB, 'coturn', lab, workdir], check=True)
        me = [sys.executable, os.path.abspath(__file__), '--side']
        env = dict(os.environ, CONFAB_SOURCE_DIR=SOURCE_DIR, CONFAB_BUILD_DIR=BUILD_DIR)
        log_a = open(os.path.join(workdir, 'side-a.log'), 'w')
        procs.append(in_ns(lab, 'a', me + ['offer', workdir, server_kind], env=env,
                           stdout=log_a, stderr=subprocess.STDOUT))
        result_b = None
        if peer == 'browser':
            log_b = open(os.path.join(workdir, 'side-b.log'), 'w')
            procs.append(in_ns(lab, 'b', me + ['answer', workdir, server_kind], env=env,
                               stdout=log_b, stderr=subprocess.STDOUT))
        else:
            stats = os.path.join(workdir, 'confab.json')
            confab = in_ns(lab, 'b', [CONFAB, 'answer', '--duration', str(CALL_S), '--stats', stats]
                           + confab_options(server_kind), stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, stderr=open(os.path.join(workdir, 'confab.log'), 'w'))
            procs.append(confab)
            offer = wait_file(os.path.join(workdir, 'offer.txt'), 90)
            confab.stdin.write(offer.replace('\r\n', '\n').rstrip('\n').encode() + b'\n\n')
            confab.stdin.flush()
            lines = []
            for raw in confab.stdout:
                line = raw.decode().rstrip('\r\n')
                if line == '' and lines:
                    break
                lines.append(line)
            write_file(os.path.join(workdir, 'answer.txt'), '\n'.join(lines) + '\n')
        result_a = json.loads(wait_file(os.path.join(workdir, 'result-offer.json'), 150))
        if peer == 'browser':
            result_b = json.loads(wait_file(os.path.join(workdir, 'result-answer.json'), 60))
        else:
            confab.wait(60)
            try:
                with open(stats) as f:
                    s = json.load(f)
                p = s['ice']['selected_pair']
                result_b = {'connected': confab.returncode == 0,
                            'pair': p and '%s %s <-> %s' % (p['local']['protocol'], p['local']['type'],
                                                            p['remote']['type'])}
            except (OSError, ValueError, KeyError, TypeError):
                result_b = {'connected': False}
        return result_a, result_b, workdir
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        subprocess.run(['sh', NATLAB, 'down', lab])


def main():
    args = sys.argv[1:]
    if args and args[0] == '--side':
        side(args[1], args[2], args[3])
        return 0
    if os.geteuid() != 0 or not shutil.which('chromedriver'):
        print('needs root and chromedriver')
        return 77
    unroutable = '--turn-host-unroutable' in args
    peer = args[args.index('--peer') + 1] if '--peer' in args else 'confab'
    server_kind = args[args.index('--servers') + 1] if '--servers' in args else 'turn'
    runs = int(args[args.index('--runs') + 1]) if '--runs' in args else 1
    kind_a, kind_b = [a for a in args if not a.startswith('--') and a not in (
        peer, server_kind, str(runs))][:2]
    subprocess.run(['sh', NATLAB, 'reap'])
    got = {'ice-connected': [], 'dtls-connected': [], 'first-frame': []}
    connected = 0
    for n in range(runs):
        a, b, workdir = run_once(kind_a, kind_b, unroutable, peer, server_kind, n)
        print('run %d: Chromium (%s): %s %s; %s (%s): %s %s; files in %s' % (
            n + 1, kind_a, 'connected' if a.get('connected') else 'NOT connected', a.get('pair'),
            peer, kind_b, 'connected' if b.get('connected') else 'NOT connected', b.get('pair'),
            workdir), flush=True)
        print('  Chromium times from the answer applied: %s%s' % (
            a.get('times'), ('; ' + a['why']) if a.get('why') else ''), flush=True)
        if a.get('connected') and b.get('connected'):
            connected += 1
            for k in got:
                if a['times'].get(k) is not None:
                    got[k].append(a['times'][k])
    print('summary %s/%s%s, peer %s, %s: %d of %d connected; medians from the answer applied: %s' % (
        kind_a, kind_b, ' (TURN host without a default route)' if unroutable else '', peer,
        server_kind, connected, runs,
        ', '.join('%s %s ms' % (k, statistics.median(v)) for k, v in got.items() if v)), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
