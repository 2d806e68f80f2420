"""A small client of the Chrome DevTools Protocol (CDP) for the browser check (browser_check.py): starts
headless chromium on a free DevTools port and talks to it over one WebSocket with python3-websockets;
each page is a session on it (Target.attachToTarget with flatten). Every call has a deadline; every
process is started in its own group and killed with it.
"""
import asyncio
import json
import os
import signal
import subprocess
import time
from pathlib import Path

CALL_S = 5.0            # how long one DevTools command may take
CHROMIUM_START_S = 10.0


_started = set()   # process groups started and not yet killed: kill_all() ends them whatever happened


async def start_process(cmd, cwd, stdout, stderr):
    # Its own process group, so killing it takes its children too (chromium is a shell script that
    # starts several processes).
    proc = await asyncio.create_subprocess_exec(*cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=stdout,
                                                stderr=stderr, start_new_session=True)
    _started.add(proc.pid)
    return proc


def kill_all():
    """Kills every group start_process started that is still there (the last word of a check, even when
    it was interrupted)."""
    for pgid in list(_started):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _started.discard(pgid)


async def kill_group(proc):
    if proc is None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _started.discard(proc.pid)
    try:
        await asyncio.wait_for(proc.wait(), 5)
    except asyncio.TimeoutError:
        pass


async def start_chromium(chromium: str, profile: Path, log):
    """Headless chromium with the DevTools Protocol on a free port; returns (process, browser ws url)."""
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0",
           f"--user-data-dir={profile}", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-quic", "about:blank"]
    proc = await start_process(cmd, str(profile.parent), subprocess.DEVNULL, log)
    active = profile / "DevToolsActivePort"   # "PORT\n/devtools/browser/ID" once it listens
    deadline = time.monotonic() + CHROMIUM_START_S
    while time.monotonic() < deadline and proc.returncode is None:
        lines = active.read_text().splitlines() if active.exists() else []
        if len(lines) >= 2:
            return proc, f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        await asyncio.sleep(0.05)  # polling a file chromium writes, up to the deadline
    return proc, None


class Cdp:
    """One WebSocket to the browser; pages are sessions on it (Target.attachToTarget with flatten)."""

    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.pending = {}
        self.errors = {}      # session id -> JavaScript exceptions its page threw
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self):
        async for raw in self.ws:
            msg = json.loads(raw)
            if "id" in msg:
                fut = self.pending.pop(msg["id"], None)
                if fut and not fut.done():
                    fut.set_result(msg)
            elif msg.get("method") == "Runtime.exceptionThrown":
                d = msg["params"]["exceptionDetails"]
                text = d.get("exception", {}).get("description") or d.get("text", "")
                self.errors.setdefault(msg.get("sessionId"), []).append(text.splitlines()[0] if text else "?")

    async def call(self, method, params=None, session=None, timeout=CALL_S):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        fut = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = fut
        await self.ws.send(json.dumps(msg))
        reply = await asyncio.wait_for(fut, timeout)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})


class Page:
    def __init__(self, cdp: Cdp, name: str, session: str):
        self.cdp, self.name, self.session = cdp, name, session

    async def eval(self, expression: str, timeout=CALL_S):
        r = await self.cdp.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                     "returnByValue": True}, self.session, timeout)
        if "exceptionDetails" in r:
            raise RuntimeError(r["exceptionDetails"].get("text", "exception"))
        return r.get("result", {}).get("value")

    async def wait(self, condition: str, seconds=CALL_S) -> bool:
        """True once the JavaScript condition holds on the page, False after `seconds` (polled in the page)."""
        ms = int(seconds * 1000)
        js = ("new Promise((done) => { const until = Date.now() + %d; (function poll() { let ok = false;"
              " try { ok = !!(%s); } catch (e) {} if (ok) done(true); else if (Date.now() > until) done(false);"
              " else setTimeout(poll, 20); })(); })") % (ms, condition)
        try:
            return bool(await self.eval(js, seconds + 2))
        except (RuntimeError, asyncio.TimeoutError):
            return False
