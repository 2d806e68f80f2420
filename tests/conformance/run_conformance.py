#!/usr/bin/python3
"""Runs every case of cases.py against one echo server, twice (sent whole, sent one byte at a
time), and prints "N/M cases passed" with, for each failure, the case, what was expected and what
came back (bytes as \\xNN).

  run_conformance.py relay RELAY_BINARY [--no-tap]   wirelab-relay's /echo (with the tap, or without)
  run_conformance.py relay RELAY_BINARY --edge       the same through the edge tap (--delay-ms 1 takes it)
  run_conformance.py lab4 ECHO_BINARY                 lab 4's reference echo server
  run_conformance.py url HOST:PORT/PATH               a server that is already running
Options: --floor N (pass when at least N runs pass; default: every run must pass), -k TEXT (only
cases whose id or title contains TEXT), --jobs N, -v (print every run).
"""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import time

from cases import CASES
from wsclient import BINARY, CLOSE, PING, PONG, TEXT, Connection, close_payload, escape, frame

AFTER_CLOSE_WAIT_S = 0.3   # how long a passing case listens past the close handshake for stray bytes


def describe(expected):
    kind, payload = expected
    if kind == "pongs":
        return f"pongs for {len(payload)} pings (each, or only the latest, ending with '{escape(payload[-1])}')"
    return f"{kind} ({len(payload)} bytes) '{escape(payload)}'"


class Answers:
    """The server's answers so far: messages (fragments joined) and pongs, then its Close."""

    def __init__(self, conn):
        self.conn, self.list, self.close, self.problem, self._message = conn, [], None, None, None

    def read(self, until=lambda answers: False):
        """Reads server frames until `until(answers)`, the server's Close, EOF or a problem."""
        while not until(self.list) and self.close is None and self.problem is None:
            f = self.conn.next_frame()
            if f is None:
                self.problem = "the server dropped the TCP connection without a Close frame"
            elif f.problem:
                self.problem = f.problem
            elif f.opcode == CLOSE:
                self.close = f
            elif f.opcode in (PING, PONG):
                self.list.append(("pong" if f.opcode == PONG else "ping", f.payload))
            elif f.opcode in (TEXT, BINARY) and self._message is None:
                self._message = ["text" if f.opcode == TEXT else "binary", f.payload]
            elif f.opcode == 0 and self._message is not None:
                self._message[1] += f.payload
            else:
                self.problem = f"RFC 6455 5.4: the server sent {f} out of place"
            if self._message is not None and f is not None and f.opcode in (TEXT, BINARY, 0) and f.fin:
                self.list.append(tuple(self._message))
                self._message = None

    def __str__(self):
        return ", ".join(describe(a) for a in self.list) or "nothing"


def matches(answers, expect, prefix_ok):
    """answers against expect. Messages must come in order, and pongs in order, but a pong may
    overtake a message (5.5.2: a Pong goes "as soon as practical"). ("pongs", [...]) takes any
    in-order selection of those pongs ending with the last (5.5.3). prefix_ok: a failing server
    may stop after any first part of the answers."""
    def split(items):
        return [a for a in items if a[0] not in ("pong", "pongs")], [a for a in items if a[0] in ("pong", "pongs")]

    got_messages, got_pongs = split(answers)
    want_messages, want_pongs = split(expect)
    if got_messages != want_messages[:len(got_messages)] or (len(got_messages) < len(want_messages) and not prefix_ok):
        return False
    i = 0
    for kind, payload in want_pongs:
        if i == len(got_pongs) and prefix_ok:
            return True
        if kind == "pong":
            if i >= len(got_pongs) or got_pongs[i][1] != payload:
                return False
            i += 1
            continue
        at = 0
        while i < len(got_pongs) and at < len(payload) and got_pongs[i][1] in payload[at:]:
            at = payload.index(got_pongs[i][1], at) + 1
            i += 1
        if at != len(payload) and not (prefix_ok and i == len(got_pongs)):
            return False
    return i == len(got_pongs)


def run(case, target, bytewise):
    """One run of one case: None when it passed, else what went wrong. The case's time limit bounds
    the handshake, then again each wait for answers from the last byte sent: sending one byte at a
    time takes as long as the machine makes it (a thousand pauses on a loaded runner, seconds), and
    that is not the server's time to answer."""
    deadline = time.monotonic() + case.timeout
    try:
        conn = Connection(target["host"], target["port"], target["path"], deadline)
    except (OSError, TimeoutError) as e:
        return f"could not open the WebSocket: {e or type(e).__name__}"
    answers = Answers(conn)
    want = ", ".join(describe(e) for e in case.expect) or "nothing"
    try:
        conn.send(b"".join(case.send), bytewise)
        deadline = conn.deadline = time.monotonic() + case.timeout
        if case.then:   # like Autobahn's client: the next step once the answers came
            answers.read(until=lambda got: matches(got, case.expect, prefix_ok=False))
            if answers.close is None and answers.problem is None:
                conn.send(b"".join(case.then), bytewise)
                deadline = conn.deadline = time.monotonic() + case.timeout
        answers.read()
        if answers.problem:
            return f"{answers.problem}\n      after: {answers}"
        close = answers.close
        if not matches(answers.list, case.expect, prefix_ok=case.fails):
            return f"expected {want}{' (or the first of them)' if case.fails else ''}, then {codes_str(case.codes)}\n" \
                   f"      actual:   {answers}, then {close}"
        if close.close_code() not in case.codes:
            return f"expected {codes_str(case.codes)}, actual: {close} (after: {answers})"
        if not case.then:
            conn.send(frame(CLOSE, close.payload[:2]))   # 5.5.1: answer the server's Close
        conn.deadline = min(deadline, time.monotonic() + AFTER_CLOSE_WAIT_S)
        extra, _ = conn.rest_until_eof()
        if extra:
            return f"RFC 6455 5.5.1: {len(extra)} bytes came after the server's Close ({close}): '{escape(extra)}'"
        return None
    except TimeoutError:
        return f"expected {want}, then {codes_str(case.codes)}; actual: {answers}, " \
               f"then nothing more within {case.timeout} s of the last byte sent (the case's time limit)"
    finally:
        conn.close()


def codes_str(codes):
    return "a Close " + " or ".join("with no code" if c is None else str(c) for c in codes)


def start_server(args):
    """The server under test: (process or None, target)."""
    if args.kind == "url":
        m = re.fullmatch(r"([\w.]+):(\d+)(/.*)", args.binary)
        return None, {"host": m.group(1), "port": int(m.group(2)), "path": m.group(3)}
    if args.kind == "relay":
        cmd = [args.binary, "--port", "0", "--mirror-port", "0"] + (["--no-tap"] if args.no_tap else [])
        # The relay taps on each client's socket unless a mode needs the edge
        # (relay/tap/edge_tap.h): a 1 ms simulated wire is the lightest of them.
        cmd += ["--delay-ms", "1"] if args.edge else []
        pattern, path = r"listening on http://127\.0\.0\.1:(\d+)", "/echo"
    else:
        cmd, pattern, path = [args.binary, "0"], r"listening on ws://127\.0\.0\.1:(\d+)", "/"
    # Its stderr (logs, sanitizer reports) goes to ours: ctest shows it when the entry fails.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:   # the listening line is printed and flushed at start
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(pattern, line)
        if m:
            return proc, {"host": "127.0.0.1", "port": int(m.group(1)), "path": path}
    proc.kill()
    sys.exit(f"FAIL: {' '.join(cmd)} printed no listening line within 20 s")


def stop_server(proc):
    """SIGTERM, then SIGKILL after 5 s: no server outlives the run. Its exit code (None: no process)."""
    if proc is None:
        return None
    for stop in (proc.terminate, proc.kill):
        stop()
        try:
            return proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            continue
    return proc.wait()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=["relay", "lab4", "url"])
    p.add_argument("binary")
    p.add_argument("--no-tap", action="store_true")
    p.add_argument("--edge", action="store_true")
    p.add_argument("--floor", type=int, default=None)
    p.add_argument("-k", dest="only", default="")
    p.add_argument("--jobs", type=int, default=8)
    p.add_argument("-v", action="store_true")
    args = p.parse_args()
    cases = [c for c in CASES if args.only in c.id or args.only in c.title]
    runs = [(c, bw) for c in cases for bw in (False, True)]
    name = {"relay": "wirelab-relay /echo" + (" --no-tap" if args.no_tap else " (edge tap, --delay-ms 1)" if args.edge
                                              else " (tap)"), "lab4": "lab 4 echo server",
            "url": args.binary}[args.kind]
    proc, target = start_server(args)
    started = time.monotonic()
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(lambda r: run(r[0], target, r[1]), runs))
    finally:
        rc = stop_server(proc)
    failed = 0
    for (case, bytewise), why in zip(runs, results):
        how = "one byte at a time" if bytewise else "sent whole"
        if why is None:
            if args.v:
                print(f"ok   {case.id} [{how}] {case.category}: {case.title}")
            continue
        failed += 1
        print(f"FAIL {case.id} [{how}] {case.category}: {case.title}")
        print(f"      sent: '{escape(b''.join(case.send + case.then), 96)}'")
        print(f"      {why}")
    passed = len(runs) - failed
    print(f"{name}: {passed}/{len(runs)} cases passed ({len(cases)} cases, each sent whole and one byte at a time; "
          f"{time.monotonic() - started:.1f} s)")
    if rc not in (None, 0):
        print(f"FAIL: the server exited with {rc} after SIGTERM (0 expected; its stderr is above)")
        return 1
    floor = len(runs) if args.floor is None else args.floor
    if passed < floor:
        print(f"FAIL: below the floor of {floor} passing runs" if args.floor is not None else "FAIL: every case must pass")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
