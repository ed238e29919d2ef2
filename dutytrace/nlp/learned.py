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

- look-alike marks of the sentence (lookalike_marks): a recommendation or duty stated ("should", 应当), a
  clearance or a check that found nothing wrong, a question, a denial or a party's own account, a
  shortcoming said to have had no bearing on the accident.

One logistic regression per tag gives P(tag | sentence). It learns from the genre corpus's labelled
sentences, where the look-alikes (recommendations, clearances, denials...) are explicit negatives with a
higher weight, and from the house-format reports (corpus/archive, corpus/dev), whose gold is per case
only: every sentence of a case is a negative for the tags the case lacks, and a sentence is a (silver)
positive for a tag the case carries only where the cue rules assert that tag there in a findings-like
place; its other sentences stay unlabelled for that tag.

A document's decision on a tag is a small logistic model over its sentences' probabilities
(stack_features: the best sentence, the mean and noisy-or of the best two) and the cue rules' score for
the tag, fitted per tag on cross-validated sentence probabilities (grouped by case, so a case's sentences
never sit on both sides): where the cue rules are reliable (the house format) their score counts. The
document's length and kind are not read: fitted on the house-format reports they became a prior ("a
long report carries it"), and a short news item lost findings its sentences stated. Each
tag's threshold is chosen on the same cross-validation, and the probability is mapped so that the
threshold lands on CASE_TAG_MIN: the one tag decision used everywhere. The evidence is the sentences
that carried it.

The model is small (hashed weights in float16, a few MB) and saved with the codebook's tag ids and a
feature version: `dutytrace/nlp/tagger_model.npz`, trained by `python -m dutytrace.nlp.train`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from dutytrace.models import CASE_TAG_MIN, Evidence, TagResult
from dutytrace.nlp import model_file
from dutytrace.nlp.polarity import ASSERTED, DENIED, REPORTED

FEATURE_VERSION = 3  # 3: the document decision reads no length nor kind
MODEL_PATH = Path(__file__).with_name("tagger_model.npz")
N_HASH = 2 ** 17
SECTIONS = ("findings", "accountability", "direct", "rescue", "facts", "measures", None)
ROLES = ("text", "answer")
KINDS = ("report", "decision", "other", "transcript")
MAX_EVIDENCE = 5
AGGREGATIONS = ("max", "top2_mean", "noisy_or2")

# look-alikes of a finding, per language: each a column of the features (never the decision by itself)
_LOOKALIKE = {
    "en": (
        # a recommendation or a duty stated, not a failing found ("should have" is a failing)
        r"\b(?:should(?! have)|must|shall|ought to|needs? to|recommend\w*|are advised|ensure that|make sure|remind\w*|"
        r"is required to|are required to|it is essential)\b",
        # a clearance or a check that found things in order
        r"\b(?:no (?:failing|failure|fault|breach|defect|evidence|issue|problem)s?|found no|did not (?:identify|find)|"
        r"not (?:responsible|at fault|to blame)|were (?:all )?(?:working|in order|in good)|(?:was|were) (?:valid|current|in date)|"
        r"complied with|in accordance with|met the requirements?|properly (?:trained|licensed|certified|maintained))\b",
        r"\?|\bwhether\b|^(?:q|question)\s*[:.]",  # a question
        r"\b(?:denied|denies|disputed?|contested|rejected|maintained|insisted|claimed|said|says|told|according to)\b",
        r"\b(?:no (?:\w+ )?(?:bearing|link|connection|part|role)|did not (?:contribute|cause)|unrelated to|not a (?:cause|factor))\b",
    ),
    "zh": (
        r"建议|应当|应该|必须|务必|要(?:进一步|切实|加强|严格|认真|深刻|全面)|切实加强|举一反三|引以为戒|督促.{0,8}落实|"
        r"进一步(?:加强|落实|完善|明确|强化)",
        r"未发现|不存在|符合(?:要求|规定|标准)|合格|有效期内|持有有效|依法(?:履行|取得)|已履行|履职到位|无异常|正常(?:运行|使用)",
        r"？|\?|是否|^问[：:]",
        r"否认|辩称|声称|表示|称|认为|据.{0,6}介绍|反映",
        r"(?:无|没有|不存在)(?:直接)?(?:因果)?(?:关系|关联|联系)|与(?:本次)?事故(?:发生)?无关|不是.{0,8}原因",
    ),
}
_LOOKALIKE_RE = {lang: [re.compile(p, re.I) for p in pats] for lang, pats in _LOOKALIKE.items()}
N_LOOKALIKE = len(_LOOKALIKE["en"])


def lookalike_marks(text: str, lang: str) -> list[int]:
    """Which look-alike patterns the sentence shows (0/1 each): a recommendation, a clearance, a question,
    a denial or a party's account, a shortcoming without bearing on the accident."""
    return [int(bool(r.search(text))) for r in _LOOKALIKE_RE["zh" if lang == "zh" else "en"]]


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
    dense = np.zeros((len(rows), len(tag_ids) * 3 + 1 + len(SECTIONS) + len(ROLES) + len(KINDS) + 2 + N_LOOKALIKE),
                     np.float32)
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
        k += 2
        dense[i, k:k + N_LOOKALIKE] = lookalike_marks(r.text, r.lang)
    blocks = [grams, sparse.csr_matrix(dense)]
    if embeddings is not None:
        blocks.append(sparse.csr_matrix(embeddings.astype(np.float32)))
    return sparse.hstack(blocks, format="csr")


def embed_rows(rows: list[Row]) -> np.ndarray:
    from dutytrace.nlp.embed import get_embedder

    return get_embedder(None, None, 32).encode([r.evidence.text for r in rows])


def noisy_or(p: np.ndarray) -> float:
    """The noisy-or of the best two sentences' probabilities."""
    if p.size == 0:
        return 0.0
    top = np.sort(p)[-2:]
    return float(1.0 - np.prod(1.0 - top))


def doc_score(p: np.ndarray, how: str) -> float:
    """A document's probability for one tag from its sentences' (AGGREGATIONS): the best sentence, the
    mean of the best two (a one-sentence document: its sentence), or the noisy-or of the best two."""
    if p.size == 0:
        return 0.0
    if how == "max":
        return float(p.max())
    if how == "top2_mean":
        return float(np.sort(p)[-2:].mean())
    return noisy_or(p)


def to_scale(p: float, threshold: float) -> float:
    """A probability mapped so that the tag's threshold lands on CASE_TAG_MIN (monotone, 0 -> 0, 1 -> 1)."""
    if p < threshold:
        return CASE_TAG_MIN * p / threshold
    return CASE_TAG_MIN + (1 - CASE_TAG_MIN) * (p - threshold) / max(1e-9, 1 - threshold)


EVIDENCE_MIN = 0.25  # a sentence's probability for a tag from which it is shown as the tag's evidence


SOURCES = ("cues", "classifier", "either")  # which reader decides a tag (DUTYTRACE_TAGGER=chosen: model.meta["tag_sources"])


def reads(source: str, reader: str) -> bool:
    """Whether a tag whose decision comes from `source` (SOURCES) is read by `reader` ("cues" or
    "classifier"): the one rule behind both the tagger (analyze.tag_document) and the choice of sources
    (train.choose_sources). "either" reads both (the higher score decides: on case decisions, the union)."""
    return source in (reader, "either")


class LearnedTags(NamedTuple):
    """What `LearnedTagger.tag` finds in a document: its tags (best first, with evidence), the tags of each
    chunk (by seq) holding a sentence that carried one, and the tags no sentence carried (each sentence's
    probability below EVIDENCE_MIN: the decision rests on the cue rules' score, shown by their evidence)."""

    tags: list[TagResult]
    chunk_tags: dict[int, list[str]]
    uncarried: frozenset[str]


N_STACK = 4  # the document features the case decision reads (stack_features)
_LOGIT_CAP = 8.0


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return float(np.clip(np.log(p / (1 - p)), -_LOGIT_CAP, _LOGIT_CAP))


def stack_features(p: np.ndarray, cue: float) -> np.ndarray:
    """What a document's decision on one tag reads: its best sentence, the mean of its best two and their
    noisy-or (as logits), and the cue rules' calibrated score for the tag. Nothing about the document as
    such (its length, whether it is a report): what decides is what its sentences say."""
    return np.array([_logit(doc_score(p, "max")), _logit(doc_score(p, "top2_mean")), _logit(doc_score(p, "noisy_or2")),
                     float(cue)], np.float32)


class LearnedTagger:
    """`coef`, `intercept`: the sentence classifier (one row per tag). `stack` (n_tags, N_STACK + 1): per
    tag, the weights and bias of the document decision over stack_features, chosen on cross-validated
    sentence probabilities; `thresholds`: per tag, the decision's probability that lands on CASE_TAG_MIN."""

    def __init__(self, tag_ids: list[str], coef: np.ndarray, intercept: np.ndarray, thresholds: np.ndarray,
                 use_embeddings: bool, meta: dict | None = None, stack: np.ndarray | None = None):
        self.tag_ids = list(tag_ids)
        self.coef = coef.astype(np.float32)  # (n_tags, n_features)
        self.intercept = intercept.astype(np.float32)
        self.thresholds = thresholds.astype(np.float32)
        if stack is None:  # the best sentence's probability alone
            stack = np.zeros((len(self.tag_ids), N_STACK + 1), np.float32)
            stack[:, 0] = 1.0
        self.stack = np.asarray(stack, np.float32)
        self.use_embeddings = use_embeddings
        self.meta = meta or {}

    # -- persistence ---------------------------------------------------------------------------------
    def save(self, path: Path = MODEL_PATH) -> None:
        model_file.save(path, {**self.meta, "feature_version": FEATURE_VERSION, "tag_ids": self.tag_ids,
                               "use_embeddings": self.use_embeddings, "n_hash": N_HASH},
                        self.coef, intercept=self.intercept, thresholds=self.thresholds, stack=self.stack)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "LearnedTagger | None":
        got = model_file.load(path, FEATURE_VERSION, N_HASH)
        if got is None:
            return None
        z, meta = got
        return cls(meta["tag_ids"], z["coef"], z["intercept"], z["thresholds"], meta["use_embeddings"], meta,
                   z.get("stack"))

    # -- use --------------------------------------------------------------------------------------------
    def sentence_probs(self, rows: list[Row], x=None) -> np.ndarray:
        """P(tag | sentence) per row; `x`: the rows' features when already made."""
        if not rows:
            return np.zeros((0, len(self.tag_ids)), np.float32)
        if x is None:
            x = featurize(rows, self.tag_ids, embed_rows(rows) if self.use_embeddings else None)
        z = x @ self.coef.T + self.intercept
        return 1.0 / (1.0 + np.exp(-np.asarray(z)))

    def decide(self, j: int, p: np.ndarray, cue: float) -> float:
        """The document's probability for tag j from its sentences' (and the cue rules' score)."""
        z = float(self.stack[j, :N_STACK] @ stack_features(p, cue) + self.stack[j, N_STACK])
        return 1.0 / (1.0 + np.exp(-z))

    def tag(self, rows: list[Row], x=None, cues: dict | None = None) -> LearnedTags:
        """Document tags (best first, scores on the CASE_TAG_MIN scale) with the sentences that carried
        them, the tags of each chunk (by seq) that holds one of those sentences, and the tags no sentence
        carried. `cues`: the cue tagger's calibrated score per tag for the same document."""
        if not rows:
            return LearnedTags([], {}, frozenset())
        probs = self.sentence_probs(rows, x)
        results: list = []
        per_chunk: dict = {}
        uncarried: set[str] = set()
        for j, tag in enumerate(self.tag_ids):
            p = probs[:, j]
            doc_p = self.decide(j, p, (cues or {}).get(tag, 0.0))
            score = to_scale(doc_p, float(self.thresholds[j]))
            if score <= 0.05:
                continue
            # the evidence: the sentences that carried it, best first (at least the best one; when none reaches
            # EVIDENCE_MIN the decision rests on the cue rules' score, and the caller shows their evidence)
            order = np.argsort(-p, kind="stable")
            carried = [i for i in order[:MAX_EVIDENCE] if p[i] >= EVIDENCE_MIN]
            if not carried:
                carried = [order[0]]
                uncarried.add(tag)
            evidence = tuple(Evidence(rows[i].evidence.text, rows[i].evidence.page, rows[i].evidence.speaker,
                                      f"~{p[i]:.2f}") for i in carried)
            results.append(TagResult(tag, score, evidence))
            if score >= CASE_TAG_MIN:
                for i in carried:
                    found = per_chunk.setdefault(rows[i].seq, [])
                    if tag not in found:
                        found.append(tag)
        results.sort(key=lambda t: (-t.score, t.tag))
        return LearnedTags(results, per_chunk, frozenset(uncarried))


@lru_cache(maxsize=1)
def packaged_tagger() -> LearnedTagger | None:
    """The trained model shipped with the package, or None when absent or made for other features."""
    return LearnedTagger.load(MODEL_PATH)


def normalise(text: str) -> str:
    from dutytrace.script import to_simplified

    return re.sub(r"\s+", "", to_simplified(text)).lower()
