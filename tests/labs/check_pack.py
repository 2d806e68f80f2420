#!/usr/bin/env python3
"""The student pack works on its own, as a student meets it (labs.pack): labs/pack into a temp folder,
then with only what is in it:
  1. no solution is inside; web/ (the browser client), lab 5's main.cpp and wirelab-grade 6's browser check
     (grade/browser_check.py, browser_grade.py, cdp.py) are;
  2. every README link, path and command is the pack's own: a relative link or a path in code points at a
     file of the pack; a command is `./wirelab-grade`, `./wirelab-inspect`, a program the same code block
     builds, or an ordinary tool; never `labs/...`, `build/...`, `--deps solution`, or a program of the
     repository (wirelab-relay, wirelab-visualizer);
  3. `./wirelab-grade 1` builds its grader and grades the starter: the re-run command a failed test prints
     is pasted, as is, into a shell at the top of the pack and re-runs that test; then lab 1's reference
     gets full marks;
  4. every `./wirelab-inspect ...` command of the READMEs runs (building wirelab-inspect first): exit 0, 1
     (the input breaks a rule) or 3 (incomplete), never 2 (usage) or a crash;
  5. lab 4's "Try it by hand" build command compiles the students' code/ of labs 1-4 (here the starters).
Usage: check_pack.py LABS_DIR
"""
import json
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ONLY = [(re.compile(r"(?<![\w.-])labs/"), "a path of the repository (labs/...)"),
             (re.compile(r"(?<![\w.-])build/"), "a build folder of the repository"),
             (re.compile(r"--deps solution"), "--deps solution (the pack has no solutions)"),
             (re.compile(r"wirelab-(relay|visualizer)"), "a program that is not in the pack")]
TIMEOUT = 900


def fail(msg: str) -> None:
    print("FAIL: " + msg)
    sys.exit(1)


def run(cmd, cwd: Path, shell=False, timeout=TIMEOUT) -> subprocess.CompletedProcess:
    print("$ " + (cmd if shell else shlex.join(cmd)), flush=True)
    return subprocess.run(cmd, cwd=cwd, shell=shell, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout)


def code_of(text: str):
    """(line number, code text, in a fenced block?, the block's text) for every code line and inline span."""
    out, block, start = [], None, 0
    lines = text.splitlines()
    for i, line in enumerate(lines, 1):
        if line.strip().startswith("```"):
            if block is None:
                block, start = [], i
            else:
                joined = "\n".join(l for _, l in block)
                out += [(n, l, True, joined) for n, l in block]
                block = None
            continue
        if block is not None:
            block.append((i, line))
        else:
            out += [(i, span, False, span) for span in re.findall(r"`([^`\n]+)`", line)]
    return out


def looks_like_path(token: str) -> bool:
    """A file or folder name as the READMEs write them (`01-upgrade/README.md`, `include/`), not a URL path,
    a glob, a version (HTTP/1.1) or a score (0/3); a student's code/ does not exist until they start."""
    if " " in token or "/" not in token or token.startswith(("/", "-", ".cache")) or "code/" in token:
        return False
    if re.search(r"[:*$=<>\\\[{]", token):
        return False
    return token.endswith("/") or re.search(r"\.[a-z]+$", token) is not None


def places(pack: Path, md: Path) -> list:
    """Where a path in a README may be: beside it, at the top of the pack, or in a lab's folder (`starter/`)."""
    return [md.parent, pack] + sorted(p for p in pack.glob("[0-9][0-9]-*") if p.is_dir())


def doc_problems(pack: Path) -> list:
    problems = []
    for md in sorted(pack.rglob("*.md")):
        where = md.relative_to(pack)
        text = md.read_text()
        for n, line in enumerate(text.splitlines(), 1):
            for target in re.findall(r"\]\(([^)\s]+)\)", line):
                if re.match(r"[a-z]+:", target) or target.startswith("#"):
                    continue
                if not (md.parent / target.split("#")[0]).exists():
                    problems.append(f"{where}:{n}: link to {target}, which is not in the pack")
            for pattern, what in REPO_ONLY:
                if pattern.search(line):
                    problems.append(f"{where}:{n}: {what}: {line.strip()}")
        for n, code, in_block, block in code_of(text):
            words = code.strip().removeprefix("$ ").split()
            if not words:
                continue
            first = words[0]
            if first.startswith("wirelab-"):
                problems.append(f"{where}:{n}: `{first}` is not a command in the pack; write ./{first}")
            elif first.startswith("./"):
                built = re.search(rf"-o {re.escape(first[2:])}\b", block)
                if not (pack / first).exists() and not built:
                    problems.append(f"{where}:{n}: {first} is not in the pack")
            for token in words if in_block else [code.strip()]:
                token = token.strip("\"'(),;")
                if looks_like_path(token) and not any((d / token).exists() for d in places(pack, md)):
                    problems.append(f"{where}:{n}: {token} is not in the pack")
    return problems


def inspect_commands(pack: Path) -> list:
    cmds = set()
    for md in sorted(pack.rglob("*.md")):
        for _, code, _, _ in code_of(md.read_text()):
            code = code.strip().removeprefix("$ ")
            if code.startswith("./wirelab-inspect "):
                cmds.add(code.split("  #")[0].split(" # ")[0].strip())
    return sorted(cmds)


def lab4_build_command(pack: Path) -> str:
    text = next(pack.glob("04-*/README.md")).read_text()
    tail = text[text.index("## Try it by hand"):]
    block = re.search(r"```\n(.*?)```", tail, re.S).group(1)
    return block.replace("\\\n", " ").splitlines()[0]


def main() -> int:
    labs = Path(sys.argv[1]).resolve()
    with tempfile.TemporaryDirectory(prefix="check-pack-") as tmp:
        made = run([str(labs / "pack"), tmp], Path(tmp))
        print(made.stdout)
        if made.returncode != 0:
            fail("labs/pack failed")
        pack = Path(tmp) / "wirelab-labs"

        leaked = [str(p) for p in pack.rglob("*solution*")]
        if leaked:
            fail("solutions in the pack: " + ", ".join(leaked))

        if not (pack / "web" / "index.html").is_file():
            fail("the pack has no web/index.html (the browser client labs 5 and 6 serve)")
        for needed in ("grade/browser_check.py", "grade/browser_grade.py", "grade/cdp.py",
                       "05-chat-room/starter/main.cpp"):
            if not (pack / needed).is_file():
                fail(f"the pack has no {needed} (wirelab-grade 6's browser check builds and runs your server)")
        if not (pack / "captures" / "chromium-session.jsonl").is_file():
            fail("the pack has no captures/chromium-session.jsonl (lab 7's README measures Chromium's headers in it)")

        problems = doc_problems(pack)
        if problems:
            fail("the pack's READMEs point at what the pack does not have:\n  " + "\n  ".join(problems))
        print("OK: every link, path and command in the pack's READMEs is the pack's own")

        lab = next(pack.glob("01-*"))
        points = json.loads((lab / "lab.json").read_text())["points"]
        graded = run(["./wirelab-grade", "1", "--no-sanitize"], pack)
        print(graded.stdout)
        rerun = re.search(r"^\s*re-run: (.*)$", graded.stdout, re.M)
        if not rerun:
            fail("lab 1's starter failed no test with a re-run command")
        again = run(rerun.group(1), pack, shell=True)
        print(again.stdout)
        name = rerun.group(1).split("--only ")[-1]
        if f"✗ {name}" not in again.stdout or not re.search(r"^Lab 1: 0/\d+$", again.stdout.rstrip(), re.M):
            fail(f"the re-run command {rerun.group(1)!r}, pasted at the top of the pack, did not re-run {name}")
        print(f"OK: the re-run command a failed test prints works as pasted: {rerun.group(1)}")

        shutil.rmtree(lab / "code")
        shutil.copytree(labs / lab.name / "solution", lab / "code")
        graded = run(["./wirelab-grade", "1", "--no-sanitize"], pack)
        print(graded.stdout)
        last = graded.stdout.rstrip().splitlines()[-1] if graded.stdout.strip() else ""
        if last != f"Lab 1: {points}/{points}":
            fail(f"the pack graded lab 1's reference as {last!r}, not Lab 1: {points}/{points}")
        print("OK: the pack (no solutions) built its grader and gave lab 1's reference full marks")

        for cmd in inspect_commands(pack):
            out = run(cmd, pack, shell=True)
            print(out.stdout[-1500:])
            if out.returncode not in (0, 1, 3):
                fail(f"{cmd!r} from the pack's READMEs exited with {out.returncode}")
        print("OK: every ./wirelab-inspect command of the READMEs runs in the pack")

        for n in (2, 3, 4):
            started = run(["./wirelab-grade", "start", str(n)], pack)
            if started.returncode != 0:
                fail(f"./wirelab-grade start {n}: {started.stdout}")
        build = lab4_build_command(pack)
        built = run(build, pack, shell=True)
        print(built.stdout[-3000:])
        if built.returncode != 0:
            fail(f"lab 4's build command does not work in the pack: {build}")
        print("OK: lab 4's \"Try it by hand\" build command compiles labs 1-4's code/ in the pack")
    return 0


if __name__ == "__main__":
    sys.exit(main())
