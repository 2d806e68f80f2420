"""What every test that runs the visualizer under Xvfb shares."""
import os
import re
import subprocess
import time


def gl_env():
    """Under ASan, the GL driver (Mesa llvmpipe, dlopened by GLFW and dlclosed at
    exit) leaves leaks that LeakSanitizer reports as "<unknown module>" and that
    no suppression can name: leak checking is off for the GL process only. Our
    model, feeds and teaching logic are leak-checked by the GL-free tests."""
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")
    return env


# Lines on the visualizer's stderr that mean the GL backend drew nothing
# (docs/platform.md: a bad shader still lets Init return true).
GL_ERRORS = ("failed to compile", "failed to link", "ERROR: ", "GL error", "glfw error")



def start_relay(relay: str, extra: list, timeout_s: float = 30):
    """Starts `relay --port 0 --mirror-port 0 EXTRA...` and reads its two
    listening lines (relay/README.md "Process contract"). Returns (process,
    http base URL, mirror URL); URLs are None when the lines never came."""
    cmd = [relay, "--port", "0", "--mirror-port", "0", *extra]
    print("$ " + " ".join(cmd), flush=True)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    base = mirror = None
    deadline = time.monotonic() + timeout_s
    while (base is None or mirror is None) and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        print("relay> " + line.rstrip())
        if m := re.search(r"listening on (https?://127\.0\.0\.1:\d+)", line):
            base = m.group(1)
        if m := re.search(r"(ws://127\.0\.0\.1:\d+/mirror)", line):
            mirror = m.group(1)
    return proc, base, mirror


def stop_relay(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def visualizer_failed(r, png: str, png_check: str) -> bool:
    """True (and says why) when a visualizer run failed: exit code, no PNG,
    a GL error on stderr, or a PNG that is not a picture."""
    failed = False
    for line in r.stderr.splitlines():
        if any(marker in line for marker in GL_ERRORS):
            print(f"✗ stderr shows a GL error: {line}")
            failed = True
    if r.returncode != 0 or not os.path.exists(png):
        print(f"✗ visualizer exit {r.returncode}, PNG written: {os.path.exists(png)}; stderr:\n{r.stderr}")
        return True
    check = subprocess.run([png_check, png], capture_output=True, text=True, timeout=60)
    print(check.stdout, end="")
    if check.returncode != 0:
        print(f"✗ {check.stderr.strip()}")
        failed = True
    return failed
