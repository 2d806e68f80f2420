#!/usr/bin/env python3
"""The visualizer idles (issue 16): with a relay that carries nothing, the
window draws no frames once the first picture is up; with the demo chatting,
it still draws when events arrive. Counts frames (--exit-after prints them),
not CPU: the CPU figure is a benchmark (bench/visualizer/idle_cpu.sh).
"""
import argparse
import re
import subprocess
import sys

from gl_process import gl_env, start_relay, stop_relay

SECONDS = 6.0


def frames(visualizer: str, url: str):
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", visualizer, "--connect", url, "--exit-after", str(SECONDS)]
    print("$ " + " ".join(cmd), flush=True)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=gl_env())
    print(r.stdout, end="")
    m = re.search(r"frames drawn: (\d+) in [\d.]+ s; (\d+) in the last", r.stdout)
    if r.returncode != 0 or not m:
        print(f"✗ visualizer exit {r.returncode}, no frame count; stderr:\n{r.stderr}")
        return None
    return int(m.group(1)), int(m.group(2))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--visualizer", required=True)
    ap.add_argument("--relay", required=True)
    args = ap.parse_args()
    for extra, idle in (([], True), (["--demo", "--demo-wait", "0"], False)):
        relay, _, url = start_relay(args.relay, extra)
        try:
            if url is None:
                print("✗ the relay never printed its mirror URL")
                return 1
            got = frames(args.visualizer, url)
        finally:
            stop_relay(relay)
        if got is None:
            return 1
        total, late = got
        if idle and late > 3:
            print(f"✗ nothing happening: expected at most 3 frames in the last {SECONDS / 2:.0f} s, got {late} ({total} in all)")
            return 1
        if not idle and late < 1:
            print(f"✗ the demo chatting: expected frames in the last {SECONDS / 2:.0f} s, got none ({total} in all)")
            return 1
        print(f"✓ {'idle relay' if idle else 'demo chatting'}: {late} frames in the last {SECONDS / 2:.0f} s ({total} in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
