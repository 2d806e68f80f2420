#!/usr/bin/env python3
"""Builds wirelab's lecture decks: numbers, screenshots, Markdown, HTML, PDF.

  1. numbers: `wirelab-inspect capture FILE --stats --json` over every bundled
     capture, and `wirelab-inspect accept --json` on the demo's own key, into
     OUT/data/numbers.json. No measured number is typed into a deck.
  2. screenshots: every entry of slides/shots.json rendered by
     `wirelab-visualizer --screenshot` from a bundled capture (a frame picked
     with --select through `wirelab-inspect capture --json`), into OUT/shots/,
     listed with its SHA-256 in OUT/shots/manifest.json.
  3. template: each slides/decks/*.md with {{ key|format }} filled from
     numbers.json, into OUT/*.md; every image it names must be a screenshot of
     this build or a diagram in slides/diagrams/ (copied to OUT/diagrams/).
     What was filled is logged in OUT/data/fills.json.
  4. Marp (slides/node_modules, Debian's chromium): OUT/*.html and OUT/*.pdf.

scripts/slides runs it; tests/slides checks what it made (slides/check.mjs).
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
CAPTURES = {   # the name a deck uses -> the bundled capture (fixtures/README.md)
    "demo": "fixtures/captures/demo-deterministic.jsonl",
    "chromium": "fixtures/captures/chromium-session.jsonl",
    "deflate": "fixtures/captures/permessage-deflate.jsonl",
}
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*(?:\|\s*([A-Za-z0-9]+)\s*)?\}\}")
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
CHROMIUM = "/usr/bin/chromium"


class BuildError(Exception):
    pass


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=kw.pop("timeout", 180), **kw)
    if r.returncode != 0:
        raise BuildError(f"{' '.join(cmd)}\n  exit {r.returncode}\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
    return r.stdout


# ---- 1. numbers -------------------------------------------------------------

def capture_stats(inspect, name):
    return json.loads(run([inspect, "capture", os.path.join(TOP, CAPTURES[name]), "--stats", "--json"]))


# Frame headers of each length form (RFC 6455 5.2), a server's and a client's,
# explained by `wirelab-inspect frame`: only the header is given, so it says
# "incomplete" (exit 3) and still reports header_len.
FORMS = {
    "short": {"server": "81 7d", "client": "81 fd 01 02 03 04"},
    "medium": {"server": "81 7e 01 00", "client": "81 fe 01 00 01 02 03 04"},
    "long": {"server": "81 7f 00 00 00 00 00 01 00 00", "client": "81 ff 00 00 00 00 00 01 00 00 01 02 03 04"},
}
RFC_HELLO = "818537fa213d7f9f4d5158"   # RFC 6455 5.7: a masked "Hello" from a client


def frame_json(inspect, hex_bytes):
    r = subprocess.run([inspect, "frame", "--json", hex_bytes], capture_output=True, text=True, timeout=60)
    if r.returncode not in (0, 3):
        raise BuildError(f"wirelab-inspect frame {hex_bytes}: exit {r.returncode}: {r.stderr}")
    return json.loads(r.stdout)["frames"][0]


def numbers(inspect):
    data = {name: capture_stats(inspect, name) for name in CAPTURES}
    key = data["demo"]["upgrade"]["key"]    # RFC 6455's example key: the demo sends it (fixtures/README.md)
    data["accept"] = json.loads(run([inspect, "accept", "--json", key]))
    data["forms"] = {form: {who: frame_json(inspect, hx) for who, hx in sides.items()}
                     for form, sides in FORMS.items()}
    data["hello"] = frame_json(inspect, RFC_HELLO)
    return data


# ---- 2. screenshots ---------------------------------------------------------

def events_of(inspect, name, cache={}):
    if name not in cache:
        out = run([inspect, "capture", os.path.join(TOP, CAPTURES[name]), "--json"])
        cache[name] = [json.loads(line) for line in out.splitlines() if line.strip()]
    return cache[name]


def select_seq(inspect, shot):
    """The seq of the nth event matching kind/dir/summary (a regex), from wirelab-inspect."""
    want = shot["select"]
    hits = [e for e in events_of(inspect, shot["capture"])
            if e["kind"] == want.get("kind", e["kind"]) and e["dir"] == want.get("dir", e["dir"])
            and re.search(want.get("summary", ""), e["summary"])]
    nth = want.get("nth", 1)
    if len(hits) < nth:
        raise BuildError(f"shot {shot['name']}: {len(hits)} events match {want}, wanted number {nth}")
    return hits[nth - 1]["seq"]


def shot_command(visualizer, inspect, shot, png):
    cmd = [visualizer, "--replay", os.path.join(TOP, CAPTURES[shot["capture"]]), "--screenshot", png,
           "--scene", shot["scene"], "--frames", str(shot.get("frames", 30)), "--theme", "light", "--scale", str(shot.get("scale", 1.25)),
           "--size", shot.get("size", "1440x810")]
    if "select" in shot:
        cmd += ["--select", str(select_seq(inspect, shot))]
    if not os.environ.get("DISPLAY"):
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24"] + cmd
    return cmd


def screenshots(visualizer, inspect, out, only):
    shots = json.load(open(os.path.join(HERE, "shots.json")))["shots"]
    if only is not None:
        shots = [s for s in shots if s["name"] in only]
    os.makedirs(os.path.join(out, "shots"), exist_ok=True)
    for f in os.listdir(os.path.join(out, "shots")):   # nothing from an earlier build may pass for this one's
        os.remove(os.path.join(out, "shots", f))

    # An ASan build's GL driver (Mesa, dlclosed at exit) leaks where no suppression can name it:
    # leak checking is off for the visualizer process only (as in tests/visualizer).
    env = dict(os.environ, ASAN_OPTIONS=(os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":"))

    def one(shot):
        png = os.path.join(out, "shots", shot["name"] + ".png")
        run(shot_command(visualizer, inspect, shot, png), timeout=240, env=env)
        if not os.path.exists(png):
            raise BuildError(f"shot {shot['name']}: the visualizer wrote no {png}")
        return shot["name"] + ".png", hashlib.sha256(open(png, "rb").read()).hexdigest()

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        manifest = dict(pool.map(one, shots))
    json.dump(manifest, open(os.path.join(out, "shots", "manifest.json"), "w"), indent=1, sort_keys=True)
    return manifest


# ---- 3. template ------------------------------------------------------------

def lookup(data, key):
    v = data
    for part in key.split("."):
        if not isinstance(v, dict) or part not in v:
            raise KeyError(key)
        v = v[part]
    return v


def fmt(value, spec):
    if spec == "pct":             # a ratio as "N % more"
        return f"{(value - 1) * 100:.0f}"
    if spec and spec.isdigit():
        return f"{value:.{int(spec)}f}"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def fill(deck, text, data, manifest, diagrams):
    fills, errors = [], []

    def sub(m):
        try:
            value = lookup(data, m.group(1))
        except KeyError:
            errors.append(f"{deck}: no number named {m.group(1)}")
            return m.group(0)
        if value is None or isinstance(value, (dict, list)):
            errors.append(f"{deck}: {m.group(1)} is {json.dumps(value)[:40]}, not a number or text")
            return m.group(0)
        s = fmt(value, m.group(2))
        fills.append({"key": m.group(1), "format": m.group(2) or "", "value": value, "text": s})
        return s

    filled = PLACEHOLDER.sub(sub, text)
    for src in IMAGE.findall(filled):
        folder, _, name = src.partition("/")
        if folder == "shots" and name in manifest:
            continue
        if folder == "diagrams" and name in diagrams:
            continue
        errors.append(f"{deck}: image {src} is neither a screenshot of this build (slides/shots.json) "
                      f"nor a diagram in slides/diagrams/")
    if "{{" in filled:
        errors.append(f"{deck}: a placeholder is left: {filled[filled.index('{{'):][:40]!r}")
    return filled, fills, errors


def template(decks_dir, out, data, manifest):
    diagrams_src = os.path.join(HERE, "diagrams")
    diagrams = sorted(f for f in os.listdir(diagrams_src) if f.endswith(".svg"))
    shutil.copytree(diagrams_src, os.path.join(out, "diagrams"), dirs_exist_ok=True)
    decks, all_fills, errors = [], {}, []
    for name in sorted(f for f in os.listdir(decks_dir) if f.endswith(".md")):
        text = open(os.path.join(decks_dir, name), encoding="utf-8").read()
        filled, fills, errs = fill(name, text, data, manifest, diagrams)
        errors += errs
        all_fills[name] = fills
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(filled)
        decks.append(os.path.join(out, name))
    if errors:
        raise BuildError("\n".join(errors))
    json.dump(all_fills, open(os.path.join(out, "data", "fills.json"), "w"), indent=1)
    return decks


# ---- 4. Marp ------------------------------------------------------------------

def marp(decks, pdf):
    exe = os.path.join(HERE, "node_modules", ".bin", "marp")
    if not os.path.exists(exe):
        raise BuildError(f"{exe} is missing: run scripts/setup (npm ci in slides/)")
    base = [exe, "--theme-set", os.path.join(HERE, "theme", "wirelab.css"), "--allow-local-files",
            "--browser-path", CHROMIUM, "--browser-timeout", "120", "--parallel", "2"]
    env = dict(os.environ, CHROME_PATH=CHROMIUM, PUPPETEER_SKIP_DOWNLOAD="1")
    run(base + ["--html"] + decks, env=env, timeout=300)
    if pdf:
        run(base + ["--html", "--pdf"] + decks, env=env, timeout=600)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--visualizer", required=True)
    ap.add_argument("--inspect", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--decks", default=os.path.join(HERE, "decks"), help="a folder of deck templates")
    ap.add_argument("--no-pdf", action="store_true")
    ap.add_argument("--only-shots", nargs="*", help="render only these screenshots (for a test deck)")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    os.makedirs(os.path.join(out, "data"), exist_ok=True)
    for f in os.listdir(out):   # a deck removed from the templates must not linger here
        if f.endswith((".md", ".html", ".pdf")):
            os.remove(os.path.join(out, f))
    try:
        data = numbers(args.inspect)
        json.dump(data, open(os.path.join(out, "data", "numbers.json"), "w"), indent=1)
        manifest = screenshots(args.visualizer, args.inspect, out, args.only_shots)
        decks = template(args.decks, out, data, manifest)
        marp(decks, pdf=not args.no_pdf)
    except BuildError as e:
        print(f"slides: {e}", file=sys.stderr)
        return 1
    print(f"slides: {len(decks)} decks in {out} (HTML: press p for the presenter view)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
