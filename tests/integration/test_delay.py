"""Issue 14 part 1: `--delay-ms N [--jitter-ms J]`, a far-away server simulated
at the edge. Bytes in each direction arrive no earlier than N ms after they
were sent, in order (with jitter too); the mirror stamps them at the client's
end of that wire and announces the link in `hello`; a client that never reads
is still let go by the existing limits; bad values are refused with a reason."""
import asyncio
import json
import os
import subprocess
import time

from abusers import NeverReader
from http_raw import one_request
from raw_ws import RawWs, client_frame
from relay_process import relay_binary
from relay_test import RelayTest, main
from test_limits import metric, wait_for

DELAY_MS = 150


async def echo_times(raw, payloads, gap_s=0.0):
    """Sends each payload as its own client frame (gap_s apart) while reading the
    echoes; returns [(payload, seconds from its send to its echo)] in arrival order."""
    sent_at = {}

    async def send():
        for p in payloads:
            sent_at[p] = time.monotonic()
            await raw.send_bytes(client_frame(p, mask_key=os.urandom(4)))
            if gap_s:
                await asyncio.sleep(gap_s)

    sender = asyncio.create_task(send())
    got = []
    for _ in payloads:
        frame = await raw.next_frame(timeout=20)
        assert frame is not None, f"the relay closed /echo after {len(got)} echoes"
        data = bytes(frame.data)
        got.append((data, time.monotonic() - sent_at[data]))
    await sender
    return got


class Delay(RelayTest):
    relay_flags = ("--delay-ms", str(DELAY_MS))

    async def test_echo_arrives_after_two_trips_in_order_and_the_mirror_shows_them(self):
        m = await self.mirror()
        self.assertEqual(m.hello.get("link"), {"delay_ms": DELAY_MS, "jitter_ms": 0},
                         f"hello should announce the simulated link: {m.hello}")
        started = time.monotonic()
        raw = await RawWs.open(self.relay.port, "/echo")
        self.addCleanup(raw.close)
        upgrade_s = time.monotonic() - started
        self.assertGreaterEqual(upgrade_s * 1000, 2 * DELAY_MS,
                                f"the 101 came {upgrade_s * 1000:.0f} ms after the request, expected >= {2 * DELAY_MS}")
        payloads = [f"echo {i}".encode() for i in range(8)]
        got = await echo_times(raw, payloads, gap_s=0.01)
        print("echo round trips (ms):", [round(s * 1000) for _, s in got])
        self.assertEqual([p for p, _ in got], payloads, "echoes should come back in the order sent")
        for p, s in got:
            self.assertGreaterEqual(s * 1000, 2 * DELAY_MS, f"{p!r} came back after {s * 1000:.0f} ms, "
                                                           f"expected >= {2 * DELAY_MS} (one trip each way)")
        # The mirror's t_us are the client's: the echo is stamped a round trip after the frame it answers.
        c2s = await m.wait_for(lambda e: e.get("kind") == "frame" and e.get("dir") == "c2s" and e.get("payload_len") == 6,
                               what="the first c2s frame")
        s2c = await m.wait_for(lambda e: e.get("kind") == "frame" and e.get("dir") == "s2c"
                               and e.get("conn") == c2s["conn"], what="its echo")
        self.assertGreaterEqual(s2c["t_us"] - c2s["t_us"], 2 * DELAY_MS * 1000,
                                f"mirror: frame at {c2s['t_us']} us, echo at {s2c['t_us']} us")

    async def test_chat_message_takes_one_trip_each_way(self):
        a, b = await self.ws("A"), await self.ws("B")
        await self.pair(a, b)
        started = time.monotonic()
        await self.exchange(a, b, "far away")
        took_ms = (time.monotonic() - started) * 1000
        self.assertGreaterEqual(took_ms, 2 * DELAY_MS, f"A to B took {took_ms:.0f} ms through --delay-ms {DELAY_MS}")


class DelayOnTime(RelayTest):
    """Too late is as wrong as too early: the lesson is a round trip of 2 x --delay-ms. A timer
    that fires only with the relay's 250 ms housekeeping tick (lws 4.1.6's libev glue, for a timer
    due sooner than the one it armed) made these echoes take about 450 ms."""
    relay_flags = ("--delay-ms", "40")

    async def test_echo_round_trip_is_two_trips_and_no_more(self):
        raw = await RawWs.open(self.relay.port, "/echo")
        self.addCleanup(raw.close)
        times = []
        for i in range(9):   # one at a time, a pause between: an idle relay, as in a lesson
            got = await echo_times(raw, [f"on time {i}".encode()])
            times.append(round(got[0][1] * 1000))
            await asyncio.sleep(0.037)
        times.sort()
        print("echo round trips (ms):", times)
        self.assertGreaterEqual(times[0], 80, f"every echo crosses 40 ms twice: {times}")
        median = times[len(times) // 2]
        self.assertLess(median, 80 + 100, f"the median echo took {median} ms through --delay-ms 40, expected about "
                                          f"80: the simulated wire's timers must fire when due ({times} ms)")


class Jitter(RelayTest):
    relay_flags = ("--delay-ms", "40", "--jitter-ms", "80", "--deterministic")

    async def test_jitter_never_reorders(self):
        raw = await RawWs.open(self.relay.port, "/echo")
        self.addCleanup(raw.close)
        payloads = [f"j{i:02d}".encode() for i in range(30)]
        got = await echo_times(raw, payloads, gap_s=0.005)
        times = [round(s * 1000) for _, s in got]
        print("echo round trips (ms):", times)
        self.assertEqual([p for p, _ in got], payloads, "jitter must not reorder a connection's bytes")
        self.assertGreaterEqual(min(times), 80, f"every echo crosses 40 ms twice at least: {times}")


class DelayLimits(RelayTest):
    async def asyncSetUp(self):
        self.peers = []

    async def never_reader(self, m, **kw):
        """A NeverReader whose 101 has reached its end of the wire: before it, the tap
        holds what the client sends (and closes 1002 past its bound, RFC 6455 4.1)."""
        flood = NeverReader(self.relay.port, **kw)
        self.addCleanup(flood.close)
        await m.wait_for(lambda e: e.get("kind") == "http" and e.get("dir") == "s2c"
                         and e.get("start_line", "").startswith("HTTP/1.1 101"), what="the flood's 101")
        return flood

    async def test_never_reader_under_delay_is_dropped_after_stall_secs(self):
        self.relay = self.start_relay("--delay-ms", "30", "--stall-secs", "2")
        flood = await self.never_reader(await self.mirror())

        async def let_go():
            flood.pump()
            return flood.let_go()
        await wait_for(let_go, 20, "a client that never reads should be dropped about 2 s after its output stalls, "
                                   f"delay or not; it sent {flood.sent} bytes and is still connected")
        body = await self.metrics_body()
        self.assertGreaterEqual(metric(body, "wirelab_stalled_dropped_total"), 1, body.decode())

    async def test_never_reader_under_delay_is_cut_by_max_queued_bytes(self):
        # What waits on the simulated wire counts toward the budget like the tap's queues.
        self.relay = self.start_relay("--delay-ms", "200", "--max-queued-bytes", str(256 * 1024))
        flood = await self.never_reader(await self.mirror(), frame_size=60_000)

        async def cut():
            flood.pump(256 * 1024)
            return metric(await self.metrics_body(), "wirelab_over_budget_cut_total") >= 1
        await wait_for(cut, 15, "a never-reading /echo flood over a 256 KiB budget should be cut (1013), "
                                f"delay or not; it sent {flood.sent} bytes")

    async def metrics_body(self):
        r = await one_request(self.relay.port, "GET", "/metrics")
        self.assertEqual(r.status, 200, r)
        return r.body


class DelayOptions(RelayTest):
    async def asyncSetUp(self):
        self.peers = []

    def test_out_of_range_or_without_the_tap_is_refused_with_a_reason(self):
        for flags, says in ((("--delay-ms", "5001"), "0..5000"), (("--jitter-ms", "-1"), "0..5000"),
                            (("--delay-ms", "100", "--no-tap"), "need the tap")):
            cmd = [relay_binary(), "--port", "0", "--mirror-port", "0", *flags]
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=30, text=True)
            self.assertEqual(p.returncode, 2, f"{flags}: exit {p.returncode}, expected 2; stderr {p.stderr!r}")
            self.assertIn(says, p.stderr, flags)
            self.assertNotIn("listening on", p.stdout, flags)


if __name__ == "__main__":
    main()
