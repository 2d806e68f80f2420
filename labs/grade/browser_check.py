"""The browser check of `wirelab-grade 6`: your lab 6 server, run as a program, serves the browser client
(web/) to two headless Chromium pages, which chat through it as two strangers would: both get a welcome,
pair, say something each way, one sees the other typing, and one sees the other leave.

Needs only what scripts/setup installs: Debian's chromium, and python3 with python3-websockets (10.4),
which drives the two pages over the Chrome DevTools Protocol (CDP): Runtime.evaluate clicks, types and
reads the page as a student would see it. Every wait has a deadline (the whole check stops within about
20 s) and every process it starts is killed on every path.

  python3 browser_check.py SERVER WEB_DIR [--chromium PATH]   run the check against a built server
"""
import argparse
import asyncio
import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

NOT_FOUND = "browser check not run: chromium not found (sudo apt install chromium)"
STEP_S = 5.0          # how long one step may wait for the page (a working server answers in milliseconds)
CHROMIUM_START_S = 10.0
TRY_BY_HAND = "Try it by hand: the last step of 06-strangers/README.md (two tabs on your server)."


def find_chromium():
    """Debian's /usr/bin/chromium, else `chromium` on PATH; None when there is none."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


class Failed(Exception):
    """One step did not happen: what the student expected to see, what the pages showed, what to do."""

    def __init__(self, step: str, saw: str, hint: str):
        super().__init__(step)
        self.step, self.saw, self.hint = step, saw, hint


class Result:
    def __init__(self):
        self.passed = False
        self.lines = []       # "✓ ..." / "✗ ..." and the detail lines under a failure
        self.failed_step = ""
        self.hint = ""
        self.seconds = 0.0


# ------------------------------------------------------------------ processes
async def start_process(cmd, cwd, stdout, stderr):
    # Its own process group, so killing it takes its children too (chromium is a shell script that
    # starts several processes).
    return await asyncio.create_subprocess_exec(*cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=stdout,
                                                stderr=stderr, start_new_session=True)


async def kill_group(proc):
    if proc is None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        await asyncio.wait_for(proc.wait(), 5)
    except asyncio.TimeoutError:
        pass


class Server:
    """The student's server: `SERVER 0 WEB_DIR` prints `chat: listening on http://127.0.0.1:PORT/`."""

    def __init__(self):
        self.proc = None
        self.base = ""
        self.stderr = bytearray()   # the last 4 KiB: an ASan report or an exception says why it died
        self.stdout = bytearray()

    async def start(self, program: str, web: Path, cwd: str):
        cmd = [str(Path(program).resolve()), "0", str(web.resolve())]
        try:
            self.proc = await start_process(cmd, cwd, subprocess.PIPE, subprocess.PIPE)
        except OSError as e:
            raise Failed("your server starts", f"{cmd[0]}: {e.strerror}", TRY_BY_HAND) from e
        self._drain_err = asyncio.ensure_future(self._drain(self.proc.stderr, self.stderr))
        deadline = time.monotonic() + STEP_S
        while time.monotonic() < deadline:
            try:
                line = await asyncio.wait_for(self.proc.stdout.readline(), deadline - time.monotonic())
            except asyncio.TimeoutError:
                break
            if not line:
                break
            self.stdout += line[:200]
            text = line.decode("utf-8", "replace")
            if "listening on http://127.0.0.1:" in text:
                self.base = text.split("listening on ", 1)[1].strip().rstrip("/")
                self._drain_out = asyncio.ensure_future(self._drain(self.proc.stdout, bytearray()))
                return
        await asyncio.sleep(0)  # let the stderr reader catch up
        raise Failed("your server starts and prints `chat: listening on http://127.0.0.1:PORT/`",
                     self.describe_exit() or f"it printed {bytes(self.stdout[-200:])!r} in {STEP_S:g} s",
                     "the program is lab 5's main.cpp built with -DWIRELAB_STRANGERS on your labs 1-6; it "
                     "prints that line once it listens. " + TRY_BY_HAND)

    @staticmethod
    async def _drain(stream, keep: bytearray):
        while True:
            chunk = await stream.read(4096)
            if not chunk:
                return
            keep += chunk
            del keep[:-4096]

    def describe_exit(self) -> str:
        """'' while it runs; else how it ended and the end of what it printed on stderr."""
        if self.proc is None or self.proc.returncode is None:
            return ""
        code = self.proc.returncode
        how = f"killed by signal {-code}" if code < 0 else f"exited with code {code}"
        tail = bytes(self.stderr).decode("utf-8", "replace").strip().splitlines()[-8:]
        return f"your server {how}" + (": its stderr ended with:\n" + "\n".join(tail) if tail else "")


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


# ------------------------------------------------------------------ the DevTools Protocol
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

    async def call(self, method, params=None, session=None, timeout=STEP_S):
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


# What a student would look at on a page: its state (body[data-state], relay/web/app.js), the connection,
# the notice, the typing line and the last lines of the conversation.
SNAPSHOT = """(() => {
  const q = (id) => { const e = document.getElementById(id); return e ? e.textContent.trim() : ''; };
  const b = document.body;
  return { title: document.title, state: b ? b.dataset.state || '' : '', link: q('link-text'), you: q('you'),
    notice: b && document.getElementById('notice') && !document.getElementById('notice').hidden ? q('notice') : '',
    typing: q('typing'), log: [...document.querySelectorAll('#log li')].slice(-3).map((li) => li.textContent.trim()),
    text: b ? b.innerText.trim().slice(0, 160) : '' };
})()"""


class Page:
    def __init__(self, cdp: Cdp, name: str, session: str):
        self.cdp, self.name, self.session = cdp, name, session

    async def eval(self, expression: str, timeout=STEP_S):
        r = await self.cdp.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                     "returnByValue": True}, self.session, timeout)
        if "exceptionDetails" in r:
            raise RuntimeError(r["exceptionDetails"].get("text", "exception"))
        return r.get("result", {}).get("value")

    async def wait(self, condition: str, seconds=STEP_S) -> bool:
        """True once the JavaScript condition holds on the page, False after `seconds` (polled in the page)."""
        ms = int(seconds * 1000)
        js = ("new Promise((done) => { const until = Date.now() + %d; (function poll() { let ok = false;"
              " try { ok = !!(%s); } catch (e) {} if (ok) done(true); else if (Date.now() > until) done(false);"
              " else setTimeout(poll, 20); })(); })") % (ms, condition)
        try:
            return bool(await self.eval(js, seconds + 2))
        except (RuntimeError, asyncio.TimeoutError):
            return False

    async def shows(self) -> str:
        try:
            s = await self.eval(SNAPSHOT)
        except (RuntimeError, asyncio.TimeoutError) as e:
            return f"page {self.name}: could not be read ({e})"
        if s["title"] != "wirelab · Talk to a stranger":
            return f"page {self.name}: not the browser client; it shows {s['text']!r}"
        parts = [f'state "{s["state"]}"', f'connection "{s["link"]}"', f'header "{s["you"]}"']
        if s["notice"]:
            parts.append(f'notice "{s["notice"]}"')
        if s["typing"]:
            parts.append(f'typing line "{s["typing"]}"')
        parts.append("last lines: " + (" | ".join(f'"{l}"' for l in s["log"]) if s["log"] else "none"))
        return f"page {self.name}: " + ", ".join(parts)


async def open_page(cdp: Cdp, name: str, url: str) -> Page:
    target = (await cdp.call("Target.createTarget", {"url": "about:blank"}))["targetId"]
    session = (await cdp.call("Target.attachToTarget", {"targetId": target, "flatten": True}))["sessionId"]
    page = Page(cdp, name, session)
    await cdp.call("Runtime.enable", session=session)
    await cdp.call("Page.enable", session=session)
    nav = await cdp.call("Page.navigate", {"url": url}, session)
    if nav.get("errorText"):
        answer = await asyncio.to_thread(status_line, url)
        raise Failed(f"page {name} loads / from your server", f"chromium says {nav['errorText']}; GET / {answer}",
                     "GET / must answer 200 with web/index.html (ServerOptions::web_dir; lab 5: a request "
                     "without `Upgrade: websocket` is a file request). " + TRY_BY_HAND)
    return page


def status_line(url: str) -> str:
    """What the server answers to a plain GET, for the hint: "answered 404 Not Found" or why nothing came."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=2)
    try:
        conn.request("GET", u.path or "/")
        r = conn.getresponse()
        return f"answered {r.status} {r.reason} with {len(r.read(1 << 20))} bytes"
    except (OSError, http.client.HTTPException) as e:
        return f"got no HTTP answer ({e.__class__.__name__}: {e})"
    finally:
        conn.close()


def js_str(s: str) -> str:
    return json.dumps(s)


# ------------------------------------------------------------------ the steps
async def steps(cdp: Cdp, base: str, ok):
    """The conversation; ok(line) records a passed step; a Failed says which step did not happen."""
    a = await open_page(cdp, "A", base + "/")
    b = await open_page(cdp, "B", base + "/")

    async def expect(page: Page, condition: str, step: str, hint: str, others=()):
        if not await page.wait(condition):
            saw = [await p.shows() for p in (page, *others)]
            raise Failed(step, f"after {STEP_S:g} s, " + "\n".join(saw), hint)

    for p in (a, b):
        await expect(p, "document.title === 'wirelab · Talk to a stranger' && window.wirelab",
                     f"page {p.name} loads the browser client from your server",
                     "GET / must answer web/index.html and GET /static/NAME the file web/NAME (app.js, "
                     "transport.js, app.css), with a Content-Type (lab 5's file requests, chat.h).")
    for p in (a, b):
        await expect(p, "document.body.dataset.state === 'start'", f"page {p.name} gets a welcome",
                     "the page opens a WebSocket to /chat and waits for {\"type\":\"welcome\",\"you\":LABEL,...} "
                     "(Strangers::on_open). \"connection\" above says whether the WebSocket opened: "
                     "\"Connecting…\" means the upgrade failed (labs 1 and 4), \"WebSocket\" means it opened but "
                     "no welcome came.")
    you_a = (await a.eval("document.getElementById('you').textContent")).removeprefix("You are ")
    you_b = (await b.eval("document.getElementById('you').textContent")).removeprefix("You are ")
    ok(f"both pages load the client and get a welcome ({you_a}, {you_b})")

    await a.eval("document.getElementById('find').click()")
    await expect(a, "document.body.dataset.state === 'waiting'", "A presses \"Find a stranger\" and waits",
                 "`find` alone must answer {\"type\":\"waiting\"}.")
    await b.eval("document.getElementById('find').click()")
    for p, other in ((a, b), (b, a)):
        await expect(p, "document.body.dataset.state === 'paired'", f"B presses \"Find a stranger\": {p.name} is paired",
                     "the second `find` pairs with the stranger who waits: {\"type\":\"paired\",\"peer\":LABEL} "
                     "to BOTH of them.", (other,))
    ok("A finds and waits, B finds: both are paired")

    tag = secrets.token_hex(3)
    for (me, peer, text) in ((a, b, f"hello from A through your server {tag}"), (b, a, f"hi A ✓ ünïcödé {tag}")):
        await me.eval("(() => { const t = document.getElementById('text'); t.value = %s;"
                      " document.getElementById('composer').requestSubmit(); })()" % js_str(text))
        await expect(peer, "[...document.querySelectorAll('#log li.theirs .body')].some((e) => e.textContent === %s)"
                     % js_str(text), f"{me.name} says {text!r}: it appears on page {peer.name}",
                     "`say` while paired goes to the peer only, as {\"type\":\"said\",\"from\":LABEL,\"text\":TEXT} "
                     "in one text frame (UTF-8 as it came).", (me,))
        ok(f"{me.name} says {text!r}: {peer.name} shows it")

    await a.eval("(() => { const t = document.getElementById('text'); t.value = 'typ';"
                 " t.dispatchEvent(new Event('input', { bubbles: true })); })()")
    await expect(b, "document.getElementById('typing').textContent === 'Stranger is typing…'",
                 "A types: page B shows \"Stranger is typing…\"",
                 "A's page sent {\"type\":\"typing\",\"on\":true}: your server must pass it on to the peer as "
                 "{\"type\":\"typing\",\"from\":LABEL,\"on\":true} (strangers.h).")
    ok("A types: B shows \"Stranger is typing…\"")

    await a.eval("document.getElementById('leave').click()")
    await expect(b, "document.body.dataset.state === 'ended' && "
                 "document.getElementById('log').textContent.includes('Stranger has left.')",
                 "A leaves: page B shows \"Stranger has left.\"",
                 "`leave` must send {\"type\":\"left\",\"who\":LABEL} to the peer and unpair both.")
    ok("A leaves: B shows \"Stranger has left.\"")

    thrown = [f"page {p.name}: {e}" for p in (a, b) for e in cdp.errors.get(p.session, [])]
    if thrown:
        raise Failed("no JavaScript errors on either page", "\n".join(thrown[:4]),
                     "the browser client threw on something your server sent: every message is one JSON "
                     "object with a string \"type\" (relay/README.md's chat messages, as in chat.h).")


async def run_async(server_program: str, web: Path, chromium: str, result: Result):
    import websockets  # python3-websockets (Debian), already a lab 5 grader dependency
    server = Server()
    browser = None
    tmp = tempfile.mkdtemp(prefix="wirelab-browser-")
    try:
        await server.start(server_program, web, tmp)
        result.lines.append(f"✓ your server listens on {server.base}/")
        profile = Path(tmp) / "profile"
        profile.mkdir()
        with open(Path(tmp) / "chromium.log", "wb") as log:
            browser, url = await start_chromium(chromium, profile, log)
        if not url:
            tail = (Path(tmp) / "chromium.log").read_text(errors="replace").strip().splitlines()[-3:]
            raise Failed("chromium starts", f"{chromium} gave no DevTools port in {CHROMIUM_START_S:g} s: "
                         + (" / ".join(tail) or "no output"),
                         f"run `{chromium} --headless --no-sandbox --disable-gpu about:blank` to see why; "
                         "this is about chromium, not your code.")
        async with websockets.connect(url, max_size=None, open_timeout=STEP_S, ping_interval=None) as ws:
            cdp = Cdp(ws)
            try:
                await steps(cdp, server.base, lambda line: result.lines.append("✓ " + line))
            except asyncio.TimeoutError:
                raise Failed("chromium answers", "a DevTools command got no answer in time", TRY_BY_HAND)
            finally:
                cdp.reader.cancel()
        result.passed = True
    except Failed as f:
        await asyncio.sleep(0.05)  # if the server just died, let its exit and stderr arrive
        died = server.describe_exit() if server.base else ""  # (a server that never started says so in f)
        result.failed_step = f.step
        result.hint = (died + "\n" if died else "") + f.hint
        result.lines.append(f"✗ {f.step}")
        result.lines += ["    " + l for l in f.saw.splitlines()]
    finally:
        await kill_group(browser)
        await kill_group(server.proc)
        shutil.rmtree(tmp, ignore_errors=True)


def run(server_program: str, web: Path, chromium=None) -> Result:
    """Runs the check; Result.lines is what to print. Never raises for a student's mistake."""
    result = Result()
    t0 = time.monotonic()
    chromium = find_chromium() if chromium is None else chromium
    if not chromium:
        result.lines = [NOT_FOUND]
        result.hint = NOT_FOUND
        result.failed_step = "not run"
        return result
    try:
        asyncio.run(asyncio.wait_for(run_async(server_program, web, chromium, result), 40))
    except asyncio.TimeoutError:
        result.failed_step = "the whole check"
        result.lines.append("✗ the whole check took more than 40 s")
        result.hint = TRY_BY_HAND
    result.seconds = time.monotonic() - t0
    return result


HEADER = "Browser check (no points): your server and two Chromium pages of the browser client (web/)"


def verdict(passed: bool, failed_step: str, rerun: str, seconds=None) -> str:
    """The check's last line, which wirelab-grade's output and results.json carry."""
    if passed:
        return "browser check: passed" + (f" ({seconds:.1f} s)" if seconds is not None else "")
    if failed_step == "not run":
        return ""
    return (f"browser check: FAILED at: {failed_step} (what the page showed and what to try are above"
            + (f"; re-run: {rerun})" if rerun else ")"))


def report(r: Result, rerun: str) -> str:
    if r.failed_step == "not run":
        return r.lines[0]
    out = [HEADER] + ["  " + l for l in r.lines]
    if r.hint:
        out += ["  hint: " + l for l in r.hint.splitlines()[:1]] + ["        " + l for l in r.hint.splitlines()[1:]]
    return "\n".join(out + [verdict(r.passed, r.failed_step, rerun, r.seconds)])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("server", help="the server program: SERVER 0 WEB_DIR listens on a free port")
    ap.add_argument("web", type=Path, help="the browser client's folder (the pack's web/)")
    ap.add_argument("--chromium", help="chromium to use (default: /usr/bin/chromium, then chromium on PATH)")
    ap.add_argument("--result", type=Path, help="also write the outcome here as JSON (for wirelab-grade)")
    ap.add_argument("--rerun", default="", help="the command that runs this check again, for the last line")
    a = ap.parse_args(argv)
    try:
        import websockets  # noqa: F401  (python3-websockets: scripts/setup installs it)
    except ImportError:
        r = Result()
        r.failed_step, r.lines = "not run", [f"browser check not run: {sys.executable} has no websockets module "
                                             "(sudo apt install python3-websockets)"]
    else:
        chromium = a.chromium
        if chromium is not None and not shutil.which(chromium):
            chromium = ""
        r = run(a.server, a.web, chromium)
    text = report(r, a.rerun)
    print("\n" + text, flush=True)
    if a.result:
        status = "passed" if r.passed else "not run" if r.failed_step == "not run" else "failed"
        a.result.write_text(json.dumps({"status": status, "output": text, "seconds": round(r.seconds, 1)}) + "\n")
    return 0 if r.passed else 2 if r.failed_step == "not run" else 1


if __name__ == "__main__":
    sys.exit(main())
