"""A mirror subscriber (python `websockets`): collects every event, lets tests wait for one."""
import asyncio
import base64
import json

import websockets

from peers import DEFAULT_TIMEOUT


class MirrorTimeout(AssertionError):
    pass


class Mirror:
    def __init__(self, ws):
        self.ws = ws
        self.events = []
        self.hello = None
        self._changed = asyncio.Condition()
        self._task = asyncio.create_task(self._reader())

    @classmethod
    async def connect(cls, relay, query=""):
        ws = await websockets.connect(relay.mirror_url + query, ping_interval=None, max_size=2**26,
                                      open_timeout=20, close_timeout=5)
        mirror = cls(ws)
        mirror.hello = await mirror.wait_for(lambda e: e.get("kind") == "hello", what="a hello event")
        return mirror

    async def _reader(self):
        try:
            async for text in self.ws:
                event = json.loads(text)
                async with self._changed:
                    self.events.append(event)
                    self._changed.notify_all()
        except websockets.ConnectionClosed:
            pass
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate, timeout=DEFAULT_TIMEOUT, what="an event"):
        """The first event (already seen or arriving) that satisfies predicate."""
        async def scan():
            seen = 0
            async with self._changed:
                while True:
                    for event in self.events[seen:]:
                        if predicate(event):
                            return event
                    seen = len(self.events)
                    if self._task.done():
                        raise MirrorTimeout(f"mirror closed before {what}")
                    await self._changed.wait()
        try:
            return await asyncio.wait_for(scan(), timeout)
        except asyncio.TimeoutError:
            kinds = [e.get("kind") for e in self.events[-30:]]
            raise MirrorTimeout(f"mirror: no {what} within {timeout} s; last kinds seen: {kinds}") from None

    def of_conn(self, conn, kind=None, dir_=None):
        return [e for e in self.events if e.get("conn") == conn and (kind is None or e.get("kind") == kind)
                and (dir_ is None or e.get("dir") == dir_)]

    async def conn_with_header(self, name, value, timeout=DEFAULT_TIMEOUT):
        """The conn id whose client request carried header `name: value` (a test's own marker)."""
        def match(e):
            return e.get("kind") == "http" and e.get("dir") == "c2s" and any(
                k.lower() == name.lower() and v == value for k, v in e.get("headers", []))
        event = await self.wait_for(match, timeout, what=f"an http event with {name}: {value}")
        return event["conn"]

    async def close(self):
        await self.ws.close()
        try:
            await asyncio.wait_for(self._task, 10)
        except asyncio.TimeoutError:
            self._task.cancel()


def b64(field):
    return base64.b64decode(field) if field else b""


def hexs(data, limit=64):
    """Bytes as \\xNN, cut at `limit` with an ellipsis, as every failure message shows bytes."""
    text = "".join(f"\\x{b:02x}" for b in data[:limit])
    return text + ("…" if len(data) > limit else "")
