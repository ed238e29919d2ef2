"""The worker processes that parse and analyse files during ingestion (and re-tagging): their pool
and their setup. It imports nothing heavy, so that the setup runs before the pipeline is imported:
each worker is one of N processes on N cores, so its numeric libraries (torch, used by the tagger's
sentence similarity; Tesseract's OpenMP) get one thread each instead of one per core each."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor


def init_worker() -> None:
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OMP_THREAD_LIMIT"):
        os.environ.setdefault(var, "1")


def new_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` worker processes, each set up by init_worker."""
    # spawn, not fork: this process may hold torch's thread pools, which do not survive a fork
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=init_worker)
