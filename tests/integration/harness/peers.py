"""Chat peers for integration tests, all with one interface:
    await peer.send({"type": "find"});  msg = await peer.next();  await peer.expect("paired")
- WsPeer: python `websockets` 10.4 (Debian) over ws:// or wss://
- PollPeer: long-polling over honest HTTP/1.1 (/poll/open, /poll/send, /poll/recv)
- NodePeer: node `ws` (tests/node/node_modules) in a child process speaking JSON lines
"""
import asyncio
import json
import os
import sys

import websockets

from http_raw import HttpConnection

DEFAULT_TIMEOUT = float(os.environ.get("WIRELAB_MSG_TIMEOUT", "15"))


class PeerError(AssertionError):
    pass


def _show(msgs):
    return "\n  ".join(json.dumps(m) for m in msgs) or "(nothing)"


class Peer:
    """Common expectations over a queue of received relay messages."""

    name = "peer"

    def __init__(self):
        self.inbox = asyncio.Queue()
        self.history = []   # everything received, in order

    async def next(self, timeout=DEFAULT_TIMEOUT):
        try:
            msg = await asyncio.wait_for(self.inbox.get(), timeout)
        except asyncio.TimeoutError:
            raise PeerError(f"{self.name}: nothing arrived within {timeout} s; received so far:\n  "
                            + _show(self.history)) from None
        if isinstance(msg, BaseException):
            raise PeerError(f"{self.name}: connection ended: {msg!r}; received so far:\n  " + _show(self.history))
        return msg

    async def expect(self, type_, timeout=DEFAULT_TIMEOUT, skip=("typing",), **fields):
        """The next message (skipping `skip` types) must have this type and these fields."""
        while True:
            msg = await self.next(timeout)
            if msg.get("type") in skip and msg.get("type") != type_:
                continue
            want = {"type": type_, **fields}
            got = {k: msg.get(k) for k in want}
            if got != want:
                raise PeerError(f"{self.name}: should have had {json.dumps(want)}, but instead it was {json.dumps(msg)}")
            return msg

    async def expect_nothing(self):
        """Nothing is on its way to this peer. A barrier, not a time window (a window passes when
        the unwanted message is merely late): the peer sends a message the relay refuses, and the
        relay answers each peer in order, so its `error` must be the very next message. Anything
        the relay had queued for this peer before arrives first and fails the test."""
        await self.send({"type": "wirelab-test-barrier"})
        msg = await self.next()
        if msg.get("type") != "error":
            raise PeerError(f"{self.name}: expected nothing before the barrier's error, but got {json.dumps(msg)}")

    async def welcome(self):
        msg = await self.expect("welcome")
        self.label = msg["you"]
        return msg

    def _deliver(self, msg):
        self.history.append(msg)
        self.inbox.put_nowait(msg)


class WsPeer(Peer):
    def __init__(self, ws, name, raw=False):
        super().__init__()
        self.ws = ws
        self.raw = raw   # deliver messages as received (e.g. /echo), not as JSON
        self.name = name
        self.close_code = None
        self._task = asyncio.create_task(self._reader())

    @classmethod
    async def connect(cls, url, name="ws peer", ssl=None, extra_headers=None, raw=False, **kw):
        ws = await websockets.connect(url, ssl=ssl, extra_headers=extra_headers, ping_interval=None,
                                      max_size=2**24, open_timeout=20, close_timeout=5, **kw)
        return cls(ws, name, raw)

    async def _reader(self):
        try:
            async for text in self.ws:
                self._deliver(text if self.raw else json.loads(text))
        except websockets.ConnectionClosed:
            pass
        except Exception as e:  # noqa: BLE001 - handed to the test
            self.inbox.put_nowait(e)
        self.close_code = self.ws.close_code
        self.inbox.put_nowait(ConnectionError(f"closed {self.ws.close_code} {self.ws.close_reason!r}"))

    async def send(self, obj):
        await self.ws.send(obj if isinstance(obj, (str, bytes)) else json.dumps(obj))

    async def wait_closed(self, timeout=DEFAULT_TIMEOUT):
        await asyncio.wait_for(asyncio.shield(self._task), timeout)
        return self.ws.close_code

    async def close(self):
        await self.ws.close()
        try:
            await asyncio.wait_for(self._task, 10)
        except asyncio.TimeoutError:
            self._task.cancel()


class PollPeer(Peer):
    """A long-polling stranger: one connection holds /poll/recv, another sends."""

    def __init__(self, port, name="poll peer", ssl=None):
        super().__init__()
        self.port = port
        self.name = name
        self.ssl = ssl
        self.session = None
        self.recv_conn = HttpConnection(port, ssl)
        self.send_conn = HttpConnection(port, ssl)
        self.responses = []   # (status, body length) of every /poll/recv answer
        self._task = None

    @classmethod
    async def open(cls, port, name="poll peer", ssl=None):
        peer = cls(port, name, ssl)
        resp = await peer.send_conn.request("POST", "/poll/open")
        if resp.status != 200:
            raise PeerError(f"{name}: POST /poll/open should have answered 200, but it was {resp!r}")
        peer.session = json.loads(resp.body)["session"]
        peer._task = asyncio.create_task(peer._poll_loop())
        return peer

    async def _poll_loop(self):
        try:
            while True:
                resp = await self.recv_conn.request("GET", f"/poll/recv?session={self.session}", timeout=60)
                self.responses.append((resp.status, len(resp.body)))
                if resp.status == 200:
                    for msg in json.loads(resp.body):
                        self._deliver(msg)
                elif resp.status != 204:
                    raise PeerError(f"{self.name}: GET /poll/recv answered {resp!r}")
        except asyncio.CancelledError:
            raise
        except Exception as e:  # noqa: BLE001 - handed to the test
            self.inbox.put_nowait(e)

    async def send(self, obj):
        body = obj if isinstance(obj, (str, bytes)) else json.dumps(obj)
        resp = await self.send_conn.request("POST", f"/poll/send?session={self.session}", body)
        if resp.status != 204:
            raise PeerError(f"{self.name}: POST /poll/send should have answered 204, but it was {resp!r}")

    async def close(self):
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        self.recv_conn.close()
        self.send_conn.close()


NODE_PEER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "node", "chat_peer.mjs")


class NodePeer(Peer):
    """A stranger on node's `ws` package: an independent WebSocket implementation."""

    def __init__(self, proc, name):
        super().__init__()
        self.proc = proc
        self.name = name
        self._task = asyncio.create_task(self._reader())

    @classmethod
    async def connect(cls, url, name="node peer"):
        env = dict(os.environ)
        modules = os.environ.get("WIRELAB_NODE_MODULES")
        if modules:
            env["NODE_PATH"] = modules
        proc = await asyncio.create_subprocess_exec(
            "node", NODE_PEER, url, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=sys.stderr, env=env)
        peer = cls(proc, name)
        first = await peer.next(30)
        if first.get("_event") != "open":
            raise PeerError(f"{name}: node ws did not open: {first!r}")
        return peer

    async def _reader(self):
        while True:
            line = await self.proc.stdout.readline()
            if not line:
                self.inbox.put_nowait(ConnectionError("node peer exited"))
                return
            msg = json.loads(line)
            if msg.get("_event") == "open":
                self.inbox.put_nowait(msg)
            elif msg.get("_event") == "close":
                self.inbox.put_nowait(ConnectionError(f"closed {msg.get('code')}"))
            else:
                self._deliver(msg)

    async def send(self, obj):
        self.proc.stdin.write((json.dumps(obj) + "\n").encode())
        await self.proc.stdin.drain()

    async def close(self):
        if self.proc.returncode is None:
            self.proc.stdin.close()
            try:
                await asyncio.wait_for(self.proc.wait(), 10)
            except asyncio.TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        self._task.cancel()
