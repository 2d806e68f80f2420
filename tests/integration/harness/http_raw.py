"""A small honest HTTP/1.1 client over asyncio streams (keep-alive, Content-Length
or chunked bodies), so tests see exactly the status and headers the relay sends.
Also used to send deliberately broken upgrade requests."""
import asyncio


class HttpResponse:
    def __init__(self, status, reason, headers, body, head_bytes):
        self.status = status
        self.reason = reason
        self.headers = headers          # [(name, value)] in wire order
        self.body = body
        self.head_bytes = head_bytes

    def header(self, name, default=None):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return default

    def __repr__(self):
        return f"HttpResponse({self.status} {self.reason}, {self.headers}, body={self.body[:200]!r})"


async def read_response_head(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1])
    reason = parts[2] if len(parts) > 2 else ""
    headers = []
    for line in lines[1:]:
        if line:
            k, _, v = line.partition(":")
            headers.append((k.strip(), v.strip()))
    return status, reason, headers, head


async def read_response(reader, method="GET"):
    status, reason, headers, head = await read_response_head(reader)
    hmap = {k.lower(): v for k, v in headers}
    body = b""
    if method == "HEAD" or status in (101, 204, 304) or 100 <= status < 200:
        pass
    elif hmap.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            body += await reader.readexactly(size)
            await reader.readexactly(2)
    elif "content-length" in hmap:
        body = await reader.readexactly(int(hmap["content-length"]))
    elif hmap.get("connection", "").lower() == "close":
        body = await reader.read()
    return HttpResponse(status, reason, headers, body, head)


class HttpConnection:
    """One keep-alive connection: await conn.request("POST", "/poll/open")."""

    def __init__(self, port, ssl=None, source=None):
        self.port = port
        self.ssl = ssl
        self.source = source   # a local address to connect from, e.g. "127.0.0.2"
        self.reader = None
        self.writer = None
        self.requests = 0
        self.reconnects = 0   # keep-alive connections the server closed while idle

    async def _ensure(self):
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(
                "127.0.0.1", self.port, ssl=self.ssl, server_hostname="127.0.0.1" if self.ssl else None,
                local_addr=(self.source, 0) if self.source else None)

    async def request(self, method, path, body=b"", headers=(), timeout=40):
        """One request; a reused keep-alive connection the server has meanwhile
        closed (EOF before any byte of the answer) is retried once on a new one."""
        reused = self.writer is not None and not self.writer.is_closing()
        try:
            return await self._request_once(method, path, body, headers, timeout)
        except (asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError) as e:
            if not reused or (isinstance(e, asyncio.IncompleteReadError) and e.partial):
                raise
            self.reconnects += 1
            return await self._request_once(method, path, body, headers, timeout)

    async def _request_once(self, method, path, body, headers, timeout):
        await self._ensure()
        if isinstance(body, str):
            body = body.encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers]
        if body or method in ("POST", "PUT"):
            lines.append(f"Content-Length: {len(body)}")
            if body:
                lines.append("Content-Type: application/json")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        self.requests += 1
        try:
            resp = await asyncio.wait_for(read_response(self.reader, method), timeout)
        except BaseException:
            self.close()
            raise
        if (resp.header("Connection") or "").lower() == "close":
            self.close()
        return resp

    def close(self):
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def one_request(port, method, path, body=b"", headers=(), timeout=20, ssl=None):
    conn = HttpConnection(port, ssl)
    try:
        return await conn.request(method, path, body, headers, timeout)
    finally:
        conn.close()


async def raw_exchange(port, request_bytes, timeout=20):
    """Sends exact bytes; returns the response (head parsed, body as framed)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request_bytes)
        await writer.drain()
        return await asyncio.wait_for(read_response(reader), timeout)
    finally:
        writer.close()
