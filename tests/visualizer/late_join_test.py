#!/usr/bin/env python3
"""A visualizer that joins late still teaches (issue 16): a real
`wirelab-relay --demo` runs with nobody watching until its strangers chat;
then the visualizer connects, lets half a second pass (--after-seconds) and
writes the Upgrade scene. From the model it saved (--save-capture) the open
demo WebSocket's upgrade request and its 101 must be there (they came in the
mirror's `hello`), the scene must show that connection (--print-view), and
the PNG must be a picture.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

from gl_process import gl_env, start_relay, stop_relay, visualizer_failed


def said_total(base: str) -> int:
    text = urllib.request.urlopen(base + "/metrics", timeout=5).read().decode()
    m = re.search(r"^wirelab_chat_said_total (\d+)$", text, re.M)
    return int(m.group(1)) if m else 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--visualizer", required=True)
    ap.add_argument("--relay", required=True)
    ap.add_argument("--png-check", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    png = os.path.join(args.out, "late-join-upgrade.png")
    capture = os.path.join(args.out, "late-join-model.jsonl")
    for f in (png, capture):
        if os.path.exists(f):
            os.remove(f)

    relay, base, url = start_relay(args.relay, ["--demo", "--demo-wait", "0"])
    try:
        if base is None or url is None:
            print("✗ the relay never printed its two listening lines")
            return 1
        # Nobody watches yet: wait (bounded) until the demo strangers have said something.
        deadline = time.monotonic() + 30
        while said_total(base) < 1:
            if time.monotonic() > deadline:
                print("✗ the demo strangers said nothing within 30 s")
                return 1
            time.sleep(0.1)
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", args.visualizer, "--connect", url, "--screenshot", png,
               "--scene", "upgrade", "--after-seconds", "0.5", "--frames", "20", "--print-view", "--save-capture", capture]
        print("$ " + " ".join(cmd), flush=True)
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=150, env=gl_env())
        sys.stdout.write(r.stdout)
        if visualizer_failed(r, png, args.png_check) or not os.path.exists(capture):
            return 1
        return check_model(capture, r.stdout)
    finally:
        stop_relay(relay)


def check_model(capture: str, stdout: str) -> int:
    """The open WebSocket's upgrade and 101 are in the model; the scene shows one."""
    events = [json.loads(line) for line in open(capture, encoding="utf-8")]
    hello = events[0]
    open_ws = {c["conn"] for c in hello["connections"] if c["state"] == "websocket"}
    requests = {e["conn"] for e in events if e["kind"] == "http" and e["dir"] == "c2s" and e["start_line"].startswith("GET /chat")}
    answers = {e["conn"] for e in events if e["kind"] == "http" and e["dir"] == "s2c" and e["start_line"].startswith("HTTP/1.1 101")}
    shown = sorted(open_ws & requests & answers)
    if not open_ws:
        print(f"✗ the relay's hello lists no open WebSocket: {json.dumps(hello)[:400]}")
        return 1
    if not shown:
        print(f"✗ expected the upgrade request and 101 of the open WebSocket(s) {sorted(open_ws)} in the model,")
        print(f"  but it holds requests for {sorted(requests)} and 101s for {sorted(answers)}")
        return 1
    print(f"✓ the model holds the handshake of open connection(s) #{', #'.join(map(str, shown))}")
    view_line = next((line for line in stdout.splitlines() if line.startswith("view ")), None)
    view = json.loads(view_line[5:]) if view_line else {}
    if view.get("conn") not in shown:
        print(f"✗ expected the Upgrade scene to show one of #{shown}, it shows {view.get('conn')} ({view_line})")
        return 1
    print(f"✓ the Upgrade scene shows connection #{view['conn']} at once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
