"""No credential in the mirror or a capture, in every mode (issue 17 item 2).

A long-poll session id is the whole credential (whoever has it reads and posts
as that stranger). It crosses the wire in request targets (?session=ID) and in
POST /poll/open's answer ({"session":"ID"}); Cookie, Authorization and
Set-Cookie values are credentials too. The mirror and the capture show each as
'*' of the same length (byte counts stay exact) and the session as a label."""
import base64
import json
import os

from http_raw import one_request
from relay_test import RelayTest, main

COOKIE = "sid=c00k1e-s3cr3t-value"
TOKEN = "Bearer t0ken-s3cr3t-value"


class Credentials(RelayTest):
    relay_flags = ("--capture", "capture.jsonl")

    def leaks(self, text, secrets):
        return [s for s in secrets if s in text]

    async def test_poll_session_cookie_and_authorization_never_leave_the_relay(self):
        mirror = await self.mirror()
        a = await self.ws("A")
        b = await self.poll("B")
        await self.pair(a, b)
        await self.exchange(a, b)
        resp = await one_request(self.relay.port, "GET", "/healthz",
                                 headers=[("Cookie", COOKIE), ("Authorization", TOKEN), ("X-Wirelab-Test", "creds")])
        self.assertEqual(resp.status, 200)
        req = await mirror.wait_for(lambda e: e.get("kind") == "http" and "X-Wirelab-Test" in json.dumps(e.get("headers")),
                                    what="the request with a Cookie")
        await mirror.wait_for(lambda e: e.get("kind") == "http" and e.get("dir") == "s2c" and e.get("conn") == req["conn"]
                              and e.get("seq", 0) > req.get("seq", 0), what="its answer")
        secrets = [b.session, COOKIE.split("=", 1)[1], TOKEN.split(" ", 1)[1]]

        # 1. Nothing in any mirror event, in its JSON or in its decoded bytes.
        for event in mirror.events:
            text = json.dumps(event)
            decoded = b"".join(base64.b64decode(event.get(k) or "") for k in ("bytes", "header", "payload"))
            found = self.leaks(text, secrets) + self.leaks(decoded.decode("latin-1"), secrets)
            self.assertEqual(found, [], f"a credential in a mirror event: {found} in {text[:300]}")

        # 2. Blanked in place, same length; the session shown by one stable label.
        polls = [e for e in mirror.events if e.get("kind") == "http" and "/poll/" in e.get("start_line", "")
                 and e.get("dir") == "c2s" and "session=" in e["start_line"]]
        self.assertTrue(polls, "the poll requests should be in the mirror")
        for e in polls:
            self.assertRegex(e["start_line"], r"session=\*{32}( |&)", e["start_line"])
            self.assertIn(b"session=" + b"*" * 32, base64.b64decode(e["bytes"]))
        labels = {e.get("session") for e in polls}
        self.assertEqual(len(labels), 1, f"one session, one label: {labels}")
        label = labels.pop()
        self.assertRegex(label or "", r"^session #\d+$")
        open_req = [e for e in mirror.events if e.get("kind") == "http" and e.get("start_line", "").startswith("POST /poll/open")]
        self.assertTrue(open_req, "POST /poll/open should be in the mirror")
        opened = [e for e in mirror.events if e.get("kind") == "http" and e.get("dir") == "s2c"
                  and e.get("conn") == open_req[0]["conn"] and e["seq"] > open_req[0]["seq"]]
        self.assertTrue(opened, "POST /poll/open's answer should be in the mirror")
        self.assertEqual(opened[0].get("session"), label, "the answer that gave the id carries the same label")
        if "--redact" not in self.relay_flags:   # --redact keeps heads only
            self.assertIn(b'{"session":"' + b"*" * 32 + b'"}', base64.b64decode(opened[0]["bytes"]))
        cookie_req = [e for e in mirror.events if e.get("kind") == "http" and "X-Wirelab-Test" in json.dumps(e["headers"])][0]
        headers = dict(cookie_req["headers"])
        self.assertEqual(headers["Cookie"], "*" * len(COOKIE))
        self.assertEqual(headers["Authorization"], "Bearer " + "*" * (len(TOKEN) - 7))
        raw_len = len(base64.b64decode(cookie_req["bytes"]))
        self.assertEqual(raw_len, len(self.expected_request_bytes()), "byte count unchanged by blanking")

        # 3. Nor in the capture file.
        await a.close()
        await b.close()
        self.relay.terminate()
        with open(os.path.join(self.relay.workdir, "capture.jsonl"), encoding="utf-8") as f:
            capture = f.read()
        self.assertIn("/poll/recv?session=", capture, "the capture holds the poll requests")
        self.assertEqual(self.leaks(capture, secrets), [], "a credential in the capture file")
        for line in capture.splitlines():
            event = json.loads(line)
            decoded = base64.b64decode(event.get("bytes") or "").decode("latin-1")
            self.assertEqual(self.leaks(decoded, secrets), [], f"a credential in captured bytes: {line[:200]}")

    def expected_request_bytes(self):
        lines = ["GET /healthz HTTP/1.1", f"Host: 127.0.0.1:{self.relay.port}", f"Cookie: {COOKIE}",
                 f"Authorization: {TOKEN}", "X-Wirelab-Test: creds"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()


class CredentialsRedacted(Credentials):
    relay_flags = ("--redact", "--capture", "capture.jsonl")


if __name__ == "__main__":
    main()
