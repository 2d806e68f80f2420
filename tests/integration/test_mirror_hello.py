"""A mirror subscriber that arrives late: its `hello` says who is who
(docs/mirror-protocol.md "hello": connections[].who and participants), since
the `chat` events that said it went by before it subscribed."""
import json
import uuid

from relay_test import RelayTest, main


class MirrorHello(RelayTest):
    async def test_late_subscriber_sees_labels_transports_and_pairing(self):
        a = await self.ws("A (python ws)")
        b = await self.poll("B (long-poll)")
        await self.pair(a, b)
        text = f"secret {uuid.uuid4().hex}"
        await self.exchange(a, b, text)
        c = await self.ws("C (python ws, in a room)")
        await c.welcome()
        await c.send({"type": "join", "room": "cs101"})
        await c.expect("joined", room="cs101", members=1)
        d = await self.ws("D (python ws, waiting)")
        await d.welcome()
        await d.send({"type": "find"})
        await d.expect("waiting")

        # Subscribes only now: every `chat` event above is in the past.
        mirror = await self.mirror()
        hello = mirror.hello
        shown = json.dumps(hello, ensure_ascii=False)
        people = {p.get("who"): p for p in hello.get("participants", [])}
        conns = {c_["conn"]: c_ for c_ in hello["connections"]}
        for peer in (a, b, c, d):
            self.assertIn(peer.label, people, f"hello should list {peer.label} ({peer.name}) in participants: {shown}")

        pa, pb = people[a.label], people[b.label]
        self.assertEqual((pa["transport"], pa["state"], pa.get("peer")), ("websocket", "paired", b.label),
                         f"A as (transport, state, peer): {shown}")
        self.assertEqual((pb["transport"], pb["state"], pb.get("peer")), ("long-poll", "paired", a.label),
                         f"B as (transport, state, peer): {shown}")
        self.assertEqual((people[c.label]["state"], people[c.label].get("room")), ("room", "cs101"), shown)
        self.assertEqual((people[d.label]["state"], people[d.label].get("peer")), ("waiting", None), shown)

        # Each participant's conn is an open connection that carries its label.
        self.assertIn(pa["conn"], conns, f"A's conn #{pa['conn']} should be open: {shown}")
        self.assertEqual((conns[pa["conn"]]["state"], conns[pa["conn"]].get("who")), ("websocket", a.label), shown)
        self.assertIn(pb["conn"], conns, f"B's conn #{pb['conn']} should be open: {shown}")
        self.assertEqual(conns[pb["conn"]].get("who"), b.label, shown)
        # B long-polls on two keep-alive connections (recv and send): both carry its label.
        b_conns = sorted(n for n, e in conns.items() if e.get("who") == b.label)
        self.assertEqual(len(b_conns), 2, f"B's two poll connections should both say who=\"{b.label}\": {shown}")

        # Labels only: no chat text, no address. The handshakes are the http events the
        # relay published (their Host header names the relay itself, as the client wrote it).
        self.assertNotIn(text, shown)
        snapshot = json.dumps({k: v for k, v in hello.items() if k != "handshakes"})
        self.assertNotIn("127.0.0.1", snapshot)
        for h in hello.get("handshakes", []):
            elsewhere = [v for n, v in h["headers"] if n.lower() != "host" and "127.0.0.1" in v]
            self.assertEqual(elsewhere, [], f"an address outside Host in #{h['conn']}'s handshake: {h}")
        await mirror.close()


if __name__ == "__main__":
    main()
