"""The ingest's embedding batcher (ingest/embed_batcher.py) with the real MiniLM: its vectors are the
embedder's own whatever the thread count it paces torch with; it leaves a core to the parser while the
ingest thread works and takes every core while that thread waits; it gives back torch's thread count and
Python's switch interval when it closes."""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

from dutytrace.ingest import embed_batcher
from dutytrace.ingest.embed_batcher import EmbedBatcher
from dutytrace.nlp.embed import get_embedder

TEXTS = [f"Worker {i} entered the tank without a gas test and collapsed; {'the rescuer followed him. ' * (i % 5)}"
         for i in range(70)] + ["有限空间作业未进行气体检测，施救人员盲目进入。"] * 3


@pytest.fixture(scope="module")
def embedder():
    return get_embedder(None, None, 32)


def test_paced_vectors_equal_the_embedders(embedder, monkeypatch):
    import torch

    monkeypatch.setattr(embed_batcher, "cores", lambda: 2)
    before = torch.get_num_threads()
    asked: list[tuple[int, int]] = []
    batcher = EmbedBatcher(embedder)
    pace = batcher.threads

    def recorded() -> int:
        n = pace()
        asked.append((n, torch.get_num_threads()))
        return n

    batcher.threads = recorded
    try:
        flight = batcher.submit(["d1"], len(TEXTS), TEXTS)
        flight.future.result()  # finished while the ingest thread did not wait: one core left to parsing
        vectors = flight.vectors_for(embedder)(TEXTS)
    finally:
        batcher.close()
    assert len(asked) == 3  # once per batch of 32
    assert [n for n, _ in asked] == [1, 1, 1]
    np.testing.assert_array_equal(vectors, embedder.encode(TEXTS))  # bit for bit
    assert torch.get_num_threads() == before


def test_waiting_ingest_thread_gives_every_core(embedder, monkeypatch):
    monkeypatch.setattr(embed_batcher, "cores", lambda: 4)
    batcher = EmbedBatcher(embedder)
    try:
        assert batcher.threads() == 3  # the parser here (this thread) keeps one core
        gate = threading.Event()
        seen: list[int] = []
        real = batcher._encode

        def slow(texts):
            gate.wait(10)  # starts once the ingest thread waits
            seen.append(batcher.threads())
            return real(texts)

        batcher._encode = slow
        flight = batcher.submit(["d1"], 2, TEXTS[:2])
        waiter = threading.Thread(target=lambda: flight.vectors_for(embedder)(TEXTS[:2]))
        waiter.start()
        while not batcher._waiting.is_set():
            pass
        gate.set()
        waiter.join(30)
        assert seen == [4]
        assert not batcher._waiting.is_set()  # cleared once the vectors are in
    finally:
        batcher.close()


def test_switch_interval_given_back_after_the_last_batcher(embedder):
    before = sys.getswitchinterval()
    a, b = EmbedBatcher(embedder), EmbedBatcher(embedder)
    assert sys.getswitchinterval() == pytest.approx(min(before, embed_batcher.SWITCH_INTERVAL_S))
    a.close()
    a.close()  # twice is once
    assert sys.getswitchinterval() == pytest.approx(min(before, embed_batcher.SWITCH_INTERVAL_S))
    b.close()
    assert sys.getswitchinterval() == pytest.approx(before)


def test_an_embedder_without_pacing_still_works():
    class Plain:
        def encode(self, texts):
            return np.ones((len(texts), 3), dtype=np.float32)

    batcher = EmbedBatcher(Plain())
    try:
        flight = batcher.submit(["d"], 2, ["a", "b"])
        assert flight.vectors_for(Plain())(["a", "b"]).shape == (2, 3)
    finally:
        batcher.close()
