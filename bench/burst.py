#!/usr/bin/env python3
"""Connect burst: N clients connect to a server at once, each sends one line and waits for its reply.

Prints how long it took until every client was connected and until every one was answered, with
the server's own listen backlog as it was started. Used to check that a burst of 10,000 clients is
accepted within a few seconds with the server's default flags. Targets loopback only; bounded by
--timeout. Needs `ulimit -n` above N in this process (the server needs the same in its own).

usage: bench/burst.py [-n 10000] [--timeout 60] PORT [HOST]
"""
import argparse
import errno
import re
import selectors
import socket
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=10000)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("port", type=int)
    ap.add_argument("host", nargs="?", default="127.0.0.1")
    args = ap.parse_args()
    if not (args.host.startswith("127.") or args.host == "::1"):
        sys.exit("burst: loopback only (127.0.0.0/8 or ::1)")
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    stamp = re.compile(rb"^\[[^\]]+\] burst \d+\n$")

    sel = selectors.DefaultSelector()
    start = time.monotonic()
    pending = {}
    for i in range(args.n):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setblocking(False)
        err = s.connect_ex((args.host, args.port))
        if err not in (0, errno.EINPROGRESS):
            sys.exit(f"burst: connect {i} failed at once: {errno.errorcode.get(err, err)}")
        pending[s] = [i, b"", False]
        sel.register(s, selectors.EVENT_WRITE)

    connected = answered = failed = 0
    all_connected_at = None
    deadline = start + args.timeout
    while answered + failed < args.n and time.monotonic() < deadline:
        for key, events in sel.select(timeout=1.0):
            s = key.fileobj
            state = pending[s]
            if events & selectors.EVENT_WRITE and not state[2]:
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    failed += 1
                    sel.unregister(s)
                    s.close()
                    continue
                state[2] = True
                connected += 1
                if connected == args.n:
                    all_connected_at = time.monotonic()
                s.send(b"burst %d\n" % state[0])
                sel.modify(s, selectors.EVENT_READ)
            elif events & selectors.EVENT_READ:
                data = s.recv(256)
                if not data:
                    failed += 1
                    sel.unregister(s)
                    s.close()
                    continue
                state[1] += data
                if state[1].endswith(b"\n"):
                    if not stamp.match(state[1]):
                        sys.exit(f"burst: wrong reply on connection {state[0]}: {state[1]!r}")
                    answered += 1
                    sel.unregister(s)
    done = time.monotonic()
    for s in pending:
        s.close()
    print(f"burst: {args.n} clients, {connected} connected"
          + (f" in {all_connected_at - start:.2f} s" if all_connected_at else "")
          + f", {answered} answered in {done - start:.2f} s, {failed} failed")
    sys.exit(0 if answered == args.n else 1)


if __name__ == "__main__":
    main()
