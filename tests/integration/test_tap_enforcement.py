"""The tap's enforcement cannot be walked around, and broken HTTP heads are
answered, not closed silently (issue 17 items 3, 7, 8). Each case: the status or
close code, a `violation` event naming the rule, and a bystander pair (a
WebSocket and a long-polling stranger) whose chat carries on meanwhile."""
import asyncio
import json

from http_raw import one_request, read_response, read_response_head
from mirror import b64, hexs
from raw_ws import RawWs, client_frame, upgrade_request
from test_violations import Violations
from relay_test import main


class TapEnforcement(Violations):
    """Violations' bystanders and helpers; only the tests named in CMakeLists run."""

    async def refused(self, request, status, rule_mentions, reason_mentions=None):
        """Sends exact bytes; the relay must answer `status`, publish a violation
        naming the rule and close the connection."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.relay.port)
        self.addCleanup(writer.close)
        writer.write(request)
        await writer.drain()
        try:
            resp = await asyncio.wait_for(read_response(reader), 20)
        except asyncio.IncompleteReadError as e:
            self.fail(f"should have answered {status}, but the connection closed with no answer "
                      f"(got {hexs(e.partial)})")
        self.assertEqual(resp.status, status, f"should have had {status}, but instead it was {resp!r}")
        self.assertEqual((resp.header("Connection") or "").lower(), "close", resp.headers)
        self.assertIn(rule_mentions, resp.body.decode("utf-8", "replace"), "the body names the rule")
        rest = await asyncio.wait_for(reader.read(), 20)
        self.assertEqual(rest, b"", f"nothing after the answer; the connection closes (got {hexs(rest)})")
        event = await self.mirror_.wait_for(lambda e: e.get("kind") == "violation" and rule_mentions in e.get("rule", ""),
                                            what=f"a violation naming {rule_mentions}")
        self.assertIn(str(status), event["action"], event)
        if reason_mentions:
            self.assertIn(reason_mentions, event["rule"], event)
        # The answer is in the mirror too, as an s2c http event of that connection.
        await self.mirror_.wait_for(lambda e: e.get("kind") == "http" and e.get("conn") == event["conn"]
                                    and e.get("dir") == "s2c" and e["start_line"].startswith(f"HTTP/1.1 {status}"),
                                    what=f"the relay's {status} answer in the mirror")
        return event

    # -- item 3: an upgrade has no body; frames after it are checked ------------------
    async def test_upgrade_with_content_length_is_400(self):
        request = upgrade_request(self.relay.port, "/echo", extra=[("Content-Length", "1000000")])
        await self.refused(request + client_frame(b"Hello", masked=False), 400, "RFC 6455 4.1", "no body")

    async def test_upgrade_with_transfer_encoding_is_400(self):
        request = upgrade_request(self.relay.port, "/chat", extra=[("Transfer-Encoding", "chunked")])
        await self.refused(request + client_frame(b"Hello", masked=False), 400, "RFC 6455 4.1", "no body")

    async def test_unmasked_frame_in_the_upgrade_write_closes_1002(self):
        reader, writer = await asyncio.open_connection("127.0.0.1", self.relay.port)
        raw = RawWs(reader, writer)
        self.addCleanup(raw.close)
        marker = "early-unmasked"
        writer.write(upgrade_request(self.relay.port, "/echo", extra=[("X-Wirelab-Test", marker)])
                     + client_frame(b"Hello", masked=False))
        status, _, _, head = await asyncio.wait_for(read_response_head(reader), 20)
        self.assertEqual(status, 101, head)
        got = await raw.next_close()
        self.assertEqual(got and got[0], 1002, f"should have had close 1002, but instead it was {got}")
        conn = await self.mirror_.conn_with_header("X-Wirelab-Test", marker)
        await self.assertViolation(conn, "5.1")
        echoed = [e for e in self.mirror_.of_conn(conn, "frame", "s2c") if e["opcode"] == 1]
        self.assertEqual(echoed, [], "the unmasked frame must not be echoed")

    async def test_frames_in_the_upgrade_write_echo_and_mirror_byte_for_byte(self):
        # Enough frames that the stream runs well past byte 512 of the first read
        # (libwebsockets 4.1.6 builds its 101 at offset 384 of the buffer it read into).
        payloads = [f"frame {i:02d} ".encode() + bytes([0x41 + i % 26]) * 40 for i in range(30)]
        frames = [client_frame(p, mask_key=bytes([i, 0x5a, 0xa5, 0xff - i])) for i, p in enumerate(payloads)]
        marker = "early-frames"
        request = upgrade_request(self.relay.port, "/echo", extra=[("X-Wirelab-Test", marker)])
        reader, writer = await asyncio.open_connection("127.0.0.1", self.relay.port)
        raw = RawWs(reader, writer)
        self.addCleanup(raw.close)
        writer.write(request + b"".join(frames))   # one write
        status, _, _, head = await asyncio.wait_for(read_response_head(reader), 20)
        self.assertEqual(status, 101, head)
        for i, p in enumerate(payloads):
            echo = await raw.next_frame()
            self.assertIsNotNone(echo, f"closed before echo {i}")
            self.assertEqual(echo.data, p, f"echo {i}: should have been {hexs(p)}, but was {hexs(echo.data)}")
        conn = await self.mirror_.conn_with_header("X-Wirelab-Test", marker)
        await self.mirror_.wait_for(lambda e: e.get("conn") == conn and e.get("kind") == "frame"
                                    and e.get("dir") == "s2c" and len(self.mirror_.of_conn(conn, "frame", "s2c"))
                                    >= len(frames), what="every echo in the mirror")
        c2s = b"".join(b64(e["header"]) + b64(e["payload"]) for e in self.mirror_.of_conn(conn, "frame", "c2s"))
        self.assertEqual(c2s, b"".join(frames), "the mirror's client frames are the bytes sent")
        s2c = [b64(e["payload"]) for e in self.mirror_.of_conn(conn, "frame", "s2c")][:len(payloads)]
        self.assertEqual(s2c, payloads, "the mirror's echoes are the payloads sent")
        self.assertEqual([e for e in self.mirror_.events if e.get("kind") == "violation"], [])

    async def test_content_length_and_transfer_encoding_is_400(self):
        opened = await one_request(self.relay.port, "POST", "/poll/open")
        session = json.loads(opened.body)["session"]
        body = b'{"type":"find"}'
        request = (f"POST /poll/send?session={session} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   f"Content-Length: {len(body)}\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
        request += f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
        await self.refused(request, 400, "RFC 9112 6.1")

    # -- item 7: heads answered, not closed silently --------------------------------
    async def test_64k_header_line_is_431(self):
        request = f"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {'a' * 65536}\r\n\r\n".encode()
        await self.refused(request, 431, "RFC 6585 5")

    async def test_8k_header_line_is_431(self):
        request = f"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {'a' * 8192}\r\n\r\n".encode()
        await self.refused(request, 431, "RFC 6585 5")

    async def test_1000_headers_is_431(self):
        fields = "".join(f"X-{i}: {i}\r\n" for i in range(1000))
        await self.refused(f"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n{fields}\r\n".encode(), 431, "RFC 6585 5")

    async def test_request_line_without_version_is_400(self):
        await self.refused(b"GET /\r\nHost: 127.0.0.1\r\n\r\n", 400, "RFC 9112 3")

    async def test_http_1_1_without_host_is_400(self):
        await self.refused(b"GET /healthz HTTP/1.1\r\n\r\n", 400, "RFC 9112 3.2")

    async def test_http_1_0_upgrade_is_400(self):
        request = upgrade_request(self.relay.port, "/chat").replace(b"HTTP/1.1", b"HTTP/1.0", 1)
        await self.refused(request, 400, "RFC 6455 4.1", "HTTP/1.0")

    async def test_http_2_0_upgrade_is_400(self):
        request = upgrade_request(self.relay.port, "/chat").replace(b"HTTP/1.1", b"HTTP/2.0", 1)
        await self.refused(request, 400, "RFC 6455 4.1", "HTTP/2.0")

    async def test_chunked_poll_send_is_411_at_once(self):
        opened = await one_request(self.relay.port, "POST", "/poll/open")
        session = json.loads(opened.body)["session"]
        body = b'{"type":"find"}'
        request = (f"POST /poll/send?session={session} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n").encode()
        request += f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
        await self.refused(request, 411, "RFC 9110 15.5.12")

    # -- item 8: a continuation with nothing to continue --------------------------------
    async def test_orphan_continuation_closes_1002_with_a_violation(self):
        raw, conn = await self.open_raw("/echo")
        await raw.send_bytes(client_frame(b"lo", opcode=0x0))
        await self.assertCloses(raw, 1002)
        event = await self.assertViolation(conn, "RFC 6455 5.4")
        self.assertIn("continuation", event["rule"])


if __name__ == "__main__":
    main()
