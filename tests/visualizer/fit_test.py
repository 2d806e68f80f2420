#!/usr/bin/env python3
"""Projector scale (issue 14, part 3): every scene at display scales 1, 1.5,
2 and 3 on a 1280x720 and a 1920x1080 window, each size in ONE visualizer
process (--scene all --scales ...: the fonts are rebuilt between
configurations), with --report-clipped: ImGui's own layout says which window
lost items past its visible edge (a cut button, a scene that would need a
scrollbar), which a PNG comparison cannot see. Elided text ("…") fits its
column and does not count.

Checked for every configuration:
  - the top bar and the bottom bar ("##top", "##status") cut nothing;
  - the scene cuts nothing: no item past its window's edge, and no panel (a
    child window) that would need a scrollbar; only a scrolling table (the
    event list) or a child labelled "...##list" (the lanes) may scroll;
  - Conversation keeps its event list with at least MIN_LIST_ROWS rows on screen.
Scene 6 (What TLS hides) is checked twice: in the ws:// capture (its "no wss://
connection yet" text) and over fixtures/captures/wss-chromium.jsonl (records
beside a frame), both sizes, all scales.

Re-run by hand (the PNGs of every configuration land next to OUT):
  xvfb-run -a -s "-screen 0 1920x1080x24" wirelab-visualizer --replay fixtures/captures/chromium-session.jsonl \\
      --scene all --scales 1,1.5,2,3 --size 1920x1080 --frames 4 --report-clipped --screenshot OUT.png
"""
import argparse
import json
import os
import subprocess
import sys

from gl_process import gl_env

SIZES = ("1920x1080", "1280x720")
SCALES = "1,1.5,2,3"
# The event list's rows wholly on screen: a room reads a few lines of what happened, at any scale.
MIN_LIST_ROWS = {("1280x720", 3.0): 1}   # 1280x720 at 3x is a 427x240 screen at 1x
DEFAULT_MIN_LIST_ROWS = 3


def fmt(config):
    return f"{config[1]} at {config[2]:g}x on {config[0]}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--visualizer", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    capture = os.path.join(args.fixtures, "chromium-session.jsonl")
    failures = []
    seen = set()
    runs = [(size, capture, "all", f"fit-{size}.png") for size in SIZES]
    runs += [(size, os.path.join(args.fixtures, "wss-chromium.jsonl"), "tls", f"fit-wss-{size}.png") for size in SIZES]
    for size, capture, which, png in runs:
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", args.visualizer, "--replay", capture,
               "--scene", which, "--scales", SCALES, "--size", size, "--frames", "4", "--report-clipped",
               "--screenshot", os.path.join(args.out, png)]
        print("$ " + " ".join(cmd), flush=True)
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=gl_env())
        if r.returncode not in (0, 5):
            print(f"✗ exit {r.returncode} (expected 0, or 5 when something was cut); stderr:\n{r.stderr}")
            return 1
        for line in r.stdout.splitlines():
            if not line.startswith("fit "):
                continue
            fit = json.loads(line[4:])
            config = (fit["size"], fit["scene"], float(fit["scale"]))
            seen.add(config)
            if which == "tls" and not fit["view"].get("records"):
                failures.append(f"{fmt(config)} over the wss:// capture: no records shown ({fit['png']})")
            chrome = [c for c in fit["clipped"] if c["window"].startswith("##")]
            scene = [c for c in fit["clipped"] if not c["window"].startswith("##")]
            for c in chrome:
                failures.append(f"{fmt(config)}: bar {c['window']} cut on {c['axis']}: its items need "
                                f"{c['content']} px, it shows {c['visible']} px")
            for c in scene:
                failures.append(f"{fmt(config)}: {c['window']} cut on {c['axis']}: its items need "
                                f"{c['content']} px, it shows {c['visible']} px ({fit['png']})")
            if fit["scene"] == "conversation":
                want = MIN_LIST_ROWS.get((config[0], config[2]), DEFAULT_MIN_LIST_ROWS)
                got = fit["view"].get("list_rows", 0)
                if got < want:
                    failures.append(f"{fmt(config)}: the event list shows {got} rows, expected at least {want} "
                                    f"({fit['png']})")
    expected = {(size, scene, float(scale)) for size in SIZES for scale in SCALES.split(",")
                for scene in ("conversation", "upgrade", "frame", "masking", "polling", "tls")}
    for config in sorted(expected - seen):
        failures.append(f"{fmt(config)}: no report line")
    for f in failures:
        print("✗ " + f)
    if failures:
        return 1
    print(f"✓ {len(seen)} configurations: bars never cut, scenes fit with no panel needing a scrollbar, "
          f"Conversation's list on screen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
