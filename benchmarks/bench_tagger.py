"""Analysis speed with the cue tagger, with the learned tagger (the classifier and the cues together)
and with the chosen one (each tag by its reader), in one run: the same documents parsed and chunked once, then analysed by each in turn,
alternating rounds so that machine noise falls on both alike. Prints pages/s per tagger and the ratio.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_tagger.py [--docs 24] [--rounds 3] [--model PATH]

`--model`: a trained tagger not (yet) shipped, e.g. one `python -m dutytrace.nlp.train --out PATH` wrote.
Without a loadable model the learned tagger would be the cue tagger alone, so the script stops and says so.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from dutytrace.config import Settings  # noqa: E402
from dutytrace.indexing import max_chars  # noqa: E402
from dutytrace.ingest.chunk import chunk_document  # noqa: E402
from dutytrace.ingest.reader import read_document  # noqa: E402
from dutytrace.nlp.analyze import analyze  # noqa: E402
from dutytrace.nlp.codebook import load_codebook  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TIMED = ("cues", "learned", "chosen")  # DUTYTRACE_TAGGER values, the first the baseline


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=24)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--model", type=Path, default=None, help="the learned tagger's model file (default: the shipped one)")
    a = ap.parse_args()
    from dutytrace.nlp import learned

    if a.model is not None:
        learned.MODEL_PATH = a.model
    if learned.packaged_tagger() is None:
        raise SystemExit(f"{learned.MODEL_PATH}: no learned tagger model for this code (missing, or made for another "
                         "feature version); train one with python -m dutytrace.nlp.train")
    settings = Settings.from_env()
    codebook = load_codebook(settings.codebook)
    files = sorted(p for p in (ROOT / "corpus" / "archive").glob("*/*") if p.name != "case.yaml")
    files = files[:: max(1, len(files) // a.docs)][: a.docs]
    docs = []
    for f in files:
        d = read_document(f.read_bytes(), str(f), "bench", f.name, 120)
        docs.append((d, chunk_document(d, max_chars(settings, d.language))))
    pages = sum(len(d.pages) for d, _ in docs)
    for tagger in TIMED:  # warm-up: models loaded before timing
        analyze(docs[0][0], docs[0][1], codebook, settings.spacy_en, tagger)
    spent = {t: 0.0 for t in TIMED}
    for _ in range(a.rounds):
        for tagger in TIMED:
            t = time.perf_counter()
            for d, chunks in docs:
                analyze(d, chunks, codebook, settings.spacy_en, tagger)
            spent[tagger] += time.perf_counter() - t
    rate = {k: pages * a.rounds / v for k, v in spent.items()}
    print(f"{len(docs)} documents, {pages} pages, {a.rounds} rounds")
    for k, v in rate.items():
        print(f"  {k:<8} {v:6.1f} pages/s")
    for t in TIMED[1:]:
        print(f"  {t} / cues: {rate[t] / rate['cues']:.2f}x")


if __name__ == "__main__":
    main()
