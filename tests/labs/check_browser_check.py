#!/usr/bin/env python3
"""labs.06.browser_check_hints: wirelab-grade 6's browser check (labs/grade/browser_check.py) says what went
wrong, without a grader build: run on the reference lab 6 server (wirelab_lab06_strangers) with an empty
web folder it fails at loading the page and shows the 404; on a server that exits at once it fails at the
start with the exit code; without chromium it says it did not run and how to install it.

  check_browser_check.py STRANGERS_PROGRAM
"""
import subprocess
import sys
import tempfile
from pathlib import Path

CHECK = Path(__file__).resolve().parents[2] / "labs" / "grade" / "browser_check.py"


def check(what: str, args, code: int, has) -> bool:
    cmd = ["/usr/bin/python3", str(CHECK)] + args
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    missing = [h for h in has if h not in out.stdout]
    if out.returncode != code or missing:
        print(f"FAIL: {what}\n  expected exit code {code} and output with {missing or has}\n"
              f"  actual exit code {out.returncode}, output:\n{out.stdout}")
        return False
    print(f"OK: {what}")
    return True


def main() -> int:
    server = sys.argv[1]
    web = Path(__file__).resolve().parents[2] / "relay" / "web"
    with tempfile.TemporaryDirectory(prefix="browser-check-") as empty:
        results = [
            check("a server that serves no web/ fails at loading the page, showing the 404",
                  [server, empty, "--rerun", "./wirelab-grade 6 --only Browser"], 1,
                  ["✓ your server listens on http://127.0.0.1:", "✗ page A loads / from your server",
                   "GET / answered 404", "hint: GET / must answer 200 with web/index.html",
                   "browser check: FAILED at: page A loads / from your server",
                   "re-run: ./wirelab-grade 6 --only Browser"]),
            check("a server that exits at once fails at the start, with its exit code",
                  ["/bin/false", str(web)], 1,
                  ["✗ your server starts", "your server exited with code 1", "browser check: FAILED"]),
            check("without chromium the check says it did not run and how to get chromium",
                  [server, str(web), "--chromium", "/nonexistent/chromium"], 2,
                  ["browser check not run: chromium not found (sudo apt install chromium)"]),
        ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
