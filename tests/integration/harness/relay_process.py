"""One wirelab-relay process for one test: started on free ports, stopped at the end.

What it owns: the process (its own session/process group, killed with SIGKILL if
the test process dies: PR_SET_PDEATHSIG), a fresh working directory, the stdout
and stderr logs. Waits for the printed listening lines (the process contract in
relay/README.md), never sleeps-and-hopes.
"""
import ctypes
import os
import re
import resource
import signal
import subprocess
import tempfile
import threading
import time

# host: "127.0.0.1", "0.0.0.0" or "[::1]" (the resolved address the relay bound)
LISTEN_RE = re.compile(r"wirelab-relay: listening on (\w+)://(\[[0-9a-f:.]+\]|[0-9.]+):(\d+)")
MIRROR_RE = re.compile(r"wirelab-relay: mirror on ws://(\[[0-9a-f:.]+\]|[0-9.]+):(\d+)/mirror")
START_TIMEOUT_S = float(os.environ.get("WIRELAB_START_TIMEOUT", "30"))

_live = []   # every started relay, for the atexit / signal backstop


def relay_binary():
    path = os.environ.get("WIRELAB_RELAY")
    if not path or not os.access(path, os.X_OK):
        raise RuntimeError(f"WIRELAB_RELAY is not an executable ({path!r}): ctest passes $<TARGET_FILE:wirelab-relay>")
    return path


def test_tmp_root():
    root = os.environ.get("WIRELAB_TEST_TMP") or tempfile.gettempdir()
    os.makedirs(root, exist_ok=True)
    return root


def _die_with_parent():
    # Runs in the child before exec: SIGKILL it when the test process dies, even on SIGKILL.
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_PDEATHSIG = 1
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class Relay:
    """with Relay("--chat-burst", "3") as relay: relay.port, relay.mirror_port ..."""

    def __init__(self, *flags, strace_to=None, env=None, name="relay", nofile=None):
        self.flags = list(flags)
        self.nofile = nofile   # RLIMIT_NOFILE for the relay: N, or (soft, hard) (descriptor tests)
        self.strace_to = strace_to
        self.env = dict(os.environ)
        if env:
            self.env.update(env)
        self.workdir = tempfile.mkdtemp(prefix=f"wirelab-it-{name}-", dir=test_tmp_root())
        self.stdout_path = os.path.join(self.workdir, "relay.stdout.log")
        self.stderr_path = os.path.join(self.workdir, "relay.stderr.log")
        self.proc = None
        self.port = None
        self.scheme = None
        self.mirror_port = None
        self.host = self.mirror_host = None
        self.lines = []
        self._lines_cond = threading.Condition()
        self.exit_code = None

    # -- lifecycle ---------------------------------------------------------
    def start(self):
        cmd = [relay_binary(), "--port", "0", "--mirror-port", "0", *self.flags]
        if self.strace_to:
            cmd = ["strace", "-f", "-qq", "-e", "trace=openat,open,creat", "-o", self.strace_to, *cmd]
        self._stderr_file = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=self.workdir, env=self.env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self._stderr_file,
                                     preexec_fn=self._preexec, start_new_session=True)
        _live.append(self)
        threading.Thread(target=self._read_stdout, daemon=True).start()
        self._wait_listening()
        return self

    def _preexec(self):
        _die_with_parent()
        if self.nofile:
            limits = self.nofile if isinstance(self.nofile, tuple) else (self.nofile, self.nofile)
            resource.setrlimit(resource.RLIMIT_NOFILE, limits)

    def cpu_seconds(self):
        """User + system CPU time the relay has used so far (from /proc/PID/stat)."""
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stderr_bytes(self):
        try:
            return os.path.getsize(self.stderr_path)
        except OSError:
            return 0

    def _read_stdout(self):
        with open(self.stdout_path, "wb") as log:
            for raw in self.proc.stdout:
                log.write(raw)
                log.flush()
                with self._lines_cond:
                    self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                    self._lines_cond.notify_all()
        with self._lines_cond:
            self._lines_cond.notify_all()

    def _wait_listening(self):
        deadline = time.monotonic() + START_TIMEOUT_S
        with self._lines_cond:
            while True:
                for line in self.lines:
                    m = LISTEN_RE.search(line)
                    if m:
                        self.scheme, self.host, self.port = m.group(1), m.group(2), int(m.group(3))
                    m = MIRROR_RE.search(line)
                    if m:
                        self.mirror_host, self.mirror_port = m.group(1), int(m.group(2))
                if self.port and self.mirror_port:
                    return
                if self.proc.poll() is not None:
                    raise RuntimeError(f"wirelab-relay exited with {self.proc.returncode} before listening.\n"
                                       f"command: {' '.join(self.proc.args)}\nstdout:\n" + "\n".join(self.lines)
                                       + "\nstderr:\n" + self.stderr_tail())
                left = deadline - time.monotonic()
                if left <= 0:
                    self.kill()
                    raise RuntimeError(f"wirelab-relay printed no listening lines within {START_TIMEOUT_S} s.\n"
                                       "Expected 'wirelab-relay: listening on http://127.0.0.1:PORT' and "
                                       "'wirelab-relay: mirror on ws://127.0.0.1:MPORT/mirror'.\nstdout:\n"
                                       + "\n".join(self.lines) + "\nstderr:\n" + self.stderr_tail())
                self._lines_cond.wait(min(left, 0.5))

    @property
    def pid(self):
        """The relay's own pid (strace's child when run under strace)."""
        if not self.strace_to:
            return self.proc.pid
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
                kids = f.read().split()
            return int(kids[0]) if kids else None
        except OSError:
            return None

    def terminate(self, timeout=20):
        """SIGTERM to the relay; returns its exit code (kills it if it does not exit in time)."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        pid = self.pid
        if pid:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            self.exit_code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"wirelab-relay did not exit within {timeout} s of SIGTERM")
        return self.exit_code

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(10)

    def stop(self):
        try:
            self.terminate()
        finally:
            self.kill()
            if self in _live:
                _live.remove(self)
            if getattr(self, "_stderr_file", None):
                self._stderr_file.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- what it said --------------------------------------------------------
    def stderr_tail(self, limit=4000):
        try:
            with open(self.stderr_path, "rb") as f:
                data = f.read()
            return data[-limit:].decode("utf-8", "replace")
        except OSError:
            return ""

    def vm_rss_kib(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS line")

    @property
    def url(self):
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def ws_url(self, path):
        return f"{'wss' if self.scheme == 'https' else 'ws'}://127.0.0.1:{self.port}{path}"

    @property
    def mirror_url(self):
        return f"ws://127.0.0.1:{self.mirror_port}/mirror"


def _kill_all():
    for relay in list(_live):
        relay.kill()


import atexit  # noqa: E402

atexit.register(_kill_all)
