"""Setup of the worker processes that parse and analyse files during ingestion. It imports nothing
heavy, so that it runs before the pipeline is imported: each worker is one of N processes on N cores,
so its numeric libraries (torch, used by the tagger's sentence similarity; Tesseract's OpenMP) get one
thread each instead of one per core each."""

from __future__ import annotations

import os


def init_worker() -> None:
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OMP_THREAD_LIMIT"):
        os.environ.setdefault(var, "1")
