#!/usr/bin/env python3
"""A stand-in mirror for the feeds test, on a real WebSocket stack (python
websockets): listens on 127.0.0.1 port 0, prints the port, and to each
subscriber sends every line of a capture file as one text message, then
closes the connection. The client must reconnect to get them again."""
import asyncio
import sys

import websockets


async def main(capture: str) -> None:
    with open(capture, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]

    async def serve(ws, path=None):
        for line in lines:
            await ws.send(line)
        await ws.close(1001, "stub going away")

    async with websockets.serve(serve, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        print(port, flush=True)
        # The test kills us when it ends; never outlive it by more than a minute.
        await asyncio.sleep(60)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
