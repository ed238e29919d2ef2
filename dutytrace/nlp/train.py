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
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from dutytrace.config import Settings  # noqa: E402
from dutytrace.models import CASE_TAG_MIN, kind_rank  # noqa: E402
from dutytrace.nlp.learned import (MODEL_PATH, N_STACK, SOURCES, LearnedTagger, Row, embed_rows,  # noqa: E402
                                   featurize, normalise, reads, rows_from_readings, stack_features)
from dutytrace.nlp.polarity import ASSERTED  # noqa: E402

if TYPE_CHECKING:  # the annotations' name; train_types() imports it when it runs
    from dutytrace.nlp.type_model import TypeClassifier

ROOT = Path(__file__).resolve().parents[2]
CACHE_VERSION = 3  # the shape of a cached document (below)
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
    key = hashlib.sha256(data + f"{CACHE_VERSION}|{_code_stamp()}".encode()).hexdigest()[:24]
    hit = cache / f"{key}.pkl" if cache else None
    if hit is not None and hit.exists():
        return _with_facts(pickle.loads(hit.read_bytes()), codebook)
    from dataclasses import replace

    from dutytrace.indexing import max_chars
    from dutytrace.ingest.chunk import chunk_document
    from dutytrace.ingest.reader import read_document
    from dutytrace.nlp.accountability import extract_accountability
    from dutytrace.nlp.analyze import parse_chunks
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
    out = {"rows": rows, "old": {t.tag: t.score for t in old}, "kind": doc.kind, "lang": lang, "text": text[:20000]}
    if hit is not None:
        hit.write_bytes(pickle.dumps(out))
    return _with_facts(out, codebook)


def _with_facts(d: dict, codebook) -> dict:
    """The facts `analyze` gives the document (read afresh: cheap, and not part of the cached readings)."""
    from dutytrace.nlp.facts import document_facts

    return {**d, "facts": document_facts(d["text"], d["lang"], codebook, d["kind"])}


@lru_cache(maxsize=1)
def _code_stamp() -> str:
    """A digest of the NLP code the cached readings depend on (a change re-reads the corpus): the cue
    tagger's modules and the learned tagger's sentence rows (not its model, nor the facts reader)."""
    import inspect

    from dutytrace.nlp import analyze, learned

    h = hashlib.sha256()
    for name in ("responsibility.py", "tag_context.py", "polarity.py", "actors.py", "codebook.yaml",
                 "accountability.py"):
        h.update((Path(__file__).with_name(name)).read_bytes())
    h.update((inspect.getsource(learned.Row) + inspect.getsource(learned.rows_from_readings)
              + inspect.getsource(analyze.parse_chunks)).encode())
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
            decoy = [None] * len(rows)  # per row: the look-alike kind its label gives it (denial, recommendation...)
            if ev:
                marks = [(normalise(e["text"]), set(e.get("tags") or []), e.get("decoy")) for e in ev
                         if e.get("doc") in (None, path.name)]
                for i, r in enumerate(rows):
                    n = normalise(r.text)
                    for m, tags, kind in marks:
                        if len(n) >= 6 and (n in m or m in n):
                            if tags:
                                r.labels |= tags
                            elif kind:
                                decoy[i] = kind
                for i, r in enumerate(rows):
                    if r.labels:
                        decoy[i] = None  # a sentence that also states a finding is no look-alike
            d["decoy"] = decoy
            cd.docs.append(d)
        cases.append(cd)
    return cases


# -- training ----------------------------------------------------------------------------------------
DECOY_WEIGHT = 3.0  # a labelled look-alike (recommendation, clearance, denial...): an explicit negative
UNLABELLED_WEIGHT = 0.5  # a sentence of a case labelled per case only (a genre case without sentence labels)
HOUSE_WEIGHT = 0.25  # a sentence of a house-format case (corpus/archive, dev: one format, labelled per case)
SILVER_MIN_WEIGHT = 0.6  # a cue's weight by where it stands (findings 1.0 ... rescue 0.6; measures 0.15)
FOLDS = 3


def silver(row: Row, tag: str) -> bool:
    """In a case labelled per case only, carrying `tag`: the sentence is taken as stating it where the cue
    rules assert it there, in a findings-like place (no denial, recommendation, answer or measure)."""
    c = row.cues.get(tag)
    return c is not None and c[0] == ASSERTED and c[1] >= SILVER_MIN_WEIGHT


def _matrix(cases: list[CaseData], tag_ids: list[str], use_embeddings: bool):
    """Features, labels, which labels are known, each row's (case, document) and weight.

    A case with sentence labels: a sentence carries the tags of the labelled sentences it matches and is a
    negative for every other tag (a labelled look-alike with DECOY_WEIGHT). A case labelled per case only:
    every sentence is a negative for the tags the case lacks; for a tag it carries, the silver sentences
    are positives and the rest unknown."""
    from scipy import sparse

    rows, owners, weights, blocks = [], [], [], []
    for ci, c in enumerate(cases):
        for di, d in enumerate(c.docs):
            # an interview of a case labelled per case only: its answers speak of the case's issues without
            # the cue rules' findings to say which, and as negatives alone they would teach that an answer is
            # never a finding; its sentences are read (for the document decision) but not learned from
            unread = not c.sentence_labelled and d["kind"] == "transcript"
            decoy = d.get("decoy") or [None] * len(d["rows"])
            for r, kind in zip(d["rows"], decoy):
                rows.append(r)
                owners.append((ci, di))
                weights.append(0.0 if unread else DECOY_WEIGHT if kind else 1.0 if c.sentence_labelled
                               else HOUSE_WEIGHT if c.genre.startswith("house-") else UNLABELLED_WEIGHT)
            if d["rows"] and not use_embeddings:
                blocks.append(_doc_features(d, tag_ids))
    if use_embeddings:
        x = featurize(rows, tag_ids, _embeddings(rows)) if rows else None
    else:
        x = sparse.vstack(blocks, format="csr") if blocks else None
    y = np.zeros((len(rows), len(tag_ids)), np.int8)
    known = np.zeros((len(rows), len(tag_ids)), bool)
    for i, (r, (ci, _)) in enumerate(zip(rows, owners)):
        c = cases[ci]
        for j, t in enumerate(tag_ids):
            if weights[i] == 0:
                continue
            if c.sentence_labelled:
                y[i, j], known[i, j] = t in r.labels, True
            elif t not in c.tags:
                known[i, j] = True
            elif silver(r, t):
                y[i, j], known[i, j] = 1, True
    return x, y, known, owners, np.array(weights, np.float32)


def _doc_features(d: dict, tag_ids: list[str]):
    """A document's feature rows (made once per run: every model of a run reads the same documents)."""
    if d.get("x") is None:
        d["x"] = featurize(d["rows"], tag_ids)
    return d["x"]


_EMB_MEMO: dict[str, np.ndarray] = {}


def _embeddings(rows: list[Row]) -> np.ndarray:
    todo = [r for r in rows if r.evidence.text not in _EMB_MEMO]
    if todo:
        for r, v in zip(todo, embed_rows(todo)):
            _EMB_MEMO[r.evidence.text] = v
    return np.stack([_EMB_MEMO[r.evidence.text] for r in rows])


def _fit(x, y, known, weights, tag_ids):
    from sklearn.linear_model import LogisticRegression

    coef = np.zeros((len(tag_ids), x.shape[1]), np.float32)
    intercept = np.full(len(tag_ids), -5.0, np.float32)
    for j in range(len(tag_ids)):
        m = known[:, j]
        yj = y[m, j]
        if yj.sum() < 2 or yj.sum() == len(yj):
            continue
        # the dual problem: many more hashed features than sentences (ten times faster than the primal here)
        clf = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", dual=True, tol=1e-3,
                                 max_iter=5000, random_state=0)
        clf.fit(x[m], yj, sample_weight=weights[m])
        coef[j], intercept[j] = clf.coef_[0], clf.intercept_[0]
    return coef, intercept


def _choose_thresholds(cases, tag_ids, matrix, folds: int = FOLDS) -> tuple[np.ndarray, np.ndarray]:
    """Per tag, the document decision (LearnedTagger.stack) and its case-level threshold, from grouped
    cross-validated sentence probabilities (`matrix`: the cases' _matrix): the decision is fitted on the
    documents (each labelled with its case's tags), the threshold is the one with the best case F1 (a
    case's score: its best document's)."""
    from sklearn.linear_model import LogisticRegression

    x, y, known, owners, w = matrix
    case_of = np.array([ci for ci, _ in owners])
    oof = np.zeros((len(owners), len(tag_ids)), np.float32)
    order = sorted(range(len(cases)), key=lambda i: hashlib.sha256(cases[i].case_id.encode()).hexdigest())
    fold_of = {ci: k % folds for k, ci in enumerate(order)}
    row_fold = np.array([fold_of[ci] for ci in case_of])
    for k in range(folds):
        tr, te = row_fold != k, row_fold == k
        coef, b = _fit(x[tr], y[tr], known[tr], w[tr], tag_ids)
        oof[te] = 1 / (1 + np.exp(-(np.asarray(x[te] @ coef.T) + b)))
    by_doc: dict[tuple, list[int]] = defaultdict(list)
    for i, o in enumerate(owners):
        by_doc[o].append(i)
    docs = sorted(by_doc)
    doc_case = np.array([ci for ci, _ in docs])
    thresholds = np.full(len(tag_ids), DEFAULT_THRESHOLD, np.float32)
    stack = LearnedTagger(tag_ids, np.zeros((len(tag_ids), 1)), np.zeros(len(tag_ids)), thresholds, False).stack
    for j, t in enumerate(tag_ids):
        gold = np.array([t in c.tags for c in cases])
        if gold.sum() < 3 or gold.all():
            continue
        feats = np.stack([stack_features(oof[by_doc[o], j], cases[o[0]].docs[o[1]]["old"].get(t, 0.0)) for o in docs])
        clf = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000).fit(feats, gold[doc_case])
        stack[j, :N_STACK], stack[j, N_STACK] = clf.coef_[0], clf.intercept_[0]
        p_doc = clf.predict_proba(feats)[:, 1]
        score = np.zeros(len(cases), np.float32)
        np.maximum.at(score, doc_case, p_doc.astype(np.float32))
        thresholds[j] = max(THRESHOLD_GRID, key=lambda th: (_f1(score >= th, gold), -abs(th - 0.5)))
    return thresholds, stack


def _f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = float((pred & gold).sum())
    return 0.0 if tp == 0 else 2 * tp / (pred.sum() + gold.sum())


def train(cases: list[CaseData], tag_ids: list[str], use_embeddings: bool, meta: dict | None = None) -> LearnedTagger:
    matrix = _matrix(cases, tag_ids, use_embeddings)
    thresholds, stack = _choose_thresholds(cases, tag_ids, matrix)
    x, y, known, _, w = matrix
    coef, b = _fit(x, y, known, w, tag_ids)
    return LearnedTagger(tag_ids, coef, b, thresholds, use_embeddings, meta, stack)


def predict_scores(model: LearnedTagger, cases: list[CaseData]) -> dict[str, dict[str, float]]:
    """Per case, the classifier's score of each tag (its best document's, on the CASE_TAG_MIN scale)."""
    out: dict[str, dict[str, float]] = {}
    for c in cases:
        best: dict[str, float] = {}
        for d in c.docs:
            results = model.tag(d["rows"], None if model.use_embeddings or not d["rows"]
                                   else _doc_features(d, model.tag_ids), d["old"]).tags
            for t in results:
                best[t.tag] = max(best.get(t.tag, 0.0), t.score)
        out[c.case_id] = best
    return out


def predict_cases(model: LearnedTagger, cases: list[CaseData]) -> dict[str, set[str]]:
    return {c: {t for t, s in scores.items() if s >= CASE_TAG_MIN} for c, scores in predict_scores(model, cases).items()}


def old_cases(cases: list[CaseData], at: float = CASE_TAG_MIN) -> dict[str, set[str]]:
    """The cue tagger's case tags: those a document scores at least `at` (CASE_TAG_MIN: its decision)."""
    return {c.case_id: {t for d in c.docs for t, s in d["old"].items() if s >= at} for c in cases}


# -- measuring -----------------------------------------------------------------------------------------
def figures(pred: dict[str, set[str]], cases: list[CaseData], tag_ids: list[str]) -> dict:
    from dutytrace.evaluate import tag_scores

    gold = {c.case_id: c.tags for c in cases}
    s = tag_scores(pred, gold, tag_ids)
    recalls = [v["recall"] for v in s["per_tag"].values() if v["support"] > 0]
    return {"micro_f1": s["micro"]["f1"], "macro_f1": s["macro"]["f1"], "micro_p": s["micro"]["precision"],
            "micro_r": s["micro"]["recall"], "mean_recall": sum(recalls) / len(recalls) if recalls else 0.0,
            "per_tag_recall": {t: round(v["recall"], 2) for t, v in s["per_tag"].items() if v["support"] > 0}}


def main_document(c: CaseData) -> dict | None:
    """The document that speaks for a case (a report, else a decision, ...), as case profiles choose."""
    return min(c.docs, key=lambda d: kind_rank(d["kind"])) if c.docs else None


def fact_figures(cases: list[CaseData], types: "TypeClassifier | None" = None, codebook=None) -> dict:
    """Accident type (the facts reader's, and the classifier's when given) and deaths exact."""
    typed = [c for c in cases if c.accident_type]
    dead = [c for c in cases if c.fatalities is not None]

    def fact(c, key):
        for d in sorted(c.docs, key=lambda d: kind_rank(d["kind"])):
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


TAGGERS = ("cue", "learned", "either", "gated")
# the cue rules; the classifier; both (DUTYTRACE_TAGGER=learned: a tag either decides); gated: the cue rules'
# tags, and the classifier's where the cue rules give the tag some support (cue score >= GATE[0]) or the
# classifier is sure of it (score >= GATE[1]). In --json also: the gate at other values (GATED_GRID), and
# "sure@x": the classifier with the cue rules' sure findings only (cue score >= x)
GATE = (0.4, 0.8)
GATED_GRID = ((0.2, 0.8), (0.2, 0.9), (0.4, 0.8), (0.4, 0.9))
CUE_SURE_GRID = (0.7, 0.8, 0.9)
_SHORT = {"enterprise_primary_responsibility": "ent", "inadequate_inspection": "insp", "unclear_regulatory_division": "div",
          "formalism_bureaucratism": "form", "dereliction_of_duty": "dere", "abuse_of_power_or_corruption": "corr",
          "illegal_subcontracting_or_unlicensed": "lic", "weak_safety_training_awareness": "trn",
          "hazard_not_rectified": "haz", "concealment_or_false_reporting": "conc", "emergency_response_failure": "emer"}


def _three(model: LearnedTagger, test: list[CaseData], tag_ids: list[str]) -> dict:
    scores = predict_scores(model, test)
    learned = {c: {t for t, s in v.items() if s >= CASE_TAG_MIN} for c, v in scores.items()}
    cue = old_cases(test)
    out = {"cue": figures(cue, test, tag_ids), "learned": figures(learned, test, tag_ids),
           "either": figures({c: learned[c] | cue[c] for c in learned}, test, tag_ids)}
    for at in CUE_SURE_GRID:
        sure = old_cases(test, at)
        out[f"sure@{at}"] = figures({c: learned[c] | sure[c] for c in learned}, test,
                                                                  tag_ids)
    # gated: the classifier's tag where the cue rules give it some support (cue score >= lo) or the classifier
    # is sure of it (score >= hi); and every tag the cue rules decide
    cue_score = {c.case_id: {t: max((d["old"].get(t, 0.0) for d in c.docs), default=0.0) for t in tag_ids} for c in test}
    for lo, hi in GATED_GRID:
        gated = {c: cue[c] | {t for t in learned[c] if cue_score[c][t] >= lo or scores[c][t] >= hi} for c in learned}
        out["gated" if (lo, hi) == GATE else f"gated@{lo}/{hi}"] = figures(gated, test, tag_ids)
    # each case's decisions by each source, for choosing a source per tag (choose_sources)
    out["decisions"] = {c.case_id: {"gold": sorted(c.tags), "cue": sorted(cue[c.case_id]),
                                    "classifier": sorted(learned[c.case_id])} for c in test}
    return out


def source_decides(source: str, cue: set, classifier: set) -> set:
    """The tags a source (learned.SOURCES) decides, given the cue rules' and the classifier's decisions."""
    return (cue if reads(source, "cues") else set()) | (classifier if reads(source, "classifier") else set())


def chosen_tags(choice: dict[str, str], r: dict) -> set:
    """The tags decided when each tag's decision comes from its chosen source."""
    cue, classifier = set(r["cue"]), set(r["classifier"])
    return {t for t in cue | classifier if t in source_decides(choice.get(t, "cues"), cue, classifier)}


PRECISION_FLOOR = 0.8  # a reader decides a tag (DUTYTRACE_TAGGER=chosen) only where its held-out precision reaches this


def choose_sources(groups: dict[str, list[dict]], tag_ids: list[str],
                   floor: float = PRECISION_FLOOR) -> tuple[dict[str, str], dict]:
    """Per tag, the source (SOURCES) whose case decisions have the best F1, averaged over the groups of
    held-out decisions given (each a list of {"gold", "cue", "classifier"}: the genres left out one at a
    time, the house-format corpora each left out of training): no group is one the deciding model was
    trained on. A source other than the cue rules is eligible only where its precision reaches `floor` in
    every group (a tag shown must be a tag the text states: a reader that finds more but shows one wrong
    tag in three does not decide it). A tie keeps the earlier in SOURCES (the cue rules first). Returns the
    choice and, per tag and source, each group's {"f1", "precision"}."""
    table: dict = {}
    choice: dict[str, str] = {}
    for t in tag_ids:
        table[t] = {}
        for src in SOURCES:
            cells = {}
            for name, recs in groups.items():
                pred = np.array([t in source_decides(src, set(r["cue"]), set(r["classifier"])) for r in recs])
                gold = np.array([t in r["gold"] for r in recs])
                if gold.any():
                    shown = int(pred.sum())
                    cells[name] = {"f1": _f1(pred, gold),
                                   "precision": float((pred & gold).sum()) / shown if shown else 1.0}
            table[t][src] = cells
        eligible = [src for src in SOURCES
                    if src == "cues" or all(c["precision"] >= floor for c in table[t][src].values())]
        means = {src: (sum(c["f1"] for c in table[t][src].values()) / len(table[t][src]) if table[t][src] else 0.0)
                 for src in eligible}
        choice[t] = max(eligible, key=lambda src: (round(means[src], 4), -SOURCES.index(src)))
    return choice, table


def _line(name: str, n: int, r: dict, extra: str = "") -> str:
    return (f"{name:<14}{n:>3}  " + "   ".join(f"{r[k]['micro_f1']:5.2f}{r[k]['macro_f1']:6.2f}{r[k]['mean_recall']:6.2f}"
                                          for k in TAGGERS) + extra)


_JOB: dict = {}  # what the training jobs read (set before the workers fork)


def _job(name: str):
    """One model of a run: "final" (all genres and house-format cases: the tagger and the type classifier),
    "without house-archive" / "without house-dev" (the tagger without that corpus), or a genre's
    leave-one-genre-out figures (trained on every other genre and the house-format cases)."""
    cases, archive, dev, tag_ids, use_emb, codebook = (_JOB[k] for k in ("cases", "archive", "dev", "tag_ids",
                                                                          "use_emb", "codebook"))
    if name == "final":
        return train(cases + archive + dev, tag_ids, use_emb, _JOB["meta"]), train_types(cases + archive + dev, codebook)
    if name == "without house-archive":
        return train(cases + dev, tag_ids, use_emb)
    if name == "without house-dev":
        return train(cases + archive, tag_ids, use_emb)
    test = [c for c in cases if c.genre == name]
    rest = [c for c in cases if c.genre != name]
    model = train(rest + archive + dev, tag_ids, use_emb)
    types = train_types(rest + archive + dev, codebook)
    return {"n": len(test), **_three(model, test, tag_ids), **fact_figures(test, types, codebook)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus" / "genres")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--logo", action="store_true", help="leave-one-genre-out figures, beside the cue tagger")
    ap.add_argument("--house", action="store_true",
                    help="test the tagger on the house-format corpora too (corpus/archive, dev, blind)")
    ap.add_argument("--genres", default=None, help="--logo on these genres only (comma-separated)")
    ap.add_argument("--embeddings", choices=("on", "off"), default="off")
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--no-save", action="store_true")
    ap.add_argument("--jobs", type=int, default=1, help="leave-one-genre-out models trained at once (processes)")
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
    # the house-format cases (corpus/archive, corpus/dev; gold per case) train both the tagger (negatives for
    # the tags a case lacks, silver positives) and the accident-type classifier; corpus/blind only tests
    archive = load_house(settings, a.cache, ("house-archive",))
    dev = load_house(settings, a.cache, ("house-dev",))
    house = archive + dev
    n_rows = sum(len(d["rows"]) for c in cases for d in c.docs)
    n_house = sum(len(d["rows"]) for c in house for d in c.docs)
    print(f"{len(cases)} genre cases ({sum(c.sentence_labelled for c in cases)} with sentence labels), {n_rows} "
          f"sentences; {len(house)} house-format cases ({n_house} sentences); read in {time.time() - t0:.0f} s",
          flush=True)
    report: dict = {"cases": len(cases), "sentences": n_rows, "house_sentences": n_house, "embeddings": use_emb,
                    "genres": {}, "house": {}}
    head = (f"{'':<14}{'n':>3}  {'cue micro':>9}{'macro':>6}{'m.rec':>6}   {'learned':>5}{'macro':>6}{'m.rec':>6}   "
            f"{'either':>5}{'macro':>6}{'m.rec':>6}   {'gated':>5}{'macro':>6}{'m.rec':>6}")
    if a.logo:
        genres = sorted({c.genre for c in cases})
        if a.genres:
            genres = [g for g in genres if g in a.genres.split(",")]
        print(f"\nleave-one-genre-out ({len(genres)} genres; each trained on the other genres and the house-format "
              "cases): tag micro-F1, macro-F1, mean per-tag recall of the cue rules, the classifier, both, and the cue "
              f"rules with the classifier's tags they support (cue >= {GATE[0]}) or it is sure of (>= {GATE[1]}); accident "
              "type as analyze gives it (rules, else classifier) and the rules alone; deaths exact")
        print(head + f"   {'type':>5}{'rules':>6}{'deaths':>7}")
    else:
        genres = []
    _JOB.update(cases=cases, archive=archive, dev=dev, tag_ids=tag_ids, use_emb=use_emb, codebook=codebook,
                meta={"trained_on": sorted({c.genre for c in cases}) + ["house-archive", "house-dev"],
                      "cases": len(cases) + len(house)})
    jobs = ["final"] + (["without house-archive", "without house-dev"] if a.house else []) + genres
    if a.jobs > 1:
        import multiprocessing

        for c in cases + house:  # the features once, before the workers fork
            for d in c.docs:
                if d["rows"] and not use_emb:
                    _doc_features(d, tag_ids)
        with multiprocessing.get_context("fork").Pool(a.jobs) as pool:
            done = dict(zip(jobs, pool.map(_job, jobs, chunksize=1)))
    else:
        done = {j: _job(j) for j in jobs}
    if a.logo:
        for g in genres:
            figs = done[g]
            report["genres"][g] = figs
            print(_line(g, figs["n"], figs, f"   {figs['type_acc_product']:5.2f}{figs['type_acc_rules']:6.2f}"
                                            f"{figs['deaths_exact']:7.2f}"), flush=True)
        for key in TAGGERS:
            for m in ("micro_f1", "macro_f1", "mean_recall"):
                report[f"mean_{key}_{m}"] = sum(v[key][m] for v in report["genres"].values()) / len(genres)
        for m in ("type_acc_product", "type_acc_rules", "deaths_exact"):
            report[f"mean_{m}"] = sum(v[m] for v in report["genres"].values()) / len(genres)
        print(f"{'mean':<17}  " + "   ".join(
            f"{report[f'mean_{k}_micro_f1']:5.2f}{report[f'mean_{k}_macro_f1']:6.2f}{report[f'mean_{k}_mean_recall']:6.2f}"
            for k in TAGGERS) + f"   {report['mean_type_acc_product']:5.2f}{report['mean_type_acc_rules']:6.2f}"
            f"{report['mean_deaths_exact']:7.2f}")
        print("\nrecall per tag (cue / learned / either / gated; '-' where the genre's gold has no such tag)")
        print(f"{'':<11}" + "".join(f"{_SHORT.get(t, t[:5]):>19}" for t in tag_ids))
        for g in genres:
            v = report["genres"][g]
            cells = []
            for t in tag_ids:
                got = [v[k]["per_tag_recall"].get(t) for k in TAGGERS]
                cells.append("-" if got[0] is None else "/".join(f"{x:.1f}" for x in got))
            print(f"{g:<11}" + "".join(f"{c:>19}" for c in cells))
    model, types = done["final"]
    if a.house:
        print("\nhouse-format corpora (archive: tagger trained on the genres and dev; dev: on the genres and archive; "
              "blind: on all, never trained on)")
        print(head)
        tests = (("house-archive", archive, done["without house-archive"]), ("house-dev", dev, done["without house-dev"]),
                 ("house-blind", load_house(settings, a.cache, ("house-blind",)), model))
        for name, test, m in tests:
            r = _three(m, test, tag_ids)
            report["house"][name] = {"n": len(test), **r}
            print(_line(name, len(test), r), flush=True)
    if a.logo and len(genres) == len({c.genre for c in cases}):
        groups = {"genres": [r for g in genres for r in report["genres"][g]["decisions"].values()]}
        if a.house:
            groups["house"] = [r for name in ("house-archive", "house-dev")
                               for r in report["house"][name]["decisions"].values()]
        choice, table = choose_sources(groups, tag_ids)
        model.meta["tag_sources"] = choice
        report["tag_sources"] = {"choice": choice, "f1": table}
        print("\nsource of each tag's decision (DUTYTRACE_TAGGER=chosen): case F1 (precision) of the cue rules / the "
              f"classifier / either, on held-out decisions; a reader needs precision >= {PRECISION_FLOOR} in each group (" + ", ".join(f"{k}: {len(v)} cases" for k, v in groups.items()) + ")")
        nan = {"f1": float("nan"), "precision": float("nan")}
        for t in tag_ids:
            cells = "   ".join(f"{k} " + "/".join(f"{table[t][src].get(k, nan)['f1']:.2f}" for src in SOURCES)
                               + " (P " + "/".join(f"{table[t][src].get(k, nan)['precision']:.2f}" for src in SOURCES) + ")"
                               for k in groups)
            print(f"  {t:<38} {cells}   -> {choice[t]}")
        chosen = {g: figures({c: chosen_tags(choice, r) for c, r in report["genres"][g]["decisions"].items()},
                             [c for c in cases if c.genre == g], tag_ids) for g in genres}
        print("chosen, per genre (in-sample for the choice: it was made on these decisions): micro / macro F1, mean recall")
        for g in genres:
            print(f"  {g:<12} {chosen[g]['micro_f1']:.2f} {chosen[g]['macro_f1']:.2f} {chosen[g]['mean_recall']:.2f}")
        report["chosen_in_sample"] = chosen
    if not a.no_save:
        model.save(a.out)
        types.save(a.out.with_name(TYPE_PATH.name))
        print(f"\nmodels: {a.out} ({a.out.stat().st_size / 1e6:.1f} MB), {TYPE_PATH.name}; thresholds "
              + ", ".join(f"{t}={th:.2f}" for t, th in zip(tag_ids, model.thresholds)))
    print(f"\n{time.time() - t0:.0f} s in all")
    if a.json:
        a.json.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
