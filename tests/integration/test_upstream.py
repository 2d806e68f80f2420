"""`wirelab-relay --upstream HOST:PORT` (issue 13, part 1): the tap in front of any server.

Each test starts a real upstream server on 127.0.0.1 (python `websockets`, node `ws`, lab 4's reference
echo server, or a deliberately broken one), a relay in front of it, and a raw-socket client whose exact
bytes are compared with the mirror's: every `http` and `frame` event of the connection, laid end to end
by offset, must be the bytes that crossed in that direction (credentials aside: none here)."""
import asyncio
import base64
import json
import os
import socket
import subprocess
import unittest

import websockets

from http_raw import read_response_head
from mirror import Mirror
from raw_ws import RFC_KEY, client_frame, upgrade_request
from relay_test import RelayTest

WAIT_S = 15
HERE = os.path.dirname(os.path.abspath(__file__))


def unit_bytes(e):
    if e["kind"] == "frame":
        return base64.b64decode(e["header"]) + base64.b64decode(e["payload"])
    return base64.b64decode(e["bytes"])


def stream(events, conn, direction):
    """The bytes of one direction as the mirror tells them (units tile the stream)."""
    units = sorted((e for e in events if e.get("conn") == conn and e.get("dir") == direction
                    and e["kind"] in ("http", "frame", "raw")), key=lambda e: e["offset"])
    out = b""
    for e in units:
        assert e["offset"] == len(out), f"{direction}: a unit at {e['offset']}, expected {len(out)}"
        out += unit_bytes(e)
    return out


async def stop(proc):
    if proc.returncode is None:
        proc.kill()
    await proc.wait()


def escaped(b):
    return "".join(chr(c) if 32 <= c < 127 else f"\\x{c:02x}" for c in b)


class Upstream(RelayTest):
    """A relay in front of `self.upstream_port`, started by each test (after its upstream)."""

    async def asyncSetUp(self):
        self.peers = []

    def relay_in_front(self, port, *flags):
        self.relay = self.start_relay("--upstream", f"127.0.0.1:{port}", *flags)
        return self.relay

    async def python_server_in_front(self, handler):
        """python `websockets` serving `handler` on a free port, and the relay in front of it."""
        server = await websockets.serve(handler, "127.0.0.1", 0, compression=None)
        self.addAsyncCleanup(server.wait_closed)
        self.addCleanup(server.close)
        return self.relay_in_front(server.sockets[0].getsockname()[1])

    async def talk(self, frames, want_frames, close=False):
        """Raw client: upgrade + frames; reads until `want_frames` server frames came (or EOF), then
        hangs up. Returns (sent, received, conn, mirror) once the mirror has shown the connection's
        `close`: its last event, after every byte of both directions and every violation they broke
        (a unit's violation follows the unit, so the last unit alone is not enough to check for them)."""
        mirror = await self.mirror()
        reader, writer = await asyncio.open_connection("127.0.0.1", self.relay.port)
        sent = upgrade_request(self.relay.port, "/") + b"".join(frames)
        writer.write(sent)
        await writer.drain()
        received = b""
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), WAIT_S)
        received += head
        for _ in range(want_frames):
            first = await asyncio.wait_for(reader.readexactly(2), WAIT_S)
            n = first[1] & 0x7F
            ext = b""
            if n == 126:
                ext = await reader.readexactly(2)
                n = int.from_bytes(ext, "big")
            elif n == 127:
                ext = await reader.readexactly(8)
                n = int.from_bytes(ext, "big")
            mask = await reader.readexactly(4) if first[1] & 0x80 else b""
            received += first + ext + mask + await asyncio.wait_for(reader.readexactly(n), WAIT_S)
        if close:   # Close 1000, then the server's Close and its EOF
            goodbye = client_frame(b"\x03\xe8", opcode=0x8, mask_key=b"\x0a\x0b\x0c\x0d")
            writer.write(goodbye)
            sent += goodbye
            received += await asyncio.wait_for(reader.read(), WAIT_S)
        writer.close()
        opened = await mirror.wait_for(lambda e: e["kind"] == "open", what="open")
        conn = opened["conn"]
        await mirror.wait_for(lambda e: e.get("conn") == conn and e.get("dir") == "s2c"
                              and e.get("offset", -1) + len(unit_bytes(e)) == len(received), what="the last s2c unit")
        await mirror.wait_for(lambda e: e.get("conn") == conn and e.get("dir") == "c2s"
                              and e.get("offset", -1) + len(unit_bytes(e)) == len(sent), what="the last c2s unit")
        await mirror.wait_for(lambda e: e.get("conn") == conn and e["kind"] == "close", what="the connection's close")
        return sent, received, conn, mirror

    def assertExact(self, mirror, conn, sent, received):
        for direction, want in (("c2s", sent), ("s2c", received)):
            got = stream(mirror.events, conn, direction)
            self.assertEqual(got, want, f"{direction}: mirror\n  {escaped(got)}\nvs wire\n  {escaped(want)}")



class Echo(Upstream):
    """Correct servers: the mirror holds exactly the bytes that crossed, and no violation."""

    async def check_echo_server(self):
        frames = [client_frame(b"Hello", mask_key=b"\x37\xfa\x21\x3d"),
                  client_frame(bytes(range(200)), opcode=0x2, mask_key=b"\x01\x02\x03\x04")]
        sent, received, conn, mirror = await self.talk(frames, want_frames=2, close=True)
        self.assertTrue(received.endswith(b"\x88\x02\x03\xe8"), f"the server's Close 1000: {escaped(received[-8:])}")
        self.assertIn(b"101", received.split(b"\r\n")[0])
        self.assertIn(b"Hello", received)
        self.assertExact(mirror, conn, sent, received)
        bad = [e for e in mirror.events if e["kind"] == "violation"]
        self.assertEqual(bad, [], "a correct server and client: no violation")

    async def test_python_websockets_echo_is_mirrored_byte_for_byte(self):
        async def echo(ws, *_):
            async for message in ws:
                await ws.send(message)
        await self.python_server_in_front(echo)
        await self.check_echo_server()

    async def test_node_ws_echo_is_mirrored_byte_for_byte(self):
        env = dict(os.environ, NODE_PATH=os.environ["WIRELAB_NODE_MODULES"])
        proc = await asyncio.create_subprocess_exec("node", os.path.join(HERE, "node", "echo_server.mjs"), env=env,
                                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.addAsyncCleanup(stop, proc)
        line = await asyncio.wait_for(proc.stdout.readline(), WAIT_S)
        self.relay_in_front(json.loads(line)["port"])
        await self.check_echo_server()

    async def test_lab4_reference_echo_server_is_mirrored_byte_for_byte(self):
        echo = os.environ.get("WIRELAB_LAB4_ECHO")   # ctest registers this test only when it is built
        self.assertTrue(echo and os.access(echo, os.X_OK), f"WIRELAB_LAB4_ECHO is not a program: {echo!r}")
        proc = await asyncio.create_subprocess_exec(echo, "0", stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
        self.addAsyncCleanup(stop, proc)
        line = (await asyncio.wait_for(proc.stdout.readline(), WAIT_S)).decode()
        port = int(line.rsplit(":", 1)[1].strip().rstrip("/"))
        self.relay_in_front(port)
        await self.check_echo_server()

    async def test_a_refused_upstream_is_a_502(self):
        # A port nobody listens on: bind one, note it, close it.
        server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        server.close()
        await server.wait_closed()
        self.relay_in_front(port)
        reader, writer = await asyncio.open_connection("127.0.0.1", self.relay.port)
        writer.write(upgrade_request(self.relay.port, "/"))
        status, _, _, head = await asyncio.wait_for(read_response_head(reader), WAIT_S)
        writer.close()
        self.assertEqual(status, 502, head)

    async def test_a_silent_upstream_is_a_502_after_the_connect_limit(self):
        # A listener that never accepts, its queue full: the kernel drops the next SYN, the connect hangs.
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        self.addCleanup(listener.close)
        port = listener.getsockname()[1]
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            self.addCleanup(filler.close)
        self.relay_in_front(port, "--upstream-connect-secs", "1")
        mirror = await self.mirror()
        reader, writer = await asyncio.open_connection("127.0.0.1", self.relay.port)
        request = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        writer.write(request)
        loop = asyncio.get_running_loop()
        started = loop.time()
        status, _, _, head = await asyncio.wait_for(read_response_head(reader), WAIT_S)
        waited = loop.time() - started
        writer.close()
        self.assertEqual(status, 502, head)
        self.assertLess(waited, 4, "the connect limit is 1 s")
        v = await mirror.wait_for(lambda e: e["kind"] == "violation", what="the 502's violation")
        self.assertEqual(v["action"], "answered 502, closed")
        req = await mirror.wait_for(lambda e: e["kind"] == "http" and e["dir"] == "c2s", what="the request")
        self.assertEqual(base64.b64decode(req["bytes"]), request, "the request the upstream never got is mirrored")

    async def test_a_client_that_never_reads_a_flooding_upstream_is_dropped(self):
        # The relay's bounds hold behind --upstream too: the s2c queue pauses the upstream (water marks),
        # and a client that takes no byte for --stall-secs is dropped.
        async def flood(reader, writer):
            await reader.readuntil(b"\r\n\r\n")
            chunk = b"x" * 65536
            try:
                for _ in range(1024):   # at most 64 MiB; the relay stops reading long before
                    writer.write(chunk)
                    await writer.drain()
            except ConnectionError:
                pass
            writer.close()
        server = await asyncio.start_server(flood, "127.0.0.1", 0)
        self.addAsyncCleanup(server.wait_closed)
        self.addCleanup(server.close)
        self.relay_in_front(server.sockets[0].getsockname()[1], "--stall-secs", "1")
        mirror = await self.mirror()
        reader, writer = await asyncio.open_connection("127.0.0.1", self.relay.port)
        self.addCleanup(writer.close)
        writer.write(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")   # then never read
        v = await mirror.wait_for(lambda e: e["kind"] == "violation", what="the stall violation")
        self.assertTrue(v["rule"].startswith("relay limit: the client took no byte for 1 s"), v)
        self.assertEqual(v["action"], "dropped")
        await mirror.wait_for(lambda e: e["kind"] == "close", what="close")

    async def test_credentials_passing_through_stay_off_the_mirror(self):
        # An Engine.IO-like server: its open packet carries the session id, over WebSocket.
        sid = "S3cr3tSid_" + "x" * 10

        async def engine(ws, *_):
            await ws.send('0{"sid":"%s","upgrades":[]}' % sid)
            async for message in ws:
                await ws.send(message)
        await self.python_server_in_front(engine)
        mirror = await self.mirror()
        url = f"ws://127.0.0.1:{self.relay.port}/socket.io/?EIO=4&transport=websocket&sid={sid}"
        async with websockets.connect(url, compression=None, extra_headers={
                "Cookie": "io=" + sid, "Authorization": "Bearer " + sid}) as ws:
            self.assertIn(sid, await ws.recv(), "the client itself gets the real id")
            await ws.send("4hello")
            self.assertEqual(await ws.recv(), "4hello")
        await mirror.wait_for(lambda e: e["kind"] == "close", what="close")
        for e in mirror.events:   # its text fields, and its bytes as they crossed (masked payloads unmasked)
            shown = json.dumps(e).encode()
            for field in ("bytes", "header", "payload"):
                if field in e:
                    shown += base64.b64decode(e[field])
            if e.get("mask_key"):
                key = bytes.fromhex(e["mask_key"])
                shown += bytes(b ^ key[i % 4] for i, b in enumerate(base64.b64decode(e["payload"])))
            self.assertNotIn(sid.encode(), shown, f"the id in the URL, a Cookie, an Authorization or a frame: {e}")
        request = next(e for e in mirror.events if e["kind"] == "http" and e["dir"] == "c2s")
        self.assertIn("sid=" + "*" * len(sid), request["start_line"])
        self.assertTrue(request["session"].startswith("session #"), request)
        # Cookie and Authorization: blanked, and each named by a stable label instead.
        self.assertEqual([name for name, _ in request.get("credentials", [])], ["Cookie", "Authorization"], request)
        self.assertTrue(all(label.startswith("credential #") for _, label in request["credentials"]), request)
        opened = next(e for e in mirror.events if e["kind"] == "frame" and e["dir"] == "s2c")
        self.assertEqual(base64.b64decode(opened["payload"]).decode(), '0{"sid":"%s","upgrades":[]}' % ("*" * len(sid)))


class BrokenServer(Upstream):
    """A server that answers 101 with a wrong Sec-WebSocket-Accept, then sends a masked frame."""

    WRONG_ACCEPT = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" \
                   b"Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n"
    MASKED = client_frame(b"oops", mask_key=b"\x11\x22\x33\x44")   # a server MUST NOT mask (5.1)

    async def start_broken(self):
        async def serve(reader, writer):
            try:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(self.WRONG_ACCEPT + self.MASKED)
                await writer.drain()
                await reader.read(1 << 16)   # until the client (or relay) goes
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            writer.close()
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        self.addAsyncCleanup(server.wait_closed)
        self.addCleanup(server.close)
        return server.sockets[0].getsockname()[1]

    async def test_broken_server_is_shown_not_closed(self):
        self.relay_in_front(await self.start_broken())
        sent, received, conn, mirror = await self.talk([client_frame(b"hi")], want_frames=1)
        self.assertEqual(received, self.WRONG_ACCEPT + self.MASKED, "every server byte reached the client")
        self.assertExact(mirror, conn, sent, received)
        rules = [(e["rule"], e["action"]) for e in mirror.events if e["kind"] == "violation"]
        self.assertEqual([r.split(":")[0] for r, _ in rules], ["RFC 6455 4.1", "RFC 6455 5.1"], rules)
        self.assertTrue(all("not closed" in a and a.startswith("the server's") for _, a in rules), rules)
        self.assertIn("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", rules[0][0], "the Accept the key called for")

    async def test_enforce_drops_the_broken_server(self):
        self.relay_in_front(await self.start_broken(), "--enforce")
        mirror = await self.mirror()
        reader, writer = await asyncio.open_connection("127.0.0.1", self.relay.port)
        writer.write(upgrade_request(self.relay.port, "/"))
        got = await asyncio.wait_for(reader.read(), WAIT_S)   # until EOF: the relay dropped us
        writer.close()
        self.assertEqual(got, b"", "the broken 101 never reached the client")
        v = await mirror.wait_for(lambda e: e["kind"] == "violation", what="the violation")
        self.assertTrue(v["rule"].startswith("RFC 6455 4.1"), v)
        self.assertEqual(v["action"], "the server's: dropped")
        await mirror.wait_for(lambda e: e["kind"] == "close", what="close")


class UpstreamOptions(unittest.TestCase):
    def test_bad_upstream_values_are_refused_with_a_reason(self):
        relay = os.environ["WIRELAB_RELAY"]
        for flags, says in ((["--upstream", "nohost"], "HOST:PORT"), (["--upstream", "h:0"], "1..65535"),
                            (["--upstream", "::1:80"], "[ADDR]:PORT"), (["--enforce"], "--upstream"),
                            (["--upstream", "127.0.0.1:9", "--demo"], "--demo")):
            r = subprocess.run([relay, *flags], capture_output=True, text=True, timeout=20)
            self.assertEqual(r.returncode, 2, (flags, r.stderr))
            self.assertIn(says, r.stderr, flags)


if __name__ == "__main__":
    unittest.main()
