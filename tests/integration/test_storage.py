"""Transit without storage (relay/README.md "Privacy promise"): chat text reaches no file and no
log, and without --capture the relay opens no file for writing at all."""
import base64
import os
import re
import shutil
import tempfile
import time
import uuid

from http_raw import one_request
from relay_test import RelayTest, main

SCAN_LIMIT_BYTES = 64 * 1024 * 1024   # skip anything bigger (no chat-sized file is)


def encodings(marker):
    """The marker as it could sit in a file: plain, hex, or inside base64 (a
    capture file's payloads) at any of the three alignments."""
    raw = marker.encode()
    forms = [raw, raw.hex().encode()]
    for k in range(3):
        enc = base64.b64encode(b"\0" * k + raw)
        forms.append(enc[4 if k else 0:-4])   # drop the groups that mix in neighbouring bytes
    return forms


def files_containing(root, needles, skip_dirs=(), since=None):
    """Files under root holding any needle; with `since` (a time.time()), only files changed since then: the
    relay can only have written those, and an old /tmp full of build trees is not read end to end."""
    hits, scanned = [], 0
    for dirpath, dirnames, filenames in os.walk(root, onerror=lambda e: None):
        dirnames[:] = [d for d in dirnames if os.path.join(dirpath, d) not in skip_dirs]
        for name in filenames:
            path = os.path.join(dirpath, name)
            try:
                if os.path.islink(path) or not os.path.isfile(path) or os.path.getsize(path) > SCAN_LIMIT_BYTES:
                    continue
                if since is not None and os.path.getmtime(path) < since:
                    continue
                with open(path, "rb") as f:
                    data = f.read()
                if any(n in data for n in needles):
                    hits.append(path)
                scanned += 1
            except OSError:
                continue
    return hits, scanned


class Storage(RelayTest):
    async def asyncSetUp(self):
        self.peers = []   # each test starts its own relay

    async def chat_with_marker(self, relay, marker):
        a = await self.ws("A (ws)", relay=relay)
        b = await self.poll("B (long-poll)", relay=relay)
        c = await self.ws("C (ws)", relay=relay)
        d = await self.ws("D (ws)", relay=relay)
        mirror = await self.mirror(relay)
        await self.pair(a, b)
        await self.exchange(a, b, marker)
        await self.exchange(b, a, marker)
        for p in (c, d):
            await p.welcome()
            await p.send({"type": "join", "room": "cs101"})
        await c.expect("joined", members=1)
        await c.expect("joined", members=2)
        await d.expect("joined", members=2)
        await c.send({"type": "say", "text": marker})
        await d.expect("said", text=marker)
        # The mirror (in memory, on the wire) does carry it, masked in c2s frames, plain in s2c.
        await mirror.wait_for(lambda e: e.get("kind") == "frame" and e.get("dir") == "s2c"
                              and marker.encode() in base64.b64decode(e.get("payload") or ""),
                              what="the marker in an s2c frame event")
        for p in list(self.peers):
            await p.close()
            self.peers.remove(p)

    async def test_no_chat_text_on_disk_or_in_logs(self):
        marker = f"wirelab-marker-{uuid.uuid4().hex}"
        started = time.time() - 2   # mtimes may be coarser than the clock
        relay = self.start_relay("-v")
        await self.chat_with_marker(relay, marker)
        needles = encodings(marker)
        metrics = await one_request(relay.port, "GET", "/metrics")
        self.assertEqual(metrics.status, 200, metrics)
        self.assertIn(b"wirelab_", metrics.body, "no wirelab_ metrics at all")
        self.assertFalse(any(n in metrics.body for n in needles), "the marker is in /metrics")
        self.assertEqual(relay.terminate(), 0)
        for log in (relay.stdout_path, relay.stderr_path):
            with open(log, "rb") as f:
                data = f.read()
            self.assertFalse(any(n in data for n in needles), f"the marker is in the relay's log {log}")
        hits, scanned = files_containing(relay.workdir, needles)
        self.assertEqual(hits, [], "files under the relay's working directory hold chat text")
        tmp = tempfile.gettempdir()
        hits, scanned_tmp = files_containing(tmp, needles, since=started)
        self.assertEqual(hits, [], f"files under {tmp} hold chat text")
        print(f"scanned {scanned} files under {relay.workdir} and {scanned_tmp} changed during the test under {tmp}: "
              "marker absent")

    async def test_no_file_opened_for_writing(self):
        folder = tempfile.mkdtemp(prefix="wirelab-it-strace-", dir=os.environ.get("WIRELAB_TEST_TMP"))
        self.addCleanup(shutil.rmtree, folder, True)
        trace = os.path.join(folder, "openat.txt")
        # LeakSanitizer cannot run under ptrace: leaks are checked by every other test.
        opts = os.environ.get("ASAN_OPTIONS", "")
        relay = self.start_relay(strace_to=trace, env={"ASAN_OPTIONS": (opts + ":" if opts else "") + "detect_leaks=0"})
        await self.chat_with_marker(relay, f"strace-{uuid.uuid4().hex}")
        self.assertEqual(relay.terminate(), 0)
        with open(trace) as f:
            calls = [line for line in f if re.search(r"\b(openat|open|creat)\(", line)]
        self.assertGreater(len(calls), 5, "strace saw no open calls at all: is it tracing the relay?")
        writes = [line.strip() for line in calls
                  if re.search(r"O_WRONLY|O_RDWR|O_CREAT", line) or re.search(r"\bcreat\(", line)]
        # /dev/null and friends are not storage.
        writes = [w for w in writes if not re.search(r'"/dev/(null|tty|urandom|random)"', w)]
        self.assertEqual(writes, [], "the relay opened files for writing without --capture")


if __name__ == "__main__":
    main()
