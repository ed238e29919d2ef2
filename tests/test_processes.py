"""Process hygiene: `kill -9` of an ingest leaves none of its processes (parse workers, the
multiprocessing resource tracker) behind; `dutytrace serve` takes its Streamlit child with it when it
is terminated or killed. Real processes, found in the real process table (/proc)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

EXE = shutil.which("dutytrace", path=os.path.dirname(sys.executable)) or "dutytrace"
CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "archive"

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a live process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1])


def children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st is not None and st[1] == pid and st[0] != "Z":
                out.append(int(entry))
    return out


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def alive(pid: int) -> bool:
    st = _stat(pid)
    return st is not None and st[0] not in ("Z", "X")  # a zombie has exited; only its parent's reaping is left


def wait_gone(pids: list[int], bound_s: float) -> list[int]:
    """Poll the process table until none of `pids` runs (at most bound_s); return those still running."""
    deadline = time.monotonic() + bound_s
    while True:
        left = [p for p in pids if alive(p)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def _kill_all(pids) -> None:
    for p in pids:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_kill_9_of_an_ingest_leaves_no_worker_behind(tmp_path):
    root = tmp_path / "archive"
    for case in ("en01", "en02", "en03", "zh01", "zh02", "zh03"):
        shutil.copytree(CORPUS / case, root / case)
    home = tmp_path / "home"
    env = {**os.environ, "DUTYTRACE_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([EXE, "ingest", str(root), "--workers", "2", "--json"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    family: set[int] = set()
    try:
        deadline = time.monotonic() + 600
        stored = 0
        while time.monotonic() < deadline and proc.poll() is None:  # the workers at work, then kill
            kids = children(proc.pid)
            family.update(kids)
            workers = [k for k in kids if "multiprocessing" in cmdline(k) and "resource_tracker" not in cmdline(k)]
            if len(workers) >= 2 and (home / "catalog.sqlite3").exists():
                try:
                    with sqlite3.connect(f"file:{home / 'catalog.sqlite3'}?mode=ro", uri=True, timeout=5) as db:
                        stored = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
                except sqlite3.OperationalError:
                    stored = 0
                if stored >= 1:
                    break
            time.sleep(0.2)
        assert proc.poll() is None, "the ingest finished before it could be killed: give it more files"
        kids = children(proc.pid)
        family.update(kids)
        workers = [k for k in kids if "multiprocessing" in cmdline(k) and "resource_tracker" not in cmdline(k)]
        assert len(workers) >= 2, [cmdline(k) for k in kids]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        left = wait_gone(sorted(family), 10)
        assert left == [], [(p, cmdline(p)) for p in left]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        _kill_all(p for p in family if alive(p))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_serve(tmp_path) -> tuple[subprocess.Popen, int]:
    env = {**os.environ, "DUTYTRACE_HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1"}
    serve = subprocess.Popen([EXE, "serve", "--port", str(_free_port())], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and serve.poll() is None:
        ui = [k for k in children(serve.pid) if "streamlit" in cmdline(k)]
        if ui:
            time.sleep(2)  # let it reach its own signal handling (a bound on waiting, not a timing assertion)
            return serve, ui[0]
        time.sleep(0.2)
    serve.kill()
    pytest.fail(f"dutytrace serve started no Streamlit child (exit {serve.poll()})")


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_serve_takes_its_ui_child_with_it(tmp_path, how):
    if signal.getsignal(how) == signal.SIG_IGN:  # e.g. SIGHUP when the suite itself runs under nohup
        pytest.skip(f"{how.name} is ignored by this test run, so serve and its child rightly ignore it too")
    serve, ui = _start_serve(tmp_path)
    try:
        os.kill(serve.pid, how)
        serve.wait(timeout=60)  # serve waits for its child after passing the signal on
        assert wait_gone([ui], 30) == [], cmdline(ui)
    finally:
        _kill_all([p for p in (serve.pid, ui) if alive(p)])
