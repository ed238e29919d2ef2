"""The investigator's desk on a synthetic archive (built by bench_scale.build: the product's own
catalog and index writers, random vectors for the archive): what the pages that show it cost.

- pin state of a page of search results (10 cards): one `pinned_cases(workset)` call per card (what
  the search cards do) against `pinned_in(case)` per card (a case check that reads the case's
  documents: the first version), with the ratio;
- the Shortlist page: `workset()` over --pins pinned cases (stored profiles read in one batch);
- a tag review and its undo (`review_tag` + `undo_review`, each writing the index payload);
- the Case page's lists: `review_decisions` and `notes` with --notes notes on the case;
- Search sorted by date, one page of 10 (`find_cases(sort="newest")`, which orders at most
  search.DATE_SORT_DEPTH of the best matches and reads the page's passages only) against what the
  Search page did before (every match asked for, then sorted by date) and against a relevance page,
  over the generated queries: medians in ms, the ratios, and the passages and profiles each read.

    .venv/bin/python benchmarks/bench_desk.py --cases 200 --chunks-per-case 20

Prints one JSON object (medians in ms over --rounds rounds, and the ratio)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_scale  # noqa: E402


def timed(fn, rounds: int) -> float:
    runs = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(runs), 2)


def date_sort(svc, queries: list[str], rounds: int) -> dict:
    """A page of 10 cases sorted by date, now and as the Search page did it before, and a relevance
    page, over the queries (medians of each query's median, ms); passages and profiles read per page."""
    from dutytrace import search as S

    reads = {"passages": 0, "profiles": 0}
    fill, infos = S.Searcher.fill, S.Searcher._infos

    def counting_fill(self, hits):
        reads["passages"] += len(hits)
        return fill(self, hits)

    def counting_infos(self, case_ids):
        reads["profiles"] += len(set(case_ids))
        return infos(self, case_ids)

    n_cases = max(svc.stats()["cases"], 1)

    def before(q):  # the Search page before: every match, then sorted by date
        found = svc.find_cases(q, limit=n_cases)
        dated = sorted((c for c in found.cases if c.facts.get("date")), key=lambda c: (str(c.facts["date"]), c.case_id),
                       reverse=True)
        return (dated + [c for c in found.cases if not c.facts.get("date")])[:10]

    def counted(fn, q) -> dict:
        reads.update(passages=0, profiles=0)
        fn(q)
        return dict(reads)

    S.Searcher.fill, S.Searcher._infos = counting_fill, counting_infos
    try:
        rows = []
        for q in queries:
            svc.find_cases(q, limit=10)  # warm: the query's vector, the index owner's fields
            relevance = lambda q: svc.find_cases(q, limit=10)  # noqa: E731
            newest = lambda q: svc.find_cases(q, limit=10, sort="newest")  # noqa: E731
            rows.append({"total": svc.find_cases(q, limit=10).total,
                         "relevance_ms": timed(lambda: relevance(q), rounds), "date_ms": timed(lambda: newest(q), rounds),
                         "before_ms": timed(lambda: before(q), rounds), "reads_date": counted(newest, q),
                         "reads_before": counted(before, q), "reads_relevance": counted(relevance, q)})
    finally:
        S.Searcher.fill, S.Searcher._infos = fill, infos

    def med(key):
        return round(statistics.median(r[key] for r in rows), 2)

    def med_reads(which, what):
        return statistics.median(r[which][what] for r in rows)

    return {"date_sort_queries": len(rows), "date_sort_matches_median": med("total"),
            "date_sort_depth": S.DATE_SORT_DEPTH,
            "relevance_page_ms": med("relevance_ms"), "date_page_ms": med("date_ms"), "date_page_before_ms": med("before_ms"),
            "date_page_vs_relevance": round(med("date_ms") / max(med("relevance_ms"), 1e-6), 2),
            "date_page_before_vs_relevance": round(med("before_ms") / max(med("relevance_ms"), 1e-6), 2),
            "passages_read": {k: med_reads(f"reads_{k}", "passages") for k in ("relevance", "date", "before")},
            "profiles_read": {k: med_reads(f"reads_{k}", "profiles") for k in ("relevance", "date", "before")}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--chunks-per-case", type=int, default=20)
    ap.add_argument("--pins", type=int, default=50)
    ap.add_argument("--notes", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--queries", type=int, default=5, help="generated queries for the date sort figures")
    ap.add_argument("--seed", type=int, default=bench_scale.SEED)
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-desk-"))
    try:
        build_args = argparse.Namespace(cases=args.cases, chunks_per_case=args.chunks_per_case, queries=args.queries,
                                        similar_queries=0, new_doc_chunks=1, zh_share=0.3, seed=args.seed,
                                        flush_every=25_000)
        built = bench_scale.build(home, build_args)
        print(f"# built {json.dumps(built)}", file=sys.stderr, flush=True)

        from dutytrace.config import Settings
        from dutytrace.profile import case_tags
        from dutytrace.service import Dutytrace

        with Dutytrace(Settings(home=home)) as svc:
            ids = svc.case_ids()
            cards = ids[:10]
            for c in ids[:args.pins]:
                svc.pin(c, "bench")
            before = timed(lambda: [c in svc.pinned_in(c) for c in cards], args.rounds)
            after = timed(lambda: [c in svc.pinned_cases("bench") for c in cards], args.rounds)
            shortlist = timed(lambda: svc.workset("bench"), args.rounds)
            case = ids[0]
            tag = case_tags(svc.case(case))[0]
            svc.review_tag(case, None, tag, "rejected")  # the first one opens the index and loads MiniLM
            svc.undo_review(case, tag)
            review = timed(lambda: (svc.review_tag(case, None, tag, "rejected"), svc.undo_review(case, tag)),
                           args.rounds)
            for i in range(args.notes):
                svc.add_note(case, f"note {i}")
            lists = timed(lambda: (svc.review_decisions(case), svc.notes(case)), args.rounds)
            sort = date_sort(svc, json.loads((home / "bench" / "queries.json").read_text())[:args.queries],
                             args.rounds)
        print(json.dumps({"cases": args.cases, "chunks": built["chunks"], "pins": args.pins,
                          "pin_state_10_cards_pinned_in_ms": before, "pin_state_10_cards_pinned_cases_ms": after,
                          "pin_state_ratio": round(before / max(after, 1e-6), 1),
                          "shortlist_ms": shortlist, "review_and_undo_ms": review,
                          "case_lists_ms": lists, "notes": args.notes, **sort}))
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
