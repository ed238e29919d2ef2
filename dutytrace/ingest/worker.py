"""The worker processes that parse and analyse files during ingestion (and re-tagging): their pool
and their setup. It imports nothing heavy, so that the setup runs before the pipeline is imported:
each worker is one of N processes on N cores, so its numeric libraries (torch, used by the tagger's
sentence similarity; Tesseract's OpenMP) get one thread each instead of one per core each.

Workers die with the process that started them: a worker holds 0.5-1 GB (spaCy, torch, MiniLM), and
an ingest killed with `kill -9` must not leave them (nor, through them, multiprocessing's resource
tracker, which lives while any of them holds its pipe) running forever. The kernel sends the worker
SIGKILL when its parent dies (Linux `PR_SET_PDEATHSIG`); a watchdog thread that sees the parent gone
is the fallback where that is not available. (The kernel's signal follows the *thread* that started
the worker: a pool lives within one call, on the thread that made it.)"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1
WATCH_INTERVAL_S = 1.0


def die_with_parent(sig: int = signal.SIGKILL) -> bool:
    """Ask the kernel to send `sig` to this process when its parent dies (Linux). False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(WATCH_INTERVAL_S)


def init_worker(parent: int | None = None) -> None:
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OMP_THREAD_LIMIT"):
        os.environ.setdefault(var, "1")
    if parent is None:
        return
    die_with_parent(signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above: nobody would send the signal
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="dutytrace-parent-watch", daemon=True).start()


def new_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` worker processes, each set up by init_worker (and dying with this process)."""
    # spawn, not fork: this process may hold torch's thread pools, which do not survive a fork
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=init_worker,
                               initargs=(os.getpid(),))
