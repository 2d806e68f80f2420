#!/usr/bin/env python3
"""wirelab-grade: compile a lab's grader with your code and run it. See labs/README.md.

  wirelab-grade start N                 create labs/NN-name/code/ from starter/ (your work goes there)
  wirelab-grade N                       grade lab N from its code/ folder, and re-check labs 1..N-1
  wirelab-grade all                     grade every lab from its code/ folder
  wirelab-grade N --code DIR            grade lab N's part from DIR alone; earlier labs it uses come from
                                        --deps code (their code/ folders, the default) or --deps solution
                                        (the reference, in the repository only)
  wirelab-grade 6 --only Browser        only lab 6's browser check: your server and two Chromium pages of the
                                        browser client chat (it also ends every `wirelab-grade 6`; --no-browser
                                        skips it)
  wirelab-grade 8 --only Final          lab 8's graded browser check (WebSocket, long-polling, fallback), a
                                        test of its grader; with --no-browser it does not run (and scores 0)

The graders are compiled once (by the project's CMake build, or in the student pack on first use, once
per lab and per --no-sanitize setting, cached in .cache/) and linked with your .cpp files, each compiled
into an object kept until the file changes (lab 6's browser check links the same objects into your
server): a re-run after an edit compiles only the file you edited.
"""
import argparse
import hashlib
import json
import os
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import browser_grade

HERE = Path(__file__).resolve().parent          # labs/grade
# -Og: a student's file (lab 6's includes nlohmann/json) compiles in about 3/4 of the time it takes at -O1
# (16 s against 22 s for lab 6's, under ASan), and runs about as fast, which lab 5's slow-consumer latency
# check needs (at -O0 it missed its 100 ms on a loaded machine). The sanitizers catch the same bugs.
BASE_FLAGS = ["-std=c++20", "-g", "-Og", "-fno-omit-frame-pointer"]
SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined"]
# -Wconversion: a narrowing such as `bytes.push_back(len >> 8)` (a 64-bit value into a byte) is worth a look
# (lab 2's README says so); not the sign-conversion part, which would flag every vector index.
STUDENT_WARNINGS = ["-Wall", "-Wextra", "-Wconversion", "-Wno-sign-conversion"]


class Lab:
    def __init__(self, folder: Path):
        meta = json.loads((folder / "lab.json").read_text())
        self.dir = folder
        self.name = folder.name                  # "01-upgrade"
        self.number = int(meta["number"])
        self.title = meta.get("title", self.name)
        self.deps = [int(d) for d in meta.get("deps", [])]
        self.libs = list(meta.get("libs", []))
        self.points = int(meta.get("points", 0))
        self.timeout_ms = int(meta.get("timeout_ms", 5000))


def load_labs(labs_dir: Path) -> dict:
    labs = {}
    for manifest in sorted(labs_dir.glob("[0-9][0-9]-*/lab.json")):
        lab = Lab(manifest.parent)
        labs[lab.number] = lab
    return labs


def with_deps(labs: dict, numbers) -> list:
    """The labs in `numbers` plus every lab they use, in order."""
    seen, todo = set(), list(numbers)
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        if n not in labs:
            sys.exit(f"wirelab-grade: lab {n} does not exist (labs: {', '.join(map(str, sorted(labs)))})")
        seen.add(n)
        todo.extend(labs[n].deps)
    return sorted(seen)


def start(lab: Lab, quiet=False) -> Path:
    code = lab.dir / "code"
    if code.exists():
        if not quiet:
            print(f"{_short(code)}/ already exists: your work is there; nothing changed.")
        return code
    shutil.copytree(lab.dir / "starter", code)
    print(f"Created {_short(code)}/ from starter/: write your code there (starter/ stays as it was).")
    return code


def sources(folder: Path) -> list:
    # main.cpp is the student's own program (lab 4's server); the grader brings its own main.
    files = sorted(str(p) for p in folder.glob("*.cpp") if p.name != "main.cpp")
    if not files:
        sys.exit(f"wirelab-grade: no .cpp files in {folder}")
    return files


def compile_cached(cxx, flags, labs_dir: Path, graders) -> tuple:
    """Student pack: compile the harness and each lab's grader into labs/.cache/, once per compiler
    setting (sanitized or not): a unit's folder is named by a hash of its sources and flags, so grading
    lab 2 after lab 1, or with --code, reuses what is built and compiles only what is new."""
    flags = [f for f in flags if f != "-Og"] + ["-O0"]  # GoogleTest code compiles twice as fast unoptimised
    harness_include = f"-I{HERE / 'include'}"
    shared = sorted((HERE / "include").rglob("*.h")) + sorted(HERE.glob("*.h"))
    units = [("harness", sorted(HERE.glob("*.cpp")), shared, ["-DGRADE_LAB=0", harness_include])]
    for lab in graders:
        includes = [f"-I{lab.dir / 'include'}"] + [f"-I{_lab_dir(labs_dir, d) / 'include'}" for d in lab.deps]
        headers = shared + sorted((lab.dir / "include").glob("*.h")) + sorted((lab.dir / "grader").glob("*.h"))
        for d in lab.deps:  # a grader may include an earlier lab's grader/describe.h
            headers += sorted((_lab_dir(labs_dir, d) / "include").glob("*.h"))
            headers += sorted((_lab_dir(labs_dir, d) / "grader").glob("*.h"))
        units.append((f"lab{lab.number:02d}", sorted((lab.dir / "grader").glob("*.cpp")), headers,
                      [f"-DGRADE_LAB={lab.number}", f'-DGRADE_LAB_NAME="{lab.name}"', harness_include] + includes))
    objects = build_units(cxx, flags, labs_dir / ".cache", labs_dir, units, "the grader")
    return objects["harness"], {lab.number: objects[f"lab{lab.number:02d}"] for lab in graders}


def _lab_dir(labs_dir: Path, number: int) -> Path:
    return next(labs_dir.glob(f"{number:02d}-*"))


def build_units(cxx, flags, cache_root: Path, base: Path, units, what: str) -> dict:
    """Compiles each unit (name, sources, headers, extra flags) into cache_root/<name>-<hash>/ unless a
    folder with that hash is already there; returns {name: [object files]}. One job per core at a time."""
    objects, todo = {}, []
    for name, srcs, headers, extra in units:
        digest = hashlib.sha256(" ".join([cxx] + flags + extra).encode())
        for f in list(srcs) + list(headers):
            digest.update(str(f.relative_to(base)).encode())
            digest.update(f.read_bytes())
        folder = cache_root / f"{name}-{digest.hexdigest()[:12]}"
        objects[name] = [str(folder / f"{src.stem}.o") for src in srcs]
        if not folder.exists():
            todo.append((name, srcs, extra, folder))
    if not todo:
        return objects
    names = ", ".join(name for name, *_ in todo)
    files = sum(len(srcs) for _, srcs, *_ in todo)
    print(f"Building {what} once for these settings ({names}; cached in {_short(cache_root)}/) ...", flush=True)
    t0, cpu0 = time.monotonic(), _children_cpu()
    running, staged = [], []
    for name, srcs, extra, folder in todo:
        tmp = Path(tempfile.mkdtemp(prefix=f"build-{name}-", dir=_mkdir(cache_root)))
        staged.append((tmp, folder))
        for src in srcs:
            cmd = [cxx] + flags + extra + ["-c", str(src), "-o", str(tmp / f"{src.stem}.o")]
            running.append((cmd, subprocess.Popen(cmd)))
            if len(running) >= (os.cpu_count() or 2):
                _wait_ok(running.pop(0))
    while running:
        _wait_ok(running.pop(0))
    for tmp, folder in staged:
        try:
            tmp.rename(folder)
        except OSError:  # another run built it meanwhile
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"Built {_files(files)} in {_took(time.monotonic() - t0, _children_cpu() - cpu0, always_cpu=True)}; later "
          "runs with the same settings reuse them.", flush=True)
    return objects


def link_cached(cxx, objects, libs, cache_root: Path, name: str) -> Path:
    """Links cached objects into cache_root/<name>-<hash>/<name> once (the objects' folders are named by
    their sources' hash, so their paths say what they hold)."""
    digest = hashlib.sha256(" ".join([cxx] + objects + libs).encode()).hexdigest()[:12]
    program = cache_root / f"{name}-{digest}" / name
    if not program.exists():
        tmp = Path(tempfile.mkdtemp(prefix=f"link-{name}-", dir=_mkdir(cache_root)))
        cmd = [cxx] + objects + libs + ["-o", str(tmp / name)]
        _wait_ok((cmd, subprocess.Popen(cmd)))
        try:
            tmp.rename(program.parent)
        except OSError:  # another run linked it meanwhile
            shutil.rmtree(tmp, ignore_errors=True)
    return program


def _secs(t: float) -> str:
    return f"{t:.0f} s" if t >= 10 else f"{t:.1f} s"


def _busy(wall: float, cpu: float) -> bool:
    """The clock ran well past the processor time: the compiler waited for a core (a machine busy with
    other work). Two files compile at a time, so on an idle machine cpu may well exceed wall."""
    return wall > 1.5 * cpu + 2


def _took(wall: float, cpu: float, always_cpu=False) -> str:
    """"12 s", or "45 s (3.0 s of processor time: ...busy...)": on a shared machine the clock alone
    misleads, the processor seconds do not."""
    if _busy(wall, cpu):
        return f"{_secs(wall)} ({_secs(cpu)} of processor time: the machine is busy, the rest was waiting for a core)"
    return f"{_secs(wall)} ({_secs(cpu)} of processor time)" if always_cpu else _secs(wall)


def compile_summary(compiled: int, compile_s: tuple, link_s: tuple, as_built_only=False) -> str:
    """What building the student's code did, e.g. "Compiled 2 files in 14 s and linked in 3.1 s", or
    "Nothing changed since the last grade: nothing to compile; linked in 45 s (3.0 s of processor time:
    the machine is busy, ...)". compile_s and link_s are (wall, processor) seconds."""
    if not compiled and as_built_only:
        return f"Every file is as this build compiled it: nothing to compile; linked in {_took(*link_s)}"
    if not compiled:
        return f"Nothing changed since the last grade: nothing to compile; linked in {_took(*link_s)}"
    (cw, cc), (lw, lc) = compile_s, link_s
    text = f"Compiled {_files(compiled)} in {_secs(cw)} and linked in {_secs(lw)}"
    if _busy(cw + lw, cc + lc):
        text += (f" ({_secs(cc)} and {_secs(lc)} of processor time: the machine is busy, the rest was waiting "
                 "for a core)")
    return text


def _children_cpu() -> float:
    """Processor seconds of the compilers run so far: on a busy machine a fairer measure than the clock."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _files(n: int) -> str:
    return f"{n} file" + ("" if n == 1 else "s")


def _mkdir(p: Path) -> Path:
    p.mkdir(parents=True, exist_ok=True)
    return p


def _wait_ok(job):
    cmd, proc = job
    if proc.wait() != 0:
        sys.exit("wirelab-grade: building failed (is every package of the README installed?): " + shlex.join(cmd))


def fail_to_compile(lab: Lab, output: str, json_path):
    lines = output.strip().splitlines()
    shown = lines[:40] + ([f"... ({len(lines) - 40} more lines)"] if len(lines) > 40 else [])
    print("\n".join(shown))
    print("\nYour code did not compile: fix the first error above, then grade again.")
    last = f"Lab {lab.number}: 0/{lab.points}"
    print(last)
    if json_path:
        Path(json_path).write_text(json.dumps({
            "score": 0, "output": last, "visibility": "visible", "stdout_visibility": "visible",
            "tests": [{"name": f"Lab {lab.number} · compile", "score": 0, "max_score": lab.points,
                       "status": "failed", "output": "\n".join(shown), "visibility": "visible"}]}, indent=2) + "\n")
    return 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="wirelab-grade", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lab", help="a lab number, 'all', or 'start'")
    ap.add_argument("number", nargs="?", help="with 'start': the lab to start")
    ap.add_argument("--code", help="grade lab LAB's part from this folder alone")
    ap.add_argument("--deps", choices=["code", "solution"], default="code",
                    help="with --code: where the earlier labs this lab uses come from (default: code)")
    ap.add_argument("--json", help="write Gradescope's results.json here")
    ap.add_argument("--only", help="run only this test (Suite.Name or Suite)")
    ap.add_argument("-v", "--verbose", action="store_true", help="show every step, also of passed tests")
    ap.add_argument("--seed", help="seed for the random inputs (default: fixed)")
    ap.add_argument("--no-sanitize", action="store_true", help="build without ASan/UBSan (faster, less help)")
    ap.add_argument("--show-command", action="store_true", help="print the compiler command that builds the grader")
    ap.add_argument("--keep", action="store_true", help="keep the built grader program and print its path")
    ap.add_argument("--no-browser", action="store_true", help="lab 6: skip the browser check (two Chromium pages "
                    "chatting through your server); `--only Browser` runs only that check. Lab 8: its "
                    "Final.Browsers test does not run (0 of its points)")
    ap.add_argument("--config", help=argparse.SUPPRESS)
    ap.add_argument("--launcher", help=argparse.SUPPRESS)  # how the student ran us ($0 of the launcher)
    ap.add_argument("--hints", help=argparse.SUPPRESS)     # write each test's default hint (tests/labs)
    a = ap.parse_args(argv)
    me = typed_command(a.launcher)

    config = json.loads(Path(a.config).read_text()) if a.config else None
    labs_dir = Path(config["labs_dir"]) if config else HERE.parent
    labs = load_labs(labs_dir)
    if not labs:
        sys.exit(f"wirelab-grade: no labs found in {labs_dir}")

    if a.lab == "start":
        if not a.number or not a.number.isdigit() or int(a.number) not in labs:
            sys.exit(f"wirelab-grade: say which lab to start, e.g. `{me} start 1`")
        start(labs[int(a.number)])
        return 0

    if a.lab == "all":
        if a.code:
            sys.exit("wirelab-grade: --code grades one lab; give its number")
        primary, graded = 0, sorted(labs)
    elif a.lab.isdigit() and int(a.lab) in labs:
        primary = int(a.lab)
        graded = [primary] if a.code else [n for n in sorted(labs) if n <= primary]
    else:
        sys.exit(f"wirelab-grade: no lab {a.lab!r} (labs: {', '.join(map(str, sorted(labs)))}, or all)")

    if a.code and a.deps == "solution" and not config:
        sys.exit("wirelab-grade: --deps solution needs the reference solutions, which the student pack does not "
                 "have. Here the earlier labs always come from your own NN-name/code/ folders (--deps code): "
                 f"`{me} {a.lab} --code DIR` grades DIR with them, `{me} {a.lab} --only Suite` one suite.")

    # Whose code is compiled for each lab.
    code_dirs = {}
    for n in with_deps(labs, graded):
        lab = labs[n]
        if a.code and n == primary:
            code_dirs[n] = Path(a.code).resolve()
        elif a.code and a.deps == "solution":
            code_dirs[n] = lab.dir / "solution"
        else:
            code_dirs[n] = start(lab, quiet=True)
    for n, d in code_dirs.items():
        if not d.is_dir():
            sys.exit(f"wirelab-grade: {d} is not a folder")

    cxx = config["cxx"] if config else os.environ.get("CXX", "g++")
    sanitize = (config and config.get("sanitize")) or not a.no_sanitize
    flags = BASE_FLAGS + (SANITIZE if sanitize else [])
    # Every lab's contract on the include path (their names differ), so that an object compiled when
    # grading lab 5 is the one grading lab 6 links (its hash, below, is the same).
    includes = [f"-I{lab.dir / 'include'}" for _, lab in sorted(labs.items())]
    contracts = sorted(h for lab in labs.values() for h in (lab.dir / "include").glob("*.h"))
    if config:
        harness = [config["harness"]]
        grader_libs = {n: [config["graders"][str(n)]] for n in graded}
    else:
        harness, grader_libs = compile_cached(cxx, flags, labs_dir, [labs[n] for n in graded])
    libs = sorted({lib for n in code_dirs for lib in labs[n].libs} | {lib for n in graded for lib in labs[n].libs})

    workdir = Path(tempfile.mkdtemp(prefix="wirelab-grade-"))
    program = workdir / "grader"
    # The reference code of earlier labs is compiled once by the build: link its objects (faster).
    prebuilt = (config or {}).get("solutions", {})
    compile_flags = flags + STUDENT_WARNINGS + includes
    cache_root = _mkdir((Path(a.config).parent / "student-objects") if config else labs_dir / ".cache" / "student")
    student, to_compile, kept_logs = [], [], []
    # A file graded unchanged from a solution/ or starter/ links the object this build compiled from it,
    # when the build compiled as this grade does (sanitized or not).
    as_built = built_copies(config, labs_dir) if config and bool(config.get("sanitize")) == bool(sanitize) else {}
    reused = 0
    for n in sorted(code_dirs):
        objects = prebuilt.get(str(n)) if code_dirs[n] == labs[n].dir / "solution" and n != primary else None
        if objects and all(Path(o).exists() for o in objects):
            student += objects
            continue
        for src in sources(code_dirs[n]):
            same = same_as_built(Path(src), as_built)
            if same:
                student.append(same)
                reused += 1
                continue
            obj = cached_object(cxx, compile_flags, Path(src), contracts, cache_root)
            student.append(str(obj))
            if obj.exists():
                os.utime(obj)  # in use: the newest, whatever _prune drops
                kept_logs.append(obj.with_suffix(".log"))
            else:
                to_compile.append((src, str(obj)))
    # Each file is compiled into an object (several at a time) and kept until it changes: linked into the
    # grader and, for lab 6's browser check, into your server.
    link = ["-Wl,--whole-archive"] + [f for n in graded for f in grader_libs[n]] + ["-Wl,--no-whole-archive"]
    link_cmd = ([cxx] + flags + student + link + harness + ["-lgtest"] + [f"-l{lib}" for lib in libs] +
                ["-lpthread", "-o", str(program)])
    where = ", ".join(f"lab {n}: {_short(code_dirs[n])}" for n in sorted(code_dirs))
    if to_compile:
        print(f"Compiling your code ({where}): {_files(len(to_compile))} new or changed since the last grade ...", flush=True)
    elif reused and not kept_logs:
        print(f"Linking your code ({where}) with the grader: every file as this build compiled it ...", flush=True)
    else:
        print(f"Linking your code ({where}) with the grader (no file changed since the last grade) ...", flush=True)
    t0, cpu0 = time.monotonic(), _children_cpu()
    ok, output = compile_objects(cxx, compile_flags, to_compile, a.show_command)
    output = "".join(log.read_text() for log in kept_logs if log.exists()) + output  # warnings, every run
    _prune(cache_root, keep=400)
    t1, cpu1 = time.monotonic(), _children_cpu()
    if ok:
        ok, linked = run_compiler(link_cmd, a.show_command)
        output += linked
    t2, cpu2 = time.monotonic(), _children_cpu()
    if not ok:
        shutil.rmtree(workdir, ignore_errors=True)
        return fail_to_compile(labs[primary or max(graded)], output, a.json)
    if output.strip():
        print(output.rstrip())  # warnings: worth reading
    browser = browser_grade.wanted(a, graded, code_dirs)
    only_browser = bool(a.only) and a.only.lower() == "browser"
    if only_browser and not browser:
        shutil.rmtree(workdir, ignore_errors=True)
        lab = browser_grade.BROWSER_LAB
        sys.exit(f"wirelab-grade: the browser check is part of lab {lab}: `{me} {lab} --only Browser`")
    did = compile_summary(len(to_compile), (t1 - t0, cpu1 - cpu0), (t2 - t1, cpu2 - cpu1),
                          as_built_only=bool(reused) and not kept_logs)
    print(f"{did}. " + ("Running the browser check only." if only_browser else
          f"Running the tests (each in its own process, {labs[graded[-1]].timeout_ms / 1000:g} s limit each)."),
          flush=True)

    # The re-run command a failed test prints: pasteable where the student stands, with the same settings
    # (so it reuses the same built grader).
    rerun = f"{me} {a.lab}"
    if a.code:
        rerun += f" --code {shlex.quote(a.code)}" + (f" --deps {a.deps}" if a.deps != "code" else "")
    if a.no_sanitize:
        rerun += " --no-sanitize"
    if a.seed:
        rerun += f" --seed {shlex.quote(a.seed)}"
    results = Path(a.json) if a.json else workdir / "results.json"
    run = [str(program), "--primary", str(primary), "--rerun", rerun, "--json", str(results)]
    for n in graded:
        run += ["--title", f"{n}={labs[n].title}", "--timeout", f"{n}={labs[n].timeout_ms}"]
    for opt, val in (("--only", a.only), ("--seed", a.seed), ("--hints", a.hints)):
        if val:
            run += [opt, val]
    if a.verbose:
        run.append("-v")
    env = dict(os.environ)
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
    env.update(browser_grade.final_env(a, graded, labs_dir))
    returncode = 0 if only_browser else subprocess.run(run, env=env).returncode
    if browser:
        server = browser_grade.build_server(cxx, compile_flags, flags, student, libs, labs, code_dirs, workdir)
        outcome = browser_grade.run(server, browser_grade.web_dir(labs_dir), workdir, rerun + " --only Browser")
        if a.json:
            browser_grade.add_to_results(results, outcome)
        if outcome["status"] == "failed":
            returncode = returncode or 1
        last = json.loads(results.read_text()).get("output", "") if results.exists() and not only_browser else ""
        if last:
            print(f"\n{last}")  # the score stays the last line, as for every lab
    if a.keep:
        print(f"(kept the grader program: {program})")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return returncode


def built_copies(config: dict, labs_dir: Path) -> dict:
    """In a build folder: the objects the build compiled from each lab's solution/ and starter/ (labs/
    CMakeLists.txt), by file name: {name: [(source, object)]}. An object's path ends with its source's
    path under labs/ (CMakeFiles/<target>.dir/./05-chat-room/solution/hub.cpp.o)."""
    found = {}
    for key in ("solutions", "starters"):
        for objects in config.get(key, {}).values():
            for obj in objects:
                rel = obj.split(".dir/", 1)[-1].removeprefix("./").removesuffix(".o")
                found.setdefault(Path(rel).name, []).append((labs_dir / rel, Path(obj)))
    return found


def same_as_built(src: Path, as_built: dict):
    """The build's object for src when src is byte for byte a solution or starter file the build compiled,
    with the same .h files beside it and the object newer than all of them; else None. The tests grade
    copies of the solutions with one planted bug, and the starters: the unchanged files need no compiler."""
    candidates = as_built.get(src.name, [])
    if not candidates:
        return None
    text = src.read_bytes()
    headers = {h.name: h.read_bytes() for h in src.parent.glob("*.h")}
    for ref, obj in candidates:
        if not obj.exists() or not ref.exists() or ref.read_bytes() != text:
            continue
        ref_headers = sorted(ref.parent.glob("*.h"))
        if {h.name: h.read_bytes() for h in ref_headers} != headers:
            continue
        if all(obj.stat().st_mtime >= f.stat().st_mtime for f in [ref] + ref_headers):
            return str(obj)
    return None


def source_label(src: Path) -> str:
    """The name an object gives its source in a sanitizer's stack and in assert(): the file's lab folder and
    folder (`05-chat-room/code/hub.cpp`), which is where it is from the top of the pack or of labs/, and
    which does not change when the same code is graded from another place (-ffile-prefix-map)."""
    return f"{src.parent.parent.name}/{src.parent.name}"


def cached_object(cxx, flags, src: Path, contracts, cache_root: Path) -> Path:
    """Where src's object is kept: named by a hash of the compiler, the flags, the file and every header it
    could include (the labs' contracts and the .h files beside it), by content and name but not by where
    they are, so an edit to one file recompiles that file alone, grading lab 6 after lab 5 reuses lab 5's
    objects, and the same file graded from another folder is not compiled again."""
    digest = hashlib.sha256(" ".join([cxx] + flags + [source_label(src)]).encode())
    for f in list(contracts):
        digest.update(str(f).encode())
        digest.update(f.read_bytes())
    for f in sorted(src.parent.glob("*.h")) + [src]:
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    return cache_root / f"{src.stem}-{digest.hexdigest()[:16]}.o"


def compile_objects(cxx, flags, jobs, show) -> tuple:
    """Compiles each (source, object), one per core at a time, keeping each object (and its warnings, in
    a .log beside it) only when it compiled; returns (all compiled?, their output in order)."""
    running, outputs, ok = [], [], True
    # Two gradings at once (ctest -j, or two terminals) may compile the same file into the same object:
    # each writes its own temp files, and the rename that publishes them is atomic (the same bytes win).
    tmp = f".{os.getpid()}.tmp"

    def finish(job):
        nonlocal ok
        obj, proc = job
        out, _ = proc.communicate()
        outputs.append(out)
        if proc.returncode == 0:
            log = Path(obj).with_suffix(".log")
            Path(str(log) + tmp).write_text(out)
            os.replace(str(log) + tmp, log)
            os.replace(obj + tmp, obj)
        else:
            ok = False
            Path(obj + tmp).unlink(missing_ok=True)

    for src, obj in jobs:
        prefix_map = f"-ffile-prefix-map={Path(src).parent}={source_label(Path(src))}"
        cmd = [cxx] + flags + [prefix_map, "-c", src, "-o", obj + tmp]
        if show:
            print(shlex.join(cmd))
        running.append((obj, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)))
        if len(running) >= (os.cpu_count() or 2):
            finish(running.pop(0))
    while running:
        finish(running.pop(0))
    return ok, "".join(outputs)


def _prune(folder: Path, keep: int):
    """Edits leave old objects behind: the cache keeps the newest `keep` of them (a bound on its size)."""
    objects = sorted(folder.glob("*.o"), key=lambda o: o.stat().st_mtime, reverse=True)
    for old in objects[keep:]:
        old.unlink(missing_ok=True)
        old.with_suffix(".log").unlink(missing_ok=True)


def run_compiler(cmd, show) -> tuple:
    if show:
        print(shlex.join(cmd))
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return done.returncode == 0, done.stdout


def typed_command(launcher) -> str:
    """The launcher as the student would type it from where they stand: `./wirelab-grade` at the top of
    the pack, `build/dev/wirelab-grade` at the top of the repository, as-is when found on PATH."""
    if not launcher:
        return "wirelab-grade"
    if "/" not in launcher:
        return launcher
    path = os.path.abspath(launcher)
    found = shutil.which(os.path.basename(path))
    if found and os.path.samefile(found, path):  # run from PATH (the shell passes the full path as $0)
        return os.path.basename(path)
    rel = os.path.relpath(path, os.getcwd())
    if rel.startswith("../../.."):
        return path
    return rel if "/" in rel else "./" + rel


def _short(p: Path) -> str:
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)


if __name__ == "__main__":
    sys.exit(main())
