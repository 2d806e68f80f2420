#!/usr/bin/env python3
"""Graders of the graders (labs/FRAMEWORK.md): run wirelab-grade on a lab's solution, its starter or a
planted bug, and check that the grader tells right from wrong and that its results.json is valid.

  check_grader.py --grade BUILD/wirelab-grade --lab labs/01-upgrade --expect full
  check_grader.py --grade BUILD/wirelab-grade --lab labs/01-upgrade --expect zero
  check_grader.py --grade BUILD/wirelab-grade --lab labs/01-upgrade --expect planted --patch P.patch
  check_grader.py --grade BUILD/wirelab-grade --lab labs/06-strangers --expect full --browser passed
  check_grader.py --grade BUILD/wirelab-grade --lab labs/06-strangers --expect browser-fails --patch P.patch
Lab 6's browser check runs only when --browser or --expect browser-fails asks for it (--no-browser otherwise);
lab 8's is a test of its grader (Final.Browsers): --browser graded runs it, and it fails without it.
"""
import argparse
import difflib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VISIBILITY = {"visible", "hidden", "after_due_date", "after_published"}


def fail(msg: str, transcript: str = "") -> None:
    if transcript:
        print("---- transcript ----\n" + transcript + "---- end ----")
    print("FAIL: " + msg)
    sys.exit(1)


def validate_results(doc: dict) -> list:
    """Gradescope's results.json: the fields we promise, with the right types; returns problems."""
    problems = []
    if not isinstance(doc.get("score"), (int, float)):
        problems.append("score is not a number")
    tests = doc.get("tests")
    if not isinstance(tests, list) or not tests:
        return problems + ["tests is not a non-empty list"]
    total = 0
    for i, t in enumerate(tests):
        where = f"tests[{i}] ({t.get('name')!r})"
        for key, kind in (("name", str), ("output", str), ("status", str), ("visibility", str)):
            if not isinstance(t.get(key), kind):
                problems.append(f"{where}.{key} is not a {kind.__name__}")
        for key in ("score", "max_score"):
            if not isinstance(t.get(key), (int, float)):
                problems.append(f"{where}.{key} is not a number")
        if t.get("status") not in ("passed", "failed"):
            problems.append(f"{where}.status is {t.get('status')!r}")
        if t.get("visibility") not in VISIBILITY:
            problems.append(f"{where}.visibility is {t.get('visibility')!r}")
        if t.get("status") == "passed" and t.get("score") != t.get("max_score"):
            problems.append(f"{where} passed without full points")
        if t.get("status") == "failed" and t.get("score") != 0:
            problems.append(f"{where} failed with points")
        total += t.get("score", 0) if isinstance(t.get("score"), (int, float)) else 0
    if isinstance(doc.get("score"), (int, float)) and doc["score"] != total:
        problems.append(f"score {doc['score']} is not the sum of the tests' scores {total}")
    return problems


def grade(grade_cmd: str, number: int, code: Path, workdir: Path, browser: bool):
    """Runs wirelab-grade from its own folder (so the re-run commands in the transcript read
    `./wirelab-grade ...` whatever the caller's folder); returns the transcript, results.json and each
    test's default hint."""
    results, hints = workdir / "results.json", workdir / "hints.json"
    launcher = Path(grade_cmd).resolve()
    cmd = ["./" + launcher.name, str(number), "--code", str(code), "--deps", "solution", "--json", str(results),
           "--hints", str(hints)] + ([] if browser else ["--no-browser"])
    print(f"$ (cd {launcher.parent} && {' '.join(cmd)})", flush=True)
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=launcher.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=600)
    seconds = time.monotonic() - t0
    print(f"(graded in {seconds:.1f} s, exit code {proc.returncode})")
    if not results.exists():
        fail("wirelab-grade wrote no results.json", proc.stdout)
    doc = json.loads(results.read_text())
    problems = validate_results(doc)
    if problems:
        fail("results.json is not valid: " + "; ".join(problems), proc.stdout)
    # Code that does not compile runs no grader, so there are no hints then.
    return proc.stdout, doc, json.loads(hints.read_text()) if hints.exists() else None


# What differs between two runs of the same code, replaced on both sides of a golden comparison (golden
# files are written through the same function): the labels labs 5-6 draw from the student's CSPRNG.
# (Times in transcripts come from the graders' fake clocks and stay as they are.)
VOLATILE = [
    (re.compile(r"Stranger [0-9a-f]{4,8}\b"), "Stranger ####"),
    # A sanitizer's stack names the grader's sources by the path they were compiled from: relative
    # under ccache's base directory, absolute elsewhere. From labs/ on, it is the same everywhere.
    (re.compile(r"(?:[^\s()]*/)?(labs/\d\d-[\w-]+/grader/)"), r"\1"),
]

# How much of an echo a server that drops the rest of a partial send() manages to send depends on the
# machine's socket buffer sizes (net.ipv4.tcp_wmem), so the count of bytes that came back is volatile
# there, and only there: everywhere else an actual count is the point of the check.
VOLATILE_ACROSS_LINES = [
    (re.compile(r"(✗ bytes of echo that came back\n\s+expected: \d+\n\s+actual: +)\d+"), r"\1####"),
    # ... and so is where the stream goes wrong: it ends early, or (when a later send() got through
    # after a dropped one) differs from some byte on.
    (re.compile(r"(✗ the echo stream\n.*\n.*\n\s+)\((?:(?:\d+|####) bytes instead of \d+|first difference at byte \d+)\)"),
     r"\1(the stream ends early or differs from some byte on)"),
]


def normalise(transcript: str, code: Path) -> str:
    """The transcript without what changes from run to run or compiler to compiler: everything before
    the first lab (compile command, warnings, timing), the temp folder's name and VOLATILE."""
    out = []
    started = False
    for line in transcript.splitlines():
        started = started or line.startswith("Lab ")
        if started:
            line = line.replace(str(code), "CODE")
            for pattern, fixed in VOLATILE:
                line = pattern.sub(fixed, line)
            out.append(line)
    text = "\n".join(out) + "\n"
    for pattern, fixed in VOLATILE_ACROSS_LINES:
        text = pattern.sub(fixed, text)
    return text


def check_golden(golden: Path, text: str, update: bool) -> None:
    """The whole transcript must equal the golden one. --update-golden writes it, but first prints what
    changes (the whole new transcript for a new file), for the author to read as a student would before
    committing it: a golden file is reviewed, never rewritten unseen."""
    want = normalise(golden.read_text(), Path("CODE")) if golden.exists() else None
    diff = "".join(difflib.unified_diff((want or "").splitlines(True), text.splitlines(True),
                                        str(golden) if want is not None else "/dev/null", "this run"))
    if update:
        if text == want:
            print(f"OK: {golden} is unchanged")
            return
        print(f"---- review this change to {golden} ----\n{diff}---- end of the change ----")
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text)
        print(f"wrote {golden}: read the change above before committing it (git diff shows it again)")
        return
    if want is None:
        fail(f"no golden transcript {golden}: every planted bug needs one. Write it with --update-golden and "
             f"read it as a student would; this run's transcript would be:\n{text}")
    if text != want:
        fail(f"the transcript differs from the golden one ({golden}); if the change is intended, re-run with "
             f"--update-golden and review it:\n{diff}")
    print(f"OK: the transcript equals {golden}")


# What wirelab-grade says it built, before the tests run: how many of the student's files it compiled, or
# that none changed (a student re-grading with no edit read "Compiled in 45.3 s", which was a link alone
# on a busy machine).
BUILD_LINE = re.compile(r"^(Compiled \d+ files? in [\d.]+ s and linked in [\d.]+ s|"
                        r"Nothing changed since the last grade: nothing to compile; linked in [\d.]+ s|"
                        r"Every file is as this build compiled it: nothing to compile; linked in [\d.]+ s)"
                        r"( \([^)]*processor time[^)]*\))?\. Running ")


def check_build_line(transcript: str) -> None:
    if not any(BUILD_LINE.match(line) for line in transcript.splitlines()):
        fail("wirelab-grade must say what it built before the tests: 'Compiled N files in T s and linked in "
             "T s.', 'Nothing changed since the last grade: nothing to compile; linked in T s.' or 'Every file is as "
             "this build compiled it: nothing to compile; linked in T s.'", transcript)


def hint_of(output: str) -> str:
    """The `hint:` part of one test's output (it may run over several lines, up to `re-run:`)."""
    m = re.search(r"^hint: (.*?)(?=^re-run: |\Z)", output, re.S | re.M)
    return " ".join(m.group(1).split()) if m else ""


def read_planted(patch: Path, browser=False) -> dict:
    """The lines before the diff: `planted:` what is wrong, then for a grader's planted bug `must-fail:` (a
    test) and `hint-has:` (words of its hint), for a browser check's `fails-at:` (words of the step) and
    `hint-has:` (words of the check's hint)."""
    spec = {"planted": "", "must-fail": [], "hint-has": [], "fails-at": []}
    for line in patch.read_text().splitlines():
        if line.startswith("--- "):
            break
        m = re.match(r"^(planted|must-fail|hint-has|fails-at):\s*(.*)$", line)
        if m:
            if m.group(1) == "planted":
                spec["planted"] = m.group(2)
            else:
                spec[m.group(1)].append(m.group(2))
    needs = ["planted", "fails-at", "hint-has"] if browser else ["planted", "must-fail", "hint-has"]
    if not all(spec[k] for k in needs):
        fail(f"{patch}: needs " + ", ".join(f"'{k}:'" for k in needs) + " lines before the diff")
    return spec


def browser_section(transcript: str) -> str:
    """Lab 6's browser check as printed: from its header to its `browser check:` line."""
    m = re.search(r"^Browser check .*?^browser check: .*?$", transcript, re.S | re.M)
    return m.group(0) if m else ""


def check_browser(transcript: str, doc: dict, want: str, spec=None) -> None:
    """--browser passed / failed: the check ran, printed its verdict, and results.json carries it."""
    section = browser_section(transcript)
    if not section:
        fail("no browser check in the transcript (a 'Browser check' section ending in a 'browser check:' line)",
             transcript)
    entry = next((t for t in doc["tests"] if t["name"].endswith("· Browser check")), None)
    if entry is None:
        fail("results.json has no 'Lab 6 · Browser check' test", transcript)
    verdict = section.splitlines()[-1]
    if want == "passed":
        if not verdict.startswith("browser check: passed") or entry["status"] != "passed":
            fail(f"the browser check should pass; its verdict: {verdict!r}, results.json: {entry['status']}",
                 transcript)
        print("OK: the browser check passed, and results.json says so")
        return
    if not verdict.startswith("browser check: FAILED") or entry["status"] != "failed":
        fail(f"the browser check should fail ({spec['planted']}); its verdict: {verdict!r}, results.json: "
             f"{entry['status']}", transcript)
    m = re.search(r"^  hint: (.*?)^browser check: ", section, re.S | re.M)
    hint = " ".join(m.group(1).split()) if m else ""
    for words in spec["fails-at"]:
        if words not in verdict:
            fail(f"the browser check should fail at a step saying {words!r}; its verdict: {verdict!r}", transcript)
    for words in spec["hint-has"]:
        if words.lower() not in hint.lower():
            fail(f"the browser check's hint should say {words!r}; it says {hint!r}", transcript)
    if "--only Browser" not in verdict:
        fail(f"a failed browser check's verdict should give the re-run command: {verdict!r}", transcript)
    print(f"OK: the browser check caught it ({spec['planted']}):\n{section}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--grade", required=True, help="the wirelab-grade launcher of a build folder")
    ap.add_argument("--lab", required=True, type=Path, help="labs/NN-name")
    ap.add_argument("--expect", required=True, choices=["full", "zero", "planted", "nocompile", "browser-fails"])
    ap.add_argument("--browser", choices=["passed", "graded"], help="lab 6: run the browser check, which must pass; "
                    "lab 8 (graded): run it, as its grader's Final.Browsers test (full marks need it to pass)")
    ap.add_argument("--patch", type=Path)
    ap.add_argument("--golden", type=Path, help="the whole transcript must equal this file (timings and "
                    "temp paths aside); with --update-golden, write it")
    ap.add_argument("--update-golden", action="store_true")
    a = ap.parse_args()

    meta = json.loads((a.lab / "lab.json").read_text())
    number, points = int(meta["number"]), int(meta["points"])
    last_line = re.compile(rf"^Lab {number}: (\d+)/(\d+)$")
    with tempfile.TemporaryDirectory(prefix="check-grader-") as tmp:
        work = Path(tmp)
        if a.expect == "full":
            code = a.lab / "solution"
        elif a.expect == "zero":
            code = a.lab / "starter"
        elif a.expect == "nocompile":
            code = work / a.lab.name / "code"  # as in a pack: the lab folder, then code/
            shutil.copytree(a.lab / "starter", code)
            first = sorted(code.glob("*.cpp"))[0]
            first.write_text(first.read_text() + "\nthis line is not C++\n")
        else:
            spec = read_planted(a.patch, browser=a.expect == "browser-fails")
            code = work / a.lab.name / "code"  # as in a pack: the lab folder, then code/
            shutil.copytree(a.lab / "solution", code)
            patched = subprocess.run(["patch", "-p1", "--quiet", "--no-backup-if-mismatch", "-d", str(code),
                                      "-i", str(a.patch.resolve())], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
            if patched.returncode != 0:
                fail(f"{a.patch.name} does not apply to {a.lab}/solution:\n{patched.stdout}")
        browser = bool(a.browser) or a.expect == "browser-fails"
        transcript, doc, hints = grade(a.grade, number, code, work, browser)
        if a.golden:
            check_golden(a.golden, normalise(transcript, code), a.update_golden)
        elif a.expect == "planted":
            fail("a planted bug is checked against its golden transcript: give --golden")
        if a.expect != "nocompile":
            check_build_line(transcript)
        lines = transcript.rstrip().splitlines()
        m = last_line.match(lines[-1]) if lines else None
        if not m:
            fail(f"the transcript's last line is not 'Lab {number}: score/max'", transcript)
        score, max_score = int(m.group(1)), int(m.group(2))
        if max_score != points:
            fail(f"the grader's maximum is {max_score} but {a.lab}/lab.json says points = {points}", transcript)
        if score != doc["score"]:
            fail(f"the transcript says {score} but results.json says {doc['score']}", transcript)
        tests = {t["name"].split(" · ", 1)[1]: t for t in doc["tests"] if " · " in t["name"]}

        if browser and a.browser != "graded":
            check_browser(transcript, doc, a.browser or "failed", spec if a.expect == "browser-fails" else None)
        if a.expect == "browser-fails":
            pass  # the grader's own tests may or may not catch the bug: the browser check must
        elif a.expect == "nocompile":
            if score != 0 or "compile" not in tests or "not C++" not in tests["compile"]["output"]:
                fail("a submission that does not compile must score 0 with a 'compile' test showing the error",
                     transcript)
            print(f"OK: code that does not compile scores 0/{points}, and the compiler's error is in results.json")
        elif a.expect == "full":
            if score != points or any(t["status"] != "passed" for t in doc["tests"]):
                fail(f"the solution scored {score}/{points}", transcript)
            print(f"OK: the solution scores {score}/{points}; results.json is valid ({len(doc['tests'])} tests)")
        elif a.expect == "zero":
            if "compile" in tests:
                fail("the starter does not compile", transcript)
            if score != 0:
                passed = [n for n, t in tests.items() if t["status"] == "passed"]
                fail(f"the starter scored {score}/{points} (it passes {', '.join(passed)})", transcript)
            print(f"OK: the starter compiles and scores 0/{points}")
        else:
            if score >= points:
                fail(f"planted bug not caught ({spec['planted']}): full marks", transcript)
            if hints is None:
                fail("the planted bug's code did not compile, or wirelab-grade --hints wrote no file", transcript)
            failing = {}
            for name in spec["must-fail"]:
                t = tests.get(name)
                if t is None:
                    fail(f"{a.patch.name}: no test called {name}", transcript)
                if t["status"] != "failed":
                    fail(f"planted bug ({spec['planted']}): {name} should fail but passed", transcript)
                failing[name] = t["output"]
            # The phrase must be in the hint a failing test printed, and in no default hint of those tests:
            # a default hint is printed on any failure, so finding it there proves only that the test failed.
            for words in spec["hint-has"]:
                generic = [n for n in failing if words.lower() in hints.get(n, {}).get("hint", "").lower()]
                if generic:
                    fail(f"planted bug ({spec['planted']}): hint-has {words!r} is in the default hint of "
                         f"{', '.join(generic)}, which any failure prints; give this bug wording only its own "
                         f"diagnosis prints (grade::symptom) and name that", transcript)
                if not any(words.lower() in hint_of(out).lower() for out in failing.values()):
                    shown = "; ".join(f"{n}: {hint_of(o)!r}" for n, o in failing.items())
                    fail(f"planted bug ({spec['planted']}): no hint of {', '.join(failing)} says {words!r} "
                         f"(the hints were: {shown}); the student would not learn what is wrong", transcript)
            print(f"OK: planted bug caught ({spec['planted']}): {score}/{points}; "
                  f"{', '.join(failing)} failed with a hint naming {', '.join(map(repr, spec['hint-has']))}")
            for name, out in failing.items():
                print(f"--- {name}\n{out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
