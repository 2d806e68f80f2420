#!/usr/bin/env python3
"""Export from the visualizer: the capture it saves reads back as the same
events, and its pcapng (written through wire) opens in Wireshark's tshark
as HTTP and WebSocket: a real peer checks our bytes.
Re-run: xvfb-run -a wirelab-visualizer --replay CAPTURE --screenshot x.png --frames 1 \\
          --save-capture out.jsonl --export-pcapng out.pcapng
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

from gl_process import gl_env


def checksums_verified_by_tshark(pcap: str) -> bool:
    """tshark recomputes every IPv4 header and TCP checksum itself (validation is off by default):
    pcapng_test.cpp checks them with the function that wrote them, which cannot catch its own error.
    A checksum status is 0 bad, 1 good, 2 unverified; every packet must be 1 and 1."""
    cmd = ["tshark", "-r", pcap, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
           "-T", "fields", "-E", "separator=,", "-e", "frame.number", "-e", "ip.checksum.status",
           "-e", "tcp.checksum.status"]
    print("$ " + " ".join(cmd), flush=True)
    t = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    rows = [l.split(",") for l in t.stdout.splitlines() if l.strip()]
    bad = [r for r in rows if r[1:] != ["1", "1"]]
    if t.returncode != 0 or not rows or bad:
        print(f"✗ tshark should find every IPv4 and TCP checksum good (status 1,1), but {len(bad)} of {len(rows)} "
              f"packets were not; first: {bad[:3]} (frame, ip, tcp; 0 bad, 2 unverified)\n{t.stderr}")
        return False
    print(f"✓ tshark verifies the IPv4 and TCP checksums of all {len(rows)} packets")
    return True


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--visualizer", required=True)
    ap.add_argument("--synthetic", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    capture = os.path.join(args.out, "export-source.jsonl")
    subprocess.run([args.synthetic, capture], check=True, timeout=60)
    saved = os.path.join(args.out, "export-saved.jsonl")
    pcap = os.path.join(args.out, "export.pcapng")
    env = gl_env()
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1280x720x24", args.visualizer, "--replay", capture, "--size", "1280x720",
           "--screenshot", os.path.join(args.out, "export.png"), "--frames", "1",
           "--save-capture", saved, "--export-pcapng", pcap]
    print("$ " + " ".join(cmd), flush=True)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=env)
    if r.returncode != 0:
        print(f"✗ exit {r.returncode}\n{r.stderr}")
        return 1
    failed = False
    with open(capture, encoding="utf-8") as a, open(saved, encoding="utf-8") as b:
        src = [json.loads(l) for l in a if l.strip()]
        out = [json.loads(l) for l in b if l.strip()]
    if src != out:
        print(f"✗ saved capture should equal the replayed one: {len(src)} vs {len(out)} events")
        for i, (x, y) in enumerate(zip(src, out)):
            if x != y:
                print(f"  first difference at line {i + 1}:\n  expected {x}\n  actual   {y}")
                break
        failed = True
    else:
        print(f"✓ saved capture equals the source ({len(out)} events)")
    if shutil.which("tshark") is None:
        # The only independent reader of our pcapng: without it the export is unchecked, so the test fails.
        print("✗ tshark not found on PATH: the pcapng export cannot be checked by an independent reader "
              "(apt-get install tshark; scripts/setup installs it)")
        return 1
    t = subprocess.run(["tshark", "-r", pcap, "-Y", "websocket", "-T", "fields", "-e", "websocket.opcode"],
                       capture_output=True, text=True, timeout=120)
    frames = [l for l in t.stdout.splitlines() if l.strip()]
    src_frames = sum(1 for e in src if e["kind"] == "frame")
    if t.returncode != 0 or len(frames) != src_frames:
        print(f"✗ tshark should have decoded {src_frames} WebSocket frames, but decoded {len(frames)}\n{t.stderr}")
        failed = True
    else:
        print(f"✓ tshark decodes all {src_frames} WebSocket frames of the exported pcapng")
    failed |= not checksums_verified_by_tshark(pcap)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
