"""The mirror shows exactly the bytes on the wire (issue 3, section 1)."""
import struct
import uuid

from mirror import b64, hexs
from raw_ws import RawWs, client_frame
from relay_test import RelayTest, main

# RFC 6455 5.7: a single-frame masked text message, "Hello", masking key 37 fa 21 3d.
RFC_MASKED_HELLO = bytes.fromhex("818537fa213d7f9f4d5158")


def split_client_frames(data):
    """Client frames as written: [(header bytes incl. mask key, masked payload)]."""
    frames, i = [], 0
    while i < len(data):
        n = data[i + 1] & 0x7F
        h = 2
        if n == 126:
            n = struct.unpack("!H", data[i + 2:i + 4])[0]
            h = 4
        elif n == 127:
            n = struct.unpack("!Q", data[i + 2:i + 10])[0]
            h = 10
        if data[i + 1] & 0x80:
            h += 4
        frames.append((data[i:i + h], data[i + h:i + h + n]))
        i += h + n
    return frames


class RecordingTransport:
    """Wraps a transport: keeps every byte the python client wrote."""

    def __init__(self, inner):
        self._inner = inner
        self.written = bytearray()

    def write(self, data):
        self.written += data
        self._inner.write(data)

    def __getattr__(self, name):
        return getattr(self._inner, name)


class MirrorBytes(RelayTest):
    def assertFrameIsExactly(self, event, header, payload):
        got_header, got_payload = b64(event["header"]), b64(event["payload"])
        self.assertEqual(got_header, header, f"frame header: should have had {hexs(header)}, "
                                             f"but instead it was {hexs(got_header)}")
        self.assertEqual(got_payload, payload, f"frame payload: should have had {hexs(payload)}, "
                                               f"but instead it was {hexs(got_payload)}")

    async def test_rfc_masked_hello_is_in_the_mirror_exactly(self):
        mirror = await self.mirror()
        marker = uuid.uuid4().hex
        raw = await RawWs.open(self.relay.port, "/echo", extra=[("X-Wirelab-Test", marker)])
        self.addCleanup(raw.close)
        conn = await mirror.conn_with_header("X-Wirelab-Test", marker)
        await raw.send_bytes(RFC_MASKED_HELLO)
        echo = await raw.next_frame()
        self.assertIsNotNone(echo, "the relay closed instead of echoing")
        self.assertEqual(echo.data, b"Hello")
        frame = await mirror.wait_for(lambda e: e.get("kind") == "frame" and e.get("conn") == conn
                                      and e.get("dir") == "c2s", what="the c2s frame event")
        self.assertFrameIsExactly(frame, RFC_MASKED_HELLO[:6], RFC_MASKED_HELLO[6:])
        self.assertEqual(frame["mask_key"], "37fa213d")
        self.assertIs(frame["masked"], True)
        self.assertIs(frame["fin"], True)
        self.assertEqual(frame["opcode"], 1)
        self.assertEqual(frame["payload_len"], 5)
        # The echo back: an unmasked server frame, as the server wrote it.
        s2c = await mirror.wait_for(lambda e: e.get("kind") == "frame" and e.get("conn") == conn
                                    and e.get("dir") == "s2c", what="the s2c echo frame event")
        self.assertFrameIsExactly(s2c, b"\x81\x05", b"Hello")
        self.assertIsNone(s2c["mask_key"])
        # The handshake bytes too: the 101 the client read is the 101 in the mirror.
        resp = await mirror.wait_for(lambda e: e.get("kind") == "http" and e.get("conn") == conn
                                     and e.get("dir") == "s2c", what="the 101 response")
        self.assertEqual(b64(resp["bytes"]), raw.handshake_response)

    async def test_python_client_mask_keys_appear_as_sent(self):
        mirror = await self.mirror()
        marker = uuid.uuid4().hex
        peer = await self.ws("python ws", path="/echo", raw=True, extra_headers={"X-Wirelab-Test": marker})
        recorder = RecordingTransport(peer.ws.transport)
        peer.ws.transport = recorder
        conn = await mirror.conn_with_header("X-Wirelab-Test", marker)
        messages = [f"message {i} {'z' * (i * 40)}" for i in range(8)]   # 7-bit and 16-bit lengths
        for text in messages:
            await peer.send(text)
        for text in messages:
            self.assertEqual(await peer.next(), text, "the /echo answer")
        sent = split_client_frames(bytes(recorder.written))
        self.assertEqual(len(sent), len(messages))
        await mirror.wait_for(lambda e: len(mirror.of_conn(conn, "frame", "c2s")) >= len(sent),
                              what=f"{len(sent)} c2s frame events")
        events = mirror.of_conn(conn, "frame", "c2s")
        self.assertEqual(len(events), len(sent), "c2s frame events for the python client")
        keys = set()
        for (header, payload), event in zip(sent, events):
            self.assertFrameIsExactly(event, header, payload)
            self.assertEqual(event["mask_key"], header[-4:].hex())
            keys.add(event["mask_key"])
        self.assertGreater(len(keys), 1, "python websockets picks a fresh random key per frame")

    async def test_raw_client_random_mask_keys_appear_as_sent(self):
        mirror = await self.mirror()
        marker = uuid.uuid4().hex
        raw = await RawWs.open(self.relay.port, "/echo", extra=[("X-Wirelab-Test", marker)])
        self.addCleanup(raw.close)
        conn = await mirror.conn_with_header("X-Wirelab-Test", marker)
        sizes = [0, 1, 125, 126, 1000, 65535, 65536]   # every length form (5.2)
        sent = []
        for n in sizes:
            frame = client_frame(bytes((i * 7) & 0xFF for i in range(n)), opcode=0x2)
            sent.append(frame)
            await raw.send_bytes(frame)
            echo = await raw.next_frame()
            self.assertIsNotNone(echo)
            self.assertEqual(len(echo.data), n)
        for n, frame in zip(sizes, sent):
            h = len(frame) - n
            event = await mirror.wait_for(lambda e, h=h, frame=frame: e.get("kind") == "frame" and e.get("conn") == conn
                                          and e.get("dir") == "c2s" and b64(e["header"]) == frame[:h],
                                          what=f"the c2s frame with header {hexs(frame[:h])}")
            self.assertFrameIsExactly(event, frame[:h], frame[h:])
            self.assertEqual(event["payload_len"], n)
            self.assertFalse(event.get("truncated"), "64 KiB fits the default --mirror-max-payload")

    async def test_chat_events_carry_labels_never_text(self):
        mirror = await self.mirror()
        a = await self.ws("A")
        b = await self.poll("B")
        await self.pair(a, b)
        secret = f"secret-{uuid.uuid4().hex}"
        await a.send({"type": "say", "text": secret})
        await b.expect("said", text=secret)
        paired = await mirror.wait_for(lambda e: e.get("kind") == "chat" and e.get("event") == "paired"
                                       and e.get("who") == a.label, what="a chat paired event")
        self.assertEqual(paired["peer"], b.label)
        await mirror.wait_for(lambda e: e.get("kind") == "chat" and e.get("event") == "said", what="a chat said event")
        for e in mirror.events:
            if e.get("kind") == "chat":
                self.assertNotIn(secret, str(e))


if __name__ == "__main__":
    main()
