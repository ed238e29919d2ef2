"""Hybrid fusion on the genre corpus (issue 17, item 5): before (the fusion chosen on the house-format
gold), fusion only (the guarded score fusion, without the learned case ranker) and after (RankConfig's
defaults: the fusion and the learned case ranker of dutytrace/ranker.py), in one run.

The genre gold (corpus/genres/gold/queries-*.jsonl, 117 queries) is judged over all 120 cases by
pooling (corpus/genres/README.md) and split into "tune" and "test" (held back), stratified by query
language and type. For each split and query language it prints nDCG@10 of the hybrid (before, after),
dense and lexical case rankings; the queries on which hybrid is more than 0.1 below the better single
leg; the pooled cases of the after-ranking's top 10 that nobody judged (counted as not relevant);
query latency p50/p95 (find_cases, hybrid, with the query embedded every time, 3 rounds alternating
before and after); and the house-format gold (corpus/gold) before/after, so a regression there shows.

    .venv/bin/python benchmarks/tune_genre_fusion.py --genres-home /work/homes/genres \\
        --house-home /work/homes/sample          (homes made by `dutytrace ingest corpus/genres/archive`
                                                  and `dutytrace ingest corpus/archive`)
    ... --tune     also chooses the fusion on TUNING queries only: the genre gold's tuning split and,
                   with --house-home, the house gold's tuning queries, weighed equally (coordinate
                   descent over the method, the per-language leg weights, the boosts and their guard,
                   from rank fusion as it was and from a score-fusion start) and prints the choice;
                   RankConfig's defaults are set from it by hand.
    ... --ranker   the learned case ranker (dutytrace/ranker.py) over the candidates of the fusion:
                   features of every query's first 30 cases, 5-fold cross-validation grouped by query
                   on the TUNING queries only (genre and, with --house-home, house gold; 3 seeds) for
                   each regularisation, then the chosen model trained on all tuning queries and the
                   held-back queries ranked once, beside fusion, RRF as before and the single legs;
                   --write-ranker also writes the model to dutytrace/ranker_model.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from dutytrace import ranker as R  # noqa: E402
from dutytrace.config import Settings  # noqa: E402
from dutytrace.evaluate import evaluate, ndcg_at_k  # noqa: E402
from dutytrace.fusion import fuse  # noqa: E402
from dutytrace.query import understand  # noqa: E402
from dutytrace.search import RankConfig, Searcher, score_key  # noqa: E402
from dutytrace.service import Dutytrace  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "corpus"
GENRE_GOLD = ROOT / "genres" / "gold"
HOUSE_GOLD = ROOT / "gold"
K = 10
LOSS = 0.1  # "more than 0.1 below the best single leg"
# The guard is held at 0.5 or below by design: a case whose leg evidence is 1.5 times another's always
# ranks above it, whatever the two carry of what the query names.
GUARDS = (0.0, 0.1, 0.2, 0.3, 0.5)

# The fusion before issue 17 item 5 (chosen by benchmarks/tune_search.py on the house-format gold).
BEFORE = RankConfig(fusion="rrf", rrf_k=30, weights={"en": (0.0, 1.0, 1.0), "zh": (0.0, 1.0, 1.0)},
                    tag_boost=0.003, type_boost=0.01, passage_decay=1.0, learned_ranker=False)
# The guarded score fusion alone (RankConfig's fusion, without the learned case ranker of dutytrace/ranker.py).
FUSION = RankConfig(learned_ranker=False)


def load_queries() -> list[dict]:
    out = []
    for name in ("zh", "en", "mixed"):
        for line in (GENRE_GOLD / f"queries-{name}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                q = json.loads(line)
                q["writer"] = name
                out.append(q)
    return out


def load_house_queries() -> list[dict]:
    out = []
    for line in (HOUSE_GOLD / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            q = json.loads(line)
            out.append({"id": q["id"], "query": q["query"], "language": q.get("language", "en"),
                        "split": q.get("split", "tune"), "relevant": {k: int(v) for k, v in q["relevance"].items()},
                        "writer": "house"})
    return out


def rankings(searcher: Searcher, queries: list[dict], mode: str, scope) -> dict[str, list[str]]:
    return {q["id"]: [c.case_id for c in searcher.search_cases(q["query"], limit=K, mode=mode, filters=scope)]
            for q in queries}


def ndcg(queries, ranked) -> dict[str, float]:
    return {q["id"]: ndcg_at_k(ranked[q["id"]], q["relevant"]) for q in queries}


def mean(xs) -> float:
    xs = list(xs)
    return sum(xs) / len(xs) if xs else float("nan")


def table(queries, per_mode: dict[str, dict[str, float]]) -> None:
    modes = list(per_mode)
    print(f"{'split':6} {'lang':4} {'n':>3}  " + "  ".join(f"{m:>13}" for m in modes))
    for split in ("tune", "test"):
        for lang in ("en", "zh", "all"):
            qs = [q for q in queries if q["split"] == split and (lang == "all" or q["language"] == lang)]
            print(f"{split:6} {lang:4} {len(qs):>3}  " +
                  "  ".join(f"{mean(per_mode[m][q['id']] for q in qs):>13.3f}" for m in modes))


def losses(queries, hybrid: dict[str, float], dense: dict[str, float], lexical: dict[str, float]) -> list[dict]:
    return [q for q in queries if hybrid[q["id"]] < max(dense[q["id"]], lexical[q["id"]]) - LOSS]


# -- tuning over cached fusion inputs ------------------------------------------------------------------
def fusion_cache(searcher: Searcher, queries, scope) -> dict[str, object]:
    """Per query, what fusion reads (the legs and named concepts do not depend on the fusion settings)."""
    out = {}
    for q in queries:
        intent = understand(q["query"], searcher.codebook)
        legs = searcher._legs(q["query"], "hybrid", scope, intent)
        out[q["id"]] = searcher.fusion_inputs(intent, legs, scope, defaultdict(list))
    return out


def fused_ranking(inputs, cfg: RankConfig) -> list[str]:
    scores = fuse(inputs, cfg)
    return sorted(scores, key=lambda c: (score_key(scores[c]), c))[:K]


def objective(queries, cache, cfg, legs_ndcg) -> tuple[float, float, int]:
    nd = {q["id"]: ndcg_at_k(fused_ranking(cache[q["id"]], cfg), q["relevant"]) for q in queries}
    bad = len(losses(queries, nd, legs_ndcg["dense"], legs_ndcg["lexical"]))
    m = mean(nd.values())
    return m - 0.5 * bad / len(queries), m, bad


def with_weight(cfg: RankConfig, lang: str, i: int, v: float) -> RankConfig:
    return cfg.with_weight(lang, i, v)


def tune(sets: list[tuple[list[dict], dict, dict]]) -> RankConfig:
    """Coordinate descent from rank fusion as it was and from a score-fusion start, on the tuning
    queries of each gold set given as (queries, fusion cache, single-leg nDCG); the objective is the
    mean over the sets of (mean nDCG@10 - 0.5 x the share of queries more than 0.1 below the best leg)."""
    sets = [([q for q in qs if q["split"] == "tune"], cache, legs) for qs, cache, legs in sets]

    def objective_all(cfg):
        parts = [objective(qs, cache, cfg, legs) for qs, cache, legs in sets]
        return (mean(p[0] for p in parts), *[x for p in parts for x in p[1:]])

    def show(s):
        return ", ".join(f"set {i + 1}: nDCG@10 {s[1 + 2 * i]:.3f}, {s[2 + 2 * i]} losses" for i in range(len(sets)))
    grid_common = [
        *[(f"weights.{lang}[{i}]", (lambda c, v, lang=lang, i=i: with_weight(c, lang, i, v)), vals)
          for lang in ("en", "zh") for i, vals in ((0, (0.0, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5)),
                                                   (2, (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)))],
        ("tag_boost", lambda c, v: replace(c, tag_boost=v), None),
        ("type_boost", lambda c, v: replace(c, type_boost=v), None),
    ]
    best_overall = None
    for start in (replace(BEFORE, fusion="rrf"),
                  replace(BEFORE, fusion="score", weights={"en": (0.25, 1.0, 1.0), "zh": (0.25, 1.0, 1.0)},
                          tag_boost=0.3, type_boost=1.0, boost_guard=0.3, fusion_passages=2, passage_decay=0.5)):
        cfg = start
        best = objective_all(cfg)
        if start.fusion == "rrf":
            boosts = (0.0, 0.001, 0.003, 0.006, 0.01, 0.02)
            extra = [("rrf_k", lambda c, v: replace(c, rrf_k=v), (10, 30, 60, 100))]
        else:
            boosts = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)
            extra = [("boost_guard", lambda c, v: replace(c, boost_guard=v), GUARDS),
                     ("concept_only", lambda c, v: replace(c, concept_only=v), (0.001, 0.05, 0.1, 0.2, 0.4)),
                     ("fusion_passages", lambda c, v: replace(c, fusion_passages=v), (1, 2, 3, 5)),
                     ("cross_norm", lambda c, v: replace(c, cross_norm=v), ("own", "lexical")),
                     ("passage_decay", lambda c, v: replace(c, passage_decay=v), (0.3, 0.5, 0.7, 1.0))]
        grid = [(n, s, v if v is not None else boosts) for n, s, v in grid_common] + extra
        print(f"\n[{start.fusion}] start: objective {best[0]:.4f} ({show(best)})")
        for rnd in range(3):
            changed = False
            for name, setter, values in grid:
                for v in values:
                    cand = setter(cfg, v)
                    s = objective_all(cand)
                    if s[0] > best[0] + 1e-4:
                        cfg, best, changed = cand, s, True
                        print(f"  round {rnd + 1}: {name} = {v}: objective {s[0]:.4f} ({show(s)})")
            if not changed:
                break
        print(f"[{start.fusion}] chosen: {describe(cfg)}")
        if best_overall is None or best[0] > best_overall[0][0]:
            best_overall = (best, cfg)
    return best_overall[1]


def describe(cfg: RankConfig) -> str:
    keys = ("fusion", "weights", "tag_boost", "type_boost", "rrf_k", "boost_guard", "concept_only",
            "fusion_passages", "passage_decay", "cross_norm", "learned_ranker")
    return ", ".join(f"{k}={getattr(cfg, k)}" for k in keys)


# -- the learned case ranker -----------------------------------------------------------------------------
RANKER_C = (0.003, 0.03, 0.3)
RANKER_DEPTH = 30


def ranker_groups(svc: Dutytrace, queries, cfg: RankConfig) -> dict[str, tuple[list[str], list[list[float]]]]:
    """Per query: the fused order of its cases and the feature rows of the first RANKER_DEPTH."""
    searcher, scope = svc.searcher(cfg), svc.scope_filter(None)
    out = {}
    for q in queries:
        intent = understand(q["query"], searcher.codebook)
        legs = searcher._legs(q["query"], "hybrid", scope, intent)
        inputs = searcher.fusion_inputs(intent, legs, scope, defaultdict(list))
        scores = fuse(inputs, cfg)
        cases = sorted(scores, key=lambda c: (score_key(scores[c]), c))
        top = cases[:RANKER_DEPTH]
        ev = R.read_evidence(svc.catalog, top, R.query_terms(searcher._sparse, q["query"]),
                             R.query_terms(searcher._sparse, intent.translation), intent.concepts)
        R.read_cosines(svc.index, searcher._dense(q["query"]), scope, top, ev)
        out[q["id"]] = (cases, R.features(inputs, scores, top, ev))
    return out


def ranker_cv(tune_items, c: float, folds: int = 5, seeds=(0, 1, 2)) -> dict[str, float]:
    """Mean nDCG@10 per query over seeds of `folds`-fold cross-validation grouped by query."""
    import random

    res: dict[str, list[float]] = defaultdict(list)
    for seed in seeds:
        idx = list(range(len(tune_items)))
        random.Random(seed).shuffle(idx)
        fold = {i: k % folds for k, i in enumerate(idx)}
        for k in range(folds):
            train = [tune_items[i] for i in idx if fold[i] != k]
            model = R.train([(rows, [q["relevant"].get(x, 0) for x in cases[:RANKER_DEPTH]])
                             for q, cases, rows in train], c, RANKER_DEPTH)
            for i in idx:
                if fold[i] == k:
                    q, cases, rows = tune_items[i]
                    res[q["key"]].append(ndcg_at_k(R.order(model, cases, rows)[:K], q["relevant"]))
    return {key: mean(v) for key, v in res.items()}


def ranker_report(args, queries, svc: Dutytrace) -> None:
    after = FUSION
    sets = [("genre", queries, svc)]
    house = None
    if args.house_home:
        house = Dutytrace(Settings.from_env(home=Path(args.house_home)))
        sets.append(("house", load_house_queries(), house))
    items = []  # (query with "key" and "set", fused order, rows)
    for name, qs, s in sets:
        groups = ranker_groups(s, qs, after)
        for q in qs:
            items.append(({**q, "key": f"{name}:{q['id']}", "set": name}, *groups[q["id"]]))
    tune_items = [it for it in items if it[0]["split"] == "tune"]
    cells = [(n, lang) for n, _, _ in sets for lang in ("en", "zh")]

    def cell_means(nd: dict[str, float], pool) -> list[float]:
        return [mean(nd[q["key"]] for q, _, _ in pool if q["set"] == n and q["language"] == lang) for n, lang in cells]
    print(f"\nlearned case ranker: {len(tune_items)} tuning queries, features {', '.join(R.FEATURES)}")
    print("cross-validated on the tuning queries (5 folds grouped by query, 3 seeds), nDCG@10:")
    print(f"{'':14}" + "".join(f"{n + '-' + lang:>11}" for n, lang in cells) + f"{'mean':>8}")
    fused = {q["key"]: ndcg_at_k(cases[:K], q["relevant"]) for q, cases, _ in items}
    base = cell_means(fused, tune_items)
    print(f"{'fusion':14}" + "".join(f"{x:>11.3f}" for x in base) + f"{mean(base):>8.3f}")
    best = None
    for c in RANKER_C:
        m = cell_means(ranker_cv(tune_items, c), tune_items)
        print(f"{'ranker C=' + str(c):14}" + "".join(f"{x:>11.3f}" for x in m) + f"{mean(m):>8.3f}")
        if best is None or mean(m) > best[0]:
            best = (mean(m), c)
    c = best[1]
    model = R.train([(rows, [q["relevant"].get(x, 0) for x in cases[:RANKER_DEPTH]]) for q, cases, rows in tune_items],
                    c, RANKER_DEPTH, about={"trained_on": "tuning queries: genre gold split=tune"
                                            + (" and house gold split=tune" if house else ""),
                                            "queries": len(tune_items), "cv_mean_ndcg10": round(best[0], 4)})
    ranked = {q["key"]: R.order(model, cases, rows) for q, cases, rows in items}
    print(f"chosen C={c}; weights: " + ", ".join(f"{f} {w:+.2f}" for f, w in zip(R.FEATURES, model.weights)))
    for name, qs, s in sets:
        scope = s.scope_filter(None)
        legs = {m: ndcg(qs, rankings(s.searcher(BEFORE), qs, m, scope)) for m in ("dense", "lexical")}
        per = {"hybrid before": ndcg(qs, rankings(s.searcher(BEFORE), qs, "hybrid", scope)),
               "fusion": {q["id"]: fused[f"{name}:{q['id']}"] for q in qs},
               "fusion+ranker": {q["id"]: ndcg_at_k(ranked[f"{name}:{q['id']}"][:K], q["relevant"]) for q in qs},
               **legs}
        print(f"\n{name} gold, nDCG@10 (the ranker trained on tune; test = held back, ranked once)")
        table(qs, per)
        for split in ("tune", "test"):
            sq = [q for q in qs if q["split"] == split]
            for m in ("fusion", "fusion+ranker"):
                bad = losses(sq, per[m], legs["dense"], legs["lexical"])
                print(f"{split:5} {m:13}: {len(bad):>2}/{len(sq)} ({100 * len(bad) / len(sq):.1f}%) more than {LOSS} "
                      f"below the best single leg")
    if house:
        house.close()
    if args.write_ranker:
        R.MODEL_PATH.write_text(model.to_json() + "\n", encoding="utf-8")
        print(f"wrote {R.MODEL_PATH}")


# -- latency -------------------------------------------------------------------------------------------
def latency(svc: Dutytrace, queries, configs: dict[str, RankConfig], rounds: int = 3) -> dict[str, list[float]]:
    """Seconds per hybrid find_cases with the query embedded each time (no remembered vectors)."""
    scope = svc.scope_filter(None)
    base = svc.searcher()
    searchers = {name: Searcher(base.index, svc.embedder.encode_query, base.case_info, base.codebook, cfg,
                                base.duplicates, None, term_weights=base.term_weights, catalog=svc.catalog)
                 for name, cfg in configs.items()}
    for s in searchers.values():
        for attr in ("passages",):  # the catalog reader of passage texts, where this Searcher takes one
            if hasattr(base, attr):
                setattr(s, attr, getattr(base, attr))
    out: dict[str, list[float]] = {name: [] for name in configs}
    searchers[next(iter(configs))].find_cases(queries[0]["query"], limit=K, filters=scope)  # warm-up
    for rnd in range(rounds):
        order = list(configs) if rnd % 2 == 0 else list(reversed(configs))
        for q in queries:
            for name in order:
                s = searchers[name]
                s._vectors.clear()
                t = time.perf_counter()
                s.find_cases(q["query"], limit=K, mode="hybrid", filters=scope)
                out[name].append(time.perf_counter() - t)
    return out


def report_latency(svc: Dutytrace, queries, after: RankConfig, rounds: int) -> None:
    t = latency(svc, queries, {"before": BEFORE, "fusion": FUSION, "after": after}, rounds)
    p95 = {n: pct(v, 0.95) for n, v in t.items()}
    print(f"\nlatency, hybrid find_cases with embedding ({rounds} rounds x {len(queries)} queries): "
          + "; ".join(f"{n} p50 {1000 * statistics.median(v):.0f} ms p95 {1000 * p95[n]:.0f} ms" for n, v in t.items())
          + f"; after/before p95 {p95['after'] / p95['before']:.2f}, after/fusion p95 {p95['after'] / p95['fusion']:.2f}")


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))]


# -- main ----------------------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--genres-home", default=os.environ.get("DUTYTRACE_HOME"), required=False)
    ap.add_argument("--house-home", default=None, help="home with corpus/archive ingested (house gold figures)")
    ap.add_argument("--tune", action="store_true", help="choose the fusion on the tuning split and print it")
    ap.add_argument("--rounds", type=int, default=3, help="latency rounds (0: skip latency)")
    ap.add_argument("--latency-only", action="store_true", help="only the latency figures")
    ap.add_argument("--ranker", action="store_true", help="cross-validate and measure the learned case ranker")
    ap.add_argument("--write-ranker", action="store_true", help="with --ranker: write dutytrace/ranker_model.json")
    args = ap.parse_args()
    if not args.genres_home:
        ap.error("--genres-home (or DUTYTRACE_HOME) is required")
    after = RankConfig()
    queries = load_queries()
    svc = Dutytrace(Settings.from_env(home=Path(args.genres_home)))
    scope = svc.scope_filter(None)
    print(f"genre gold: {len(queries)} queries "
          f"({sum(q['split'] == 'tune' for q in queries)} tune, "
          f"{sum(q['split'] == 'test' for q in queries)} held back; "
          f"{sum(q['language'] == 'zh' for q in queries)} Chinese)")
    print(f"before: {describe(BEFORE)}\nafter:  {describe(after)}")

    if args.latency_only:
        report_latency(svc, queries, after, args.rounds)
        return svc.close()
    if args.ranker:
        ranker_report(args, queries, svc)
        return svc.close()
    legs = {m: ndcg(queries, rankings(svc.searcher(BEFORE), queries, m, scope)) for m in ("dense", "lexical")}
    if args.tune:
        sets = [(queries, fusion_cache(svc.searcher(BEFORE), queries, scope), legs)]
        if args.house_home:  # the house-format gold's tuning queries count as much as the genre ones
            house = Dutytrace(Settings.from_env(home=Path(args.house_home)))
            hq, hscope = load_house_queries(), house.scope_filter(None)
            hlegs = {m: ndcg(hq, rankings(house.searcher(BEFORE), hq, m, hscope)) for m in ("dense", "lexical")}
            sets.append((hq, fusion_cache(house.searcher(BEFORE), hq, hscope), hlegs))
            house.close()
        print("tuning on: the genre gold's tuning split"
              + (" (set 1) and the house gold's (set 2)" if len(sets) > 1 else ""))
        chosen = tune(sets)
        print(f"\nchosen on the tuning split: {describe(chosen)}")
        if chosen != after:
            print("(RankConfig's defaults differ from this choice: the figures below are for the defaults)")

    ranked_before = rankings(svc.searcher(BEFORE), queries, "hybrid", scope)
    ranked_after = rankings(svc.searcher(after), queries, "hybrid", scope)
    ranked_fusion = rankings(svc.searcher(FUSION), queries, "hybrid", scope)
    per_mode = {"hybrid before": ndcg(queries, ranked_before), "fusion only": ndcg(queries, ranked_fusion),
                "hybrid after": ndcg(queries, ranked_after),
                "dense": legs["dense"], "lexical": legs["lexical"]}
    print("\nnDCG@10 on the genre gold (tune = used to choose; test = held back, reported once)")
    table(queries, per_mode)
    for split in ("tune", "test"):
        qs = [q for q in queries if q["split"] == split]
        for name in ("hybrid before", "fusion only", "hybrid after"):
            bad = losses(qs, per_mode[name], legs["dense"], legs["lexical"])
            below = {leg: sum(per_mode[name][q["id"]] < legs[leg][q["id"]] - 1e-9 for q in qs) for leg in legs}
            print(f"{split:5} {name:13}: {len(bad):>2}/{len(qs)} queries ({100 * len(bad) / len(qs):.1f}%) more than "
                  f"{LOSS} below the best single leg; below dense on {below['dense']}, "
                  f"below lexical on {below['lexical']}"
                  + (f": {', '.join(q['id'] for q in bad)}" if bad else ""))
    unjudged = 0
    for q in queries:
        own = {c for c in q["relevant"]} | set(q.get("pooled", []))
        unjudged += sum(1 for c in ranked_after[q["id"]] if c not in own and not c.startswith(_writer_prefixes(q)))
    print(f"after: {unjudged} of the {K * len(queries)} top-10 places hold a case from another writer's 40 that "
          "was not pooled (not judged; counted as not relevant)")

    if args.rounds:
        report_latency(svc, queries, after, args.rounds)
    svc.close()

    if args.house_home:
        house = Dutytrace(Settings.from_env(home=Path(args.house_home)))
        print("\nhouse-format gold (corpus/gold), nDCG@10")
        rb = evaluate(house, HOUSE_GOLD, ("hybrid", "dense", "lexical"), config=BEFORE, tagging=False)["retrieval"]
        rf = evaluate(house, HOUSE_GOLD, ("hybrid",), config=FUSION, tagging=False)["retrieval"]
        ra = evaluate(house, HOUSE_GOLD, ("hybrid",), config=after, tagging=False)["retrieval"]
        print(f"{'split':6} {'lang':4}  {'hybrid before':>13}  {'fusion only':>13}  {'hybrid after':>13}  {'dense':>7}  "
              f"{'lexical':>7}")
        for split in ("tune", "test"):
            for lang in ("en", "zh", "all"):
                print(f"{split:6} {lang:4}  {rb[split]['hybrid'][lang]['ndcg@10']:>13.3f}  "
                      f"{rf[split]['hybrid'][lang]['ndcg@10']:>13.3f}  "
                      f"{ra[split]['hybrid'][lang]['ndcg@10']:>13.3f}  {rb[split]['dense'][lang]['ndcg@10']:>7.3f}  "
                      f"{rb[split]['lexical'][lang]['ndcg@10']:>7.3f}")
        house.close()


WRITER_PREFIXES = {"zh": ("g01-", "g02-", "g03-", "g04-"), "en": ("g05-", "g06-", "g07-", "g08-"),
                   "mixed": ("g09-", "g10-", "g11-", "g12-")}


def _writer_prefixes(q: dict) -> tuple[str, ...]:
    return WRITER_PREFIXES[q["writer"]]


if __name__ == "__main__":
    main()
