"""Clients that misbehave on purpose, for the limit and abuse tests: plain
non-blocking sockets (no asyncio buffering between the test and the kernel),
each bounded in what it sends and how long it lives.

- NeverReader: upgrades to /echo, then sends frames and never reads a byte.
- Slowloris: sends an HTTP head one byte at a time, never finishing it.
- RandomBytes: sends random bytes instead of HTTP, then waits for the end.
`tcp_state(sock)` tells whether the relay has let a socket go without
reading from it (TCP_INFO: 1 = established)."""
import os
import socket
import struct

from raw_ws import client_frame, upgrade_request

TCP_ESTABLISHED = 1


def tcp_state(sock):
    return struct.unpack("B", sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[:1])[0]


def connect(port, source=None, rcvbuf=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if source:
        s.bind((source, 0))
    s.settimeout(10)
    s.connect(("127.0.0.1", port))
    s.setblocking(False)
    return s


class NeverReader:
    """Floods /echo with masked binary frames and never reads (a tiny receive buffer)."""

    def __init__(self, port, frame_size=16 * 1024):
        self.sock = connect(port, rcvbuf=4096)
        self.frame = client_frame(os.urandom(frame_size), opcode=0x2)
        self.sock.setblocking(True)
        self.sock.sendall(upgrade_request(port, "/echo"))
        self.sock.setblocking(False)
        self.sent = 0
        self.error = None
        self.pending = b""

    def pump(self, budget=1 << 20):
        """Sends up to budget bytes without blocking (frames stay whole across
        calls); returns what went out."""
        out = 0
        while out < budget and self.error is None:
            if not self.pending:
                self.pending = self.frame
            try:
                n = self.sock.send(self.pending)
            except BlockingIOError:
                break
            except OSError as e:   # reset by the relay: it let us go
                self.error = e
                break
            self.pending = self.pending[n:]
            out += n
        self.sent += out
        return out

    def let_go(self):
        return self.error is not None or tcp_state(self.sock) != TCP_ESTABLISHED

    def close(self):
        self.sock.close()


class Slowloris:
    """An HTTP head sent one byte per drip(), never finished."""

    def __init__(self, port):
        self.sock = connect(port)
        self.head = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 10_000
        self.at = 0
        self.error = None

    def drip(self):
        if self.error is None and self.at < len(self.head):
            try:
                self.at += self.sock.send(self.head[self.at:self.at + 1])
            except OSError as e:
                self.error = e

    def answered_or_cut(self):
        """The relay answered (any bytes back) or closed the connection."""
        if self.error is not None or tcp_state(self.sock) != TCP_ESTABLISHED:
            return True
        try:
            self.sock.recv(1, socket.MSG_PEEK)   # bytes (an answer) or b"" (closed)
            return True
        except BlockingIOError:
            return False
        except OSError:
            return True

    def close(self):
        self.sock.close()


class RandomBytes:
    """Sends random bytes where an HTTP head should be."""

    def __init__(self, port, size=4096):
        self.sock = connect(port)
        self.sock.setblocking(True)
        self.sock.settimeout(5)
        try:
            self.sock.sendall(os.urandom(size))
        except OSError:
            pass
        self.sock.setblocking(False)

    def answered_or_cut(self):
        try:
            self.sock.recv(65536)   # bytes (an answer) or b"" (closed)
            return True
        except BlockingIOError:
            return tcp_state(self.sock) != TCP_ESTABLISHED
        except OSError:
            return True

    def close(self):
        self.sock.close()


def hammer(port, seconds, never=20, slow=20, random_clients=20, hoard=300, settle=20.0):
    """Runs every kind of abuser at once for `seconds`, then waits up to
    `settle` s for the relay to answer or cut each; returns a summary dict.
    Runs in its own process (see __main__) so the test's event loop, which
    times the quiet pair, is not slowed by the hammering itself."""
    import http.client
    import time

    slow_c = [Slowloris(port) for _ in range(slow)]
    rand_c = [RandomBytes(port) for _ in range(random_clients)]
    never_c = [NeverReader(port) for _ in range(never)]
    hoard_status = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for c in never_c:
            c.pump(64 * 1024)
        for c in slow_c:
            c.drip()
        if len(hoard_status) < hoard:
            try:
                conn.request("POST", "/poll/open", body=b"")
                r = conn.getresponse()
                r.read()
                hoard_status.append(r.status)
            except OSError:
                hoard_status.append(0)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        time.sleep(0.01)
    conn.close()
    deadline = time.monotonic() + settle
    while time.monotonic() < deadline:
        if (all(c.let_go() for c in never_c) and all(c.answered_or_cut() for c in rand_c)
                and all(c.answered_or_cut() for c in slow_c)):
            break
        for c in slow_c:
            c.drip()
        time.sleep(0.1)
    summary = {
        "never_still_connected": sum(not c.let_go() for c in never_c),
        "never_sent_bytes": sum(c.sent for c in never_c),
        "random_unanswered": sum(not c.answered_or_cut() for c in rand_c),
        "slow_still_held": sum(not c.answered_or_cut() for c in slow_c),
        "hoard": {str(s): hoard_status.count(s) for s in sorted(set(hoard_status))},
    }
    for c in slow_c + rand_c + never_c:
        c.close()
    return summary


if __name__ == "__main__":
    import json
    import sys
    print(json.dumps(hammer(int(sys.argv[1]), float(sys.argv[2]))), flush=True)
