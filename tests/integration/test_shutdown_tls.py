"""SIGTERM ends the relay cleanly (close 1001 to every WebSocket, held polls
answered, exit 0); TLS chat with scripts/dev-cert's self-signed pair."""
import asyncio
import base64
import os
import shutil
import ssl
import subprocess
import tempfile
import time
import uuid

from http_raw import raw_exchange
from relay_test import RelayTest, main

DEV_CERT = os.environ.get("WIRELAB_DEV_CERT", "")


def make_cert(test):
    """scripts/dev-cert into a fresh folder: (cert, key) paths."""
    if not (DEV_CERT and os.access(DEV_CERT, os.X_OK)):
        raise AssertionError(f"scripts/dev-cert is missing or not executable ({DEV_CERT!r})")
    folder = tempfile.mkdtemp(prefix="wirelab-it-cert-", dir=os.environ.get("WIRELAB_TEST_TMP"))
    test.addCleanup(shutil.rmtree, folder, True)
    subprocess.run([DEV_CERT, folder], check=True, stdout=subprocess.DEVNULL, timeout=60)
    pems = sorted(f for f in os.listdir(folder) if f.endswith(".pem") or f.endswith(".crt") or f.endswith(".key"))
    cert = next((os.path.join(folder, f) for f in pems if "key" not in f), None)
    key = next((os.path.join(folder, f) for f in pems if "key" in f), None)
    if not cert or not key:
        raise AssertionError(f"scripts/dev-cert made {os.listdir(folder)}: expected a certificate and a key")
    return cert, key


class Shutdown(RelayTest):
    relay_flags = ("--poll-hold-secs", "25")

    async def test_sigterm_closes_1001_and_answers_held_polls(self):
        mirror = await self.mirror()   # first, so it sees every GET /poll/recv of C
        a = await self.ws("A (ws)")
        b = await self.ws("B (ws)")
        c = await self.poll("C (long-poll)")
        await self.pair(a, b)
        await c.welcome()
        # Wait until the relay has C's next GET /poll/recv (held: nothing is queued for C).
        def recvs():
            return [e for e in mirror.events if e.get("kind") == "http" and e.get("dir") == "c2s"
                    and e.get("start_line", "").startswith("GET /poll/recv")]
        await mirror.wait_for(lambda e: len(recvs()) > len(c.responses), what="C's held GET /poll/recv")
        held_since = time.monotonic()
        answers_before = len(c.responses)
        code = await asyncio.to_thread(self.relay.terminate, 20)
        self.assertEqual(code, 0, "exit code after SIGTERM")
        for p in (a, b):
            self.assertEqual(await p.wait_closed(), 1001, f"{p.name}: close code after SIGTERM")
        for _ in range(200):
            if len(c.responses) > answers_before:
                break
            await asyncio.sleep(0.05)
        self.assertGreater(len(c.responses), answers_before, "the held /poll/recv was never answered")
        self.assertIn(c.responses[answers_before][0], (200, 204), c.responses)
        self.assertLess(time.monotonic() - held_since, 20, "the held poll waited out its 25 s")


class Tls(RelayTest):
    async def asyncSetUp(self):
        self.peers = []
        cert, key = make_cert(self)
        self.relay = self.start_relay("--tls-cert", cert, "--tls-key", key)
        self.ctx = ssl.create_default_context(cafile=cert)   # trusts exactly this self-signed pair

    async def test_tls_chat(self):
        self.assertEqual(self.relay.scheme, "https", self.relay.lines)
        mirror = await self.mirror()
        a = await self.ws("A (wss)", ssl=self.ctx)
        b = await self.poll("B (https long-poll)", ssl=self.ctx)
        await self.pair(a, b)
        marker = f"tls {uuid.uuid4().hex}"
        await self.exchange(a, b, marker)
        opened = await mirror.wait_for(lambda e: e.get("kind") == "open", what="an open event")
        self.assertEqual(opened.get("transport"), "tls", opened)
        # The tap sees the plaintext: the relay's s2c said frame carries the marker in the clear.
        await mirror.wait_for(lambda e: e.get("kind") == "frame" and e.get("dir") == "s2c"
                              and marker.encode() in base64.b64decode(e.get("payload") or ""),
                              what="the said frame's plaintext in the mirror")

    async def test_plain_http_on_the_tls_port_is_told_to_use_https(self):
        # Someone types http:// (or ws://) for the https:// relay: an answer that names the fix, not a bare
        # connection reset, and a violation the class can see; a wss:// chat beside it is untouched.
        mirror = await self.mirror()
        a = await self.ws("A (wss)", ssl=self.ctx)
        await a.welcome()
        for request in (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                        b"GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"):
            response = await raw_exchange(self.relay.port, request, timeout=10)
            self.assertEqual(response.status, 400, response)
            self.assertIn(b"this port speaks https", response.body, response)
            self.assertIn(b"https://", response.body, response)
            self.assertEqual(response.header("Connection", "").lower(), "close", response)
        def violations():
            return [e for e in mirror.events if e.get("kind") == "violation"]
        await mirror.wait_for(lambda _: len(violations()) >= 2, what="a violation for each plain connection")
        for v in violations():
            self.assertIn("RFC 9110 4.2.2", v.get("rule", ""), v)
        b = await self.ws("B (wss)", ssl=self.ctx)
        await self.pair(a, b)
        await self.exchange(a, b)

    async def test_tls_sigterm_closes_1001(self):
        a = await self.ws("A (wss)", ssl=self.ctx)
        await a.welcome()
        self.assertEqual(await asyncio.to_thread(self.relay.terminate, 20), 0)
        self.assertEqual(await a.wait_closed(), 1001)


if __name__ == "__main__":
    main()
