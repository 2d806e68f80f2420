"""Chat through a real relay: WS<->WS, WS<->long-poll, node ws, a room of five.
Each client library is an independent implementation of RFC 6455."""
import uuid

from relay_test import RelayTest, main

DEFAULT_LIMITS = {"max_text_bytes": 2000, "rate_per_s": 10, "burst": 20}


class Chat(RelayTest):
    async def test_ws_to_ws(self):
        a = await self.ws("A (python ws)")
        b = await self.ws("B (python ws)")
        for p in (a, b):
            welcome = await p.welcome()
            self.assertLabel(p.label)
            self.assertEqual(welcome.get("limits"), DEFAULT_LIMITS)
        self.assertNotEqual(a.label, b.label)
        await self.pair(a, b)
        await self.exchange(a, b)
        await a.send({"type": "typing", "on": True})
        await b.expect("typing", skip=(), **{"from": a.label, "on": True})
        await a.expect_nothing()   # said and typing never come back to the sender
        await a.send({"type": "leave"})
        await b.expect("left", who=a.label)

    async def test_ws_to_long_poll(self):
        a = await self.ws("A (python ws)")
        b = await self.poll("B (long-poll)")
        await self.pair(a, b)
        await self.exchange(a, b)
        await self.exchange(b, a)
        await b.send({"type": "typing", "on": True})
        await a.expect("typing", skip=(), **{"from": b.label, "on": True})
        # skip = leave + find, from the long-polling side
        await b.send({"type": "leave"})
        await a.expect("left", who=b.label)
        await b.send({"type": "find"})
        await b.expect("waiting")
        await a.send({"type": "find"})
        await b.expect("paired", peer=a.label)
        await a.expect("paired", peer=b.label)
        # a disconnects: b hears `left` over long-poll
        await a.close()
        await b.expect("left", who=a.label)
        self.assertTrue(all(status in (200, 204) for status, _ in b.responses), b.responses)

    async def test_python_ws_to_node_ws(self):
        a = await self.ws("A (python ws)")
        b = await self.node("B (node ws)")
        await self.pair(a, b)
        await self.exchange(a, b)
        await self.exchange(b, a, "ünïcödé ✓ 😀")

    async def test_room_of_five(self):
        members = [await self.ws("python ws 1"), await self.node("node ws 1"), await self.poll("long-poll 1"),
                   await self.ws("python ws 2"), await self.node("node ws 2")]
        for p in members:
            await p.welcome()
        self.assertEqual(len({p.label for p in members}), 5, [p.label for p in members])
        for i, p in enumerate(members):
            await p.send({"type": "join", "room": "cs101"})
            for q in members[: i + 1]:   # everyone in the room hears the newcomer
                await q.expect("joined", room="cs101", members=i + 1)
        for i, p in enumerate(members):
            text = f"line {i} {uuid.uuid4().hex[:6]}"
            await p.send({"type": "say", "text": text})
            for q in members:
                if q is not p:
                    await q.expect("said", **{"from": p.label, "text": text})
        for p in members:
            await p.expect_nothing()   # nobody got their own line back
        leaver = members.pop(3)
        await leaver.close()
        self.peers.remove(leaver)
        for q in members:
            await q.expect("left", who=leaver.label)


if __name__ == "__main__":
    main()
