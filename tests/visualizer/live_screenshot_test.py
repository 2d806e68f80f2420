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
import subprocess
import sys

from gl_process import gl_env, start_relay, stop_relay, visualizer_failed


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

    relay, _, url = start_relay(args.relay, ["--demo", "--deterministic"])
    try:
        if url is None:
            print("✗ the relay never printed its mirror URL (hint: did it start? see its lines above)")
            return 1
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", args.visualizer, "--connect", url, "--screenshot", png,
               "--scene", "conversation", "--wait-for", "said", "--timeout", "60", "--frames", "60"]
        print("$ " + " ".join(cmd), flush=True)
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=150, env=gl_env())
        sys.stdout.write(r.stdout)
        if visualizer_failed(r, png, args.png_check):
            return 1
        print("✓ live screenshot after the first message between paired strangers")
        return 0
    finally:
        stop_relay(relay)


if __name__ == "__main__":
    sys.exit(main())
