"""RelayTest: a unittest case with its own relay process and helpers for peers.

Each test method gets a fresh relay (flags from `relay_flags`), so tests never
share state and can run in parallel under ctest -j."""
import asyncio
import os
import re
import shutil
import sys
import unittest
import uuid

from mirror import Mirror
from peers import NodePeer, PollPeer, WsPeer
from relay_process import Relay

LABEL_RE = re.compile(r"Stranger [0-9a-f]{4}")


class RelayTest(unittest.IsolatedAsyncioTestCase):
    relay_flags = ()

    async def asyncSetUp(self):
        self.relay = self.start_relay(*self.relay_flags)
        self.peers = []

    def start_relay(self, *flags, **kw):
        relay = Relay(*flags, name=self._testMethodName, **kw)
        relay.start()
        self.addCleanup(self._stop_relay, relay)
        return relay

    def _stop_relay(self, relay):
        already = relay.exit_code
        try:
            code = relay.terminate()
        finally:
            relay.stop()
        # A relay that dies badly at exit (a sanitizer report, a leak, a crash in
        # its SIGTERM path) fails the test that ran it.
        if already is None and code not in (0, None):
            sys.stderr.write(f"--- relay stderr (tail):\n{relay.stderr_tail(6000)}\n")
            raise AssertionError(f"wirelab-relay exited with {code} after SIGTERM (expected 0)")
        # Shown by ctest --output-on-failure: the relay's own account.
        sys.stderr.write(f"--- relay {relay.workdir} stdout:\n" + "\n".join(relay.lines[-40:]) + "\n")
        sys.stderr.write("--- relay stderr (tail):\n" + relay.stderr_tail(3000) + "\n")
        if not os.environ.get("WIRELAB_KEEP_TMP"):
            shutil.rmtree(relay.workdir, ignore_errors=True)

    async def asyncTearDown(self):
        for peer in reversed(self.peers):
            try:
                await asyncio.wait_for(peer.close(), 15)
            except Exception:  # noqa: BLE001 - teardown goes on
                pass

    # -- peers ----------------------------------------------------------------
    async def ws(self, name, path="/chat", relay=None, **kw):
        relay = relay or self.relay
        peer = await WsPeer.connect(relay.ws_url(path), name=name, **kw)
        self.peers.append(peer)
        return peer

    async def poll(self, name, relay=None, ssl=None):
        relay = relay or self.relay
        peer = await PollPeer.open(relay.port, name=name, ssl=ssl)
        self.peers.append(peer)
        return peer

    async def node(self, name, relay=None):
        relay = relay or self.relay
        peer = await NodePeer.connect(relay.ws_url("/chat"), name=name)
        self.peers.append(peer)
        return peer

    async def mirror(self, relay=None):
        m = await Mirror.connect(relay or self.relay)
        self.peers.append(m)
        return m

    async def pair(self, a, b):
        """Welcome both, find, pair; returns after both saw `paired`."""
        for p in (a, b):
            if not getattr(p, "label", None):
                await p.welcome()
        await a.send({"type": "find"})
        await a.expect("waiting")
        await b.send({"type": "find"})
        await a.expect("paired", peer=b.label)
        await b.expect("paired", peer=a.label)

    async def exchange(self, a, b, text=None):
        """a says something to b and b answers: both arrive, neither is echoed."""
        text = text or f"hello {uuid.uuid4().hex[:8]}"
        await a.send({"type": "say", "text": text})
        await b.expect("said", **{"from": a.label, "text": text})
        await b.send({"type": "say", "text": text + " back"})
        await a.expect("said", **{"from": b.label, "text": text + " back"})

    def assertLabel(self, label):
        self.assertRegex(label, LABEL_RE)


def main():
    unittest.main(verbosity=2)


HERE = os.path.dirname(os.path.abspath(__file__))
