"""Every RFC rule the relay enforces where libwebsockets 4.1.6 lets things through
(issue 3, section 2): the close code or HTTP status, a `violation` event, and a
bystander pair whose chat carries on meanwhile."""
import uuid

from http_raw import raw_exchange
from raw_ws import RawWs, client_frame, upgrade_request
from relay_test import RelayTest, main


class Violations(RelayTest):
    async def asyncSetUp(self):
        await super().asyncSetUp()
        self.mirror_ = await self.mirror()
        self.a = await self.ws("bystander A")
        self.b = await self.poll("bystander B")
        await self.pair(self.a, self.b)
        await self.exchange(self.a, self.b)

    async def asyncTearDown(self):
        try:
            # Nobody else's connection noticed.
            await self.exchange(self.a, self.b)
        finally:
            await super().asyncTearDown()

    async def open_raw(self, path):
        marker = uuid.uuid4().hex
        raw = await RawWs.open(self.relay.port, path, extra=[("X-Wirelab-Test", marker)])
        self.addCleanup(raw.close)
        conn = await self.mirror_.conn_with_header("X-Wirelab-Test", marker)
        return raw, conn

    async def assertViolation(self, conn, rule_mentions):
        event = await self.mirror_.wait_for(lambda e: e.get("kind") == "violation" and e.get("conn") == conn,
                                            what=f"a violation event for conn {conn}")
        self.assertIn(rule_mentions, event.get("rule", ""), event)
        self.assertTrue(event.get("action"), event)
        return event

    async def assertCloses(self, raw, code):
        got = await raw.next_close()
        self.assertIsNotNone(got, f"the connection ended without a close frame; should have had close {code}")
        self.assertEqual(got[0], code, f"close code: should have had {code}, but instead it was {got}")
        # 7.1.1 / 5.5.1: answer the close as a client must; then the relay hangs up.
        await raw.send_bytes(client_frame(got[0].to_bytes(2, "big"), opcode=0x8))
        self.assertIsNone(await raw.next_frame(), "frames after the close frame")

    # -- 5.1: client frames must be masked -> 1002 --------------------------------
    async def test_unmasked_client_frame_closes_1002(self):
        raw, conn = await self.open_raw("/chat")
        frame = client_frame(b'{"type":"find"}', masked=False)
        await raw.send_bytes(frame)
        await self.assertCloses(raw, 1002)
        # The offending frame gets its own frame event first, then the violation.
        offending = await self.mirror_.wait_for(lambda e: e.get("kind") == "frame" and e.get("conn") == conn
                                                and e.get("dir") == "c2s", what="the unmasked frame's event")
        self.assertIs(offending["masked"], False)
        violation = await self.assertViolation(conn, "5.1")
        self.assertLess(self.mirror_.events.index(offending), self.mirror_.events.index(violation))
        self.assertIn("1002", violation["action"])

    # -- 4.4 / 4.2.2: version -> 426 with Sec-WebSocket-Version: 13 ----------------
    async def check_status(self, request, status, rule_mentions=None, version_header=False):
        marker = uuid.uuid4().hex
        request = request.replace(b"\r\n\r\n", f"\r\nX-Wirelab-Test: {marker}\r\n\r\n".encode(), 1)
        resp = await raw_exchange(self.relay.port, request)
        self.assertEqual(resp.status, status, f"should have had {status}, but instead it was {resp!r}")
        if version_header:
            self.assertEqual(resp.header("Sec-WebSocket-Version"), "13", resp.headers)
        conn = await self.mirror_.conn_with_header("X-Wirelab-Test", marker)
        if rule_mentions:
            await self.assertViolation(conn, rule_mentions)

    async def test_missing_version_is_426(self):
        await self.check_status(upgrade_request(self.relay.port, "/chat", version=None), 426, "6455",
                                version_header=True)

    async def test_version_8_is_426(self):
        await self.check_status(upgrade_request(self.relay.port, "/chat", version="8"), 426, "6455",
                                version_header=True)

    async def test_missing_key_is_400(self):
        await self.check_status(upgrade_request(self.relay.port, "/chat", key=None), 400, "6455")

    async def test_post_upgrade_is_400(self):
        request = upgrade_request(self.relay.port, "/chat", method="POST").replace(
            b"\r\n\r\n", b"\r\nContent-Length: 0\r\n\r\n", 1)
        await self.check_status(request, 400, "6455")

    # -- 8.1: text must be UTF-8 -> 1007 ------------------------------------------
    async def test_invalid_utf8_closes_1007(self):
        raw, conn = await self.open_raw("/echo")
        await raw.send_bytes(client_frame(b"ok \xc3\x28 not utf-8"))
        await self.assertCloses(raw, 1007)
        await self.assertViolation(conn, "6455")

    async def test_invalid_utf8_on_chat_closes_1007(self):
        raw, conn = await self.open_raw("/chat")
        await raw.send_bytes(client_frame(b'{"type":"say","text":"\xff"}'))
        await self.assertCloses(raw, 1007)
        await self.assertViolation(conn, "6455")

    # -- 7.4.1: message too big -> 1009 ---------------------------------------------
    async def test_chat_message_over_4k_closes_1009(self):
        raw, conn = await self.open_raw("/chat")
        body = b'{"type":"say","text":"' + b"x" * (4097 - 24) + b'"}'
        self.assertEqual(len(body), 4097, "4 KiB + 1")
        await raw.send_bytes(client_frame(body))
        await self.assertCloses(raw, 1009)
        await self.assertViolation(conn, "6455")

    async def test_chat_message_of_4k_is_accepted(self):
        raw, conn = await self.open_raw("/chat")
        await raw.next_frame()   # welcome
        body = b'{"type":"say","text":"' + b"x" * (4096 - 24) + b'"}'
        self.assertEqual(len(body), 4096)
        await raw.send_bytes(client_frame(body))
        answer = await raw.next_frame()
        self.assertIsNotNone(answer, "closed on a message of exactly 4 KiB")
        self.assertIn(b"too_long", answer.data, "2000-byte text limit still applies")

    async def test_echo_message_over_64k_closes_1009(self):
        raw, conn = await self.open_raw("/echo")
        await raw.send_bytes(client_frame(b"y" * 65536, opcode=0x2))
        echo = await raw.next_frame()
        self.assertIsNotNone(echo, "closed on a message of exactly 64 KiB")
        self.assertEqual(len(echo.data), 65536)
        await raw.send_bytes(client_frame(b"y" * 65537, opcode=0x2))
        await self.assertCloses(raw, 1009)
        await self.assertViolation(conn, "6455")


if __name__ == "__main__":
    main()
