"""The learned responsibility tagger: a sentence-level multi-label classifier.

Cue rules written from one house format reach about a quarter of the findings in other genres (news,
court summaries, FACE and CSB narratives, notices, transcripts, translations). So the decision is
learned from labelled sentences of many genres (corpus/genres), and the codebook's cues become features
beside others, no longer the decision:

- character n-grams of the sentence (hashed; simplified script, lower case): language-agnostic, robust
  to inflection, word segmentation and OCR noise;
- the cue readings of the sentence per tag (responsibility.sentence_readings): asserted, reported or
  denied, the cue's weight by where it stands, a remark the next sentence disclaims;
- where it stands: the section kind (cause analysis, accountability, measures...), its role (text, an
  interviewee's answer), the document kind and the language;
- optionally the sentence's MiniLM embedding (`use_embeddings`, chosen by leave-one-genre-out).

One logistic regression per tag gives P(tag | sentence). A document's score for a tag is the noisy-or
of its two best sentences; each tag has a threshold chosen by cross-validation over cases (grouped, so a
case's sentences never sit on both sides) and the score is mapped so that the threshold lands on
CASE_TAG_MIN: the one tag decision used everywhere. The evidence is the sentences that carried it.

The model is small (hashed weights in float16, a few MB) and saved with the codebook's tag ids and a
feature version: `dutytrace/nlp/tagger_model.npz`, trained by `python -m dutytrace.nlp.train`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from dutytrace.models import CASE_TAG_MIN, Evidence, TagResult
from dutytrace.nlp import model_file
from dutytrace.nlp.polarity import ASSERTED, DENIED, REPORTED

FEATURE_VERSION = 1
MODEL_PATH = Path(__file__).with_name("tagger_model.npz")
N_HASH = 2 ** 17
SECTIONS = ("findings", "accountability", "direct", "rescue", "facts", "measures", None)
ROLES = ("text", "answer")
KINDS = ("report", "decision", "other", "transcript")
MAX_EVIDENCE = 5


@dataclass
class Row:
    """One sentence, as the learned tagger reads it."""

    text: str  # simplified script, whitespace collapsed
    lang: str
    kind: str
    section: str | None
    role: str
    cues: dict  # tag -> (polarity, weight)
    remark: bool
    evidence: Evidence
    seq: int  # the chunk's seq
    labels: set = field(default_factory=set)  # gold tags (training)


def rows_from_readings(readings, lang: str, kind: str) -> list[Row]:
    from dutytrace.script import to_simplified

    out = []
    for r in readings:
        text = to_simplified(r.evidence.text)
        if len(text) < 4:
            continue
        out.append(Row(text, lang, kind, r.context.section, r.context.role,
                       {t: (pol, w) for t, (pol, _cue, w) in r.cues.items()}, r.remark, r.evidence, r.seq))
    return out


@lru_cache(maxsize=1)
def _hasher():
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4), n_features=N_HASH, alternate_sign=False,
                             norm="l2", lowercase=True, dtype=np.float32)


def featurize(rows: list[Row], tag_ids: list[str], embeddings: np.ndarray | None = None):
    """The feature matrix of rows (scipy CSR): hashed n-grams, then the dense block (cues, context,
    optional embedding)."""
    from scipy import sparse

    grams = _hasher().transform([r.text for r in rows])
    dense = np.zeros((len(rows), len(tag_ids) * 3 + 1 + len(SECTIONS) + len(ROLES) + len(KINDS) + 2), np.float32)
    for i, r in enumerate(rows):
        for j, t in enumerate(tag_ids):
            c = r.cues.get(t)
            if c is None:
                continue
            pol, w = c
            col = j * 3 + (0 if pol == ASSERTED else 1 if pol == REPORTED else 2 if pol == DENIED else 2)
            dense[i, col] = max(dense[i, col], float(w))
        k = len(tag_ids) * 3
        dense[i, k] = float(r.remark)
        k += 1
        dense[i, k + SECTIONS.index(r.section if r.section in SECTIONS else None)] = 1
        k += len(SECTIONS)
        if r.role in ROLES:
            dense[i, k + ROLES.index(r.role)] = 1
        k += len(ROLES)
        dense[i, k + KINDS.index(r.kind if r.kind in KINDS else "other")] = 1
        k += len(KINDS)
        dense[i, k + (0 if r.lang == "en" else 1)] = 1
    blocks = [grams, sparse.csr_matrix(dense)]
    if embeddings is not None:
        blocks.append(sparse.csr_matrix(embeddings.astype(np.float32)))
    return sparse.hstack(blocks, format="csr")


def embed_rows(rows: list[Row]) -> np.ndarray:
    from dutytrace.nlp.embed import get_embedder

    return get_embedder(None, None, 32).encode([r.evidence.text for r in rows])


def noisy_or(p: np.ndarray) -> float:
    """A document's probability for one tag from its sentences': the noisy-or of the best two."""
    if p.size == 0:
        return 0.0
    top = np.sort(p)[-2:]
    return float(1.0 - np.prod(1.0 - top))


def to_scale(p: float, threshold: float) -> float:
    """A probability mapped so that the tag's threshold lands on CASE_TAG_MIN (monotone, 0 -> 0, 1 -> 1)."""
    if p < threshold:
        return CASE_TAG_MIN * p / threshold
    return CASE_TAG_MIN + (1 - CASE_TAG_MIN) * (p - threshold) / max(1e-9, 1 - threshold)


class LearnedTagger:
    def __init__(self, tag_ids: list[str], coef: np.ndarray, intercept: np.ndarray, thresholds: np.ndarray,
                 use_embeddings: bool, meta: dict | None = None):
        self.tag_ids = list(tag_ids)
        self.coef = coef.astype(np.float32)  # (n_tags, n_features)
        self.intercept = intercept.astype(np.float32)
        self.thresholds = thresholds.astype(np.float32)
        self.use_embeddings = use_embeddings
        self.meta = meta or {}

    # -- persistence ---------------------------------------------------------------------------------
    def save(self, path: Path = MODEL_PATH) -> None:
        model_file.save(path, {**self.meta, "feature_version": FEATURE_VERSION, "tag_ids": self.tag_ids,
                               "use_embeddings": self.use_embeddings, "n_hash": N_HASH},
                        self.coef, intercept=self.intercept, thresholds=self.thresholds)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "LearnedTagger | None":
        got = model_file.load(path, FEATURE_VERSION, N_HASH)
        if got is None:
            return None
        z, meta = got
        return cls(meta["tag_ids"], z["coef"], z["intercept"], z["thresholds"], meta["use_embeddings"], meta)

    # -- use --------------------------------------------------------------------------------------------
    def sentence_probs(self, rows: list[Row]) -> np.ndarray:
        if not rows:
            return np.zeros((0, len(self.tag_ids)), np.float32)
        emb = embed_rows(rows) if self.use_embeddings else None
        x = featurize(rows, self.tag_ids, emb)
        z = x @ self.coef.T + self.intercept
        return 1.0 / (1.0 + np.exp(-np.asarray(z)))

    def tag(self, rows: list[Row]) -> tuple[list[TagResult], dict[int, list[str]]]:
        """Document tags (best first, scores on the CASE_TAG_MIN scale) with the sentences that carried
        them, and the tags of each chunk (by seq) whose sentences reach the tag's threshold."""
        probs = self.sentence_probs(rows)
        results, per_chunk = [], {}
        for j, tag in enumerate(self.tag_ids):
            p = probs[:, j] if len(rows) else np.zeros(0)
            doc_p = noisy_or(p)
            if doc_p <= 0.05:
                continue
            order = [i for i in np.argsort(-p, kind="stable") if p[i] >= min(self.thresholds[j], 0.5) * 0.5]
            evidence = []
            for i in order[:MAX_EVIDENCE]:
                ev = rows[i].evidence
                evidence.append(Evidence(ev.text, ev.page, ev.speaker, f"~{p[i]:.2f}"))
            score = to_scale(doc_p, float(self.thresholds[j]))
            results.append(TagResult(tag, score, tuple(evidence)))
            for i in np.nonzero(p >= self.thresholds[j])[0]:
                found = per_chunk.setdefault(rows[i].seq, [])
                if tag not in found:
                    found.append(tag)
        results.sort(key=lambda t: (-t.score, t.tag))
        return results, per_chunk


@lru_cache(maxsize=1)
def packaged_tagger() -> LearnedTagger | None:
    """The trained model shipped with the package, or None when absent or made for other features."""
    return LearnedTagger.load(MODEL_PATH)


def normalise(text: str) -> str:
    from dutytrace.script import to_simplified

    return re.sub(r"\s+", "", to_simplified(text)).lower()
