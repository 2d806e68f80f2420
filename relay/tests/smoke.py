#!/usr/bin/python3
"""Fast smoke test of wirelab-relay's own plumbing: the listening lines,
/healthz, the mirror's hello, a chat pair over WebSocket, /echo, RFC 6455 5.7's
masked "Hello" byte-exact in the mirror, an unmasked frame closed with 1002,
a wrong version answered 426, and SIGTERM -> close 1001 + exit 0.
Usage: smoke.py PATH_TO_WIRELAB_RELAY   (the big suite is tests/integration)."""
import asyncio, base64, json, os, signal, socket, subprocess, sys, time, urllib.request

import websockets

RELAY = sys.argv[1]
checks = 0


def check(cond, what, expected=None, actual=None):
    global checks
    if not cond:
        print(f"FAIL: {what}\n  expected: {expected!r}\n  actual:   {actual!r}")
        sys.exit(1)
    checks += 1
    print(f"  \u2713 {what}")


def start(*extra):
    p = subprocess.Popen([RELAY, "--port", "0", "--mirror-port", "0", *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines, deadline = [], time.monotonic() + 10
    while len(lines) < 2 and time.monotonic() < deadline:
        line = p.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
    check(len(lines) == 2 and lines[0].startswith("wirelab-relay: listening on http://127.0.0.1:")
          and lines[1].startswith("wirelab-relay: mirror on ws://127.0.0.1:"), "listening lines", "2 lines", lines)
    port = int(lines[0].rsplit(":", 1)[1])
    mport = int(lines[1].rsplit(":", 1)[1].split("/")[0])
    return p, port, mport


async def next_kind(mirror, kind, pred=lambda e: True, timeout=5):
    end = time.monotonic() + timeout
    while True:
        e = json.loads(await asyncio.wait_for(mirror.recv(), max(0.01, end - time.monotonic())))
        if e["kind"] == kind and pred(e):
            return e


def raw_ws(port, path="/echo"):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    return s, head


def read_exact(s, n):
    out = b""
    while len(out) < n:
        chunk = s.recv(n - len(out))
        if not chunk:
            break
        out += chunk
    return out


async def main():
    p, port, mport = start()
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
        check(body == b"ok\n", "/healthz says ok", b"ok\n", body)
        async with websockets.connect(f"ws://127.0.0.1:{mport}/mirror") as mirror:
            hello = json.loads(await mirror.recv())
            check(hello["kind"] == "hello" and hello["tap"] is True, "mirror hello first", "hello", hello["kind"])

            # Two strangers pair and chat.
            async with websockets.connect(f"ws://127.0.0.1:{port}/chat") as a, \
                       websockets.connect(f"ws://127.0.0.1:{port}/chat") as b:
                wa, wb = json.loads(await a.recv()), json.loads(await b.recv())
                check(wa["type"] == "welcome" and wb["type"] == "welcome", "both welcomed", "welcome", (wa, wb))
                await a.send('{"type":"find"}')
                await b.send('{"type":"find"}')
                got = []
                while not any(m.get("type") == "paired" for m in got):
                    got.append(json.loads(await asyncio.wait_for(b.recv(), 5)))
                await a.send('{"type":"say","text":"smoke-marker"}')
                while True:
                    m = json.loads(await asyncio.wait_for(b.recv(), 5))
                    if m["type"] == "said":
                        break
                check(m["text"] == "smoke-marker", "said reaches the peer", "smoke-marker", m)
                e = await next_kind(mirror, "chat", lambda e: e["event"] == "paired")
                check(e["who"].startswith("Stranger "), "mirror chat event paired", "Stranger ...", e)

            # RFC 6455 5.7: a masked "Hello" with key 37 fa 21 3d, byte-exact in the mirror.
            s, head = raw_ws(port)
            check(b" 101 " in head.split(b"\r\n")[0], "raw upgrade to /echo", "101", head[:40])
            s.sendall(bytes([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]))
            echo = read_exact(s, 7)
            check(echo == b"\x81\x05Hello", "echo answers Hello unmasked", b"\x81\x05Hello", echo)
            f = await next_kind(mirror, "frame", lambda e: e["dir"] == "c2s" and e.get("mask_key") == "37fa213d")
            check(base64.b64decode(f["header"]) == bytes([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d])
                  and base64.b64decode(f["payload"]) == bytes([0x7f, 0x9f, 0x4d, 0x51, 0x58]),
                  "mirror frame is byte-exact", "81 85 37 fa 21 3d / 7f 9f 4d 51 58", f)

            # 5.1: an unmasked client frame -> 1002 from the relay, with a violation event.
            s.sendall(b"\x81\x05Hello")
            close = read_exact(s, 2)
            check(close[0] == 0x88 and 2 <= close[1] <= 125, "unmasked frame gets an unmasked close frame with a code",
                  b"\x88 + a length 2-125", close)
            close += read_exact(s, close[1])
            check(close[2:4] == b"\x03\xea", "close code 1002", b"\x03\xea", close[2:4])
            v = await next_kind(mirror, "violation")
            check(v["rule"] == "RFC 6455 5.1: client frames must be masked" and v["action"] == "closed 1002",
                  "violation event", "RFC 6455 5.1: client frames must be masked", v)
            s.close()

            # 4.2.1: a wrong version -> 426 with Sec-WebSocket-Version: 13.
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n")
            resp = s.recv(4096)
            check(resp.startswith(b"HTTP/1.1 426") and b"Sec-WebSocket-Version: 13" in resp,
                  "version 8 -> 426 + Sec-WebSocket-Version: 13", b"HTTP/1.1 426", resp[:60])
            s.close()

            # SIGTERM: every WebSocket gets 1001, the relay exits 0.
            async with websockets.connect(f"ws://127.0.0.1:{port}/echo") as c:
                p.send_signal(signal.SIGTERM)
                code = "no close within 5 s"
                try:
                    message = await asyncio.wait_for(c.recv(), 5)
                    code = f"a message instead of a close: {message!r}"
                except websockets.ConnectionClosed as closed:
                    code = closed.code
                except asyncio.TimeoutError:
                    pass
                check(code == 1001, "SIGTERM closes with 1001", 1001, code)
        rc = p.wait(timeout=10)
        check(rc == 0, "exit code 0 after SIGTERM", 0, rc)
    finally:
        if p.poll() is None:
            p.kill()
    print(f"smoke: {checks} checks passed")


asyncio.run(main())
