"""Train the learned responsibility tagger (nlp/learned.py) from the genre corpus, and measure it
leave-one-genre-out beside the cue tagger, in one run.

    python -m dutytrace.nlp.train [--corpus corpus/genres] [--out dutytrace/nlp/tagger_model.npz]
                                  [--logo] [--house] [--cache DIR] [--json OUT]

The corpus: corpus/genres/archive/<case>/<documents> and corpus/genres/gold/cases-*.jsonl (tags,
accident type, facts, genre; for many cases the sentences that carry each tag and look-alikes that do
not). Labels per sentence: in a case with sentence labels, a sentence carries the tags of the labelled
sentences it matches and is a negative for every other tag; in a case without them, every sentence is a
negative for the tags the case does not carry (and unknown for those it does).

`--logo` trains on every genre but one and tests on that one, for each genre (thresholds chosen by
cross-validation inside the training genres only); `--house` adds the house-format corpus
(corpus/archive, corpus/dev, corpus/blind: case labels only) as a test set for the model trained on all
genres. Training is deterministic (fixed folds and solver)."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from dutytrace.config import Settings  # noqa: E402
from dutytrace.models import CASE_TAG_MIN  # noqa: E402
from dutytrace.nlp.learned import (FEATURE_VERSION, MODEL_PATH, LearnedTagger, Row, embed_rows,  # noqa: E402
                                   featurize, noisy_or, normalise, rows_from_readings)

ROOT = Path(__file__).resolve().parents[2]
CACHE_VERSION = 2  # the shape of a cached document (below)
THRESHOLD_GRID = np.round(np.arange(0.15, 0.91, 0.05), 2)
DEFAULT_THRESHOLD = 0.5
C = 1.0


@dataclass
class CaseData:
    case_id: str
    genre: str
    language: str
    tags: set
    accident_type: str | None
    fatalities: int | None
    sentence_labelled: bool
    docs: list = field(default_factory=list)  # [_document dicts, with "name"]


# -- reading the corpus -------------------------------------------------------------------------------
def load_gold(corpus: Path) -> list[dict]:
    gold = []
    for f in sorted((corpus / "gold").glob("cases*.jsonl")):
        gold += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    return gold


def _document(path: Path, case_id: str, settings: Settings, codebook, cache: Path | None):
    """One document as training and measuring read it: its sentence rows, the cue tagger's tags
    {tag: score}, the facts reader's facts, kind, language and (simplified) text; cached by its bytes
    and the code."""
    data = path.read_bytes()
    key = hashlib.sha256(data + f"{FEATURE_VERSION}|{CACHE_VERSION}|{_code_stamp()}".encode()).hexdigest()[:24]
    hit = cache / f"{key}.pkl" if cache else None
    if hit is not None and hit.exists():
        return pickle.loads(hit.read_bytes())
    from dataclasses import replace

    from dutytrace.indexing import max_chars
    from dutytrace.ingest.chunk import chunk_document
    from dutytrace.ingest.reader import read_document
    from dutytrace.nlp.accountability import extract_accountability
    from dutytrace.nlp.analyze import parse_chunks
    from dutytrace.nlp.facts import extract_facts
    from dutytrace.nlp.responsibility import sentence_readings, tag_chunks
    from dutytrace.nlp.tag_semantics import tag_similarity
    from dutytrace.script import to_simplified

    doc = read_document(data, str(path), case_id, path.name, settings.parse_timeout_s)
    chunks = chunk_document(doc, max_chars(settings, doc.language))
    lang = doc.language
    if lang == "zh":
        chunks = [replace(c, text=to_simplified(c.text), section=c.section and to_simplified(c.section),
                          speaker=c.speaker and to_simplified(c.speaker)) for c in chunks]
    _, _, docs = parse_chunks(chunks, lang, codebook, settings.spacy_en)
    people = extract_accountability(chunks, lang, codebook) if doc.kind != "transcript" else []
    rows = rows_from_readings(sentence_readings(chunks, lang, codebook, doc.kind, docs, people), lang, doc.kind)
    old, _ = tag_chunks(chunks, lang, codebook, doc.kind, docs, tag_similarity(codebook), people)
    text = to_simplified(doc.text) if lang == "zh" else doc.text
    facts = extract_facts(text, lang, codebook) if doc.kind in ("report", "other", "decision") else {}
    out = {"rows": rows, "old": {t.tag: t.score for t in old}, "facts": facts, "kind": doc.kind, "lang": lang,
           "text": text[:20000]}
    if hit is not None:
        hit.write_bytes(pickle.dumps(out))
    return out


def _code_stamp() -> str:
    """A digest of the NLP code the cached readings depend on (a change re-reads the corpus)."""
    h = hashlib.sha256()
    for name in ("responsibility.py", "tag_context.py", "polarity.py", "actors.py", "codebook.yaml", "facts.py",
                 "accountability.py", "learned.py"):
        h.update((Path(__file__).with_name(name)).read_bytes())
    return h.hexdigest()[:12]


def load_cases(corpus: Path, settings: Settings, cache: Path | None, gold: list[dict] | None = None,
               genre: str | None = None, progress=print) -> list[CaseData]:
    from dutytrace.nlp.codebook import load_codebook

    codebook = load_codebook(settings.codebook)
    cases = []
    gold = gold if gold is not None else load_gold(corpus)
    for g in gold:
        folder = corpus / "archive" / g["case_id"]
        if not folder.is_dir():
            progress(f"  {g['case_id']}: no folder, skipped")
            continue
        ev = g.get("evidence") or []
        cd = CaseData(g["case_id"], genre or g.get("genre", "?"), g.get("language", "en"), set(g.get("tags") or []),
                      g.get("accident_type"), (g.get("facts") or {}).get("fatalities"), bool(ev))
        for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name not in ("case.yaml", "case.json")):
            d = {**_document(path, g["case_id"], settings, codebook, cache), "name": path.name}
            rows = d["rows"]
            if ev:
                marks = [(normalise(e["text"]), set(e.get("tags") or [])) for e in ev
                         if e.get("doc") in (None, path.name)]
                for r in rows:
                    n = normalise(r.text)
                    for m, tags in marks:
                        if tags and len(n) >= 6 and (n in m or m in n):
                            r.labels |= tags
            cd.docs.append(d)
        cases.append(cd)
    return cases


# -- training ----------------------------------------------------------------------------------------
def _matrix(cases: list[CaseData], tag_ids: list[str], use_embeddings: bool):
    rows, owners = [], []
    for ci, c in enumerate(cases):
        for di, d in enumerate(c.docs):
            for r in d["rows"]:
                rows.append(r)
                owners.append((ci, di))
    emb = _embeddings(rows) if use_embeddings else None
    x = featurize(rows, tag_ids, emb) if rows else None
    y = np.zeros((len(rows), len(tag_ids)), np.int8)
    known = np.zeros((len(rows), len(tag_ids)), bool)
    for i, (r, (ci, _)) in enumerate(zip(rows, owners)):
        c = cases[ci]
        for j, t in enumerate(tag_ids):
            if c.sentence_labelled:
                y[i, j], known[i, j] = t in r.labels, True
            elif t not in c.tags:
                known[i, j] = True
    return x, y, known, owners


_EMB_MEMO: dict[str, np.ndarray] = {}


def _embeddings(rows: list[Row]) -> np.ndarray:
    todo = [r for r in rows if r.evidence.text not in _EMB_MEMO]
    if todo:
        for r, v in zip(todo, embed_rows(todo)):
            _EMB_MEMO[r.evidence.text] = v
    return np.stack([_EMB_MEMO[r.evidence.text] for r in rows])


def _fit(x, y, known, tag_ids):
    from sklearn.linear_model import LogisticRegression

    coef = np.zeros((len(tag_ids), x.shape[1]), np.float32)
    intercept = np.full(len(tag_ids), -5.0, np.float32)
    for j in range(len(tag_ids)):
        m = known[:, j]
        yj = y[m, j]
        if yj.sum() < 2 or yj.sum() == len(yj):
            continue
        clf = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=2000)
        clf.fit(x[m], yj)
        coef[j], intercept[j] = clf.coef_[0], clf.intercept_[0]
    return coef, intercept


def _case_scores(probs: np.ndarray, owners, n_cases: int, n_tags: int) -> np.ndarray:
    """Case x tag scores: the best document's noisy-or over its sentences."""
    by_doc: dict[tuple, list[int]] = defaultdict(list)
    for i, o in enumerate(owners):
        by_doc[o].append(i)
    out = np.zeros((n_cases, n_tags), np.float32)
    for (ci, _), idx in by_doc.items():
        for j in range(n_tags):
            out[ci, j] = max(out[ci, j], noisy_or(probs[idx, j]))
    return out


def _choose_thresholds(cases, tag_ids, matrix, folds: int = 5) -> np.ndarray:
    """Per tag, the case-level threshold with the best F1 over grouped cross-validation predictions
    (`matrix`: the cases' _matrix)."""
    x, y, known, owners = matrix
    case_of = np.array([ci for ci, _ in owners])
    oof = np.zeros((len(owners), len(tag_ids)), np.float32)
    order = sorted(range(len(cases)), key=lambda i: hashlib.sha256(cases[i].case_id.encode()).hexdigest())
    fold_of = {ci: k % folds for k, ci in enumerate(order)}
    row_fold = np.array([fold_of[ci] for ci in case_of])
    for k in range(folds):
        tr, te = row_fold != k, row_fold == k
        coef, b = _fit(x[tr], y[tr], known[tr], tag_ids)
        oof[te] = 1 / (1 + np.exp(-(np.asarray(x[te] @ coef.T) + b)))
    scores = _case_scores(oof, owners, len(cases), len(tag_ids))
    out = np.full(len(tag_ids), DEFAULT_THRESHOLD, np.float32)
    for j, t in enumerate(tag_ids):
        gold = np.array([t in c.tags for c in cases])
        if gold.sum() < 3:
            continue
        best = max(THRESHOLD_GRID, key=lambda th: (_f1(scores[:, j] >= th, gold), -abs(th - 0.5)))
        out[j] = best
    return out


def _f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = float((pred & gold).sum())
    return 0.0 if tp == 0 else 2 * tp / (pred.sum() + gold.sum())


def train(cases: list[CaseData], tag_ids: list[str], use_embeddings: bool, meta: dict | None = None) -> LearnedTagger:
    matrix = _matrix(cases, tag_ids, use_embeddings)
    thresholds = _choose_thresholds(cases, tag_ids, matrix)
    coef, b = _fit(*matrix[:3], tag_ids)
    return LearnedTagger(tag_ids, coef, b, thresholds, use_embeddings, meta)


def predict_cases(model: LearnedTagger, cases: list[CaseData]) -> dict[str, set[str]]:
    out = {}
    for c in cases:
        tags = set()
        for d in c.docs:
            results, _ = model.tag(d["rows"])
            tags |= {t.tag for t in results if t.score >= CASE_TAG_MIN}
        out[c.case_id] = tags
    return out


def old_cases(cases: list[CaseData]) -> dict[str, set[str]]:
    return {c.case_id: {t for d in c.docs for t, s in d["old"].items() if s >= CASE_TAG_MIN} for c in cases}


# -- measuring -----------------------------------------------------------------------------------------
def figures(pred: dict[str, set[str]], cases: list[CaseData], tag_ids: list[str]) -> dict:
    from dutytrace.evaluate import tag_scores

    gold = {c.case_id: c.tags for c in cases}
    s = tag_scores(pred, gold, tag_ids)
    recalls = [v["recall"] for v in s["per_tag"].values() if v["support"] > 0]
    return {"micro_f1": s["micro"]["f1"], "macro_f1": s["macro"]["f1"], "micro_p": s["micro"]["precision"],
            "micro_r": s["micro"]["recall"], "mean_recall": sum(recalls) / len(recalls) if recalls else 0.0,
            "per_tag_recall": {t: round(v["recall"], 2) for t, v in s["per_tag"].items() if v["support"] > 0}}


_ORDER = {"report": 0, "decision": 1, "other": 2, "transcript": 3}


def main_document(c: CaseData) -> dict | None:
    """The document that speaks for a case (a report, else a decision, ...), as case profiles choose."""
    return min(c.docs, key=lambda d: _ORDER.get(d["kind"], 4)) if c.docs else None


def fact_figures(cases: list[CaseData], types: "TypeClassifier | None" = None, codebook=None) -> dict:
    """Accident type (the facts reader's, and the classifier's when given) and deaths exact."""
    typed = [c for c in cases if c.accident_type]
    dead = [c for c in cases if c.fatalities is not None]

    def fact(c, key):
        for d in sorted(c.docs, key=lambda d: _ORDER.get(d["kind"], 4)):
            if d["facts"].get(key) is not None:
                return d["facts"][key]
        return None
    out = {"type_acc_rules": sum(fact(c, "accident_type") == c.accident_type for c in typed) / max(1, len(typed)),
           "type_none_rules": sum(fact(c, "accident_type") is None for c in typed),
           "deaths_exact": sum(fact(c, "fatalities") == c.fatalities for c in dead) / max(1, len(dead))}
    if types is not None:
        hits = product = 0
        for c in typed:
            d = main_document(c)
            rule = d["facts"].get("accident_type")
            guess = types.predict(d["text"], d["lang"], codebook, rule)[0]
            hits += guess == c.accident_type
            product += (rule or guess) == c.accident_type  # what analyze gives: the rules' type, else the classifier's
        out["type_acc"] = hits / max(1, len(typed))
        out["type_acc_product"] = product / max(1, len(typed))
    return out


def train_types(cases: list[CaseData], codebook) -> "TypeClassifier":
    """The accident-type classifier, from every document of every typed case (each labelled with its case's type)."""
    from dutytrace.nlp.type_model import TypeClassifier

    docs = [(d["text"], d["lang"], c.accident_type, d["facts"].get("accident_type")) for c in cases if c.accident_type
            for d in c.docs]
    return TypeClassifier.fit([x[0] for x in docs], [x[1] for x in docs], [x[2] for x in docs], codebook,
                              {"cases": len({c.case_id for c in cases})}, rules=[x[3] for x in docs])


HOUSE = (("house-archive", ROOT / "corpus"), ("house-dev", ROOT / "corpus" / "dev"),
         ("house-blind", ROOT / "corpus" / "blind"))


def load_house(settings: Settings, cache: Path | None, names=("house-archive", "house-dev")) -> list[CaseData]:
    """The house-format corpora (case labels only; corpus/blind stays out unless named)."""
    out = []
    for name, corpus in HOUSE:
        if name in names:
            gold = [json.loads(x) for x in (corpus / "gold" / "cases.jsonl").read_text(encoding="utf-8").splitlines()
                    if x.strip()]
            out += load_cases(corpus, settings, cache, gold, genre=name)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "genres")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--logo", action="store_true", help="leave-one-genre-out figures, beside the cue tagger")
    ap.add_argument("--house", action="store_true",
                    help="test the tagger on the house-format corpora too (corpus/archive, dev, blind)")
    ap.add_argument("--embeddings", choices=("on", "off"), default="off")
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--no-save", action="store_true")
    a = ap.parse_args(argv)
    if a.cache:
        a.cache.mkdir(parents=True, exist_ok=True)
    settings = Settings.from_env()
    from dutytrace.nlp.codebook import load_codebook
    from dutytrace.nlp.type_model import MODEL_PATH as TYPE_PATH

    codebook = load_codebook(settings.codebook)
    tag_ids = codebook.tag_ids()
    use_emb = a.embeddings == "on"
    t0 = time.time()
    cases = load_cases(a.corpus, settings, a.cache)
    # the accident-type classifier learns from the house-format cases too (their gold gives the type);
    # the tagger does not (they have no sentence labels, and they are the cue tagger's own format)
    house = load_house(settings, a.cache)
    n_rows = sum(len(d["rows"]) for c in cases for d in c.docs)
    print(f"{len(cases)} genre cases ({sum(c.sentence_labelled for c in cases)} with sentence labels), {n_rows} "
          f"sentences; {len(house)} house-format cases for the type classifier; read in {time.time() - t0:.0f} s",
          flush=True)
    report: dict = {"cases": len(cases), "sentences": n_rows, "embeddings": use_emb, "genres": {}}
    if a.logo:
        genres = sorted({c.genre for c in cases})
        print(f"\nleave-one-genre-out ({len(genres)} genres): learned tagger vs cue tagger; accident type by the "
              "classifier vs the cue rules; deaths exact")
        print(f"{'genre':<11}{'n':>3}  {'micro':>6}{'macro':>6}{'m.rec':>6}   {'cue micro':>9}{'macro':>6}{'m.rec':>6}"
              f"   {'either':>6}{'macro':>6}{'m.rec':>6}   {'type':>5}{'rules':>6}{'deaths':>7}")
        for g in genres:
            test = [c for c in cases if c.genre == g]
            rest = [c for c in cases if c.genre != g]
            model = train(rest, tag_ids, use_emb)
            types = train_types(rest + house, codebook)
            learned, cue = predict_cases(model, test), old_cases(test)
            new, old = figures(learned, test, tag_ids), figures(cue, test, tag_ids)
            both = figures({c: learned[c] | cue[c] for c in learned}, test, tag_ids)
            ff = fact_figures(test, types, codebook)
            report["genres"][g] = {"n": len(test), "learned": new, "cue": old, "either": both, **ff}
            print(f"{g:<11}{len(test):>3}  {new['micro_f1']:6.2f}{new['macro_f1']:6.2f}{new['mean_recall']:6.2f}   "
                  f"{old['micro_f1']:9.2f}{old['macro_f1']:6.2f}{old['mean_recall']:6.2f}   "
                  f"{both['micro_f1']:6.2f}{both['macro_f1']:6.2f}{both['mean_recall']:6.2f}   {ff['type_acc']:5.2f}"
                  f"{ff['type_acc_rules']:6.2f}{ff['deaths_exact']:7.2f}", flush=True)
        for key in ("learned", "cue", "either"):
            for m in ("micro_f1", "macro_f1", "mean_recall"):
                report[f"mean_{key}_{m}"] = sum(v[key][m] for v in report["genres"].values()) / len(genres)
        report["mean_type_acc"] = sum(v["type_acc"] for v in report["genres"].values()) / len(genres)
        report["mean_type_acc_rules"] = sum(v["type_acc_rules"] for v in report["genres"].values()) / len(genres)
        print(f"{'mean':<14}  {report['mean_learned_micro_f1']:6.2f}{report['mean_learned_macro_f1']:6.2f}"
              f"{report['mean_learned_mean_recall']:6.2f}   {report['mean_cue_micro_f1']:9.2f}"
              f"{report['mean_cue_macro_f1']:6.2f}{report['mean_cue_mean_recall']:6.2f}   "
              f"{report['mean_either_micro_f1']:6.2f}{report['mean_either_macro_f1']:6.2f}"
              f"{report['mean_either_mean_recall']:6.2f}   {report['mean_type_acc']:5.2f}{report['mean_type_acc_rules']:6.2f}")
    model = train(cases, tag_ids, use_emb, {"trained_on": sorted({c.genre for c in cases}), "cases": len(cases)})
    types = train_types(cases + house, codebook)
    if a.house:
        for name, _ in HOUSE:
            test = load_house(settings, a.cache, (name,))
            learned, cue = predict_cases(model, test), old_cases(test)
            new, old = figures(learned, test, tag_ids), figures(cue, test, tag_ids)
            both = figures({c: learned[c] | cue[c] for c in learned}, test, tag_ids)
            report["genres"][name] = {"n": len(test), "learned": new, "cue": old, "either": both}
            print(f"{name:<14} n={len(test)}  learned micro {new['micro_f1']:.2f} macro {new['macro_f1']:.2f} "
                  f"m.rec {new['mean_recall']:.2f} | cue micro {old['micro_f1']:.2f} macro {old['macro_f1']:.2f} "
                  f"m.rec {old['mean_recall']:.2f} | either micro {both['micro_f1']:.2f} macro {both['macro_f1']:.2f} "
                  f"m.rec {both['mean_recall']:.2f}", flush=True)
    if not a.no_save:
        model.save(a.out)
        types.save(a.out.with_name(TYPE_PATH.name))
        print(f"\nmodels: {a.out} ({a.out.stat().st_size / 1e6:.1f} MB), {TYPE_PATH.name}; thresholds "
              + ", ".join(f"{t}={th:.2f}" for t, th in zip(tag_ids, model.thresholds)))
    if a.json:
        a.json.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
