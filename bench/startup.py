#!/usr/bin/env python3
"""Time from starting a server command to its 'listening' line on stderr, over several runs.

usage: startup.py [--runs N] [--out FILE.json] -- COMMAND...
Each run is stopped with SIGTERM once it listens (or after 20 s) and must exit by itself.
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time


def one_run(command):
    started = time.monotonic()
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        while True:
            line = proc.stderr.readline()
            if not line:
                raise RuntimeError("exited before listening, code %s" % proc.wait(timeout=5))
            if b"listening" in line:
                return time.monotonic() - started
            if time.monotonic() - started > 20:
                raise RuntimeError("no listening line within 20 s")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--out")
    ap.add_argument("command", nargs="+")
    a = ap.parse_args()
    one_run(a.command)  # the first run may build the jar or a class-data archive: not counted
    times = [one_run(a.command) for _ in range(a.runs)]
    result = {"command": " ".join(a.command), "runs": a.runs, "median_s": round(statistics.median(times), 3),
              "min_s": round(min(times), 3), "max_s": round(max(times), 3)}
    print("start to listening: median %.3f s, min %.3f, max %.3f (%d runs)"
          % (result["median_s"], result["min_s"], result["max_s"], a.runs), file=sys.stderr)
    if a.out:
        with open(a.out, "w") as f:
            json.dump(result, f)
            f.write("\n")


if __name__ == "__main__":
    main()
