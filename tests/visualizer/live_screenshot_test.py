#!/usr/bin/env python3
"""Live: a real `wirelab-relay --demo` and the visualizer connected to its
mirror, taking a screenshot once the first message between the paired
strangers (a `said` chat event) has arrived. Checks the PNG is a picture and
stderr shows no GL error. Ports are picked by the relay (--port 0
--mirror-port 0) and read from its first lines of output.

The relay only sends events from the moment a subscriber joins, and its demo
pairs the strangers within the first second, so the test waits for `said`
(which the demo repeats) rather than `paired`.
"""
import argparse
import os
import re
import subprocess
import sys
import time

from gl_process import GL_ERRORS, gl_env


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--visualizer", required=True)
    ap.add_argument("--relay", required=True)
    ap.add_argument("--png-check", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    png = os.path.join(args.out, "live-conversation.png")
    if os.path.exists(png):
        os.remove(png)

    relay_cmd = [args.relay, "--port", "0", "--mirror-port", "0", "--demo", "--deterministic"]
    print("$ " + " ".join(relay_cmd), flush=True)
    relay = subprocess.Popen(relay_cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = None
        deadline = time.monotonic() + 30
        while url is None and time.monotonic() < deadline:
            line = relay.stdout.readline()
            if not line:
                break
            print("relay> " + line.rstrip())
            m = re.search(r"(ws://127\.0\.0\.1:\d+/mirror)", line)
            if m:
                url = m.group(1)
        if url is None:
            print("✗ the relay never printed its mirror URL (hint: did it start? see its lines above)")
            return 1
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", args.visualizer, "--connect", url, "--screenshot", png,
               "--scene", "conversation", "--wait-for", "said", "--timeout", "60", "--frames", "60"]
        print("$ " + " ".join(cmd), flush=True)
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=150, env=gl_env())
        sys.stdout.write(r.stdout)
        failed = False
        for line in r.stderr.splitlines():
            if any(marker in line for marker in GL_ERRORS):
                print(f"✗ stderr shows a GL error: {line}")
                failed = True
        if r.returncode != 0 or not os.path.exists(png):
            print(f"✗ visualizer exit {r.returncode}, PNG written: {os.path.exists(png)}; stderr:\n{r.stderr}")
            return 1
        check = subprocess.run([args.png_check, png], capture_output=True, text=True, timeout=60)
        sys.stdout.write(check.stdout)
        if check.returncode != 0:
            print(f"✗ {check.stderr.strip()}")
            failed = True
        if not failed:
            print("✓ live screenshot after the first message between paired strangers")
        return 1 if failed else 0
    finally:
        relay.terminate()
        try:
            relay.wait(timeout=10)
        except subprocess.TimeoutExpired:
            relay.kill()
            relay.wait()


if __name__ == "__main__":
    sys.exit(main())
