#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""UDP through the loss lab, to check the lab before calls rely on it.

  udp-probe.py echo PORT SECONDS   answer every datagram (host B), then
                                   print the sequence numbers that came
  udp-probe.py send HOST PORT N    send N numbered datagrams 5 ms apart
                                   (host A); print the round trips, in ms,
                                   of the echoes that came back

Both print one JSON object on standard output.
"""

import json
import select
import socket
import sys
import time


def echo(port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('0.0.0.0', port))
    seen = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if select.select([s], [], [], 0.1)[0]:
            data, peer = s.recvfrom(2048)
            seen.append(int(data.split()[0]))
            s.sendto(data, peer)
    print(json.dumps({'received': seen}))


def send(host, port, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rtts = []
    sent_at = {}

    def drain(timeout):
        while select.select([s], [], [], timeout)[0]:
            seq = int(s.recv(2048).split()[0])
            rtts.append((time.monotonic() - sent_at[seq]) * 1000)
            timeout = 0

    for seq in range(count):
        sent_at[seq] = time.monotonic()
        s.sendto(b'%d probe' % seq, (host, port))
        drain(0.005)
    end = time.monotonic() + 1
    while time.monotonic() < end:
        drain(0.1)
    print(json.dumps({'sent': count, 'rtt_ms': sorted(rtts)}))


if __name__ == '__main__':
    if sys.argv[1] == 'echo':
        echo(int(sys.argv[2]), float(sys.argv[3]))
    else:
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
