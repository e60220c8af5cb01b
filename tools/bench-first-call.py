#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""First-call figures on loopback.

1. Over --runs demo calls (two peers in one process, the real offer/answer
   text between them): median time from applying the answer to ICE
   connected, to DTLS connected (keys in hand, media starts), and to the
   first decoded video frame.
2. One call between two `confab` processes at 1280x720, 30 fps: the CPU
   one peer uses, as a share of one core (user + system time / wall time).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_blob(stream):
    lines = []
    while True:
        line = stream.readline()
        if not line:
            raise RuntimeError("confab ended before printing its description")
        if line.strip() == "":
            return "".join(lines)
        lines.append(line)


def latency_runs(confab, runs):
    connected, dtls, first_frame = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        stats_path = os.path.join(tmp, "stats.json")
        for i in range(runs):
            subprocess.run([confab, "demo", "--headless", "--duration", "1",
                            "--stats", stats_path],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=60)
            with open(stats_path) as f:
                s = json.load(f)
            connected.append(s["ice"]["checks_ms"])
            # A build from before encryption has no "dtls" object.
            if "dtls" in s and "connected_ms" in s["dtls"]:
                dtls.append(s["dtls"]["connected_ms"])
            first_frame.append(s["first_frame_ms"])
            print(f"\r  run {i + 1}/{runs}: connected {connected[-1]:.1f} ms, "
                  f"first frame {first_frame[-1]:.1f} ms", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return connected, dtls, first_frame


def cpu_run(confab, seconds, resolution):
    args = ["--local-address", "127.0.0.1", "--duration", str(seconds),
            "--resolution", resolution, "--framerate", "30"]
    offerer = subprocess.Popen([confab, "offer"] + args, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    offer = read_blob(offerer.stdout)
    answerer = subprocess.Popen([confab, "answer"] + args, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    answerer.stdin.write(offer + "\n")
    answerer.stdin.flush()
    answer = read_blob(answerer.stdout)
    start = time.monotonic()
    offerer.stdin.write(answer + "\n")
    offerer.stdin.flush()
    _, status, usage = os.wait4(offerer.pid, 0)
    wall = time.monotonic() - start
    answerer.wait(timeout=60)
    if status != 0:
        raise RuntimeError(f"the offerer exited with status {status}")
    return (usage.ru_utime + usage.ru_stime) / wall, wall


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--confab", default=os.path.join(ROOT, "build", "app", "confab"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cpu-seconds", type=int, default=20)
    parser.add_argument("--resolution", default="1280x720")
    opts = parser.parse_args()

    print(f"Loopback latency over {opts.runs} demo calls…", file=sys.stderr)
    connected, dtls, first_frame = latency_runs(opts.confab, opts.runs)
    print(f"CPU of one peer in a {opts.resolution}@30 call of {opts.cpu_seconds} s…",
          file=sys.stderr)
    cpu, wall = cpu_run(opts.confab, opts.cpu_seconds, opts.resolution)

    print(f"answer applied -> ICE connected: median {statistics.median(connected):.1f} ms "
          f"(min {min(connected):.1f}, max {max(connected):.1f}; target < 100 ms)")
    if dtls:
        print(f"answer applied -> DTLS connected: median {statistics.median(dtls):.1f} ms "
              f"(min {min(dtls):.1f}, max {max(dtls):.1f})")
    print(f"answer applied -> first video frame: median {statistics.median(first_frame):.1f} ms "
          f"(min {min(first_frame):.1f}, max {max(first_frame):.1f}; target < 300 ms)")
    print(f"one peer at {opts.resolution}@30: {cpu * 100:.0f}% of one core over {wall:.1f} s "
          f"(target < 60%)")


if __name__ == "__main__":
    main()
