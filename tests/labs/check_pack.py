#!/usr/bin/env python3
"""The student pack builds and grades on its own (labs.pack): labs/pack into a temp folder, check no
solution is inside, put lab 1's reference in the pack's 01-upgrade/code/, and grade it with the pack's own
wirelab-grade (which compiles the grader itself, with no CMake build): full marks expected."""
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

labs = Path(sys.argv[1]).resolve()
with tempfile.TemporaryDirectory(prefix="check-pack-") as tmp:
    subprocess.run([str(labs / "pack"), tmp], check=True)
    pack = Path(tmp) / "wirelab-labs"
    leaked = [str(p) for p in pack.rglob("*solution*")]
    if leaked:
        sys.exit("FAIL: solutions in the pack: " + ", ".join(leaked))
    if not (pack / "web" / "index.html").is_file():
        sys.exit("FAIL: the pack has no web/index.html (the browser client labs 5 and 6 serve)")
    lab = next(pack.glob("01-*"))
    points = json.loads((lab / "lab.json").read_text())["points"]
    shutil.copytree(labs / lab.name / "solution", lab / "code")
    cmd = [str(pack / "wirelab-grade"), "1", "--no-sanitize"]
    print("$ " + " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, cwd=pack, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    print(proc.stdout)
    last = proc.stdout.rstrip().splitlines()[-1] if proc.stdout.strip() else ""
    if last != f"Lab 1: {points}/{points}":
        sys.exit(f"FAIL: the pack graded lab 1's reference as {last!r}, not Lab 1: {points}/{points}")
    print("OK: the pack (no solutions) built its grader and gave lab 1's reference full marks")
