"""Issue 17's abuse test: a pair chats while slowloris, random-byte,
never-reading and session-hoarding clients hammer the relay (loopback,
bounded, under 30 s). The pair's round trip stays quick (p99 under 50 ms,
under ASan too, unless the machine alone is that slow: P99_LIMIT_MS), the
relay's RSS stays under RSS_LIMIT_MIB, every bad
client gets its answer or is cut, and the relay exits cleanly at the end."""
import asyncio
import json
import os
import statistics
import sys
import time

from http_raw import one_request
from relay_test import RelayTest, main

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness")
HAMMER_SECONDS = 8
ROUND_TRIPS = 300   # one every ~20 ms: the whole hammering and its aftermath
# 50 ms, or more only when the machine itself is that noisy: three times the pair's
# p99 without abuse plus 10 ms (a shared CI runner under ASan can be).
P99_LIMIT_MS = 50.0
RSS_LIMIT_MIB = 256   # under ASan (quarantine capped at 16 MiB): about 62 MiB idle, 137 MiB peak measured


def _asan_env():
    opts = os.environ.get("ASAN_OPTIONS", "")
    return {"ASAN_OPTIONS": (opts + ":" if opts else "") + "quarantine_size_mb=16:malloc_context_size=5"}


class Abuse(RelayTest):
    async def asyncSetUp(self):
        self.peers = []
        # Short limits so the cuts happen within the test; rates high enough for the pair.
        self.relay = self.start_relay("--stall-secs", "3", "--max-queued-bytes", str(16 << 20),
                                      "--chat-rate", "1000", "--chat-burst", "1000", env=_asan_env())

    async def sample_rss(self, start):
        self.rss_peak = start
        while True:
            self.rss_peak = max(self.rss_peak, self.relay.vm_rss_kib())
            await asyncio.sleep(0.2)

    async def round_trips(self, a, b, n, tag):
        rtts, per_second, started = [], {}, time.monotonic()
        for i in range(n):
            t = time.monotonic()
            await a.send({"type": "say", "text": f"{tag} {i}"})
            await b.expect("said", text=f"{tag} {i}", timeout=10)
            rtts.append((time.monotonic() - t) * 1000)
            per_second[int(t - started)] = max(per_second.get(int(t - started), 0.0), rtts[-1])
            await asyncio.sleep(0.02)
        rtts.sort()
        return rtts, rtts[int(len(rtts) * 0.99) - 1], per_second

    async def test_a_pair_chats_while_the_relay_is_hammered(self):
        a, b = await self.ws("A"), await self.ws("B")
        await self.pair(a, b)
        # The machine's own noise first (CI shares 2 cores): the same pair, no abuse.
        _, quiet_p99, _ = await self.round_trips(a, b, 100, "quiet")
        rss_start = self.relay.vm_rss_kib()
        # The abusers run in their own process (harness/abusers.py hammer()),
        # so this event loop only times the pair.
        abusers = await asyncio.create_subprocess_exec(
            sys.executable, os.path.join(HARNESS, "abusers.py"), str(self.relay.port), str(HAMMER_SECONDS),
            stdout=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONPATH": HARNESS})
        self.addCleanup(lambda: abusers.returncode is None and abusers.kill())
        await asyncio.sleep(0.5)   # the abusers are connected and flooding
        started = time.monotonic()
        self.rss_peak = rss_start
        rss_task = asyncio.create_task(self.sample_rss(rss_start))
        rtts, p99, per_second = await self.round_trips(a, b, ROUND_TRIPS, "ping")
        rss_task.cancel()
        out, _ = await asyncio.wait_for(abusers.communicate(), HAMMER_SECONDS + 40)
        summary = json.loads(out)
        rss_peak = max(self.rss_peak, self.relay.vm_rss_kib())
        took = time.monotonic() - started
        limit = max(P99_LIMIT_MS, 3 * quiet_p99 + 10)
        print(f"{took:.1f} s: pair round trip p50 {statistics.median(rtts):.2f} ms, p99 {p99:.2f} ms "
              f"(quiet p99 {quiet_p99:.2f} ms, limit {limit:.0f} ms), "
              f"max {rtts[-1]:.1f} ms (worst per second: {[round(v) for v in per_second.values()]}); relay VmRSS {rss_start} -> peak {rss_peak} KiB; abusers {summary}")

        self.assertLess(p99, limit, f"the pair's p99 round trip under abuse (quiet: {quiet_p99:.1f} ms); all: {rtts}")
        self.assertLess(rss_peak, RSS_LIMIT_MIB * 1024, f"relay VmRSS peaked at {rss_peak} KiB")
        self.assertEqual(summary["never_still_connected"], 0, summary)
        self.assertEqual(summary["random_unanswered"], 0, summary)
        self.assertEqual(summary["slow_still_held"], 0, summary)
        hoard = summary["hoard"]
        self.assertLessEqual(hoard.get("200", 0), 16, f"one address got too many poll sessions: {summary}")
        self.assertGreater(hoard.get("429", 0) + hoard.get("503", 0), 0, f"the hoarder was never refused: {summary}")
        r = await one_request(self.relay.port, "GET", "/healthz")
        self.assertEqual(r.status, 200, r)
        await self.exchange(a, b)


if __name__ == "__main__":
    main()
