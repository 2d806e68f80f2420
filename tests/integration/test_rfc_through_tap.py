"""Issue 10, "RFC-exact through the tap": what the class sees on the mirror when the tap
corrects libwebsockets 4.1.6 (tests/conformance checks the wire side of the same cases).
Each test fails on the relay before the fix."""
import asyncio
import uuid

from mirror import b64, hexs
from raw_ws import RawWs, client_frame
from relay_test import RelayTest, main


class RfcThroughTap(RelayTest):
    async def asyncSetUp(self):
        await super().asyncSetUp()
        self.mirror_ = await self.mirror()

    async def open_echo(self):
        marker = uuid.uuid4().hex
        raw = await RawWs.open(self.relay.port, "/echo", extra=[("X-Wirelab-Test", marker)])
        self.addCleanup(raw.close)
        conn = await self.mirror_.conn_with_header("X-Wirelab-Test", marker)
        return raw, conn

    async def send_byte_by_byte(self, raw, data):
        for i in range(len(data)):
            await raw.send_bytes(data[i:i + 1])
            await asyncio.sleep(0.001)   # one read per byte on the relay's side

    async def closes_then_nothing(self, raw, code):
        got = await raw.next_close()
        self.assertIsNotNone(got, f"the connection ended without a close frame; should have had close {code}")
        self.assertEqual(got[0], code, f"close code: should have had {code}, but instead it was {got}")
        await raw.send_bytes(client_frame(got[0].to_bytes(2, "big"), opcode=0x8))
        after = await raw.next_frame()
        self.assertIsNone(after, f"RFC 6455 5.5.1: a frame came after the relay's Close: {after}")

    async def relay_frames(self, conn):
        """The s2c frames of conn once it closed: the mirror's account of what the client got."""
        await self.mirror_.wait_for(lambda e: e.get("kind") == "close" and e.get("conn") == conn,
                                    what=f"the close event of conn {conn}")
        return [e for e in self.mirror_.of_conn(conn, dir_="s2c") if e.get("kind") in ("frame", "raw")]

    def assertEndsWithOneClose(self, frames, code):
        shown = [(f.get("opcode"), hexs(b64(f.get("payload")))) for f in frames]
        closes = [f for f in frames if f.get("opcode") == 8]
        self.assertEqual(len(closes), 1, f"one Close from the relay, no more; the mirror shows {shown}")
        self.assertIs(frames[-1], closes[0], f"5.5.1: nothing after the relay's Close; the mirror shows {shown}")
        self.assertEqual(b64(closes[0]["payload"])[:2], code.to_bytes(2, "big"), shown)

    # A broken header sent one byte at a time: lws 4.1.6 saw its first byte and
    # failed the connection itself, then the tap's own Close (and an echo) followed.
    async def test_rsv_bits_byte_by_byte_get_one_close_and_nothing_after(self):
        raw, conn = await self.open_echo()
        await raw.send_bytes(client_frame(b"Hello"))
        rsv = bytearray(client_frame(b"rsv"))
        rsv[0] |= 0x20   # RSV2: no extension defines it
        await self.send_byte_by_byte(raw, bytes(rsv))
        await self.closes_then_nothing(raw, 1002)
        violation = await self.mirror_.wait_for(lambda e: e.get("kind") == "violation" and e.get("conn") == conn,
                                                what="the RSV violation")
        self.assertIn("RFC 6455 5.2", violation["rule"])
        self.assertEndsWithOneClose(await self.relay_frames(conn), 1002)

    async def fails_with(self, data, code, rule):
        """data sent whole on a fresh /echo connection: Close `code`, nothing after it, a violation
        naming `rule`, and the mirror's s2c side ends with that one Close."""
        raw, conn = await self.open_echo()
        await raw.send_bytes(data)
        await self.closes_then_nothing(raw, code)
        violation = await self.mirror_.wait_for(lambda e: e.get("kind") == "violation" and e.get("conn") == conn,
                                                what=f"the {rule} violation")
        self.assertIn(rule, violation["rule"])
        self.assertEqual(violation["action"], f"closed {code}")
        self.assertEndsWithOneClose(await self.relay_frames(conn), code)

    # 5.5.1 / 7.1.5: a 1-byte close body is a protocol error, not something to echo.
    async def test_one_byte_close_body_is_1002_with_a_violation(self):
        await self.fails_with(client_frame(b"\x03", opcode=0x8), 1002, "RFC 6455 5.5.1")

    # 8.1: a close reason that is not UTF-8 fails the connection with 1007.
    async def test_close_reason_not_utf8_is_1007(self):
        await self.fails_with(client_frame(b"\x03\xe8bad \xff", opcode=0x8), 1007, "RFC 6455 8.1")

    # 5.5.3: each of ten pings gets its pong, in order, as the mirror shows.
    async def test_ten_pings_get_ten_pongs_in_order(self):
        raw, conn = await self.open_echo()
        pings = [b"ping %d" % i for i in range(10)]
        await raw.send_bytes(b"".join(client_frame(p, opcode=0x9) for p in pings))
        pongs = []
        while len(pongs) < len(pings):
            f = await raw.next_frame()
            self.assertIsNotNone(f, f"the relay closed after pongs {pongs}")
            pongs.append(f.data)
        self.assertEqual(pongs, pings, "5.5.3: each ping answered with its own payload, in order")
        mirrored = await self.mirror_.wait_for(
            lambda e: e.get("conn") == conn and e.get("dir") == "s2c" and e.get("opcode") == 0xA
            and b64(e.get("payload")) == pings[-1], what="the last pong on the mirror")
        self.assertEqual(mirrored["payload_len"], len(pings[-1]))

    # 7.1.7: a 64-bit length with its top bit set gets Close 1002, not a bare drop.
    async def test_length_with_top_bit_set_is_1002(self):
        await self.fails_with(bytes([0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0]) + b"\x37\xfa\x21\x3d", 1002, "RFC 6455 5.2")

if __name__ == "__main__":
    main()
