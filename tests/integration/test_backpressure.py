"""A mirror subscriber that never reads must not grow the relay nor slow the chat
(every queue is bounded): RSS grows by < 64 MiB while 100,000
messages flow, a chatting pair's latency stays normal, and the subscriber gets
`dropped` when it finally reads."""
import asyncio
import json
import os
import statistics
import time

from raw_ws import RawWs, StalledSubscriber, client_frame
from relay_test import RelayTest, main

MESSAGES = 100_000
BATCH = 1_000
PAYLOAD = b"m" * 120   # 7-bit length form; ~350 bytes per mirror event, 70 MB if unbounded
RSS_LIMIT_KIB = 64 * 1024


def _asan_env():
    # ASan keeps freed memory in a quarantine (256 MiB by default), which is RSS
    # but not the relay's own growth: keep it small so RSS measures the relay.
    opts = os.environ.get("ASAN_OPTIONS", "")
    return {"ASAN_OPTIONS": (opts + ":" if opts else "") + "quarantine_size_mb=8:malloc_context_size=5"}


class Backpressure(RelayTest):
    async def asyncSetUp(self):
        self.relay = self.start_relay("--chat-rate", "1000", "--chat-burst", "1000", env=_asan_env())
        self.peers = []

    async def round_trip_ms(self, a, b, i):
        start = time.monotonic()
        await a.send({"type": "say", "text": f"ping {i}"})
        await b.expect("said", text=f"ping {i}")
        return (time.monotonic() - start) * 1000

    async def flood(self, raw, count):
        frames = b"".join(client_frame(PAYLOAD, mask_key=os.urandom(4)) for _ in range(BATCH))
        echo_len = BATCH * (2 + len(PAYLOAD))
        for _ in range(count // BATCH):
            await raw.send_bytes(frames)
            await asyncio.wait_for(raw.reader.readexactly(echo_len), 60)
            yield

    async def test_stalled_mirror_subscriber(self):
        a = await self.ws("chat A")
        b = await self.ws("chat B")
        await self.pair(a, b)
        raw = await RawWs.open(self.relay.port, "/echo")
        self.addCleanup(raw.close)
        async for _ in self.flood(raw, 5 * BATCH):   # warm up the allocator before the baseline
            pass
        baseline_ms = [await self.round_trip_ms(a, b, i) for i in range(20)]

        stalled = StalledSubscriber(self.relay.mirror_port)
        self.addCleanup(stalled.close)
        rss_before = self.relay.vm_rss_kib()
        during_ms, rss_peak, n = [], rss_before, 0
        async for _ in self.flood(raw, MESSAGES):
            n += 1
            if n % 4 == 0:
                during_ms.append(await self.round_trip_ms(a, b, 1000 + n))
                rss_peak = max(rss_peak, self.relay.vm_rss_kib())
        rss_after = self.relay.vm_rss_kib()
        rss_peak = max(rss_peak, rss_after)
        base_p50, during_p50 = statistics.median(baseline_ms), statistics.median(during_ms)
        print(f"relay VmRSS before {rss_before} KiB, peak {rss_peak} KiB (+{rss_peak - rss_before} KiB); "
              f"chat round trip p50 {base_p50:.2f} ms before, {during_p50:.2f} ms during "
              f"(max {max(during_ms):.1f} ms, {len(during_ms)} samples)")
        self.assertLess(rss_peak - rss_before, RSS_LIMIT_KIB,
                        f"relay RSS grew by {(rss_peak - rss_before) / 1024:.1f} MiB while {MESSAGES} messages flowed")
        # Normal: the median is the same order as before. Timing is the point here, so the bound is on
        # the median, which one slow sample on a busy machine cannot move. No bound on the slowest
        # sample: a relay blocked by the stalled subscriber never answers, and b.expect() fails after 15 s.
        self.assertLess(during_p50, max(20 * base_p50, 100.0), f"before {baseline_ms}\nduring {during_ms}")

        # The subscriber finally reads: it is told what it missed.
        def read_until_dropped():
            kinds, dropped = {}, None
            for _ in range(200_000):
                frame = stalled.next_frame()
                if frame is None:
                    break
                event = json.loads(frame.data)
                kinds[event.get("kind")] = kinds.get(event.get("kind"), 0) + 1
                if event.get("kind") == "dropped":
                    dropped = event
                    break
            return dropped, kinds
        dropped, kinds = await asyncio.wait_for(asyncio.to_thread(read_until_dropped), 60)
        self.assertIsNotNone(dropped, f"no dropped event; kinds read: {kinds}")
        self.assertGreater(dropped["count"], 0, dropped)
        # And the chat is still fine.
        await self.exchange(a, b)


if __name__ == "__main__":
    main()
