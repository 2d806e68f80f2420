"""Issue 17, items 4-6: a client that never reads is let go, one address cannot
take every long-poll session, and the relay does not spin out of descriptors.
Each test starts its own relay with short limits so it runs in seconds."""
import asyncio
import json
import os
import re
import time

from abusers import NeverReader, connect
from http_raw import HttpConnection, one_request
from raw_ws import upgrade_request
from relay_test import RelayTest, main


def metric(body, name):
    m = re.search(rb"^" + re.escape(name.encode()) + rb" (\d+)$", body, re.M)
    return int(m.group(1)) if m else None


async def wait_for(predicate, timeout, what, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await predicate():
            return
        await asyncio.sleep(step)
    raise AssertionError(f"within {timeout} s: {what}")


class NeverReaders(RelayTest):
    async def asyncSetUp(self):
        self.peers = []   # each test starts its relay with its own limits

    async def metrics(self):
        r = await one_request(self.relay.port, "GET", "/metrics")
        self.assertEqual(r.status, 200, r)
        return r.body

    async def test_client_that_never_reads_is_dropped_after_stall_secs(self):
        self.relay = self.start_relay("--stall-secs", "2")
        flood = NeverReader(self.relay.port)
        self.addCleanup(flood.close)
        started = time.monotonic()

        async def let_go():
            flood.pump()
            return flood.let_go()
        await wait_for(let_go, 15, "a client that never reads should be dropped about 2 s after its output stalls "
                                   f"(--stall-secs 2); it sent {flood.sent} bytes and is still connected")
        took = time.monotonic() - started
        body = await self.metrics()
        print(f"dropped after {took:.1f} s, {flood.sent} bytes sent")
        self.assertGreaterEqual(metric(body, "wirelab_stalled_dropped_total"), 1, body.decode())
        self.assertIn("dropped 1 connections that read nothing for 2 s", self.relay.stderr_tail(20000))

    async def test_largest_holders_are_cut_when_the_budget_is_spent(self):
        self.relay = self.start_relay("--stall-secs", "60", "--max-queued-bytes", str(1 << 20))
        a, b = await self.ws("A"), await self.ws("B")
        await self.pair(a, b)
        floods = [NeverReader(self.relay.port) for _ in range(6)]
        for f in floods:
            self.addCleanup(f.close)

        async def all_cut():
            for f in floods:
                f.pump(256 * 1024)
            return all(f.let_go() for f in floods)
        await wait_for(all_cut, 20, "six never-reading /echo floods over a 1 MiB budget should all be cut: "
                                    f"{sum(not f.let_go() for f in floods)} still connected")
        body = await self.metrics()
        self.assertGreaterEqual(metric(body, "wirelab_over_budget_cut_total"), 1, body.decode())
        self.assertLessEqual(metric(body, "wirelab_queued_bytes"), 1 << 20, body.decode())
        await self.exchange(a, b)   # the quiet pair was never a large holder

    async def test_budget_cut_is_a_1013_violation_on_the_mirror(self):
        self.relay = self.start_relay("--max-queued-bytes", str(256 * 1024))
        m = await self.mirror()
        flood = NeverReader(self.relay.port, frame_size=60_000)
        self.addCleanup(flood.close)
        for _ in range(40):
            flood.pump(256 * 1024)
            await asyncio.sleep(0.05)
        ev = await m.wait_for(lambda e: e.get("kind") == "violation" and "max-queued-bytes" in e.get("rule", ""),
                              timeout=15, what="a violation for the queued-bytes budget")
        self.assertEqual(ev.get("action"), "closed 1013", ev)


class PollSessionLimits(RelayTest):
    relay_flags = ("--poll-max-per-addr", "4", "--poll-opens-per-sec-per-addr", "1000")

    async def test_one_address_cannot_take_every_session(self):
        conn = HttpConnection(self.relay.port)
        self.addCleanup(conn.close)
        statuses = [(await conn.request("POST", "/poll/open")).status for _ in range(6)]
        self.assertEqual(statuses, [200, 200, 200, 200, 503, 503],
                         "--poll-max-per-addr 4: the 5th and 6th /poll/open from one address should be 503")
        other = HttpConnection(self.relay.port, source="127.0.0.2")
        self.addCleanup(other.close)
        r = await other.request("POST", "/poll/open")
        self.assertEqual(r.status, 200, f"another address should still get a session: {r}")
        body = (await one_request(self.relay.port, "GET", "/metrics")).body
        self.assertIn(b'wirelab_poll_opens_refused_total{reason="address_full"} 2', body)

        async def logged():
            return "2 opens over --poll-max-per-addr" in self.relay.stderr_tail(20000)
        await wait_for(logged, 5, "a log line with the count of refused opens:\n" + self.relay.stderr_tail(2000))

    async def test_session_id_from_another_address_is_404(self):
        mine = HttpConnection(self.relay.port)
        self.addCleanup(mine.close)
        sid = json.loads((await mine.request("POST", "/poll/open")).body)["session"]
        thief = HttpConnection(self.relay.port, source="127.0.0.2")
        self.addCleanup(thief.close)
        r = await thief.request("POST", f"/poll/send?session={sid}", b'{"type":"find"}')
        self.assertEqual(r.status, 404, f"a session id used from another address should be 404: {r}")
        self.assertEqual(json.loads(r.body)["error"], "unknown_session", r.body)
        r = await thief.request("GET", f"/poll/recv?session={sid}")
        self.assertEqual(r.status, 404, r)
        r = await mine.request("GET", f"/poll/recv?session={sid}")   # the welcome is waiting
        self.assertEqual(r.status, 200, r)
        self.assertEqual(json.loads(r.body)[0]["type"], "welcome", r.body)


class PollOpenRate(RelayTest):
    relay_flags = ("--poll-opens-per-sec-per-addr", "2", "--poll-max-per-addr", "100")

    async def test_opens_per_second_are_limited_per_address(self):
        conn = HttpConnection(self.relay.port)
        self.addCleanup(conn.close)
        answers = [await conn.request("POST", "/poll/open") for _ in range(10)]
        statuses = [r.status for r in answers]
        self.assertEqual(statuses.count(200), 4, f"burst 2x2 then 429: {statuses}")
        refused = [r for r in answers if r.status == 429]
        self.assertEqual(len(refused), 6, statuses)
        self.assertEqual(refused[0].header("Retry-After"), "1", refused[0])
        self.assertEqual(json.loads(refused[0].body)["error"], "rate_limited", refused[0].body)


class Descriptors(RelayTest):
    async def asyncSetUp(self):
        self.peers = []

    async def at_the_limit(self, nofile):
        relay = self.start_relay(nofile=nofile)
        clients = []
        try:
            for _ in range(nofile):   # more than the descriptors allow: the kernel queues the rest
                clients.append(connect(relay.port))
            await asyncio.sleep(0.7)   # let the relay reach its limit; the measured window follows
            cpu0, log0, t0 = relay.cpu_seconds(), relay.stderr_bytes(), time.monotonic()
            await asyncio.sleep(1.5)
            cpu, logged, wall = relay.cpu_seconds() - cpu0, relay.stderr_bytes() - log0, time.monotonic() - t0
            print(f"ulimit -n {nofile}: {cpu:.2f} s CPU and {logged} bytes of log in {wall:.1f} s at the limit")
            self.assertLess(logged, 1000, f"ulimit -n {nofile}: log volume at the descriptor limit:\n"
                                          + relay.stderr_tail(1000))
            self.assertLess(cpu, 0.3 * wall, f"ulimit -n {nofile}: the relay used {cpu:.2f} s of CPU in "
                                             f"{wall:.1f} s at its descriptor limit: it spins instead of waiting")
        finally:
            for c in clients:
                c.close()
        # Service resumes once the clients leave.
        deadline, r = time.monotonic() + 20, None
        while r is None and time.monotonic() < deadline:
            try:
                r = await one_request(relay.port, "GET", "/metrics", timeout=5)
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
                await asyncio.sleep(0.2)
        self.assertIsNotNone(r, f"ulimit -n {nofile}: no answer after the clients left")
        self.assertEqual(r.status, 200, r)
        return r.body

    async def test_out_of_descriptors_the_relay_waits_instead_of_spinning(self):
        # Whether accept() itself meets EMFILE or lws's table fills first
        # depends on the exact limit and the descriptors the relay holds
        # besides its clients: three neighbouring limits.
        metrics = {nofile: await self.at_the_limit(nofile) for nofile in (128, 129, 130)}
        for nofile, body in metrics.items():
            self.assertEqual(metric(body, "wirelab_descriptor_limit"), nofile, body.decode())

    async def test_a_tapped_websocket_takes_one_descriptor(self):
        # Issue 10: 18,000 tapped clients under a limit of 20,000. The same
        # rule at a small scale: under ulimit -n 300 the tapped relay upgrades
        # 240 WebSockets, each holding exactly one descriptor of the relay's.
        # (The edge and socketpair tap held three each: about 85 fit.)
        relay = self.start_relay("--max-conns-per-addr", "1000", nofile=300)
        opened = len(os.listdir(f"/proc/{relay.pid}/fd"))
        clients, upgraded = [], 0
        try:
            for _ in range(240):
                head = b""
                try:
                    s = connect(relay.port)
                    clients.append(s)
                    s.setblocking(True)
                    s.sendall(upgrade_request(relay.port, "/echo"))
                    while b"\r\n\r\n" not in head:
                        chunk = s.recv(4096)
                        if not chunk:
                            break
                        head += chunk
                except OSError as e:   # refused or reset: the relay is out of descriptors
                    head += repr(e).encode()
                if not head.startswith(b"HTTP/1.1 101 "):
                    break
                upgraded += 1
            held = len(os.listdir(f"/proc/{relay.pid}/fd")) - opened
            self.assertEqual(upgraded, 240, f"under ulimit -n 300 the tapped relay upgraded {upgraded} of 240 "
                                            f"WebSockets; the last answer: {head[:200]!r}\n" + relay.stderr_tail(2000))
            self.assertEqual(held, 240, f"240 tapped WebSockets open: the relay holds {held} more descriptors "
                                        "than before them (expected one each)")
        finally:
            for c in clients:
                c.close()

    async def test_the_relay_raises_its_own_descriptor_limit_to_the_hard_limit(self):
        # A campus relay must not depend on the shell's `ulimit -n` (issue 10).
        relay = self.start_relay(nofile=(256, 4096))
        r = await one_request(relay.port, "GET", "/metrics", timeout=10)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(metric(r.body, "wirelab_descriptor_limit"), 4096,
                         "started with soft limit 256 under a hard limit of 4096:\n" + r.body.decode())


if __name__ == "__main__":
    main()
