#!/usr/bin/env python3
"""One scene of the visualizer rendered headless under Xvfb from a capture,
twice: the PNG must not be blank, both runs must give the same bytes, the
scene must have drawn its own marker text (--expect-text, read back through
ImGui's log capture; a "not in this build" placeholder exits 4 as well), and
stderr must show no GL or shader error (ImGui's OpenGL backend prints
"failed to compile"/"failed to link" and then draws nothing).

The capture is fixtures/captures/demo-deterministic.jsonl when it exists,
else the synthetic capture from support/; --capture NAME picks another bundled
one (scene 6 uses wss-chromium.jsonl, the only one with TLS records), and --expect
another marker the scene draws only with that capture. Re-run by hand:
  xvfb-run -a -s "-screen 0 1920x1080x24" wirelab-visualizer --replay CAPTURE \\
      --screenshot out.png --scene SCENE --frames 60 --expect-text MARKER
"""
import argparse
import hashlib
import os
import subprocess
import sys

from gl_process import GL_ERRORS, gl_env


# Text each scene draws in its own window whatever the capture (not the shared top bar), so a
# blank scene, a placeholder or the wrong scene fails.
SCENE_MARKERS = {
    "conversation": "Click an arrow or a row to select it",
    "upgrade": "Sec-WebSocket-Accept",
    "frame": "Header: ",
    "masking": "clear[i] = masked[i] XOR key[i mod 4]",
    "polling": "HTTP requests per message",
    "tls": "What the network sees",   # drawn only beside a unit of a wss:// connection
}


def run(cmd, timeout):
    print("$ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--visualizer", required=True)
    ap.add_argument("--synthetic", required=True)
    ap.add_argument("--png-check", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--scene", required=True)
    ap.add_argument("--extra", default="", help="more visualizer flags, space separated")
    ap.add_argument("--tag", default="")
    ap.add_argument("--capture", default="", help="a capture in --fixtures instead of demo-deterministic.jsonl")
    ap.add_argument("--expect", default="", help="the marker text, instead of the scene's own")
    args = ap.parse_args()
    marker = args.expect or SCENE_MARKERS[args.scene]
    os.makedirs(args.out, exist_ok=True)

    capture = os.path.join(args.fixtures, args.capture or "demo-deterministic.jsonl")
    if args.capture and not os.path.exists(capture):
        print(f"✗ missing {capture} (scripts/make-fixtures makes it)")
        return 1
    if not os.path.exists(capture):
        capture = os.path.join(args.out, "synthetic.jsonl")
        r = run([args.synthetic, capture], 60)
        if r.returncode != 0:
            print(r.stderr)
            return 1
    print(f"capture: {capture}")

    name = args.scene + (("-" + args.tag) if args.tag else "")
    digests = []
    failed = False
    for attempt in (1, 2):
        png = os.path.join(args.out, f"{name}-{attempt}.png")
        if os.path.exists(png):
            os.remove(png)
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", args.visualizer, "--replay", capture,
               "--screenshot", png, "--scene", args.scene, "--frames", "60",
               "--expect-text", marker] + args.extra.split()
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=gl_env())
        print("$ " + " ".join(cmd), flush=True)
        sys.stdout.write(r.stdout)
        for line in r.stderr.splitlines():
            if any(gl in line for gl in GL_ERRORS):
                print(f"✗ stderr shows a GL/shader error: {line}")
                failed = True
        if r.returncode == 4:
            print(f"✗ run {attempt}: the {args.scene} scene is missing or did not draw "
                  f"\"{marker}\" (exit 4); stderr:\n{r.stderr}")
            return 1
        if r.returncode != 0 or not os.path.exists(png):
            print(f"✗ run {attempt}: exit {r.returncode}, no PNG; stderr:\n{r.stderr}")
            return 1
        print(f"✓ run {attempt}: the {args.scene} scene drew \"{marker}\"")
        check = run([args.png_check, png], 60)
        sys.stdout.write(check.stdout)
        if check.returncode != 0:
            print(f"✗ {check.stderr.strip()}")
            failed = True
        with open(png, "rb") as f:
            digests.append(hashlib.sha256(f.read()).hexdigest())
    if digests[0] != digests[1]:
        print(f"✗ two runs should give identical PNGs, but sha256 was {digests[0]} then {digests[1]}")
        failed = True
    else:
        print(f"✓ two runs identical (sha256 {digests[0][:16]}…)")
    if not failed:
        print(f"✓ {name}: its own marker drawn, not blank, deterministic, no GL errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
