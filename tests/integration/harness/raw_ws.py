"""A raw-socket WebSocket client: exact bytes out, server frames decoded with
python `websockets`' own frame parser (an independent implementation).

Use it where a test needs bytes no library would send: RFC 6455 5.7's masked
"Hello", an unmasked client frame, invalid UTF-8, a chosen header."""
import asyncio
import os
import struct

from websockets.frames import Close, Frame, Opcode
from websockets.streams import StreamReader

from http_raw import read_response_head

RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ=="   # RFC 6455 1.3's sample nonce


def upgrade_request(port, path, key=RFC_KEY, version="13", method="GET", extra=()):
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket", "Connection: Upgrade"]
    if key is not None:
        lines.append(f"Sec-WebSocket-Key: {key}")
    if version is not None:
        lines.append(f"Sec-WebSocket-Version: {version}")
    lines += [f"{k}: {v}" for k, v in extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def client_frame(payload, opcode=0x1, mask_key=None, fin=True, masked=True):
    """One client frame, minimal length form; mask_key: 4 bytes, or random when None."""
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    mbit = 0x80 if masked else 0
    if n < 126:
        head += bytes([mbit | n])
    elif n < 65536:
        head += bytes([mbit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([mbit | 127]) + struct.pack("!Q", n)
    if not masked:
        return head + payload
    key = mask_key if mask_key is not None else os.urandom(4)
    body = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return head + key + body


class RawWs:
    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer
        self.stream = StreamReader()

    @classmethod
    async def open(cls, port, path, extra=(), key=RFC_KEY):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        raw = cls(reader, writer)
        writer.write(upgrade_request(port, path, key=key, extra=extra))
        status, reason, headers, head = await asyncio.wait_for(read_response_head(reader), 20)
        if status != 101:
            writer.close()
            raise AssertionError(f"upgrade to {path}: should have had 101, but it was {status} {reason}: {head!r}")
        raw.handshake_response = head
        return raw

    async def send_bytes(self, data):
        self.writer.write(data)
        await self.writer.drain()

    async def next_frame(self, timeout=15):
        """The next server frame, or None at EOF."""
        async def read():
            parser = Frame.parse(self.stream.read_exact, mask=False, max_size=None)
            try:
                next(parser)   # runs until it needs bytes (yields) or has a frame (returns)
                while True:
                    chunk = await self.reader.read(65536)
                    if chunk:
                        self.stream.feed_data(chunk)
                    else:
                        self.stream.feed_eof()
                    next(parser)
            except StopIteration as done:
                return done.value
            except (EOFError, ConnectionResetError):
                return None
        return await asyncio.wait_for(read(), timeout)

    async def next_close(self, timeout=15):
        """Reads frames until a close frame; returns (code, reason) or None at EOF without one."""
        while True:
            frame = await self.next_frame(timeout)
            if frame is None:
                return None
            if frame.opcode == Opcode.CLOSE:
                close = Close.parse(frame.data)
                return close.code, close.reason

    def close(self):
        self.writer.close()


class StalledSubscriber:
    """A mirror subscriber on a blocking socket with a tiny receive buffer that
    reads nothing after its handshake, until read_events() is called."""

    def __init__(self, port, path="/mirror"):
        import socket
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.settimeout(20)
        self.sock.connect(("127.0.0.1", port))
        self.sock.sendall(upgrade_request(port, path))
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = self.sock.recv(1)   # byte by byte: read nothing past the 101's head
            if not chunk:
                raise AssertionError(f"mirror closed during the handshake: {buf!r}")
            buf += chunk
        if not buf.startswith(b"HTTP/1.1 101"):
            raise AssertionError(f"mirror upgrade: should have had 101, but it was {buf[:200]!r}")
        self.stream = StreamReader()

    def next_frame(self):
        parser = Frame.parse(self.stream.read_exact, mask=False, max_size=None)
        try:
            next(parser)
            while True:
                chunk = self.sock.recv(65536)
                if chunk:
                    self.stream.feed_data(chunk)
                else:
                    self.stream.feed_eof()
                next(parser)
        except StopIteration as done:
            return done.value
        except EOFError:
            return None

    def close(self):
        self.sock.close()
