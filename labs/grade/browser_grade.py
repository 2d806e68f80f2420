"""wirelab-grade's side of lab 6's browser check (browser_check.py does the check): whether to run it,
building the student's server as a program from the objects the grader was linked from, running the
check with Debian's python3 (its websockets module), and the check's entry in results.json.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import browser_check

HERE = Path(__file__).resolve().parent
BROWSER_LAB = 6      # the lab whose server the browser client can use
SERVER_MAIN_LAB = 5  # whose main.cpp runs it (built with -DWIRELAB_STRANGERS)


FINAL_LAB = 8        # whose grader has the graded check (Final.Browsers: WebSocket, long-polling, fallback)


def wanted(a, graded, code_dirs) -> bool:
    """Grading lab 6 runs it, unless --no-browser or --only names one test, or lab 8 is graded too (its
    Final.Browsers test runs the same pages over both transports: one Chromium run is enough)."""
    if a.no_browser or BROWSER_LAB not in graded or SERVER_MAIN_LAB not in code_dirs:
        return False
    if a.only:
        return a.only.lower() == "browser"
    return FINAL_LAB not in graded


def final_env(a, graded, labs_dir: Path) -> dict:
    """What lab 8's Final.Browsers test needs to run the check itself: this script's folder and web/
    (nothing with --no-browser: the test then says it did not run)."""
    if a.no_browser or FINAL_LAB not in graded:
        return {}
    return {"WIRELAB_BROWSER_CHECK": str(HERE / "browser_check.py"), "WIRELAB_WEB": str(web_dir(labs_dir))}


def web_dir(labs_dir: Path) -> Path:
    """The browser client's files: web/ in the pack, relay/web in the repository."""
    return labs_dir / "web" if (labs_dir / "web").is_dir() else labs_dir.parent / "relay" / "web"


def build_server(cxx, compile_flags, flags, objects, libs, labs, code_dirs, workdir: Path):
    """Your lab 5 main.cpp (the starter's if your code/ has none) with -DWIRELAB_STRANGERS, linked with the
    objects the grader was built from; returns the program, or the compiler's complaint."""
    main_cpp = code_dirs[SERVER_MAIN_LAB] / "main.cpp"
    if not main_cpp.exists():
        main_cpp = labs[SERVER_MAIN_LAB].dir / "starter" / "main.cpp"
    program = workdir / "strangers"
    for cmd in ([cxx] + compile_flags + ["-DWIRELAB_STRANGERS", "-c", str(main_cpp), "-o", str(workdir / "main.o")],
                [cxx] + flags + objects + [str(workdir / "main.o")] + [f"-l{lib}" for lib in libs] +
                ["-lpthread", "-o", str(program)]):
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode != 0:
            return f"{main_cpp} with -DWIRELAB_STRANGERS did not build:\n{done.stdout.strip()}"
    return program


def run(server, web: Path, workdir: Path, rerun: str) -> dict:
    """Runs browser_check.py with Debian's python3 (its websockets module), which prints its own lines."""
    if isinstance(server, str):
        lines = server.splitlines()
        text = "\n".join([browser_check.HEADER] + ["  ✗ your server program builds"] +
                         ["      " + l for l in lines[:20]] +
                         [browser_check.verdict(False, "your server program builds", rerun)])
        print("\n" + text, flush=True)
        return {"status": "failed", "output": text}
    python = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable
    result = workdir / "browser.json"
    cmd = [python, str(HERE / "browser_check.py"), str(server), str(web), "--result", str(result),
           "--rerun", rerun]
    proc = subprocess.Popen(cmd)
    try:
        proc.wait(90)  # the check bounds itself (about 20 s, 40 s at most): a safety net
    except subprocess.TimeoutExpired:
        proc.terminate()  # SIGTERM: it still kills chromium and your server on its way out
        proc.wait()
    if not result.exists():
        text = "browser check: FAILED (browser_check.py ended without a result)"
        print(text)
        return {"status": "failed", "output": text}
    return json.loads(result.read_text())


def add_to_results(path: Path, outcome: dict):
    """results.json gets the check as a test worth no points: passed, or failed (also when it could not run)."""
    if not path.exists():
        return
    doc = json.loads(path.read_text())
    name = f"Lab {BROWSER_LAB} · Browser check" + (" (not run)" if outcome["status"] == "not run" else "")
    doc["tests"].append({"name": name, "score": 0, "max_score": 0,
                         "status": "passed" if outcome["status"] == "passed" else "failed",
                         "output": outcome["output"], "visibility": "visible"})
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
