#!/usr/bin/env python3
"""The lecture decks' tests (tests/slides/CMakeLists.txt registers each step).

  build    slides/build.py makes every deck (numbers, screenshots, HTML, PDF) into --out
  check    slides/check.mjs finds no problem: every slide fits 1280x720, text >= 24 px,
           images from this build, no placeholder left, PDF pages == slides; 9 decks of 12-25 slides
  numbers  deck 0's numbers are wirelab-inspect's, measured again here, and on the page
  rules    the checks catch a broken deck: an overflowing slide, text under 24 px,
           an image the build did not make (refused when building, and caught in the browser
           when it is missing or changed afterwards)
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(TOP, "slides", "check.mjs")
BUILD = os.path.join(TOP, "slides", "build.py")
failures = []
sys.path.insert(0, os.path.join(TOP, "slides"))
from build import FORMS  # noqa: E402  (the frame headers deck 0's length forms are read from)


def expect(ok, what, expected="", actual=""):
    print(("  ok    " if ok else "  FAIL  ") + what)
    if not ok:
        print(f"        expected: {expected}\n        actual:   {actual}")
        failures.append(what)


def run(cmd, timeout=280):
    print("$ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def build(args, out, decks=None, shots=None, pdf=True):
    cmd = [sys.executable, BUILD, "--visualizer", args.visualizer, "--inspect", args.inspect, "--out", out]
    if decks:
        cmd += ["--decks", decks]
    if shots is not None:
        cmd += ["--only-shots"] + shots
    if not pdf:
        cmd.append("--no-pdf")
    return run(cmd)


def check(args, out):
    r = run([args.node, CHECK, out])
    try:
        return r.returncode, json.loads(r.stdout)
    except json.JSONDecodeError:
        print(r.stdout[-3000:], r.stderr[-3000:])
        return r.returncode, []


def step_build(args):
    r = build(args, args.out)
    sys.stdout.write(r.stdout)
    expect(r.returncode == 0, "slides/build.py builds every deck", "exit 0", f"exit {r.returncode}\n{r.stderr[-3000:]}")
    decks = sorted(os.path.basename(p) for p in glob.glob(os.path.join(TOP, "slides", "decks", "*.md")))
    for d in decks:
        for ext in (".html", ".pdf"):
            f = os.path.join(args.out, d[:-3] + ext)
            expect(os.path.exists(f) and os.path.getsize(f) > 0, f"{d[:-3]}{ext} exists", "a file", "missing")


def step_check(args):
    rc, report = check(args, args.out)
    expect(len(report) == 9, "nine decks (0-8) were checked", 9, len(report))
    for deck in report:
        expect(not deck["problems"], f"{deck['deck']}: no problem", "[]", "\n          ".join(deck["problems"]))
        expect(12 <= deck["slides"] <= 25, f"{deck['deck']}: 12-25 slides", "12-25", deck["slides"])
        expect(deck["pdf_pages"] == deck["slides"], f"{deck['deck']}: one PDF page per slide",
               deck["slides"], deck["pdf_pages"])
    expect(rc == 0, "check.mjs exits 0", 0, rc)
    for md in glob.glob(os.path.join(args.out, "*.md")):
        text = open(md, encoding="utf-8").read()
        expect("{{" not in text, f"{os.path.basename(md)}: every placeholder filled", "no {{", "a {{ is left")
        notes = re.findall(r"<!--(.*?)-->", text, re.S)
        questions = re.search(r"## Check your understanding\n(.*?)(?=\n---|\Z)", text, re.S)
        asked = questions.group(1).split("<!--")[0] if questions else ""
        n = len(re.findall(r"^\d\. ", asked, re.M))
        expect(n in (2, 3, 4), f"{os.path.basename(md)}: 2-4 check-your-understanding questions", "2-4", n)
        expect(questions is not None and "Answers:" in questions.group(1),
               f"{os.path.basename(md)}: the answers are in the notes", "Answers:", "none")
        showing = sum("scene" in n.lower() and "key" in n.lower() for n in notes)
        expect(showing >= 3, f"{os.path.basename(md)}: notes name visualizer scenes and keys", ">= 3 notes", showing)


def inspect_json(args, *argv):
    r = subprocess.run([args.inspect, *argv], capture_output=True, text=True, timeout=60)
    return json.loads(r.stdout)


def lookup(data, key):
    for part in key.split("."):
        data = data[part]
    return data


def step_numbers(args):
    """Deck 0's every number, measured again with wirelab-inspect, equals what was filled and is on the page."""
    deck0 = "00-why-websockets"   # slides/decks/ holds its template
    fills = json.load(open(os.path.join(args.out, "data", "fills.json")))[deck0 + ".md"]
    html = open(os.path.join(args.out, deck0 + ".html"), encoding="utf-8").read()
    captures = {"demo": "demo-deterministic.jsonl", "chromium": "chromium-session.jsonl",
                "deflate": "permessage-deflate.jsonl"}
    fresh = {name: inspect_json(args, "capture", os.path.join(TOP, "fixtures", "captures", f), "--stats", "--json")
             for name, f in captures.items()}
    fresh["forms"] = {}
    for form, sides in FORMS.items():   # the header bytes build.py explains; exit 3 = "incomplete", as meant
        fresh["forms"][form] = {who: json.loads(subprocess.run([args.inspect, "frame", "--json", hx], capture_output=True,
                                                               text=True, timeout=60).stdout)["frames"][0]
                                for who, hx in sides.items()}
    expect(len(fills) >= 20, "deck 0 fills at least 20 numbers", ">= 20", len(fills))
    for f in fills:
        source = f["key"].split(".")[0]
        if source in fresh:
            measured = lookup(fresh, f["key"])
            expect(measured == f["value"], f"deck 0: {f['key']} is wirelab-inspect's", measured, f["value"])
        expect(f["text"] in html, f"deck 0: {f['key']} = {f['text']} is on the page", f["text"], "not in the HTML")
    ratio = fresh["chromium"]["long_poll_to_websocket"]
    # Deck 0 says the seed's "80 % more" understates a browser's long-poll cost: keep the prose true.
    expect(ratio is not None and ratio > 1.8, "deck 0's verdict holds: Chromium long-poll / WebSocket > 1.8", "> 1.8", ratio)
    hello = inspect_json(args, "frame", "--json", "818537fa213d7f9f4d5158")["frames"][0]
    expect(hello["text"] == "Hello", "wirelab-inspect reads RFC 6455's masked Hello", "Hello", hello["text"])


def step_rules(args):
    out = args.out + "-rules"
    shutil.rmtree(out, ignore_errors=True)
    bad = os.path.join(HERE, "decks")
    # A deck of one good slide, one overflowing slide and one with small text: the browser check names both.
    r = build(args, out, decks=os.path.join(bad, "broken"), shots=[], pdf=False)
    expect(r.returncode == 0, "the broken deck still builds (its faults are for the check to find)", 0, r.stderr[-2000:])
    rc, report = check(args, out)
    problems = "\n".join(p for d in report for p in d["problems"])
    expect(rc == 1, "check.mjs fails on the broken deck", 1, rc)
    expect(re.search(r"slide 2 .*overflows its 16:9 box", problems) is not None, "an overflowing slide is caught",
           "slide 2 ... overflows", problems)
    expect(re.search(r"slide 3 .*text under 24 px", problems) is not None, "text under 24 px is caught",
           "slide 3 ... text under 24 px", problems)
    expect(not re.search(r"slide 1 ", problems), "the good slide passes", "no problem on slide 1", problems)
    # An image that is not a screenshot of this build: refused when building.
    r = build(args, out, decks=os.path.join(bad, "unknown-image"), shots=[], pdf=False)
    expect(r.returncode == 1 and "shots/not-rendered.png is neither" in r.stderr,
           "build.py refuses an image it did not make", "exit 1, names shots/not-rendered.png", r.stderr[-1000:])
    # A good one-slide deck passes; then its screenshot goes missing, then changes: the browser check fails both ways.
    r = build(args, out, decks=os.path.join(bad, "one-shot"), shots=["conversation-demo"])
    expect(r.returncode == 0, "a one-screenshot deck builds", 0, r.stderr[-2000:])
    rc, report = check(args, out)
    expect(rc == 0, "check.mjs passes it", 0, json.dumps(report)[:1000])
    png = os.path.join(out, "shots", "conversation-demo.png")
    saved = open(png, "rb").read()
    os.remove(png)
    rc, report = check(args, out)
    problems = "\n".join(p for d in report for p in d["problems"])
    expect(rc == 1 and "shots/conversation-demo.png: missing" in problems, "a missing image is caught",
           "...conversation-demo.png: missing", problems)
    open(png, "wb").write(saved[:-16] + b"\0" * 16)
    rc, report = check(args, out)
    problems = "\n".join(p for d in report for p in d["problems"])
    expect(rc == 1 and "not generated by this build" in problems, "an image changed after the build is caught",
           "not generated by this build", problems)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("step", choices=["build", "check", "numbers", "rules"])
    ap.add_argument("--visualizer", required=True)
    ap.add_argument("--inspect", required=True)
    ap.add_argument("--node", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    globals()["step_" + args.step](args)
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
