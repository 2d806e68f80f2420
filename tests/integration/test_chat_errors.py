"""Chat errors over WebSocket and long-poll: rate_limited, too_long, not_paired,
bad_message; unknown poll sessions; the per-address connection cap (503)."""
import asyncio
import json

import websockets

from http_raw import one_request, raw_exchange
from raw_ws import upgrade_request
from relay_test import RelayTest, main


class ChatErrors(RelayTest):
    # Almost no refill (0.1/s), so the count of refused messages is exact even under ASan.
    relay_flags = ("--chat-rate", "0.1", "--chat-burst", "4", "--chat-max-text", "50")

    async def test_not_paired(self):
        for p in (await self.ws("ws"), await self.poll("poll")):
            await p.welcome()
            await p.send({"type": "say", "text": "anyone?"})
            err = await p.expect("error", code="not_paired")
            self.assertTrue(err.get("detail"), err)

    async def test_bad_message(self):
        ws = await self.ws("ws")
        poll = await self.poll("poll")
        for p in (ws, poll):
            await p.welcome()
            # 9e999: a number no double holds (found by fuzz_poll_requests; it ended the relay)
            for bad in ("not json", '{"type":"sya"}', '{"text":"x"}', '{"type":"find","n":9e999}'):
                await p.send(bad)
                err = await p.expect("error", code="bad_message")
                self.assertTrue(err.get("detail"), err)

    async def test_too_long(self):
        a = await self.ws("A")
        b = await self.poll("B")
        await self.pair(a, b)   # find: 1 token each
        await a.send({"type": "say", "text": "x" * 51})
        await a.expect("error", code="too_long")
        await b.send({"type": "say", "text": "é" * 26})   # 26 characters, 52 UTF-8 bytes
        await b.expect("error", code="too_long")
        await a.send({"type": "say", "text": "x" * 50})
        await b.expect("said", text="x" * 50)

    async def test_rate_limited(self):
        a = await self.ws("A")
        b = await self.ws("B")
        await self.pair(a, b)   # a has 3 tokens left
        for i in range(6):
            await a.send({"type": "say", "text": f"m{i}"})
        for i in range(3):
            await b.expect("said", text=f"m{i}")
        for _ in range(3):
            await a.expect("error", code="rate_limited")
        await b.expect_nothing()   # refused messages are not sent

    async def test_unknown_poll_session_is_404_json(self):
        for session in ("nope", "0" * 32):
            for method, path in (("GET", f"/poll/recv?session={session}"), ("POST", f"/poll/send?session={session}")):
                resp = await one_request(self.relay.port, method, path, body='{"type":"find"}' if method == "POST" else b"")
                self.assertEqual(resp.status, 404, f"{method} {path}: {resp!r}")
                body = json.loads(resp.body)
                self.assertIsInstance(body, dict, resp.body)


class ConnectionCap(RelayTest):
    relay_flags = ("--max-conns-per-addr", "3")

    async def test_connections_per_address_cap_is_503(self):
        held = [await self.ws(f"ws {i}") for i in range(3)]
        for p in held:
            await p.welcome()
        # A fourth WebSocket upgrade and a plain GET are both refused.
        resp = await raw_exchange(self.relay.port, upgrade_request(self.relay.port, "/chat"))
        self.assertEqual(resp.status, 503, resp)
        with self.assertRaises(websockets.InvalidHandshake):
            extra = await websockets.connect(self.relay.ws_url("/chat"), open_timeout=20)
            await extra.close()
        resp = await one_request(self.relay.port, "GET", "/healthz")
        self.assertEqual(resp.status, 503, resp)
        # The held connections still chat.
        await self.pair(held[0], held[1])
        await self.exchange(held[0], held[1])
        # One leaves: a newcomer gets in (the relay may need a moment to see the close).
        await held[2].close()
        for _ in range(100):
            resp = await one_request(self.relay.port, "GET", "/healthz")
            if resp.status == 200:
                break
            await asyncio.sleep(0.05)
        self.assertEqual(resp.status, 200, resp)


if __name__ == "__main__":
    main()
