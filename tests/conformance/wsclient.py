"""The conformance client's wire half: RFC 6455 on a plain blocking socket.

Independent on purpose: it shares no code with wire/ (the implementation under
test) nor with python `websockets`; every byte it sends is built here and every
server frame is parsed here, so a bug in either of those cannot hide itself.
What it leaves out: extensions (none is offered), TLS, subprotocols.
"""
import base64
import hashlib
import os
import select
import socket
import struct
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"   # RFC 6455 1.3

CONT, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
OPCODE_NAMES = {CONT: "continuation", TEXT: "text", BINARY: "binary", CLOSE: "close", PING: "ping", PONG: "pong"}


def escape(data, limit=64):
    """Bytes as a student reads them: printable ASCII as is, the rest \\xNN, cut at `limit` with '…'."""
    out = "".join(chr(b) if 0x20 <= b < 0x7F and b != 0x5C else f"\\x{b:02x}" for b in data[:limit])
    return out + ("…" if len(data) > limit else "")


def frame(opcode, payload=b"", fin=True, rsv=0, key=b"\x37\xfa\x21\x3d", length=None, long_form=None):
    """One client frame (5.2). rsv: the 3 RSV bits as a number (4 = RSV1). key: the masking key, or None
    for an unmasked frame. length: the payload length to announce (default len(payload)). long_form:
    16 or 64 to force that length form."""
    n = len(payload) if length is None else length
    head = bytes([(0x80 if fin else 0) | (rsv & 7) << 4 | opcode & 0xF])
    mbit = 0x80 if key is not None else 0
    if long_form == 64 or (long_form is None and n > 0xFFFF):
        head += bytes([mbit | 127]) + struct.pack("!Q", n)
    elif long_form == 16 or n > 125:
        head += bytes([mbit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([mbit | n])
    if key is None:
        return head + payload
    return head + key + mask(payload, key)


def mask(payload, key):
    """5.3: octet i XOR key[i mod 4] (the same operation unmasks)."""
    if not payload:
        return b""
    whole = key * (len(payload) // 4 + 1)
    return (int.from_bytes(payload, "big") ^ int.from_bytes(whole[:len(payload)], "big")).to_bytes(len(payload), "big")


def close_payload(code=None, reason=b""):
    return b"" if code is None else struct.pack("!H", code) + reason


class Received:
    """One server frame as parsed here, or a protocol problem with the server's own bytes."""

    def __init__(self, opcode, payload, fin=True, rsv=0, masked=False, problem=None):
        self.opcode, self.payload, self.fin, self.rsv, self.masked, self.problem = opcode, payload, fin, rsv, masked, problem

    def close_code(self):
        return struct.unpack("!H", self.payload[:2])[0] if len(self.payload) >= 2 else None

    def __str__(self):
        if self.opcode == CLOSE:
            code = self.close_code()
            return f"close {code if code is not None else '(no code)'} {escape(self.payload[2:])!r}".rstrip()
        name = OPCODE_NAMES.get(self.opcode, f"opcode 0x{self.opcode:x}")
        flags = ("" if self.fin else " fin=0") + (f" rsv={self.rsv}" if self.rsv else "")
        return f"{name}{flags} ({len(self.payload)} bytes) '{escape(self.payload)}'"


class Connection:
    """One upgraded connection to a WebSocket echo endpoint. Every wait is bounded by `deadline`."""

    def __init__(self, host, port, path, deadline):
        self.deadline = deadline
        self.sock = socket.create_connection((host, port), timeout=self._left())
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.eof = False
        self._handshake(host, port, path)

    def _left(self):
        return max(0.01, self.deadline - time.monotonic())

    def _handshake(self, host, port, path):
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        while b"\r\n\r\n" not in self.buf:
            if not self._fill():
                raise ConnectionError(f"the server closed during the handshake after {escape(self.buf)!r}")
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        if not lines[0].startswith("HTTP/1.1 101"):
            raise ConnectionError(f"upgrade refused: {lines[0]!r}")
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        if fields.get("sec-websocket-accept") != accept:   # 4.2.2 /5/
            raise ConnectionError(f"Sec-WebSocket-Accept should be {accept}, was {fields.get('sec-websocket-accept')}")

    def _fill(self):
        """Reads more bytes; False at EOF. Raises TimeoutError past the deadline."""
        if self.eof:
            return False
        self.sock.settimeout(self._left())
        if time.monotonic() >= self.deadline:
            raise TimeoutError()
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise TimeoutError() from None
        except ConnectionResetError:
            chunk = b""   # a reset after the close handshake ends the stream like EOF
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def send(self, data, bytewise=False):
        """All at once, or one byte per send() (TCP_NODELAY: one segment each, a short pause between
        them so the server reads them one by one). Past 4 KiB, bytewise goes on without pauses."""
        try:
            if not bytewise:
                self.sock.sendall(data)
                return
            for i in range(len(data)):
                self.sock.sendall(data[i:i + 1])
                if i < 4096:
                    time.sleep(0.0001)
                    self._take_waiting()
        except (BrokenPipeError, ConnectionResetError):
            pass   # the server failed the connection early: what it sent is judged, not this

    def _take_waiting(self):
        """Reads what already arrived, without waiting: a server that closed early and then gets more
        bytes answers with a reset, and a reset discards what this side had not read yet."""
        if self.eof or not select.select([self.sock], [], [], 0)[0]:
            return
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if chunk:
            self.buf += chunk
        else:
            self.eof = True

    def next_frame(self):
        """The next server frame (Received), or None at EOF. A frame cut by EOF is a problem frame."""
        while True:
            got = self._parse()
            if got is not None:
                return got
            if not self._fill():
                if self.buf:
                    return Received(None, self.buf, problem=f"the connection ended inside a frame: '{escape(self.buf)}'")
                return None

    def _parse(self):
        b = self.buf
        if len(b) < 2:
            return None
        fin, rsv, opcode = b[0] >> 7, (b[0] >> 4) & 7, b[0] & 0xF
        masked, n, at = b[1] >> 7, b[1] & 0x7F, 2
        if n == 126:
            if len(b) < 4:
                return None
            n, at = struct.unpack("!H", b[2:4])[0], 4
        elif n == 127:
            if len(b) < 10:
                return None
            n, at = struct.unpack("!Q", b[2:10])[0], 10
        key = b[at:at + 4] if masked else None
        at += 4 if masked else 0
        if len(b) < at + n:
            return None
        payload = b[at:at + n]
        self.buf = b[at + n:]
        if masked:
            payload = mask(payload, key)
        problem = None
        if masked:
            problem = "RFC 6455 5.1: a server frame was masked"
        elif rsv:
            problem = f"RFC 6455 5.2: a server frame had RSV bits {rsv:03b} with no extension negotiated"
        elif opcode not in OPCODE_NAMES:
            problem = f"RFC 6455 5.2: a server frame had the reserved opcode 0x{opcode:x}"
        elif opcode >= CLOSE and (not fin or n > 125):
            problem = "RFC 6455 5.5: a server control frame was fragmented or longer than 125 bytes"
        elif opcode == CLOSE and n == 1:
            problem = "RFC 6455 5.5.1: the server's close frame had a 1-byte body"
        return Received(opcode, payload, bool(fin), rsv, bool(masked), problem)

    def rest_until_eof(self):
        """Whatever else comes before EOF or the deadline: (bytes, reached_eof)."""
        extra = self.buf
        self.buf = b""
        try:
            while self._fill():
                extra += self.buf
                self.buf = b""
        except TimeoutError:
            return extra, False
        return extra, True

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
