"""The browser check of `wirelab-grade 6`: your lab 6 server, run as a program, serves the browser client
(web/) to two headless Chromium pages, which chat through it as two strangers would: both get a welcome,
pair, say something each way, one sees the other typing, and one sees the other leave.

Needs only what scripts/setup installs: Debian's chromium, and python3 with python3-websockets (10.4),
which drives the two pages over the Chrome DevTools Protocol (CDP): Runtime.evaluate clicks, types and
reads the page as a student would see it. Every wait has a deadline (the whole check stops within about
20 s) and every process it starts is killed on every path.

  python3 browser_check.py SERVER WEB_DIR   run the check on a built server (lab 5's main.cpp built with
                                            -DWIRELAB_STRANGERS); exit 0 passed, 1 failed, 2 not run
  python3 browser_check.py --lab8 --url URL --refusing-url URL2 --result FILE
                                            lab 8's graded check (its grader runs the student's servers and
                                            calls this): a pair of pages over WebSocket, one over long-polling,
                                            one on URL2 (upgrades refused) that must fall back to long-polling
"""
import argparse
import asyncio
import http.client
import importlib.util
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

from cdp import CHROMIUM_START_S, Cdp, Page, kill_all, kill_group, start_chromium, start_process

NOT_FOUND = "browser check not run: chromium not found (sudo apt install chromium)"
STEP_S = 5.0          # how long one step may wait for the page (a working server answers in milliseconds)
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
        died = await self.exited(0.5)
        raise Failed("your server starts and prints `chat: listening on http://127.0.0.1:PORT/`",
                     died or f"it printed {bytes(self.stdout[-200:])!r} in {STEP_S:g} s",
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

    async def exited(self, seconds: float) -> str:
        """describe_exit() once the server has ended (waiting `seconds` for it, and for its last stderr)."""
        try:
            await asyncio.wait_for(self.proc.wait(), seconds)
            await asyncio.wait_for(self._drain_err, seconds)
        except asyncio.TimeoutError:
            pass
        return self.describe_exit()

    def describe_exit(self) -> str:
        """'' while it runs; else how it ended and the end of what it printed on stderr."""
        if self.proc is None or self.proc.returncode is None:
            return ""
        code = self.proc.returncode
        how = f"killed by signal {-code}" if code < 0 else f"exited with code {code}"
        tail = bytes(self.stderr).decode("utf-8", "replace").strip().splitlines()[-8:]
        return f"your server {how}" + (": its stderr ended with:\n" + "\n".join(tail) if tail else "")


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


async def shows(page: Page) -> str:
    try:
        s = await page.eval(SNAPSHOT)
    except (RuntimeError, asyncio.TimeoutError) as e:
        return f"page {page.name}: could not be read ({e})"
    if s["title"] != "wirelab · Talk to a stranger":
        return f"page {page.name}: not the browser client; it shows {s['text']!r}"
    parts = [f'state "{s["state"]}"', f'connection "{s["link"]}"', f'header "{s["you"]}"']
    if s["notice"]:
        parts.append(f'notice "{s["notice"]}"')
    if s["typing"]:
        parts.append(f'typing line "{s["typing"]}"')
    parts.append("last lines: " + (" | ".join(f'"{l}"' for l in s["log"]) if s["log"] else "none"))
    return f"page {page.name}: " + ", ".join(parts)


async def open_page(cdp: Cdp, name: str, url: str) -> Page:
    target = (await cdp.call("Target.createTarget", {"url": "about:blank"}))["targetId"]
    session = (await cdp.call("Target.attachToTarget", {"targetId": target, "flatten": True}))["sessionId"]
    page = Page(cdp, name, session)
    await cdp.call("Runtime.enable", session=session)
    await cdp.call("Page.enable", session=session)
    try:
        nav = await cdp.call("Page.navigate", {"url": url}, session)
        error = nav.get("errorText")
    except asyncio.TimeoutError:
        error = f"no answer in {STEP_S:g} s"
    if error:
        answer = await asyncio.to_thread(status_line, url)
        raise Failed(f"page {name} loads / from your server", f"chromium says {error}; GET / {answer}",
                     "GET / must answer 200 with web/index.html (ServerOptions::web_dir; lab 5: a request "
                     "without `Upgrade: websocket` is a file request). " + TRY_BY_HAND)
    page.target = target
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
async def expect(page: Page, condition: str, step: str, hint: str, others=()):
    """Waits for `condition` on the page; a Failed with what the pages show when it does not come."""
    if not await page.wait(condition):
        saw = [await shows(p) for p in (page, *others)]
        raise Failed(step, f"after {STEP_S:g} s, " + "\n".join(saw), hint)


async def say_and_see(me: Page, peer: Page, text: str, step: str, hint: str):
    """`me` sends `text` from its composer; it must appear as the peer's line on `peer`."""
    await me.eval("(() => { const t = document.getElementById('text'); t.value = %s;"
                  " document.getElementById('composer').requestSubmit(); })()" % js_str(text))
    await expect(peer, "[...document.querySelectorAll('#log li.theirs .body')].some((e) => e.textContent === %s)"
                 % js_str(text), step, hint, (me,))


async def steps(cdp: Cdp, base: str, ok):
    """The conversation; ok(line) records a passed step; a Failed says which step did not happen."""
    a = await open_page(cdp, "A", base + "/")
    b = await open_page(cdp, "B", base + "/")

    for p in (a, b):
        await expect(p, "document.title === 'wirelab · Talk to a stranger' && window.wirelab",
                     f"page {p.name} loads the browser client from your server",
                     "GET / must answer web/index.html and GET /static/NAME the file web/NAME (app.js, "
                     "transport.js, app.css), with a Content-Type (lab 5's file requests, chat.h).")
    for p in (a, b):
        await expect(p, "document.body.dataset.state === 'start'", f"page {p.name} gets a welcome",
                     "the page opens a WebSocket to /chat and waits for {\"type\":\"welcome\",\"you\":LABEL,...} "
                     "(Strangers::on_open). \"connection\" above says whether the WebSocket opened: "
                     "\"WebSocket\" means it opened but no welcome came; \"Connecting…\" or \"Long-polling "
                     "(fallback)\" mean the upgrade at /chat failed (labs 1 and 4).")
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
        await say_and_see(me, peer, text, f"{me.name} says {text!r}: it appears on page {peer.name}",
                          "`say` while paired goes to the peer only, as {\"type\":\"said\",\"from\":LABEL,\"text\":TEXT} "
                          "in one text frame (UTF-8 as it came).")
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
                     "object with a string \"type\" (chat.h, strangers.h).")


# ------------------------------------------------------------------ lab 8: three ways to chat
LAB8_TRY = "Try it by hand: the last steps of 08-real-world/README.md (your main.cpp, with and without --refuse-upgrades)."


async def chat_two(cdp: Cdp, base: str, query: str, names, link: str, how: str, hint_link: str, ok):
    """Two pages of base/query find each other and say one line each way; both show `link` as the connection."""
    a = await open_page(cdp, names[0], base + "/" + query)
    b = await open_page(cdp, names[1], base + "/" + query)
    for p in (a, b):
        await expect(p, "document.title === 'wirelab · Talk to a stranger' && window.wirelab",
                     f"page {p.name} loads the browser client from your server{how}",
                     "GET / must answer web/index.html and GET /static/NAME the file web/NAME (lab 5's file requests).")
        await expect(p, "document.body.dataset.state === 'start'", f"page {p.name} gets a welcome{how}", hint_link)
        await expect(p, "document.getElementById('link-text').textContent === %s" % js_str(link),
                     f"page {p.name} says \"{link}\"{how}", hint_link)
    await a.eval("document.getElementById('find').click()")
    await expect(a, "document.body.dataset.state === 'waiting'", f"{a.name} presses \"Find a stranger\" and waits{how}",
                 "`find` alone must answer {\"type\":\"waiting\"}.")
    await b.eval("document.getElementById('find').click()")
    for p, other in ((a, b), (b, a)):
        await expect(p, "document.body.dataset.state === 'paired'", f"{b.name} finds: {p.name} is paired{how}",
                     "the second `find` pairs both strangers ({\"type\":\"paired\"} to both).", (other,))
    tag = secrets.token_hex(3)
    for me, peer in ((a, b), (b, a)):
        text = f"{me.name} to {peer.name} {tag}"
        await say_and_see(me, peer, text, f"{me.name} says a line: page {peer.name} shows it{how}",
                          "a `say` goes to the peer as {\"type\":\"said\",...}: over long-polling it answers the "
                          "peer's held recv at once (lab 7).")
    ok(f"{a.name} and {b.name}{how}: both say \"{link}\", are paired and chat both ways")
    thrown = [f"page {p.name}: {e}" for p in (a, b) for e in cdp.errors.get(p.session, [])]
    if thrown:
        raise Failed(f"no JavaScript errors on the pages{how}", "\n".join(thrown[:4]),
                     "the browser client threw on something your server sent: every message is one JSON object.")
    for p in (a, b):
        await cdp.call("Target.closeTarget", {"targetId": p.target})


async def lab8_steps(cdp: Cdp, url: str, refusing: str, ok):
    await chat_two(cdp, url, "", ("A", "B"), "WebSocket", " (WebSocket)",
                   "the page opens a WebSocket to /chat and waits for the welcome; \"connection\" above says whether "
                   "the WebSocket opened (lab 5's server, your lab 8 keepalive and welcome_with_keepalive).", ok)
    await chat_two(cdp, url, "?transport=poll", ("C", "D"), "Long-polling", " (long-polling)",
                   "with ?transport=poll the page sends POST /poll/open, then GET /poll/recv for the welcome (lab 7's "
                   "surface, kept in your lab 8 server).", ok)
    await chat_two(cdp, refusing, "", ("E", "F"), "Long-polling (fallback)", " (upgrades refused: fallback)",
                   "with refuse_upgrades your server answers the page's upgrade 403 and closes; the page then "
                   "switches to long-polling by itself. \"WebSocket\" above means the upgrade was not refused.", ok)


async def run_lab8_async(url: str, refusing: str, chromium: str, result: Result):
    started = []
    tmp = tempfile.mkdtemp(prefix="wirelab-browser-")
    try:
        await drive_chromium(chromium, tmp, started,
                             lambda cdp: lab8_steps(cdp, url, refusing, lambda line: result.lines.append("✓ " + line)),
                             LAB8_TRY)
        result.passed = True
    except Failed as f:
        result.failed_step, result.hint = f.step, f.hint + " " + LAB8_TRY
        result.lines.append(f"✗ {f.step}")
        result.lines += ["    " + l for l in f.saw.splitlines()]
    finally:
        for browser in started:
            await kill_group(browser)
        shutil.rmtree(tmp, ignore_errors=True)


def run_lab8(url: str, refusing: str, chromium=None) -> Result:
    result = Result()
    chromium = find_chromium() if chromium is None else chromium
    if not chromium:
        result.lines, result.hint, result.failed_step = [NOT_FOUND], NOT_FOUND, "not run"
        return result
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        asyncio.run(asyncio.wait_for(run_lab8_async(url, refusing, chromium, result), 35))
    except asyncio.TimeoutError:
        result.failed_step, result.hint = "the whole check", LAB8_TRY
        result.lines.append("✗ the whole check took more than 35 s")
    finally:
        kill_all()
    return result


async def drive_chromium(chromium: str, tmp: str, started: list, run_steps, try_hint: str):
    """Starts chromium (its process goes into `started`, for the caller to kill), connects over the DevTools
    protocol and runs `await run_steps(cdp)`; a Failed when chromium does not start or answer."""
    import websockets  # python3-websockets (Debian), already a lab 5 grader dependency
    profile = Path(tmp) / "profile"
    profile.mkdir()
    with open(Path(tmp) / "chromium.log", "wb") as log:
        browser, url = await start_chromium(chromium, profile, log)
    started.append(browser)
    if not url:
        tail = (Path(tmp) / "chromium.log").read_text(errors="replace").strip().splitlines()[-3:]
        raise Failed("chromium starts", f"{chromium} gave no DevTools port in {CHROMIUM_START_S:g} s: "
                     + (" / ".join(tail) or "no output"),
                     f"run `{chromium} --headless --no-sandbox --disable-gpu about:blank` to see why; "
                     "this is about chromium, not your code.")
    async with websockets.connect(url, max_size=None, open_timeout=STEP_S, ping_interval=None) as ws:
        cdp = Cdp(ws)
        try:
            await run_steps(cdp)
        except asyncio.TimeoutError:
            raise Failed("chromium answers", "a DevTools command got no answer in time", try_hint)
        finally:
            cdp.reader.cancel()


async def run_async(server_program: str, web: Path, chromium: str, result: Result):
    server = Server()
    started = []  # chromium, once it runs
    tmp = tempfile.mkdtemp(prefix="wirelab-browser-")
    try:
        await server.start(server_program, web, tmp)
        result.lines.append(f"✓ your server listens on {server.base}/")
        await drive_chromium(chromium, tmp, started,
                             lambda cdp: steps(cdp, server.base, lambda line: result.lines.append("✓ " + line)),
                             TRY_BY_HAND)
        result.passed = True
    except Failed as f:
        died = await server.exited(0.3) if server.base else ""  # (a server that never started says so in f)
        result.failed_step = f.step
        result.hint = (died + "\nyour server must keep running: its last lines above say where it stopped. "
                       + TRY_BY_HAND) if died else f.hint
        result.lines.append(f"✗ {f.step}")
        result.lines += ["    " + l for l in f.saw.splitlines()]
    finally:
        for browser in started:
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
    # SIGTERM (wirelab-grade's safety net, or kill) ends the check as Ctrl-C does: through the finally.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        asyncio.run(asyncio.wait_for(run_async(server_program, web, chromium, result), 40))
    except asyncio.TimeoutError:
        result.failed_step = "the whole check"
        result.lines.append("✗ the whole check took more than 40 s")
        result.hint = TRY_BY_HAND
    finally:
        kill_all()
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
    ap.add_argument("server", nargs="?", help="the server program: SERVER 0 WEB_DIR listens on a free port")
    ap.add_argument("web", type=Path, nargs="?", help="the browser client's folder (the pack's web/)")
    ap.add_argument("--lab8", action="store_true", help="lab 8's check on running servers (--url, --refusing-url)")
    ap.add_argument("--url", help="--lab8: the student's server")
    ap.add_argument("--refusing-url", help="--lab8: the student's server with refuse_upgrades")
    ap.add_argument("--quiet", action="store_true", help="print nothing (the caller prints --result)")
    ap.add_argument("--chromium", help="chromium to use (default: /usr/bin/chromium, then chromium on PATH)")
    ap.add_argument("--result", type=Path, help="also write the outcome here as JSON (for wirelab-grade)")
    ap.add_argument("--rerun", default="", help="the command that runs this check again, for the last line")
    a = ap.parse_args(argv)
    if a.lab8:
        return main_lab8(a)
    if not a.server or not a.web:
        ap.error("give SERVER and WEB_DIR (or --lab8)")
    if importlib.util.find_spec("websockets") is None:  # python3-websockets: scripts/setup installs it
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


def main_lab8(a) -> int:
    """Lab 8: --result gets {status, lines, hint, failed_step}; the lab 8 grader prints them as its steps."""
    if importlib.util.find_spec("websockets") is None:
        r = Result()
        r.failed_step = "not run"
        r.lines = [f"browser check not run: {sys.executable} has no websockets module (sudo apt install python3-websockets)"]
        r.hint = r.lines[0]
    else:
        chromium = a.chromium
        if chromium is not None and not shutil.which(chromium):
            chromium = ""
        r = run_lab8(a.url, a.refusing_url, chromium)
    status = "passed" if r.passed else "not run" if r.failed_step == "not run" else "failed"
    if not a.quiet:
        print("\n".join(r.lines + ([f"hint: {r.hint}"] if r.hint else [])), flush=True)
    if a.result:
        a.result.write_text(json.dumps({"status": status, "lines": r.lines, "hint": r.hint,
                                        "failed_step": r.failed_step}) + "\n")
    return 0 if r.passed else 2 if status == "not run" else 1


if __name__ == "__main__":
    sys.exit(main())
