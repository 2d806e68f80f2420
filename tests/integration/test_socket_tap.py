"""Issue 10: the tap on each client's own socket (relay/tap/socket_tap.h). Flow
control both ways: lws pauses reading while /echo's replies wait for a client
that does not read, the tap holds what it has judged, and once the client reads
again every byte comes back, in order."""
import asyncio
import os
import socket
import threading

from raw_ws import client_frame, upgrade_request
from relay_test import RelayTest, main


def read_frame(sock, buf):
    """One server frame (unmasked) from sock: (opcode, payload), buf holding what is left."""
    def need(n):
        while len(buf) < n:
            chunk = sock.recv(1 << 16)
            if not chunk:
                raise EOFError(f"the relay closed the connection with {len(buf)} bytes of a frame read")
            buf.extend(chunk)
    need(2)
    length, at = buf[1] & 0x7F, 2
    if length == 126:
        need(4)
        length, at = int.from_bytes(buf[2:4], "big"), 4
    elif length == 127:
        need(10)
        length, at = int.from_bytes(buf[2:10], "big"), 10
    need(at + length)
    opcode, payload = buf[0] & 0x0F, bytes(buf[at:at + length])
    del buf[:at + length]
    return opcode, payload


class SocketTapFlow(RelayTest):
    async def test_a_flood_read_late_gets_every_echo_back_in_order(self):
        # 3,200 frames of 5,000 bytes (16 MB; frame boundaries never on lws's 1 KiB reads),
        # sent without reading, through small client buffers: more than the kernel's buffers
        # and the relay's 256 KiB of /echo replies hold, so the relay stops reading and the
        # sender blocks. After 1 s the client reads, and every echo must come back whole and
        # in order.
        payloads = [os.urandom(5000) for _ in range(3200)]
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(sock.close)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
        sock.settimeout(30)
        sock.connect(("127.0.0.1", self.relay.port))
        sock.sendall(upgrade_request(self.relay.port, "/echo"))
        buf = bytearray()
        while b"\r\n\r\n" not in buf:
            buf.extend(sock.recv(4096))
        head, _, rest = bytes(buf).partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 101 "), head)
        buf = bytearray(rest)
        sent = threading.Event()
        errors = []

        def send_all():
            try:
                sock.sendall(b"".join(client_frame(p, opcode=0x2) for p in payloads))
            except OSError as e:
                errors.append(e)
            sent.set()
        sender = threading.Thread(target=send_all, daemon=True)
        sender.start()
        await asyncio.sleep(1.0)
        self.assertFalse(sent.is_set(), "16 MB went out while nobody read the echoes: the relay should have "
                                        "pushed back (lws paused, TCP windows full)")

        def read_all():
            got = []
            while len(got) < len(payloads):
                opcode, payload = read_frame(sock, buf)
                if opcode == 0x2:
                    got.append(payload)
            return got
        got = await asyncio.get_running_loop().run_in_executor(None, read_all)
        sender.join(30)
        self.assertEqual(errors, [])
        self.assertEqual(len(got), len(payloads))
        for i, (want, have) in enumerate(zip(payloads, got)):
            self.assertEqual(have, want, f"echo {i} of {len(payloads)}: {len(have)} bytes, expected {len(want)}; "
                                         f"first difference at byte "
                                         f"{next((j for j, (a, b) in enumerate(zip(have, want)) if a != b), '-')}")


if __name__ == "__main__":
    main()
