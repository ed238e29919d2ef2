"""Limits that keep hostile input contained: unsafe names and links in archives, zip bombs (declared
expansion, entry count, nesting shares one budget), and a per-file time limit on parsing.

The time limit is a real interruption, not a check between pages: on the main thread of a process
(the CLI, each worker of the ingestion pool) an interval timer raises inside the parser (pdfminer is
pure Python, so it is stopped wherever it is). A thread that cannot take signals (the Streamlit UI)
hands the parse to a helper process whose main thread applies the same limit."""

from __future__ import annotations

import multiprocessing
import signal
import threading
from pathlib import Path, PurePosixPath, PureWindowsPath

from dutytrace.errors import UnreadableDocument

PARSE_SECONDS = 120.0  # default per-file parse limit (Settings.parse_timeout_s, DUTYTRACE_PARSE_TIMEOUT)
MAX_EXPANDED_BYTES = 4 * 2**30  # everything one archive expands to, nested archives included
MAX_ENTRIES = 500_000  # entries of one archive, nested archives included


# -- archives -----------------------------------------------------------------------------------------
class ArchiveRefused(ValueError):
    """An archive (or what is left of it) is not read: its message says why."""


def _gib(n: int) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.1f} MiB"


class ArchiveBudget:
    """What one archive, with the archives nested in it, may expand to. One budget per top-level archive."""

    def __init__(self) -> None:
        self.max_bytes, self.max_entries = MAX_EXPANDED_BYTES, MAX_ENTRIES  # read now: tests may lower them
        self.bytes = 0
        self.entries = 0

    def check_declared(self, sizes: list[int]) -> None:
        """A zip's central directory, before any entry is read: refuse the whole archive up front."""
        if self.entries + len(sizes) > self.max_entries:
            raise ArchiveRefused(f"archive has {len(sizes)} entries (the limit is {self.max_entries}, nested "
                                 "archives included); refused")
        total = sum(sizes)
        if self.bytes + total > self.max_bytes:
            raise ArchiveRefused(f"archive declares {_gib(total)} of content (the limit is "
                                 f"{_gib(self.max_bytes)}, nested archives included); refused as a zip bomb")

    def charge(self, size: int) -> None:
        """One entry about to be read (tar streams: there is no directory to check first)."""
        self.entries += 1
        self.bytes += size
        if self.entries > self.max_entries:
            raise ArchiveRefused(f"archive has more than {self.max_entries} entries (nested archives "
                                 "included); the rest skipped")
        if self.bytes > self.max_bytes:
            raise ArchiveRefused(f"archive expands to more than {_gib(self.max_bytes)} (nested archives "
                                 "included; a zip bomb?); the rest skipped")


def unsafe_member_name(name: str) -> str | None:
    """Why an archive member's name is unsafe (absolute, a drive, '..' in either slash style, NUL)."""
    if "\x00" in name:
        return "unsafe path in archive (NUL in the name); skipped"
    win = PureWindowsPath(name)
    if PurePosixPath(name).is_absolute() or win.drive or win.root:
        return "unsafe path in archive (absolute path); skipped"
    if ".." in PurePosixPath(name).parts or ".." in win.parts:
        return "unsafe path in archive ('..' would leave the archive: zip-slip); skipped"
    return None


def is_zip_symlink(info) -> bool:
    """A zip entry made from a symbolic link (Unix mode in its external attributes)."""
    return (info.external_attr >> 16) & 0o170000 == 0o120000


def link_leaves(path: Path, root: Path) -> bool:
    """A symbolic link inside a walked folder that points outside it (or nowhere)."""
    try:
        path.resolve(strict=True).relative_to(root.resolve())
        return False
    except (OSError, ValueError):
        return True


# -- time limit -----------------------------------------------------------------------------------------
class ParseTimeout(UnreadableDocument):
    """A file took longer to parse than the per-file limit."""


class _Expired(BaseException):
    """Raised by the timer inside the parser; a BaseException so that the parsers' `except Exception`
    (which turn errors into "corrupt") let it through. Never leaves `time_limit`."""


_armed = False


def can_interrupt() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _on_alarm(signum, frame):
    if _armed:
        raise _Expired()


class time_limit:
    """`with time_limit(seconds, path):` raises ParseTimeout when the block runs longer. Without a limit
    (None or <= 0), nested, or off the main thread it does nothing: see `run_isolated` for threads."""

    def __init__(self, seconds: float | None, path: str, stage: str = "parse", limit_is: str = "DUTYTRACE_PARSE_TIMEOUT"):
        self.seconds, self.path, self.active = seconds, path, False
        self.stage, self.limit_is = stage, limit_is

    def __enter__(self):
        global _armed
        if not self.seconds or self.seconds <= 0 or _armed or not can_interrupt():
            return self
        self.old_handler = signal.signal(signal.SIGALRM, _on_alarm)
        self.old_timer = signal.setitimer(signal.ITIMER_REAL, 0)
        self.active = _armed = True
        # repeat after the first expiry, in case the parser swallows the first one
        signal.setitimer(signal.ITIMER_REAL, self.seconds, 0.2)
        return self

    def __exit__(self, et, ev, tb):
        global _armed
        if not self.active:
            return False
        while True:
            try:  # the alarm may still come while we disarm it: disarm again
                _armed = False
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, self.old_handler)
                if self.old_timer[0] > 0:
                    signal.setitimer(signal.ITIMER_REAL, *self.old_timer)
                break
            except _Expired:
                continue
        self.active = False
        if et is not None and issubclass(et, _Expired):
            raise ParseTimeout(self.path, f"took longer than {self.seconds:g} s to {self.stage}; skipped "
                                          f"(the limit is {self.limit_is})") from None
        return False


class paused:
    """Stop the clock of the current time limit for a block that has limits of its own (OCR)."""

    def __enter__(self):
        self.left = signal.setitimer(signal.ITIMER_REAL, 0) if _armed and can_interrupt() else None
        return self

    def __exit__(self, et, ev, tb):
        if self.left is not None:
            signal.setitimer(signal.ITIMER_REAL, max(self.left[0], 0.001), 0.2)
        return False


# -- the helper process for threads that cannot take signals -----------------------------------------
_helper: tuple | None = None  # (process, connection)
_helper_lock = threading.Lock()


def _serve(conn) -> None:
    """The helper's loop: call, answer ("ok", result) or ("error", path, reason, timed_out). It runs
    under an address-space limit (budget.MAX_PARSE_MEMORY): a file that needs more fails alone."""
    cap_memory()
    while True:
        try:
            fn, args = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", fn(*args)))
        except UnreadableDocument as e:
            conn.send(("error", e.path, e.reason, isinstance(e, ParseTimeout)))
        except Exception as e:
            conn.send(("error", str(args[1]) if len(args) > 1 else "?",
                       f"could not be parsed ({type(e).__name__}: {str(e)[:160]})", False))


def cap_memory(limit: int | None = None) -> None:
    """Limit this process's address space (RLIMIT_AS) to `limit` bytes (budget.MAX_PARSE_MEMORY), for
    a process that only parses; an allocation past it raises MemoryError (or ends the process, which
    run_isolated reports as this file's failure). Never raises the hard limit."""
    try:
        import resource

        from dutytrace.ingest.budget import MAX_PARSE_MEMORY

        limit = limit or MAX_PARSE_MEMORY
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass


def run_isolated(fn, args: tuple, path: str):
    """fn(*args) in the helper process (started once, on first use); fn applies its own time limit
    there. A crash of the helper is reported as this file's error and the next call starts a new one."""
    global _helper
    with _helper_lock:
        if _helper is None or not _helper[0].is_alive():
            ctx = multiprocessing.get_context("spawn")
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(child,), daemon=True, name="dutytrace-parse")
            proc.start()
            child.close()
            _helper = (proc, parent)
        proc, conn = _helper
        try:
            conn.send((fn, args))
            while not conn.poll(0.5):
                if not proc.is_alive():
                    raise EOFError
            answer = conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            proc.kill()
            _helper = None
            raise UnreadableDocument(path, "corrupt: the parser process crashed on this file") from None
    if answer[0] == "ok":
        return answer[1]
    _, epath, reason, timed_out = answer
    raise (ParseTimeout if timed_out else UnreadableDocument)(epath, reason)


# -- packages (DOCX) ------------------------------------------------------------------------------------
MAX_PACKAGE_BYTES = 1 * 2**30  # what the parts of one DOCX may expand to
MAX_PACKAGE_RATIO = 200  # compressed -> expanded, for parts over 1 MiB
MAX_PACKAGE_PARTS = 10_000


def package_problem(infos) -> str | None:
    """Why the zip directory of a DOCX is a bomb, or None. Checked before python-docx reads a part."""
    if len(infos) > MAX_PACKAGE_PARTS:
        return f"{len(infos)} parts (the limit is {MAX_PACKAGE_PARTS}); refused as a zip bomb"
    total = sum(i.file_size for i in infos)
    if total > MAX_PACKAGE_BYTES:
        return f"parts expand to {_gib(total)} (the limit is {_gib(MAX_PACKAGE_BYTES)}); refused as a zip bomb"
    for i in infos:
        if i.file_size > 2**20 and i.file_size > MAX_PACKAGE_RATIO * max(1, i.compress_size):
            return (f"part {i.filename} expands {i.file_size // max(1, i.compress_size)} times "
                    f"(the limit is {MAX_PACKAGE_RATIO}); refused as a zip bomb")
    return None
