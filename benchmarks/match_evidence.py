"""What a stricter notion of "a matching case" would cost (issue 17, item 2), measured on graded gold.

Today a case matches a query when it has evidence for it (search.py): a BM25 hit of one of the query's
words after stop words (or of a named concept's synonym, or of its other-language terms), an issue or
accident type the query names, or a dense passage at or above the calibrated floor. A natural query
then "matches" nearly every case of a small archive through one shared word. This script asks, for
every case the hybrid search returns for a gold query, how much of the query it holds, and what a
floor on that share would keep:

- `case share`: the IDF-weighted share of the query's own words (stop words out) that occur anywhere
  in the case, or of its other-language terms, the larger (the catalog's per-case term counts, as the
  learned case ranker reads them);
- `passage share`: the best single passage's BM25 score divided by the query's summed IDF (about the
  share of the query's words that one passage holds, each counted once), own-language or
  cross-language leg, the larger.

A case with a named issue or accident type, or with a dense passage over the floor, is kept whatever
its share. For each floor it prints cases returned per query, how many of the judged-relevant cases
stay (all grades, and the top grade), and the precision of what is returned; by gold set and split
(the genre gold: 117 queries pooled over 120 cases; the house gold: 61 queries judged on all 40).

    .venv/bin/python benchmarks/match_evidence.py --genres-home H1 --house-home H2
    #   H1: a home with `dutytrace ingest corpus/genres/archive`, H2: one with `dutytrace ingest corpus/archive`
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tune_genre_fusion import load_house_queries, load_queries  # noqa: E402

from dutytrace import ranker as R  # noqa: E402
from dutytrace.config import Settings  # noqa: E402
from dutytrace.query import understand  # noqa: E402
from dutytrace.service import Dutytrace  # noqa: E402

FLOORS = (0.0, 0.1, 0.15, 0.2, 0.3, 0.5)


def rows(home: Path, queries: list[dict], gold: str) -> list[dict]:
    """One row per (query, returned case): its grade, whether a concept or the dense leg carries it, and
    its case and passage shares of the query."""
    svc = Dutytrace(Settings.from_env(home=home))
    scope, s = svc.scope_filter(None), svc.searcher()
    out = []
    for q in queries:
        intent = understand(q["query"], s.codebook)
        legs = s._legs(q["query"], "hybrid", scope, intent)
        inputs = s.fusion_inputs(intent, legs, scope, defaultdict(list), keep=0)
        cases = {x.payload["case_id"] for leg in legs.values() for x in leg} | set(inputs.concepts)
        own = R.query_terms(s._sparse, q["query"])
        cross = R.query_terms(s._sparse, intent.translation)
        counts = svc.catalog.case_term_counts(set(own) | set(cross), cases)
        norm = sum(own.values()) or 1.0
        passage: dict[str, float] = defaultdict(float)
        for leg in ("lexical", "cross"):
            for x in legs.get(leg, []):
                c = x.payload["case_id"]
                passage[c] = max(passage[c], x.score / norm)
        dense = {x.payload["case_id"] for x in legs.get("dense", [])}
        naming = svc.catalog.cases_naming(intent.concepts, cases)
        for c in cases:
            have = counts.get(c, {})
            share = max(R.coverage(own, have)[0], R.coverage(cross, have)[0] if cross else 0.0)
            out.append({"gold": gold, "q": q["id"], "split": q["split"], "grade": q["relevant"].get(c, 0),
                        "top": 3 if gold == "genre" else 2, "kept": c in inputs.concepts or c in dense,
                        "case": share, "passage": passage[c],
                        "concepts": len(naming.get(c, ())) / len(intent.concepts) if intent.concepts else 0.0})
    return out


def report(all_rows: list[dict]) -> None:
    for measure in ("case", "passage", "case+concepts"):
        print(f"\n{measure} share: floor -> returned per query, relevant kept (all grades / top grade), precision")
        for gold in ("genre", "house"):
            for split in ("tune", "test"):
                rs = [r for r in all_rows if r["gold"] == gold and r["split"] == split]
                if not rs:
                    continue
                nq = len({r["q"] for r in rs})
                rel = [r for r in rs if r["grade"] > 0]
                top = [r for r in rs if r["grade"] >= r["top"]]
                cells = []
                for floor in FLOORS:
                    keep = [r for r in rs if r["kept"] or r[measure.split("+")[0]] >= floor
                            or ("+" in measure and r["concepts"] >= 0.5)]
                    k_rel = sum(r["grade"] > 0 for r in keep)
                    k_top = sum(r["grade"] >= r["top"] for r in keep)
                    cells.append(f"{floor:.2f}: {len(keep) / nq:5.1f} {k_rel / len(rel):.2f}/{k_top / max(len(top), 1):.2f} "
                                 f"{k_rel / max(len(keep), 1):.2f}")
                print(f"  {gold:5} {split:4} ({nq:3} q)  " + " | ".join(cells))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--genres-home", type=Path, required=True)
    ap.add_argument("--house-home", type=Path, default=None)
    a = ap.parse_args(argv)
    got = rows(a.genres_home, load_queries(), "genre")
    if a.house_home:
        got += rows(a.house_home, load_house_queries(), "house")
    report(got)
    return 0


if __name__ == "__main__":
    sys.exit(main())
