#!/usr/bin/env python3
"""What scripts/dev-cert writes by default (a private key) is ignored by git.

Runs the real script in a scratch git work tree that has the repository's
.gitignore, then asks git which files it would offer to commit: none may be
the certificate or its key.
Usage: dev_cert_ignored_test.py REPO_ROOT
"""
import os
import shutil
import subprocess
import sys
import tempfile


def main() -> int:
    repo = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="wirelab-devcert-") as tmp:
        shutil.copy(os.path.join(repo, ".gitignore"), tmp)
        subprocess.run(["git", "init", "-q", tmp], check=True, timeout=30)
        made = subprocess.run([os.path.join(repo, "scripts", "dev-cert")], cwd=tmp, capture_output=True, text=True,
                              timeout=60)
        if made.returncode != 0:
            print(f"scripts/dev-cert failed ({made.returncode}):\n{made.stderr}")
            return 1
        written = sorted(os.path.relpath(os.path.join(d, f), tmp) for d, _, files in os.walk(tmp)
                         if ".git" not in os.path.relpath(d, tmp).split(os.sep) for f in files if f != ".gitignore")
        if not written:
            print("scripts/dev-cert wrote nothing: this test checks nothing")
            return 1
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=tmp, check=True,
                                capture_output=True, text=True, timeout=30).stdout.splitlines()
        offered = [line[3:] for line in status if line[3:] != ".gitignore"]
        if offered:
            print(f"expected git to ignore everything scripts/dev-cert wrote ({', '.join(written)}),")
            print(f"but it would commit: {', '.join(offered)}  (add them to .gitignore)")
            return 1
        print(f"ok: {', '.join(written)} ignored")
        return 0


if __name__ == "__main__":
    sys.exit(main())
