"""Timers of issue 3, sections 3 and 4, with short flags: a held /poll/recv is
answered 204 when its hold ends; a long-poll session without a recv ends (its
peer hears `left`); keepalive pings, and a hang-up for a client that never pongs."""
import asyncio
import time

from raw_ws import RawWs
from relay_test import RelayTest, main
from websockets.frames import Opcode


class LongPollTimers(RelayTest):
    relay_flags = ("--poll-hold-secs", "1", "--poll-expiry-secs", "2")

    async def test_held_recv_is_204_when_the_hold_ends(self):
        c = await self.poll("C (long-poll)")
        await c.welcome()
        start = time.monotonic()
        for _ in range(400):   # the next recv is held about 1 s, then answered 204
            if any(status == 204 for status, _ in c.responses):
                break
            await asyncio.sleep(0.025)
        self.assertIn((204, 0), c.responses, c.responses)
        self.assertGreater(time.monotonic() - start, 0.5, "answered 204 without holding")

    async def test_session_without_recv_ends_and_peer_hears_left(self):
        a = await self.ws("A (ws)")
        b = await self.poll("B (long-poll)")
        await self.pair(a, b)
        await b.close()   # B stops polling, as a closed browser tab would
        self.peers.remove(b)
        await a.expect("left", who=b.label, timeout=15)
        session = await b.send_conn.request("GET", f"/poll/recv?session={b.session}")
        b.send_conn.close()
        self.assertEqual(session.status, 404, session)


class Keepalive(RelayTest):
    relay_flags = ("--ping-secs", "1", "--hangup-secs", "3")

    async def test_silent_client_is_pinged_then_hung_up(self):
        patient = await self.ws("python ws (answers pings)")
        await patient.welcome()
        raw = await RawWs.open(self.relay.port, "/chat")
        self.addCleanup(raw.close)
        start = time.monotonic()
        opcodes = []
        while True:
            frame = await raw.next_frame(timeout=20)
            if frame is None or frame.opcode == Opcode.CLOSE:
                break
            opcodes.append(frame.opcode)
        self.assertIn(Opcode.PING, opcodes, "no keepalive ping before the hang-up")
        self.assertLess(time.monotonic() - start, 15, "hung up too late")
        # The python client answered its pings and is still connected.
        await patient.send({"type": "find"})
        await patient.expect("waiting")


if __name__ == "__main__":
    main()
