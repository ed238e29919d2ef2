"""Choose the hybrid ranking settings on the TUNING queries of the corpus gold, then report them on
the held-back queries once. Coordinate descent over the leg weights (per query language), the
codebook boosts, synonym expansion and the RRF constant.

    DUTYTRACE_HOME=.dutytrace .venv/bin/python benchmarks/tune_search.py   (after `make ingest`)
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from dutytrace.config import Settings  # noqa: E402
from dutytrace.evaluate import evaluate  # noqa: E402
from dutytrace.search import RankConfig  # noqa: E402
from dutytrace.service import Dutytrace  # noqa: E402

GOLD = Path(__file__).resolve().parent.parent / "corpus" / "gold"


def score(svc, cfg, split="tune") -> dict:
    r = evaluate(svc, GOLD, ("hybrid",), config=cfg, tagging=False)["retrieval"][split]["hybrid"]
    return {k: r[k]["ndcg@10"] for k in ("all", "en", "zh")}


def with_weight(cfg: RankConfig, lang: str, i: int, v: float) -> RankConfig:
    return cfg.with_weight(lang, i, v)


def main() -> None:
    svc = Dutytrace(Settings.from_env())
    cfg = RankConfig()
    best = score(svc, cfg)
    print(f"start  {cfg}\n       tune nDCG@10 {best}")
    grid = [
        *[(f"weights.{lang}[{i}]", (lambda c, v, lang=lang, i=i: with_weight(c, lang, i, v)), vals)
          for lang in ("en", "zh") for i, vals in ((0, (0.0, 0.2, 0.5, 1.0, 1.5)), (2, (0.0, 0.25, 0.5, 1.0, 1.5, 2.0)))],
        ("tag_boost", lambda c, v: replace(c, tag_boost=v), (0.0, 0.003, 0.006, 0.01, 0.015, 0.02, 0.03)),
        ("type_boost", lambda c, v: replace(c, type_boost=v), (0.0, 0.003, 0.006, 0.01, 0.015, 0.02, 0.03)),
        ("synonyms", lambda c, v: replace(c, synonyms=v), (False, True)),
        ("rrf_k", lambda c, v: replace(c, rrf_k=v), (10, 30, 60, 100)),
        ("passage_decay", lambda c, v: replace(c, passage_decay=v), (0.0, 0.35, 0.5, 0.7, 0.85, 1.0)),
    ]
    for rnd in range(2):
        for name, setter, values in grid:
            for v in values:
                cand = setter(cfg, v)
                s = score(svc, cand)
                if s["all"] > best["all"] + 1e-4:
                    cfg, best = cand, s
                    print(f"round {rnd + 1}: {name} = {v}: tune nDCG@10 {s['all']:.3f} (en {s['en']:.3f}, zh {s['zh']:.3f})")
    print(f"\nchosen {cfg}")
    for split in ("tune", "test"):
        d, c = score(svc, RankConfig(), split), score(svc, cfg, split)
        print(f"{split:5} default all {d['all']:.3f} en {d['en']:.3f} zh {d['zh']:.3f}  ->  "
              f"chosen all {c['all']:.3f} en {c['en']:.3f} zh {c['zh']:.3f}")
    svc.close()


if __name__ == "__main__":
    main()
