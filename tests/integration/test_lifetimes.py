"""Timers of issue 3, sections 3 and 4, with short flags: a held /poll/recv is
answered 204 when its hold ends; a long-poll session without a recv ends (its
peer hears `left`); keepalive pings, and a hang-up for a client that never pongs.
Tests wait for events (the 204, `left`, the close). Where a duration is the point,
it is read from the relay's own timestamps in the mirror (t_us), which the test's
scheduling on a loaded machine cannot shorten or stretch."""
import asyncio

from raw_ws import RawWs
from relay_test import RelayTest, main
from websockets.frames import Opcode


class LongPollTimers(RelayTest):
    relay_flags = ("--poll-hold-secs", "1", "--poll-expiry-secs", "2")

    async def test_held_recv_is_204_when_the_hold_ends(self):
        mirror = await self.mirror()
        c = await self.poll("C (long-poll)")
        await c.welcome()
        answer = await mirror.wait_for(lambda e: e.get("kind") == "http" and e["dir"] == "s2c"
                                       and e["start_line"].startswith("HTTP/1.1 204"), timeout=15,
                                       what="a 204 ending a held /poll/recv")
        request = [e for e in mirror.events if e.get("kind") == "http" and e["dir"] == "c2s"
                   and e["conn"] == answer["conn"] and e["seq"] < answer["seq"]][-1]
        self.assertTrue(request["start_line"].startswith("GET /poll/recv"), request["start_line"])
        held_s = (answer["t_us"] - request["t_us"]) / 1e6
        self.assertGreaterEqual(held_s, 1.0, f"--poll-hold-secs 1, but the relay answered 204 after {held_s:.3f} s")
        for _ in range(400):   # and the peer read it (10 s at most)
            if (204, 0) in c.responses:
                break
            await asyncio.sleep(0.025)
        self.assertIn((204, 0), c.responses, c.responses)

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
        mirror = await self.mirror()
        patient = await self.ws("python ws (answers pings)")
        await patient.welcome()
        raw = await RawWs.open(self.relay.port, "/chat")
        self.addCleanup(raw.close)
        opcodes = []
        while True:
            frame = await raw.next_frame(timeout=20)
            if frame is None or frame.opcode == Opcode.CLOSE:
                break
            opcodes.append(frame.opcode)
        self.assertIn(Opcode.PING, opcodes, "no keepalive ping before the hang-up")
        # By the relay's clock: silent for at least --hangup-secs 3 (from the client's last byte, its
        # handshake) before the hang-up, and not long after (the relay checks every 250 ms).
        hangup = await mirror.wait_for(lambda e: e.get("kind") == "close" and e.get("by") == "relay",
                                       what="the relay's close of the silent client")
        last_sent = max(e["t_us"] for e in mirror.events if e.get("conn") == hangup["conn"]
                        and e.get("dir") == "c2s" and e.get("kind") in ("http", "frame"))
        silent_s = (hangup["t_us"] - last_sent) / 1e6
        self.assertGreaterEqual(silent_s, 3.0, f"hung up after {silent_s:.3f} s of silence; --hangup-secs is 3")
        self.assertLess(silent_s, 10.0, f"hung up only after {silent_s:.3f} s of silence; --hangup-secs is 3")
        # The python client answered its pings and is still connected.
        await patient.send({"type": "find"})
        await patient.expect("waiting")


if __name__ == "__main__":
    main()
