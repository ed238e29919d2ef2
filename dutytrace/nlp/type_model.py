"""The accident type, always answered: a classifier over a document's text.

The codebook's cue counts (facts.accident_type) pick the type a house-format report names in its title
or first pages; on news, court summaries and narratives they often find nothing or the wrong thing (a
fire *after* an explosion; "fell" in a vehicle report). The classifier reads the text itself — hashed
character n-grams of the opening (where every genre says what happened) and of the whole — with the
codebook's per-type cue counts as features beside them, and answers with a probability; when no type
reaches MIN_CONFIDENCE the answer is "other". Trained with the tagger (`python -m dutytrace.nlp.train`)
on the genre and house-format corpora; saved as `type_model.npz` beside this file."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from dutytrace.nlp import model_file

FEATURE_VERSION = 2
MODEL_PATH = Path(__file__).with_name("type_model.npz")
N_HASH = 2 ** 16
HEAD_CHARS = 1500
MIN_CONFIDENCE = 0.35


@lru_cache(maxsize=1)
def _hasher():
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4), n_features=N_HASH, alternate_sign=False,
                             norm="l2", lowercase=True, dtype=np.float32)


def _cue_counts(text: str, lang: str, codebook, types: list[str]) -> np.ndarray:
    counts = np.zeros(len(types), np.float32)
    for at in codebook.accident_types:
        if at.id in types:
            counts[types.index(at.id)] = sum(len(p.findall(text)) for p in at.cues.get(lang, ()))
    return np.log1p(counts)


def featurize(texts: list[str], langs: list[str], codebook, types: list[str], rules: list[str | None] | None = None):
    """Hashed n-grams of the opening and of the whole text, the per-type cue counts, and the type the
    cue rules (facts.accident_type, which also reads a title's named type) gave, one-hot."""
    from scipy import sparse

    from dutytrace.script import to_simplified

    simple = [re.sub(r"\s+", " ", to_simplified(t)) for t in texts]
    head = _hasher().transform([t[:HEAD_CHARS] for t in simple])
    whole = _hasher().transform([t[:20000] for t in simple])
    cues = np.stack([np.concatenate([_cue_counts(t[:HEAD_CHARS], lang, codebook, types),
                                     _cue_counts(t[:20000], lang, codebook, types)])
                     for t, lang in zip(simple, langs)]) if texts else np.zeros((0, 2 * len(types)), np.float32)
    ruled = np.zeros((len(texts), len(types)), np.float32)
    for i, r in enumerate(rules or []):
        if r in types:
            ruled[i, types.index(r)] = 1.0
    return sparse.hstack([head, whole * 0.5, sparse.csr_matrix(cues), sparse.csr_matrix(ruled)], format="csr")


class TypeClassifier:
    def __init__(self, types: list[str], coef: np.ndarray, intercept: np.ndarray, meta: dict | None = None):
        self.types, self.coef, self.intercept, self.meta = list(types), coef.astype(np.float32), intercept, meta or {}

    @classmethod
    def fit(cls, texts: list[str], langs: list[str], labels: list[str], codebook, meta: dict | None = None,
            rules: list[str | None] | None = None):
        from sklearn.linear_model import LogisticRegression

        types = [t.id for t in codebook.accident_types]
        clf = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced")
        clf.fit(featurize(texts, langs, codebook, types, rules), labels)
        coef = np.zeros((len(types), clf.coef_.shape[1]), np.float32)
        intercept = np.full(len(types), -20.0, np.float32)
        for k, t in enumerate(clf.classes_):  # types never seen in training stay out of reach
            coef[types.index(t)], intercept[types.index(t)] = clf.coef_[k], clf.intercept_[k]
        return cls(types, coef, intercept, meta)

    def probabilities(self, text: str, lang: str, codebook, rule: str | None = None) -> np.ndarray:
        z = np.asarray(featurize([text], [lang], codebook, self.types, [rule]) @ self.coef.T)[0] + self.intercept
        p = np.exp(z - z.max())
        return p / p.sum()

    def predict(self, text: str, lang: str, codebook, rule: str | None = None) -> tuple[str, float]:
        """(type, probability); "other" when no type reaches MIN_CONFIDENCE. `rule`: the cue rules' answer."""
        p = self.probabilities(text, lang, codebook, rule)
        k = int(np.argmax(p))
        if p[k] < MIN_CONFIDENCE:
            return "other", float(p[self.types.index("other")]) if "other" in self.types else 0.0
        return self.types[k], float(p[k])

    def save(self, path: Path = MODEL_PATH) -> None:
        model_file.save(path, {**self.meta, "feature_version": FEATURE_VERSION, "types": self.types, "n_hash": N_HASH},
                        self.coef, intercept=self.intercept)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "TypeClassifier | None":
        got = model_file.load(path, FEATURE_VERSION, N_HASH)
        if got is None:
            return None
        z, meta = got
        return cls(meta["types"], z["coef"], z["intercept"], meta)


@lru_cache(maxsize=1)
def packaged_classifier() -> TypeClassifier | None:
    return TypeClassifier.load(MODEL_PATH)
