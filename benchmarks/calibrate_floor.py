"""Calibrate the dense floor (RankConfig.dense_floor): the cosine at or above which a passage found by
the dense leg counts as evidence that its case matches the query. Below it the dense leg still returns
its nearest passages for any text at all — padding, not a match.

For every gold query (corpus/gold/queries.jsonl) each case's best passage cosine is read from the
index (no floor); a case "passes" a floor when that cosine reaches it. On the TUNING queries of each
language the floor is chosen that maximises F1 of "passes" against "is judged relevant", subject to
every nonsense query (NONSENSE below) staying below it; the held-back queries are reported beside it, and
dense-mode nDCG@10 with and without the floor shows what the floor costs the dense baseline.

    DUTYTRACE_HOME=.dutytrace .venv/bin/python benchmarks/calibrate_floor.py   (after `make ingest`)
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from dutytrace.config import Settings  # noqa: E402
from dutytrace.evaluate import ndcg_at_k  # noqa: E402
from dutytrace.search import RankConfig  # noqa: E402
from dutytrace.service import Dutytrace  # noqa: E402

GOLD = Path(__file__).resolve().parent.parent / "corpus" / "gold" / "queries.jsonl"
NONSENSE = {"en": ["xqzzv blorft quimbly", "zzzzqqq", "lorem ipsum dolor sit amet", "purple elephant banana keyboard",
                    "asdf jkl qwerty", "1234 5678 90"],
            "zh": ["滴滴答答 咕噜 呼啦", "啊哦呃 嗯嗯", "紫色大象香蕉键盘", "天气晴朗适合野餐"]}
MARGIN = 0.01  # a floor stays above the best nonsense cosine
FLOORS = [round(0.15 + 0.01 * i, 2) for i in range(86)]  # 0.15 .. 1.00


def best_cosines(svc: Dutytrace, text: str) -> dict[str, float]:
    """case_id -> the best cosine of its passages to the query (every passage read)."""
    vec = svc.embedder.encode_query(text).tolist()
    out: dict[str, float] = {}
    for s in svc.index.query("dense", vec, None, 100_000, None):
        cid = s.payload.get("case_id")
        out[cid] = max(out.get(cid, -1.0), s.score)
    return out


def f1_at(rows: list[tuple[dict, dict]], floor: float) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for cos, rel in rows:
        for cid, c in cos.items():
            passed, relevant = c >= floor, rel.get(cid, 0) > 0
            tp += passed and relevant
            fp += passed and not relevant
            fn += relevant and not passed
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def dense_ndcg(svc: Dutytrace, queries: list[dict], floor: dict) -> float:
    cfg = replace(RankConfig(), dense_floor={**RankConfig().dense_floor, **floor})
    s = svc.searcher(cfg)
    vals = [ndcg_at_k([c.case_id for c in s.search_cases(q["query"], 10, "dense")], q["relevance"]) for q in queries]
    return sum(vals) / len(vals) if vals else 0.0


def main() -> None:
    svc = Dutytrace(Settings.from_env())
    queries = [json.loads(x) for x in GOLD.read_text(encoding="utf-8").splitlines() if x.strip()]
    nonsense_max = {}
    for lang, texts in NONSENSE.items():
        tops = {q: max(best_cosines(svc, q).values(), default=0.0) for q in texts}
        nonsense_max[lang] = max(tops.values())
        print(f"{lang} nonsense: " + ", ".join(f"{q!r} {v:.3f}" for q, v in tops.items()))
    rows: dict[tuple[str, str], list] = defaultdict(list)
    for q in queries:
        rows[(q["language"], q["split"])].append((best_cosines(svc, q["query"]), q["relevance"]))
    print(f"{len(queries)} gold queries")
    chosen = {}
    for lang in ("en", "zh"):
        allowed = [f for f in FLOORS if f >= nonsense_max[lang] + MARGIN]
        best = max(allowed, key=lambda f: (f1_at(rows[(lang, "tune")], f)[2], -f))
        chosen[lang] = best
        for split in ("tune", "test"):
            p, r, f1 = f1_at(rows[(lang, split)], best)
            print(f"{lang} {split:5s} floor {best:.2f}: precision {p:.3f} recall {r:.3f} F1 {f1:.3f} "
                  f"({len(rows[(lang, split)])} queries)")
    print(f"chosen floors: {chosen}")
    for lang in ("en", "zh"):
        for split in ("tune", "test"):
            qs = [q for q in queries if q["split"] == split and q["language"] == lang]
            print(f"dense nDCG@10 {lang} {split}: no floor {dense_ndcg(svc, qs, {lang: -1.0}):.3f}, "
                  f"floor {chosen[lang]:.2f} {dense_ndcg(svc, qs, {lang: chosen[lang]}):.3f}")
    svc.close()


if __name__ == "__main__":
    main()
