"""Time to ingest the sample archive and to answer a query on it.

Prints absolute figures and, because machines here are shared and noisy, ratios against baselines
measured in the same run: ingestion against embedding the same chunks alone, and a query against
embedding the query alone.

    .venv/bin/python benchmarks/bench_sample.py [--archive corpus/archive] [--reps 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from dutytrace.config import Settings  # noqa: E402
from dutytrace.service import Dutytrace  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUERIES = [
    "workers entered a confined space without gas testing", "rescuers died going in after a colleague",
    "inspection was a formality", "no department knew it was responsible for the site",
    "accident was concealed and reported late", "unlicensed subcontractor on a construction site",
    "有限空间作业 盲目施救", "监管职责不清", "瞒报事故", "形式主义 走过场", "塔吊 物体打击", "燃气爆炸 隐患未整改",
]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def queries() -> list[str]:
    gold = ROOT / "corpus" / "gold" / "queries.jsonl"
    if gold.exists():
        return [json.loads(x)["query"] for x in gold.read_text(encoding="utf-8").splitlines() if x.strip()]
    return DEFAULT_QUERIES


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--archive", default=str(ROOT / "corpus" / "archive"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as home:
        svc = Dutytrace(Settings(home=Path(home)))
        t = time.perf_counter()
        svc.embedder  # model load, reported apart from ingestion
        load_s = time.perf_counter() - t
        t = time.perf_counter()
        rep = svc.ingest([Path(args.archive)], workers=args.workers)
        ingest_s = time.perf_counter() - t
        pages = sum(d["pages"] for d in svc.catalog.documents())
        texts = [c["text"] for c in svc.catalog.chunks()]
        t = time.perf_counter()
        svc.embedder.encode(texts)
        embed_s = time.perf_counter() - t
        print(f"model load            {load_s:8.2f} s")
        print(f"ingest                {ingest_s:8.2f} s  {rep.ingested} files, {pages} pages, {rep.chunks} chunks, "
              f"{len(rep.failed)} failed")
        print(f"  throughput          {pages / ingest_s:8.1f} pages/s  {rep.chunks / ingest_s:8.1f} chunks/s")
        print(f"embedding only        {embed_s:8.2f} s  ({len(texts) / embed_s:.1f} chunks/s)")
        print(f"  ingest / embedding  {ingest_s / embed_s:8.2f} x  (pipeline overhead over embedding alone)")
        qs = queries()
        emb = []
        for _ in range(args.reps):
            for q in qs:
                t = time.perf_counter()
                svc.embedder.encode_query(q)
                emb.append((time.perf_counter() - t) * 1000)
        base = statistics.median(emb)
        print(f"\nqueries: {len(qs)} x {args.reps} reps; query embedding alone p50 {base:.1f} ms")
        print(f"{'mode':<16}{'p50 ms':>9}{'p95 ms':>9}{'p50/embed':>11}")
        for mode in ("dense", "lexical", "hybrid"):
            for by_case in (False, True):
                lat = []
                for _ in range(args.reps):
                    for q in qs:
                        t = time.perf_counter()
                        (svc.search_cases if by_case else svc.search)(q, 10, mode)
                        lat.append((time.perf_counter() - t) * 1000)
                name = mode + (" by-case" if by_case else "")
                print(f"{name:<16}{pct(lat, 50):9.1f}{pct(lat, 95):9.1f}{pct(lat, 50) / base:11.2f}")
        svc.close()


if __name__ == "__main__":
    main()
