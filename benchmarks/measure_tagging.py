"""Measure the responsibility tagger against the corpus gold: case-level P/R/F1 per tag, micro and
macro averages, per split, the accident type and the deaths of each case as its profile aggregates
them (against the gold's `accident_type` and `facts.fatalities`), plus where the tagger's time goes.

Every document of every selected case runs through `dutytrace.indexing.prepare()` (parse, chunk,
analyse); case tags are aggregated as `dutytrace/profile.py` does (max score per tag over the case's
documents, kept at score >= threshold). The macro average is over tags with gold support, as in
`dutytrace eval`.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/measure_tagging.py [--split tune|test|all]
        [--threshold 0.6] [--cache DIR] [--show] [--corpus corpus/dev]

`--corpus corpus/dev` measures the blind development cases instead (the held-back cases are those the
gold marks `"split": "test"`; a corpus whose gold marks none, such as corpus/dev, is all "tune", and
--show may print them).

`--cache DIR` keeps each document's parsed pages and chunks and the sentence embeddings (pickled)
so that later runs re-run only the analysis (timings then leave out parsing and embedding); `--show` prints, per tuning case, the tags missed and the tags wrongly given with their
best evidence (it refuses to show held-back cases).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


import dutytrace.nlp.analyze as analyze_mod  # noqa: E402
from dutytrace import indexing  # noqa: E402
from dutytrace.config import Settings  # noqa: E402
from stage_timing import TIMES, instrument  # noqa: E402
from dutytrace.evaluate import load_jsonl, tag_scores  # noqa: E402
from dutytrace.nlp.codebook import load_codebook  # noqa: E402
from dutytrace.models import CASE_TAG_MIN, kind_rank  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def memoize_embeddings(cache: Path) -> None:
    """Keep sentence embeddings between runs (the tagger's similarity step) in the cache folder."""
    import numpy as np

    from dutytrace.nlp import embed

    store = cache / "embeddings.pkl"
    memo: dict[str, np.ndarray] = pickle.loads(store.read_bytes()) if store.exists() else {}
    real = embed.Embedder.encode

    def encode(self, texts):
        todo = [t for t in dict.fromkeys(texts) if t not in memo]
        if todo:
            memo.update(zip(todo, real(self, todo)))
            store.write_bytes(pickle.dumps(memo))
        return np.stack([memo[t] for t in texts]) if texts else real(self, texts)
    embed.Embedder.encode = encode


def analyse_case(case_dir: Path, settings: Settings, cache: Path | None):
    """[(doc, chunks, analysis)] of the case's documents."""
    out = []
    for f in sorted(case_dir.iterdir()):
        if f.name.startswith("case.") or not f.is_file():
            continue
        data = f.read_bytes()
        key = cache / (hashlib.sha256(data).hexdigest()[:24] + ".pkl") if cache else None
        if key is not None and key.exists():
            doc, chunks = pickle.loads(key.read_bytes())
            t = time.perf_counter()
            analysis = analyze_mod.analyze(doc, chunks, load_codebook(settings.codebook), settings.spacy_en, settings.tagger)
            TIMES["analyze"] += time.perf_counter() - t
        else:
            t = time.perf_counter()
            doc, chunks, analysis = indexing.prepare(data, str(f), case_dir.name, f.name, settings)
            TIMES["prepare"] += time.perf_counter() - t
            if key is not None:
                key.write_bytes(pickle.dumps((doc, chunks)))
        TIMES["pages"] += len(doc.pages)
        out.append((doc, chunks, analysis))
    return out


FEATURES: list[tuple] = []


def doc_features(docs, settings, gold: set[str]) -> list[tuple]:
    """(kind, support, against, similarity, label) per document and tag: the calibration's data (the
    label is the case's gold: a document of a case with the tag counts as showing it)."""
    from dutytrace.nlp.responsibility import tag_evidence
    from dutytrace.nlp.tag_semantics import tag_similarity

    codebook = load_codebook(settings.codebook)
    rows = []
    for doc, chunks, _ in docs:
        _, _, sdocs = analyze_mod.parse_chunks(chunks, doc.language, codebook, settings.spacy_en)
        feats, _ = tag_evidence(chunks, doc.language, codebook, doc.kind, sdocs, tag_similarity(codebook))
        for tag in codebook.tag_ids():
            f = feats.get(tag, {"support": 0.0, "against": 0.0, "similarity": 0.0})
            rows.append((doc.kind, f["support"], f["against"], f["similarity"], int(tag in gold)))
    return rows


def fit_calibration(rows: list[tuple]) -> None:
    import math

    from sklearn.linear_model import LogisticRegression

    data = [r for r in rows if r[0] in ("report", "decision")]  # findings documents: one report per case
    x = [[math.log1p(s), -a, sim] for _, s, a, sim, _ in data]
    y = [r[4] for r in data]
    lr = LogisticRegression(C=10.0).fit(x, y)
    a, b, c = lr.coef_[0]
    print(f"calibration on {len(data)} report/decision x tag rows: CAL_A, CAL_B, CAL_C, CAL_D = "
          f"{a:.2f}, {b:.2f}, {c:.2f}, {lr.intercept_[0]:.2f}")


def case_facts(docs) -> dict:
    """The case's facts as its profile aggregates them (profile.py): the report speaks for the case, the
    other documents fill what it leaves open."""
    facts: dict = {}
    for _doc, _, analysis in sorted(docs, key=lambda d: kind_rank(d[0].kind)):
        for k, v in (analysis.facts or {}).items():
            if facts.get(k) is None and v is not None:
                facts[k] = v
    return facts


def case_tags(docs, threshold: float) -> tuple[set[str], dict[str, tuple[float, list]]]:
    best: dict[str, tuple[float, list]] = {}
    for doc, _, analysis in docs:
        for t in analysis.tags:
            if t.tag not in best or t.score > best[t.tag][0]:
                best[t.tag] = (t.score, [(doc.name, e) for e in t.evidence])
    return {t for t, (s, _) in best.items() if s >= threshold}, best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, help="a corpus folder with archive/, gold/ and src/ (e.g. corpus/dev); "
                    "sets the two paths below")
    ap.add_argument("--archive", type=Path, default=ROOT / "corpus/archive")
    ap.add_argument("--gold", type=Path, default=ROOT / "corpus/gold/cases.jsonl")
    ap.add_argument("--split", choices=("tune", "test", "all"), default="tune")
    ap.add_argument("--threshold", type=float, default=CASE_TAG_MIN)
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--fit", action="store_true", help="fit the calibration (tuning cases only) and print it")
    args = ap.parse_args(argv)
    if args.corpus:
        args.archive, args.gold = args.corpus / "archive", args.corpus / "gold/cases.jsonl"
    if args.show and args.split != "tune":
        print("--show prints evidence: only for the tuning split", file=sys.stderr)
        return 2
    gold_rows = load_jsonl(args.gold)
    settings = Settings.from_env()
    codebook = load_codebook(settings.codebook)
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
        memoize_embeddings(args.cache)
    instrument()
    results = {}
    for split in (("tune", "test") if args.split == "all" else (args.split,)):
        rows = [r for r in gold_rows if r.get("split", "tune") == split]  # the gold names its held-back cases
        gold, pred = {}, {}
        right: dict[str, list[int]] = {"accident type": [], "deaths": []}
        for r in rows:
            docs = analyse_case(args.archive / r["case_id"], settings, args.cache)
            pred[r["case_id"]], best = case_tags(docs, args.threshold)
            facts = case_facts(docs)
            if r.get("accident_type"):
                right["accident type"].append(int(facts.get("accident_type") == r["accident_type"]))
            want = (r.get("facts") or {}).get("fatalities", r.get("fatalities"))
            if want is not None:
                right["deaths"].append(int(facts.get("fatalities") == want))
            gold[r["case_id"]] = set(r["tags"])
            if args.show and split == "tune":
                missed, extra = gold[r["case_id"]] - pred[r["case_id"]], pred[r["case_id"]] - gold[r["case_id"]]
                if missed or extra:
                    print(f"== {r['case_id']}")
                    for t in sorted(missed):
                        print(f"  MISSED {t} score={best.get(t, (0.0,))[0]:.2f}")
                        for name, e in (best.get(t) or (0, []))[1][:3]:
                            print(f"      {name} p{e.page}: {e.text[:150]}")
                    for t in sorted(extra):
                        print(f"  EXTRA  {t} score={best[t][0]:.2f}")
                        for name, e in best[t][1][:3]:
                            print(f"      {name} p{e.page}: {e.text[:150]}")
            if args.fit and split == "tune":
                FEATURES.extend(doc_features(docs, settings, gold[r["case_id"]]))
        results[split] = tag_scores(pred, gold, codebook.tag_ids())
        results[split]["cases"] = len(rows)
        results[split]["facts"] = {k: (sum(v), len(v)) for k, v in right.items()}
    if args.fit:
        fit_calibration(FEATURES)
    splits = list(results)
    print(f"{'tag':<38}" + "".join(f"{s + ' P':>9}{s + ' R':>9}{s + ' F1':>9}{'n':>4}" for s in splits))
    for tag in codebook.tag_ids() + ["micro", "macro"]:
        line = f"{tag:<38}"
        for s in splits:
            v = results[s]["per_tag"].get(tag) or results[s][tag]
            line += f"{v['precision']:>9.2f}{v['recall']:>9.2f}{v['f1']:>9.2f}{str(v.get('support', '')):>4}"
        print(line)
    print("cases: " + ", ".join(f"{s}={results[s]['cases']}" for s in splits))
    for s in (s for s in splits if any(n for _, n in results[s]["facts"].values())):
        print(f"{s}: " + ", ".join(f"{k} {a}/{n} = {a / n:.2f}" for k, (a, n) in results[s]["facts"].items() if n)
              + " (the case's facts as its profile aggregates them)")
    pages = TIMES.pop("pages", 0)
    total = TIMES.get("prepare", 0.0) + TIMES.get("analyze", 0.0)
    print(f"\npages: {int(pages)}; prepare+analyze {total:.1f}s = {pages / total if total else 0:.1f} pages/s")
    for k, v in sorted(TIMES.items(), key=lambda kv: -kv[1]):
        if k not in ("prepare", "analyze"):
            print(f"  {k:<15}{v:8.2f}s  {100 * v / total if total else 0:5.1f}%  "
                  f"{pages / v if v else 0:8.1f} pages/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
