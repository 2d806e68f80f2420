"""permessage-deflate (RFC 7692) through the tap: off unless --permessage-deflate,
and when on, the mirror carries the compressed frames exactly as sent, RSV1 set,
so the visualizer can show compression for real (issue 3 section 1, issue 4 section 3)."""
import uuid
import zlib

from mirror import b64, hexs
from relay_test import RelayTest, main

# RFC 7692 7.2.2: the sender drops the final empty block's 00 00 ff ff; a reader puts it back.
TAIL = b"\x00\x00\xff\xff"


def unmask(payload, key_hex):
    key = bytes.fromhex(key_hex)
    return bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def extensions_of(response):
    return [v for k, v in response["headers"] if k.lower() == "sec-websocket-extensions"]


class Deflate(RelayTest):
    relay_flags = ("--permessage-deflate",)

    async def test_compressed_frames_cross_the_tap_exactly_with_rsv1(self):
        mirror = await self.mirror()
        marker = uuid.uuid4().hex
        # python websockets offers permessage-deflate by default (compression="deflate").
        peer = await self.ws("python ws", path="/echo", raw=True, extra_headers={"X-Wirelab-Test": marker})
        conn = await mirror.conn_with_header("X-Wirelab-Test", marker)
        texts = [f"hello hello hello {i} " * 8 for i in range(3)]
        for text in texts:
            await peer.send(text)
            self.assertEqual(await peer.next(), text, "the /echo answer through a compressed connection")
        response = await mirror.wait_for(lambda e: e.get("kind") == "http" and e.get("conn") == conn
                                         and e.get("dir") == "s2c", what="the 101 response")
        offered = extensions_of(response)
        self.assertTrue(offered and offered[0].startswith("permessage-deflate"),
                        f"the 101 should accept permessage-deflate, but its Sec-WebSocket-Extensions were {offered}")
        await mirror.wait_for(lambda e: len(mirror.of_conn(conn, "frame", "s2c")) >= len(texts),
                              what=f"{len(texts)} s2c frame events")
        c2s = [e for e in mirror.of_conn(conn, "frame", "c2s") if e["opcode"] == 1]
        s2c = [e for e in mirror.of_conn(conn, "frame", "s2c") if e["opcode"] == 1]
        self.assertEqual(len(c2s), len(texts), "c2s text frame events")
        # Each direction is one deflate stream across messages (RFC 7692 7.2.3: context takeover);
        # a persistent inflater per direction reads it whether or not a side resets its context.
        client_inflater, server_inflater = zlib.decompressobj(-15), zlib.decompressobj(-15)
        for text, sent, echoed in zip(texts, c2s, s2c):
            self.assertEqual(sent["rsv"], 4, f"c2s frame rsv: should have been 4 (RSV1), but it was {sent['rsv']}")
            self.assertEqual(echoed["rsv"], 4, f"s2c frame rsv: should have been 4 (RSV1), but it was {echoed['rsv']}")
            clear = unmask(b64(sent["payload"]), sent["mask_key"])
            self.assertLess(len(clear), len(text.encode()), "the repeated text should have been compressed")
            inflated = client_inflater.decompress(clear + TAIL)
            self.assertEqual(inflated, text.encode(), f"c2s payload inflated: {hexs(inflated)}")
            inflated = server_inflater.decompress(b64(echoed["payload"]) + TAIL)
            self.assertEqual(inflated, text.encode(), f"s2c payload inflated: {hexs(inflated)}")

    async def test_strangers_chat_over_compressed_connections(self):
        a, b = await self.ws("A"), await self.ws("B")
        await self.pair(a, b)
        await self.exchange(a, b)
        self.assertEqual(a.ws.extensions[0].name, "permessage-deflate", "A negotiated permessage-deflate")


class NoDeflateByDefault(RelayTest):
    async def test_the_relay_does_not_accept_deflate_unless_asked(self):
        mirror = await self.mirror()
        marker = uuid.uuid4().hex
        peer = await self.ws("python ws", path="/echo", raw=True, extra_headers={"X-Wirelab-Test": marker})
        conn = await mirror.conn_with_header("X-Wirelab-Test", marker)
        await peer.send("plain")
        self.assertEqual(await peer.next(), "plain")
        response = await mirror.wait_for(lambda e: e.get("kind") == "http" and e.get("conn") == conn
                                         and e.get("dir") == "s2c", what="the 101 response")
        self.assertEqual(extensions_of(response), [], "no Sec-WebSocket-Extensions without --permessage-deflate")
        frame = await mirror.wait_for(lambda e: e.get("kind") == "frame" and e.get("conn") == conn
                                      and e.get("dir") == "c2s", what="the c2s frame")
        self.assertEqual(frame["rsv"], 0)
        self.assertEqual(unmask(b64(frame["payload"]), frame["mask_key"]), b"plain")


if __name__ == "__main__":
    main()
