#!/usr/bin/env python3
"""labs.04.python_interop: python `websockets` (a real peer) talks to lab 4's reference echo server:
text, a 70000-byte binary message, a ping, and the close handshake with code 1000."""
import asyncio
import subprocess
import sys

import websockets


async def talk(port: int) -> None:
    async with websockets.connect(f"ws://127.0.0.1:{port}/", max_size=None, open_timeout=5) as ws:
        await ws.send("Hello, wirelab")
        got = await asyncio.wait_for(ws.recv(), 5)
        assert got == "Hello, wirelab", f"text echo: {got!r}"
        blob = bytes(range(256)) * 273 + b"xyz"  # 69891 bytes: the 64-bit length form
        await ws.send(blob)
        got = await asyncio.wait_for(ws.recv(), 5)
        assert got == blob, f"binary echo: {len(got)} bytes"
        pong = await ws.ping(b"are you there")
        await asyncio.wait_for(pong, 5)
        await ws.close(code=1000, reason="bye")
        assert ws.close_code == 1000, f"close code {ws.close_code}"
    print("OK: python websockets: text, 69891-byte binary, ping/pong and close 1000 all work")


def main() -> int:
    server = subprocess.Popen([sys.argv[1], "0"], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()  # "echo: listening on ws://127.0.0.1:PORT/"
        port = int(line.rsplit(":", 1)[1].strip("/\n"))
        asyncio.run(asyncio.wait_for(talk(port), 30))
    finally:
        server.terminate()
        try:
            rc = server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            sys.exit("FAIL: the echo server did not stop on SIGTERM within 5 s")
    if rc != 0:
        sys.exit(f"FAIL: the echo server exited with {rc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
