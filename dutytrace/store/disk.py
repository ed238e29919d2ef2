"""The disk under the data home: free space checked before writes, and full or read-only disks turned
into clear errors (a memory-mapped write to a full disk kills a process with SIGBUS and no message,
so the index is never written without a margin of free space)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from dutytrace.errors import DiskFull, DutytraceError, HomeNotWritable

_FULL_WORDS = ("no space left", "os error 28", "disk is full", "database or disk is full", "quota exceeded")
_READONLY_WORDS = ("read-only file system", "os error 30", "readonly database", "attempt to write a readonly")


def _existing(path: Path) -> Path:
    path = Path(path)
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def free_mb(path: Path) -> float:
    st = os.statvfs(_existing(path))
    return st.f_bavail * st.f_frsize / 2**20


def disk_full(home: Path, free: float | None = None, margin_mb: float | None = None) -> DiskFull:
    have = f" ({free:.0f} MB free, under the safety margin of {margin_mb:.0f} MB, DUTYTRACE_MIN_FREE_MB)" \
        if free is not None else ""
    return DiskFull(f"the disk holding the Dutytrace home {home} is full{have}. Nothing stored was lost: free "
                    "space on that disk (or set DUTYTRACE_HOME to a home on a larger disk) and run the same "
                    "command again; an interrupted ingest resumes where it stopped.")


def not_writable(home: Path, detail: str = "") -> HomeNotWritable:
    why = f" ({detail})" if detail else ""
    return HomeNotWritable(f"the Dutytrace home {home} is not writable{why}: Dutytrace writes its catalog, index "
                           "and audit log there, even to search. Make it writable by this user (or remount its "
                           "disk read-write), or set DUTYTRACE_HOME to a writable folder.")


def ensure_space(path: Path, margin_mb: float, home: Path | None = None) -> None:
    """Raise DiskFull when the disk holding `path` has less than `margin_mb` free."""
    if margin_mb <= 0:
        return
    free = free_mb(path)
    if free < margin_mb:
        raise disk_full(home or path, free, margin_mb)


def storage_error(e: BaseException, home: Path) -> DutytraceError | None:
    """The clear error for an OSError (or a library's error text) caused by a full or read-only disk,
    or None when `e` is something else."""
    if isinstance(e, DutytraceError):
        return e
    if isinstance(e, OSError) and e.errno is not None:
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            return disk_full(home)
        if e.errno == errno.EROFS:
            return not_writable(home, "read-only file system")
        if e.errno in (errno.EACCES, errno.EPERM):
            return not_writable(home, f"permission denied: {e.filename or home}")
        return None
    text = str(e).lower()
    if any(w in text for w in _FULL_WORDS):
        return disk_full(home)
    if any(w in text for w in _READONLY_WORDS):
        return not_writable(home, "read-only")
    return None
