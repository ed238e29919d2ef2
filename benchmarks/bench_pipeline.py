"""The int8 ONNX embedder against fp32 (issue 20 item 4), in one run: chunks/s of each on the chunks
of an ingested home (the sample archive's), alternating fp32 / int8 `--rounds` times so that machine
load falls on both alike, the cosine of their vectors, and - given a home ingested with each embedder
- nDCG@10 on the gold queries (dense and hybrid) of each.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_pipeline.py --home H_FP32 [--int8-home H_INT8]
        [--gold corpus/gold] [--rounds 3] [--json]

Make the homes with benchmarks/bench_ingest.py --archive corpus/archive --home H [--embedder onnx-int8].
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from dutytrace.config import Settings  # noqa: E402
from dutytrace.nlp.embed import get_embedder  # noqa: E402
from dutytrace.service import Dutytrace  # noqa: E402


def ndcg(home: Path, embedder: str, gold: Path) -> dict:
    """nDCG@10 over all gold queries, per mode and language (dutytrace eval's figures)."""
    from dutytrace.evaluate import evaluate

    with Dutytrace(Settings(home=home, embedder=embedder)) as svc:
        res = evaluate(svc, gold, ("dense", "hybrid"), tagging=False)
    return {mode: {lang: round(m[lang]["ndcg@10"], 4) for lang in ("all", "en", "zh")}
            for mode, m in res["retrieval"]["all"].items()}


def main() -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", type=Path, required=True, help="a home ingested with the fp32 embedder")
    ap.add_argument("--int8-home", type=Path, help="the same archive ingested with onnx-int8")
    ap.add_argument("--gold", type=Path, default=Path("corpus/gold"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    with Dutytrace(Settings(home=a.home)) as svc:
        texts = [c["text"] for c in svc.catalog.chunks()]
    fp32 = get_embedder(None, None, 32)
    int8 = get_embedder(None, None, 32, "onnx-int8", Settings(home=a.home).models_path)
    fp32.encode(texts[:8]), int8.encode(texts[:8])  # warm
    times: dict[str, list[float]] = {"fp32": [], "onnx-int8": []}
    for _ in range(a.rounds):
        for name, emb in (("fp32", fp32), ("onnx-int8", int8)):
            t = time.perf_counter()
            v = emb.encode(texts)
            times[name].append(time.perf_counter() - t)
            if name == "fp32":
                ref = v
            else:
                cos = (ref * v).sum(axis=1)
    res = {"chunks": len(texts), "rounds": a.rounds,
           "fp32_chunks_per_s": round(len(texts) / statistics.median(times["fp32"]), 1),
           "int8_chunks_per_s": round(len(texts) / statistics.median(times["onnx-int8"]), 1),
           "cosine_mean": round(float(cos.mean()), 4), "cosine_min": round(float(cos.min()), 4),
           "cosine_p01": round(float(np.quantile(cos, 0.01)), 4)}
    res["int8_speedup"] = round(res["int8_chunks_per_s"] / res["fp32_chunks_per_s"], 2)
    if a.int8_home:
        res["ndcg10_fp32"] = ndcg(a.home, "fp32", a.gold)
        res["ndcg10_int8"] = ndcg(a.int8_home, "onnx-int8", a.gold)
    print(json.dumps(res, ensure_ascii=False) if a.json else "\n".join(f"{k:>20}: {v}" for k, v in res.items()))
    return res


if __name__ == "__main__":
    main()
