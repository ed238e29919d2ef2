"""Train the learned item reader for rectification measures (nlp/measures_learned.py) and measure it
leave-one-set-out, beside the rules.

    python -m dutytrace.nlp.train_measures                 # leave-one-set-out table, then train on all and save
    python -m dutytrace.nlp.train_measures --no-save --json out.json

Tuning material only: corpus/genres/gold/measures.jsonl lines with split "tune" (odd case numbers where a
line has no split), corpus/genres/gold/measures_blind2.jsonl lines with split "tune",
corpus/genres/gold/measures_blind3.jsonl (all "tune"), and the house corpus's gold (corpus/gold/measures.jsonl,
reports under corpus/archive). Held-out lines are never read, nor any other gold file.

Units (measures_learned.units) are labelled against each case's gold items as the benchmark matches items
(benchmarks/measure_measures.py: difflib ratio of the normalised texts >= 0.6): a unit that matches a gold
item is a positive, every other unit of the same documents a negative. Sets (the folds): the genre
archive, measures_tune, measures_blind (odd), measures_blind2 (tune half), measures_blind3, the house corpus.
For each set left out, a model trained on the others reads it, and its items are matched to the gold
exactly as the benchmark does: the rules alone, the classifier alone, and the rules combined with it at
each threshold and veto of a grid. The threshold and veto (per language) are chosen on the sets the rules
were tuned on (UNSEEN_BY_RULES aside): the lowest threshold keeping their precision >= MIN_P and the largest
veto keeping their recall >= MIN_R; the set the rules never saw then measures the gain. Deterministic
(liblinear, fixed order)."""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from dutytrace.nlp import measures_learned as L

ROOT = Path(__file__).resolve().parents[2]
GENRES = ROOT / "corpus" / "genres"
SOURCES = ("archive", "measures_tune", "measures_blind", "measures_blind2", "measures_blind3")
THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.01)  # 1.01: no classifier items
VETOES = (0.0, 0.1, 0.2, 0.3, 0.5)
MIN_P, MIN_R = 0.90, 1.0  # a veto may cost no rule item the rules were right to give
# the veto stays off: at 0.1 it cost no gold item on the tuned sets (blind3 en P 0.583 -> 0.609) but dropped
# rule items the rules give on purpose in their unit tests (a coroner's actions, news reporting an order,
# "recommending that …"); the rules' items are kept
USE_VETO = False
C = 0.5
# the sets the rules (nlp/measures.py) were never tuned on: measures_blind3 was measured with them once and made
# tuning material after (commit 05c7ddc) with no change to the rules since; on every other set the rules were
# tuned until they scored about 1.0, so there they show the combination's cost (its extra items), not its gain
UNSEEN_BY_RULES = ("measures_blind3",)


def _norm(s: str | None) -> str:
    return L._norm(s)


def _match(gold: list[str], found: list[str]) -> int:
    """Matched pairs, as benchmarks/measure_measures.py counts them (ratio >= 0.6, best first, each once)."""
    pairs = []
    for i, g in enumerate(gold):
        for j, f in enumerate(found):
            r = difflib.SequenceMatcher(None, _norm(g), _norm(f), autojunk=False).ratio()
            if r >= 0.6:
                pairs.append((r, i, j))
    ug, uf, n = set(), set(), 0
    for _, i, j in sorted(pairs, reverse=True):
        if i not in ug and j not in uf:
            ug.add(i)
            uf.add(j)
            n += 1
    return n


def _tune(case_id: str, marked: str | None) -> bool:
    if marked:
        return marked == "tune"
    return int(re.findall(r"\d+", case_id)[-1]) % 2 == 1


def gold_cases() -> list[dict]:
    """[{case_id, lang, set, items, folder}] of the tuning material."""
    out = []

    def read(path: Path):
        return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    for g in read(GENRES / "gold" / "measures.jsonl") + read(GENRES / "gold" / "measures_blind2.jsonl") + \
            read(GENRES / "gold" / "measures_blind3.jsonl"):
        if not _tune(g["case_id"], g.get("split")):
            continue
        src = next((d for d in SOURCES if (GENRES / d / g["case_id"]).is_dir()), None)
        if src is None:
            continue
        out.append({"case_id": g["case_id"], "lang": g["language"], "set": src, "folder": GENRES / src / g["case_id"],
                    "items": [i["measure"] for i in g["items"]], "house": False})
    for g in read(ROOT / "corpus" / "gold" / "measures.jsonl"):
        out.append({"case_id": g["case_id"], "lang": g["language"], "set": "house",
                    "folder": ROOT / "corpus" / "archive" / g["case_id"], "items": [i["measure"] for i in g["items"]],
                    "house": True})
    return out


def read_docs(case: dict) -> list[dict]:
    """The case's documents as extract_measures reads them (simplified script): pages, language, the rules'
    items, the units."""
    from dutytrace.ingest.reader import read_document
    from dutytrace.models import Page
    from dutytrace.nlp.deadlines import document_date
    from dutytrace.nlp.measures import rule_measures
    from dutytrace.script import is_traditional, to_simplified

    paths = sorted(case["folder"].glob("report.*")) if case["house"] else sorted(case["folder"].iterdir())
    out = []
    for path in paths:
        if path.suffix.lower() not in (".pdf", ".txt", ".docx"):
            continue
        doc = read_document(path.read_bytes(), str(path), case["case_id"], path.name, 120)
        if doc.kind == "transcript":
            continue
        pages = list(doc.pages)
        if doc.language == "zh" and is_traditional(doc.text):
            pages = [Page(p.number, to_simplified(p.text)) for p in doc.pages]
        out.append({"lang": doc.language, "rules": rule_measures(pages, doc.language),
                    "units": L.units(pages, doc.language), "base": document_date(pages, doc.language)})
    return out


def embed_all(cases: list[dict], cache: Path | None) -> None:
    texts = sorted({u.text for c in cases for d in c["docs"] for u in d["units"]})
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    f = cache / f"measures-units-{key}.npy" if cache else None
    if f and f.exists():
        vecs = np.load(f)
    else:
        got = L.embed(texts)
        if got is None:
            raise SystemExit("train_measures: the embedding model could not be loaded (see `dutytrace check`)")
        vecs = got
        if f is not None:
            np.save(f, vecs)
    at = {t: i for i, t in enumerate(texts)}
    for c in cases:
        for d in c["docs"]:
            d["x"] = L.features(d["units"], vecs[[at[u.text] for u in d["units"]]].reshape(-1, vecs.shape[1]), d["lang"]) \
                if d["units"] else np.zeros((0, vecs.shape[1] + 2 * len(L.CUES)), np.float32)


def label(cases: list[dict]) -> None:
    from dutytrace.script import to_simplified

    for c in cases:
        gold = [_norm(to_simplified(g)) for g in c["items"]]
        c["gold_s"] = gold
        for d in c["docs"]:
            d["y"] = np.array([any(difflib.SequenceMatcher(None, _norm(u.text), g, autojunk=False).ratio() >= 0.6
                                   for g in gold) for u in d["units"]], dtype=np.int8)


def fit(cases: list[dict]):
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([d["x"] for c in cases for d in c["docs"] if len(d["units"])])
    y = np.concatenate([d["y"] for c in cases for d in c["docs"] if len(d["units"])])
    lr = LogisticRegression(C=C, solver="liblinear", max_iter=2000, class_weight="balanced")
    lr.fit(x, y)
    return lr.coef_[0].astype(np.float32), float(lr.intercept_[0])


def score(cases: list[dict], coef, intercept, grid) -> dict:
    """{(threshold, veto): {lang: [gold, found, matched]}} over the cases, plus ("rules",) and ("learned",)."""
    out: dict = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for c in cases:
        from dutytrace.script import to_simplified

        gold = [to_simplified(g) for g in c["items"]]
        lang = c["lang"]
        per: dict = defaultdict(list)
        for d in c["docs"]:
            p = 1 / (1 + np.exp(-(d["x"] @ coef + intercept))) if len(d["units"]) else np.zeros(0)
            per["rules"] += [m.measure for m in d["rules"]]
            per["learned"] += [u.text for u, q in zip(d["units"], p) if q >= 0.5]
            if "near" not in d:
                d["near"] = L.nearby(d["rules"], d["units"])
            for t, v in grid:
                per[(t, v)] += [m.measure for m in L.combine(d["rules"], d["units"], p, d["lang"], d["base"], t, v,
                                                             d["near"])]
        for k, found in per.items():
            s = out[k][lang]
            s[0] += len(gold)
            s[1] += len(found)
            s[2] += _match(gold, found)
    return out


def pr(s) -> tuple[float, float]:
    return (s[2] / s[1] if s[1] else 1.0), (s[2] / s[0] if s[0] else 1.0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=L.MODEL_PATH)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/dutytrace-measures-cache"))
    ap.add_argument("--no-save", action="store_true")
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args(argv)
    a.cache.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    cases = gold_cases()
    for c in cases:
        c["docs"] = read_docs(c)
    embed_all(cases, a.cache)
    label(cases)
    n_units = sum(len(d["units"]) for c in cases for d in c["docs"])
    n_pos = sum(int(d["y"].sum()) for c in cases for d in c["docs"])
    n_gold = sum(len(c["items"]) for c in cases)
    print(f"{len(cases)} tuning cases, {n_gold} gold items; {n_units} units, {n_pos} matching a gold item "
          f"({n_pos / max(1, n_gold):.2f} of the gold items reachable as one unit); read in {time.time() - t0:.0f} s",
          flush=True)
    grid = [(t, v) for t in THRESHOLDS for v in VETOES]
    sets = sorted({c["set"] for c in cases})
    folds = {}
    for s in sets:
        coef, b = fit([c for c in cases if c["set"] != s])
        folds[s] = score([c for c in cases if c["set"] == s], coef, b, grid)
    langs = ("en", "zh")

    def pooled(key, lang, among):
        tot = [0, 0, 0]
        for s in among:
            for k in range(3):
                tot[k] += folds[s][key][lang][k] if lang in folds[s][key] else 0
        return tot
    # the operating point per language, chosen on the sets the rules were tuned on only: the lowest threshold at
    # which the combination keeps their precision >= MIN_P, the largest veto that keeps their recall >= MIN_R.
    # The sets the rules never saw (UNSEEN_BY_RULES) then measure it without having chosen it.
    tuned = [s for s in sets if s not in UNSEEN_BY_RULES]
    unseen = [s for s in sets if s in UNSEEN_BY_RULES]
    best = {}
    for lang in langs:
        t = min((t for t in THRESHOLDS if pr(pooled((t, 0.0), lang, tuned))[0] >= MIN_P), default=THRESHOLDS[-1])
        v = 0.0 if not USE_VETO else max((v for v in VETOES if pr(pooled((t, v), lang, tuned))[1] >= MIN_R), default=0.0)
        best[lang] = (t, v)
    report: dict[str, Any] = {"cases": len(cases), "units": n_units, "positives": n_pos, "gold_items": n_gold,
              "threshold": {k: t for k, (t, _) in best.items()}, "veto": {k: v for k, (_, v) in best.items()},
              "folds": {}, "pooled": {}}
    print("\nleave-one-set-out (the classifier trained on the other sets; items matched as benchmarks/measure_measures.py "
          "does): P / R of the rules, the classifier alone (p >= 0.5), and the rules combined with it at the chosen "
          "point (" + ", ".join(f"{k}: threshold {t}, veto {v}" for k, (t, v) in best.items()) + ")")
    print(f"{'set':<22}{'lang':<5}{'gold':>5}   {'rules P':>7}{'R':>6}   {'clf P':>6}{'R':>6}   {'comb P':>6}{'R':>6}")
    rows = [(s, [s]) for s in sets] + [("POOLED rules-tuned", tuned), ("POOLED unseen by rules", unseen),
                                       ("POOLED all", sets)]
    for name, among in rows:
        for lang in langs:
            keys = ("rules", "learned", best[lang])
            got = {k: pooled(k, lang, among) for k in keys}
            if not got["rules"][0]:
                continue
            cells = [pr(got[k]) for k in keys]
            print(f"{name:<22}{lang:<5}{got['rules'][0]:>5}   " + "   ".join(f"{p:7.3f}{r:6.3f}" for p, r in cells))
            report["folds" if len(among) == 1 else "pooled"].setdefault(name, {})[lang] = {
                "gold": got["rules"][0], **{n: {"P": round(p, 3), "R": round(r, 3)}
                                            for n, (p, r) in zip(("rules", "classifier", "combined"), cells)}}
    print("\nthe grid (P/R): pooled over the rules-tuned sets | over the sets unseen by the rules")
    for k in grid:
        print(f"  threshold {k[0]:<5} veto {k[1]:<5}" + "".join(
            f"  {lang} " + " | ".join("{:.3f}/{:.3f}".format(*pr(pooled(k, lang, among))) for among in (tuned, unseen))
            for lang in langs))
    coef, b = fit(cases)
    model = L.MeasuresModel(coef, b, report["threshold"], report["veto"], {
        "cues": list(L.CUES), "C": C, "cases": len(cases), "units": n_units, "positives": n_pos,
        "sets": sets, "trained_on": "all measures tuning material (see dutytrace/nlp/train_measures.py)"})
    if not a.no_save:
        model.save(a.out)
        print(f"\nmodel: {a.out} ({a.out.stat().st_size / 1e3:.0f} kB), threshold {report['threshold']}, "
              f"veto {report['veto']}")
    print(f"{time.time() - t0:.0f} s in all")
    if a.json:
        a.json.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
