"""The ingest's embedding batcher: one thread in the ingesting process that embeds a batch of stored
chunks while the process (or its worker processes) parse and analyse the next files. It embeds only;
the catalog reads, the upsert and marking documents indexed stay in the ingest's own thread, in the
order they had, so crash safety is unchanged (a document is marked indexed only after its upsert).

One batch is in flight at a time. The model is the process's one embedder (nlp/embed.py), shared
with the tagger's sentence similarity when parsing runs in this process: no second MiniLM.

Cores. While the ingest thread parses, a batch is embedded with the cores the parsers leave (one
thread per core; at least one): torch's threads then never share a core with a parser, where each of
its parallel steps would wait for the thread that lost its core. When the ingest thread waits for the
batch (it has nothing else to do), the rest of the batch gets every core. The vectors are the same
either way (nlp/embed.py). While a batcher lives, Python hands the interpreter lock between threads
every millisecond instead of every five, so the embedding thread, which needs it between torch's
operations, is not held up by a parser's pure-Python work."""

from __future__ import annotations

import inspect
import multiprocessing
import os
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor

SWITCH_INTERVAL_S = 0.001
_live_lock = threading.Lock()
_live = {"batchers": 0, "interval": None}  # batchers alive in this process; the switch interval before the first


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class InFlight:
    """A batch being embedded: its documents, its chunk count and the texts it was given."""

    def __init__(self, doc_ids: list[str], chunks: int, texts: list[str], future: Future,
                 waiting: threading.Event | None = None):
        self.doc_ids, self.chunks, self.texts, self.future = doc_ids, chunks, texts, future
        self._waiting = waiting

    def vectors_for(self, embedder):
        """The function index_documents embeds with: this batch's vectors when it asks for the same
        texts (it reads them again from the catalog), the embedder's own otherwise."""
        def vectors(texts: list[str]):
            if self._waiting is not None:
                self._waiting.set()  # the ingest thread waits: the batch may take every core
            try:
                result = self.future.result()
            finally:
                if self._waiting is not None:
                    self._waiting.clear()
            return result if texts == self.texts else embedder.encode(texts)
        return vectors


class EmbedBatcher:
    def __init__(self, embedder):
        self.embedder = embedder
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="dutytrace-embed")
        self._waiting = threading.Event()
        self._cores = cores()
        try:
            self._paced = "threads" in inspect.signature(embedder.encode).parameters
        except (TypeError, ValueError):
            self._paced = False
        torch = sys.modules.get("torch")
        self._torch_threads = torch.get_num_threads() if torch is not None else None
        with _live_lock:
            if _live["batchers"] == 0:
                _live["interval"] = sys.getswitchinterval()
                sys.setswitchinterval(min(_live["interval"], SWITCH_INTERVAL_S))
            _live["batchers"] += 1
        self._closed = False

    def threads(self) -> int:
        """Threads for the next forward pass: every core while the ingest thread waits for the batch,
        else the cores that the parsers (this process's thread, or its worker processes) leave."""
        if self._waiting.is_set():
            return self._cores
        parsers = len(multiprocessing.active_children()) or 1
        return max(1, self._cores - parsers)

    def _encode(self, texts: list[str]):
        if self._paced:
            return self.embedder.encode(texts, threads=self.threads)
        return self.embedder.encode(texts)

    def submit(self, doc_ids: list[str], chunks: int, texts: list[str]) -> InFlight:
        return InFlight(doc_ids, chunks, texts, self._pool.submit(self._encode, texts), self._waiting)

    def close(self) -> None:
        """Stop; torch's thread count (process-wide for threads started later) and the switch interval
        are given back as they were (the interval when the last batcher in the process closes)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._closed:
            return
        self._closed = True
        torch = sys.modules.get("torch")
        if torch is not None and self._torch_threads:  # the embedding thread changed the process-wide value
            torch.set_num_threads(self._torch_threads)
        with _live_lock:
            _live["batchers"] -= 1
            if _live["batchers"] == 0:
                sys.setswitchinterval(_live["interval"])
