"""What TLS hides: with --tls-cert the mirror carries each TLS record as it
crossed the wire (`tls_record`), linked to the plaintext units it carried.
A counting TCP forwarder between the client and the relay measures the bytes
on the wire, so the records' lengths are checked against the network's own
count, not against the relay's word."""
import asyncio
import json
import socket
import ssl
import threading
import urllib.request
import uuid

import websockets

from mirror import b64, hexs
from relay_test import RelayTest, main
from test_shutdown_tls import make_cert

RECORD_FIELDS = {"seq", "t_us", "kind", "conn", "dir", "offset", "content_type", "version", "length",
                 "body_head", "inner_type", "plain_offset", "plain_len", "count"}


class Forwarder:
    """127.0.0.1:0 -> the relay; counts the bytes of each direction."""

    def __init__(self, port):
        self.port, self.c2s, self.s2c, self.server, self.tasks = port, 0, 0, None, []

    async def start(self):
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader, writer):
        up_r, up_w = await asyncio.open_connection("127.0.0.1", self.port)

        async def pump(src, dst, attr):
            try:
                while data := await src.read(65536):
                    setattr(self, attr, getattr(self, attr) + len(data))
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                dst.close()

        self.tasks += [asyncio.create_task(pump(reader, up_w, "c2s")), asyncio.create_task(pump(up_r, writer, "s2c"))]

    async def close(self):
        self.server.close()
        for t in self.tasks:
            t.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


def wire_bytes(records, direction):
    return sum(5 * r["count"] + r["length"] for r in records if r["dir"] == direction)


class TlsRecords(RelayTest):
    async def asyncSetUp(self):
        self.peers = []
        self.cert, key = make_cert(self)
        self.relay = self.start_relay("--tls-cert", self.cert, "--tls-key", key)
        self.ctx = ssl.create_default_context(cafile=self.cert)

    def records(self, mirror, conn):
        return [e for e in mirror.events if e.get("kind") == "tls_record" and e.get("conn") == conn]

    async def wait_wire_total(self, mirror, conn, fwd):
        """Records arrive as the relay sees them: wait until both directions add up to the wire's count."""
        def added_up(_):
            rs = self.records(mirror, conn)
            return wire_bytes(rs, "c2s") == fwd.c2s and wire_bytes(rs, "s2c") == fwd.s2c
        try:
            await mirror.wait_for(added_up, timeout=10, what="tls_records adding up to the bytes on the wire")
        except AssertionError:
            rs = self.records(mirror, conn)
            raise AssertionError(f"wire bytes: expected c2s {fwd.c2s}, s2c {fwd.s2c}; the records add up to "
                                 f"c2s {wire_bytes(rs, 'c2s')}, s2c {wire_bytes(rs, 's2c')}") from None

    async def test_python_wss_records_add_up_and_link_to_their_frames(self):
        await self.check_records_link_frames(self.ctx, tag_and_type=17)   # TLS 1.3 AES-GCM: tag + inner type

    async def test_tls12_records_link_frames_without_inner_types(self):
        ctx = ssl.create_default_context(cafile=self.cert)
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        await self.check_records_link_frames(ctx, tag_and_type=24)        # TLS 1.2 AES-GCM: nonce + tag

    async def check_records_link_frames(self, ctx, tag_and_type):
        mirror = await self.mirror()
        fwd = Forwarder(self.relay.port)
        port = await fwd.start()
        marker = f"secret {uuid.uuid4().hex}"
        messages = [marker, "y" * 20000]
        async with websockets.connect(f"wss://127.0.0.1:{port}/echo", ssl=ctx, open_timeout=10) as ws:
            for m in messages:
                await ws.send(m)
                self.assertEqual(await asyncio.wait_for(ws.recv(), 10), m)
            opened = await mirror.wait_for(lambda e: e.get("kind") == "open", what="the open event")
            conn = opened["conn"]
            await self.wait_wire_total(mirror, conn, fwd)
        await fwd.close()
        records = self.records(mirror, conn)
        for r in records:
            self.assertEqual(set(r), RECORD_FIELDS, f"tls_record fields (nothing else, never a key): {r}")
            self.assertLessEqual(len(b64(r["body_head"])), 16, r)
        for direction in ("c2s", "s2c"):
            rs = [r for r in records if r["dir"] == direction]
            self.assertEqual(rs[0]["offset"], 0, f"{direction}: the first record starts the stream")
            self.assertEqual(rs[0]["content_type"], 22, f"{direction}: the first record is a handshake: {rs[0]}")
            at = 0
            for r in rs:   # records tile the TLS byte stream
                self.assertEqual(r["offset"], at, f"{direction}: record offsets tile the stream; at {r}")
                at += 5 * r["count"] + r["length"]
            # Application-data records carry the plaintext stream, in order, without a gap.
            data = [r for r in rs if r["plain_offset"] is not None]
            self.assertTrue(data, f"{direction}: no record names the plaintext it carried")
            plain = 0
            for r in data:
                self.assertEqual(r["plain_offset"], plain, f"{direction}: plaintext ranges tile; at {r}")
                self.assertEqual(r["content_type"], 23, r)
                plain += r["plain_len"]
            units = [e for e in mirror.of_conn(conn, dir_=direction) if e["kind"] in ("http", "frame")]
            end = max(u["offset"] + len(b64(u.get("header", ""))) + u.get("payload_len", 0)
                      + (len(b64(u["bytes"])) if u["kind"] == "http" else 0) for u in units)
            self.assertEqual(plain, end, f"{direction}: the records' plaintext ends where the last unit ends")
            # Each data frame is covered by the records whose ranges overlap it.
            for f in (u for u in units if u["kind"] == "frame" and u["opcode"] == 1):
                start, stop = f["offset"], f["offset"] + len(b64(f["header"])) + f["payload_len"]
                carriers = [r for r in data if r["plain_offset"] < stop and start < r["plain_offset"] + r["plain_len"]]
                self.assertTrue(carriers, f"{direction}: no record carried the frame at {start}")
                self.assertLessEqual(carriers[0]["plain_offset"], start)
                self.assertGreaterEqual(carriers[-1]["plain_offset"] + carriers[-1]["plain_len"], stop)
                if f["payload_len"] == 20000:
                    self.assertGreater(len(carriers), 1, f"{direction}: 20000 bytes need more than one record")
        # The network's view shows no plaintext: the marker's record body is not the marker.
        c2s_marker = next(f for f in mirror.of_conn(conn, "frame", "c2s") if f["payload_len"] == len(marker))
        carrier = next(r for r in records if r["dir"] == "c2s" and r["plain_offset"] is not None
                       and r["plain_offset"] <= c2s_marker["offset"] < r["plain_offset"] + r["plain_len"])
        self.assertNotIn(b64(carrier["body_head"]), marker.encode(), hexs(b64(carrier["body_head"])))
        self.assertEqual(carrier["length"], carrier["plain_len"] + tag_and_type, f"the cipher's overhead: {carrier}")

    async def test_a_burst_of_tiny_records_is_summarised_and_counted(self):
        # One TLS record per byte (each SSL_write is a record): a frame split into hundreds of records
        # must not become hundreds of events; the summary still adds up to the bytes on the wire.
        mirror = await self.mirror()
        fwd = Forwarder(self.relay.port)
        port = await fwd.start()
        key = "dGhlIHNhbXBsZSBub25jZQ=="
        request = (f"GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode()
        frame = bytes([0x81, 0x80 | 100, 1, 2, 3, 4]) + bytes(b ^ [1, 2, 3, 4][i % 4] for i, b in enumerate(b"z" * 100))
        echoed_event, counted = threading.Event(), threading.Event()

        def client():
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                with self.ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
                    s.sendall(request)
                    answer = b""
                    while b"\r\n\r\n" not in answer:
                        answer += s.recv(4096)
                    for i in range(len(frame)):
                        s.sendall(frame[i:i + 1])
                    echoed = b""
                    while len(echoed) < 102:
                        echoed += s.recv(4096)
                    echoed_event.set()
                    counted.wait(15)   # open until the records were counted: nothing more crosses
                    return answer, echoed

        done = asyncio.create_task(asyncio.to_thread(client))
        try:
            while not echoed_event.is_set() and not done.done():
                await asyncio.sleep(0.02)
            conn = (await mirror.wait_for(lambda e: e.get("kind") == "open", what="the open event"))["conn"]
            await self.wait_wire_total(mirror, conn, fwd)
        finally:
            counted.set()
        answer, echoed = await done
        self.assertTrue(answer.startswith(b"HTTP/1.1 101"), answer)
        self.assertEqual(echoed[2:102], b"z" * 100, hexs(echoed))
        await fwd.close()
        c2s = [r for r in self.records(mirror, conn) if r["dir"] == "c2s"]
        self.assertGreaterEqual(sum(r["count"] for r in c2s), 100 + 3, "one record per byte of the frame")
        self.assertLessEqual(len(c2s), 70, f"{len(c2s)} c2s events: a burst must be summarised (64 + summaries)")
        summary = [r for r in c2s if r["count"] > 1]
        self.assertTrue(summary, "no summary event (count > 1)")
        url = f"https://127.0.0.1:{self.relay.port}/metrics"
        metrics = await asyncio.to_thread(lambda: urllib.request.urlopen(url, context=self.ctx, timeout=10).read())
        line = next(l for l in metrics.decode().splitlines() if l.startswith("wirelab_tls_records_summarised_total"))
        self.assertGreater(int(line.split()[1]), 0, line)


class TlsRecordsRedacted(RelayTest):
    async def asyncSetUp(self):
        self.peers = []
        cert, key = make_cert(self)
        self.relay = self.start_relay("--tls-cert", cert, "--tls-key", key, "--redact")
        self.ctx = ssl.create_default_context(cafile=cert)

    async def test_redact_publishes_records_without_body_bytes(self):
        mirror = await self.mirror()
        async with websockets.connect(f"wss://127.0.0.1:{self.relay.port}/echo", ssl=self.ctx, open_timeout=10) as ws:
            await ws.send("redacted")
            self.assertEqual(await asyncio.wait_for(ws.recv(), 10), "redacted")
            await mirror.wait_for(lambda e: e.get("kind") == "tls_record" and e.get("dir") == "s2c"
                                  and (e.get("plain_len") or 0) > 0, what="a relay data record")
        records = [e for e in mirror.events if e.get("kind") == "tls_record"]
        self.assertTrue(records)
        for r in records:
            self.assertEqual(r["body_head"], "", f"--redact: no ciphertext bytes either: {r}")
            self.assertGreater(r["length"], 0, r)


if __name__ == "__main__":
    main()
