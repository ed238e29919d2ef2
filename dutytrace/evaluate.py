"""Retrieval and tagging metrics against the corpus gold files.

Retrieval: for every gold query and search mode, the case ranking of `search_cases` is scored with
nDCG@10 (graded gains 2^rel - 1), Recall@10 (share of relevant cases, grade >= 1, in the top 10) and
MRR (reciprocal rank of the first relevant case); reported per mode, per query language and per split.
Tagging: per-tag precision/recall/F1 of the case-level tags with micro and macro averages; accident
type accuracy; accuracy of extracted facts; recall of the people held accountable.

The gold is split into a tuning part and a held-back part (`split` in corpus/gold/*.jsonl); both are
reported, and only the tuning part may be used to choose settings.

The evaluation runs as the service's user: the user is checked before the gold is read, every
search is limited to the cases the user may see (in the index query, as any search), and a case the
user may not see is treated exactly as one that is not ingested — the same error, never ranked — so
neither scores nor messages tell whether a restricted case exists. It is audited (`eval`)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from dutytrace.errors import ConfigError
from dutytrace.profile import case_profile, scored_tags

K = 10
MODES = ("dense", "lexical", "hybrid")


# -- metric functions (pure) --------------------------------------------------------------------------
def dcg(gains: list[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at_k(ranking: list[str], relevance: dict[str, int], k: int = K) -> float:
    gains = [(2 ** relevance.get(c, 0) - 1) for c in ranking[:k]]
    ideal = sorted((2 ** r - 1 for r in relevance.values()), reverse=True)[:k]
    best = dcg(ideal)
    return dcg(gains) / best if best > 0 else 0.0


def recall_at_k(ranking: list[str], relevance: dict[str, int], k: int = K) -> float:
    relevant = {c for c, r in relevance.items() if r >= 1}
    return len(relevant & set(ranking[:k])) / len(relevant) if relevant else 0.0


def mrr(ranking: list[str], relevance: dict[str, int]) -> float:
    for i, c in enumerate(ranking, start=1):
        if relevance.get(c, 0) >= 1:
            return 1.0 / i
    return 0.0


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def tag_scores(pred: dict[str, set[str]], gold: dict[str, set[str]], tags: list[str]) -> dict[str, Any]:
    per: dict[str, dict] = {}
    tot = [0, 0, 0]
    for t in tags:
        tp = sum(1 for c in gold if t in gold[c] and t in pred.get(c, set()))
        fp = sum(1 for c in gold if t not in gold[c] and t in pred.get(c, set()))
        fn = sum(1 for c in gold if t in gold[c] and t not in pred.get(c, set()))
        p, r, f = prf(tp, fp, fn)
        per[t] = {"precision": p, "recall": r, "f1": f, "support": tp + fn}
        tot = [tot[0] + tp, tot[1] + fp, tot[2] + fn]
    micro = dict(zip(("precision", "recall", "f1"), prf(*tot)))
    present = [v for v in per.values() if v["support"] > 0]
    macro = {m: (sum(v[m] for v in present) / len(present) if present else 0.0) for m in ("precision", "recall", "f1")}
    return {"per_tag": per, "micro": micro, "macro": macro}


# -- gold ----------------------------------------------------------------------------------------------
def load_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        raise ConfigError(f"gold file {path} is missing")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_gold(gold_dir: Path) -> tuple[list[dict], list[dict]]:
    return load_jsonl(gold_dir / "cases.jsonl"), load_jsonl(gold_dir / "queries.jsonl")


def _norm(s: Any) -> str:
    return "".join(str(s or "").lower().split())


def _fact_ok(key: str, pred: Any, gold: Any) -> bool:
    if gold is None:
        return pred is None
    if pred is None:
        return False
    if key == "direct_loss":
        return abs(float(pred) - float(gold)) <= 0.01 * abs(float(gold)) + 1
    if key in ("location", "enterprise"):
        a, b = _norm(pred), _norm(gold)
        return bool(a) and (a in b or b in a)
    return _norm(pred) == _norm(gold)


FACT_KEYS = ("date", "location", "enterprise", "fatalities", "injuries", "direct_loss", "grade")


# -- evaluation -----------------------------------------------------------------------------------------
def evaluate(svc, gold_dir: Path, modes=MODES, config=None, tagging: bool = True) -> dict[str, Any]:
    me = svc.require("search", "eval", str(gold_dir))  # before anything is read or said about the catalog
    cases, queries = load_gold(gold_dir)
    known = set(svc.case_ids())  # the cases this user may see: an invisible case is an absent one
    missing = [c["case_id"] for c in cases if c["case_id"] not in known]
    if missing:
        raise ConfigError(f"{len(missing)} gold cases are not ingested (e.g. {missing[:3]}); "
                          "run `dutytrace ingest corpus/archive` (or `make ingest`) first")
    out: dict[str, Any] = {"retrieval": {}, "tagging": {}, "queries": len(queries), "cases": len(cases)}
    per_query: list[dict] = []
    searcher = svc.searcher(config)
    scope = svc.scope_filter(None)
    for q in queries:
        for mode in modes:
            ranking = [c.case_id for c in searcher.search_cases(q["query"], limit=K, mode=mode, filters=scope)]
            rel = {k: int(v) for k, v in q["relevance"].items()}
            per_query.append({"id": q["id"], "mode": mode, "language": q.get("language", "en"),
                              "split": q.get("split", "tune"), "ndcg@10": ndcg_at_k(ranking, rel),
                              "recall@10": recall_at_k(ranking, rel), "mrr": mrr(ranking, rel)})
    for split in ("tune", "test", "all"):
        block: dict[str, Any] = {}
        for mode in modes:
            rows = [r for r in per_query if r["mode"] == mode and (split == "all" or r["split"] == split)]
            entry = {"all": _mean_metrics(rows)}
            for lang in ("en", "zh"):
                entry[lang] = _mean_metrics([r for r in rows if r["language"] == lang])
            block[mode] = entry
        out["retrieval"][split] = block
    out["per_query"] = per_query
    svc.audit.record(me.name, "eval", str(gold_dir), queries=len(queries), cases=len(cases), modes=list(modes),
                     tagging=tagging)
    if not tagging:
        return out
    from dutytrace.nlp.codebook import load_codebook

    tags = load_codebook(svc.settings.codebook).tag_ids()
    profiles = {c["case_id"]: case_profile(svc.catalog, c["case_id"]) for c in cases}  # all visible (above)
    for split in ("tune", "test", "all"):
        sel = [c for c in cases if split == "all" or c.get("split", "tune") == split]
        gold_tags = {c["case_id"]: set(c["tags"]) for c in sel}
        pred_tags = {c["case_id"]: scored_tags(profiles[c["case_id"]])
                     for c in sel}
        block = tag_scores(pred_tags, gold_tags, tags)
        n = len(sel) or 1
        block["accident_type_accuracy"] = sum(
            profiles[c["case_id"]]["facts"].get("accident_type") == c["accident_type"] for c in sel) / n
        facts = {}
        for key in FACT_KEYS:
            facts[key] = sum(_fact_ok(key, profiles[c["case_id"]]["facts"].get(key), c["facts"].get(key))
                             for c in sel) / n
        block["facts_accuracy"] = facts
        gold_people = [(c["case_id"], _norm(a["person"])) for c in sel for a in c.get("accountability", [])]
        found = sum(1 for cid, p in gold_people
                    if any(p and (p in _norm(x["person"]) or _norm(x["person"]) in p)
                           for x in profiles[cid]["accountability"] if _norm(x["person"])))
        block["accountability_person_recall"] = found / len(gold_people) if gold_people else 0.0
        block["cases"] = len(sel)
        out["tagging"][split] = block
    return out


def _mean_metrics(rows: list[dict]) -> dict[str, float]:
    if not rows:
        return {"ndcg@10": 0.0, "recall@10": 0.0, "mrr": 0.0, "n": 0}
    return {m: sum(r[m] for r in rows) / len(rows) for m in ("ndcg@10", "recall@10", "mrr")} | {"n": len(rows)}
