"""Semantic similarity of sentences to the responsibility tags, for what cue patterns miss.

Each tag is represented by its English name and description and the examples the built-in codebook
gives (`examples:` under a tag in codebook.yaml); a user tag by its name and description. Sentences are
embedded with the packaged all-MiniLM-L6-v2 (the model the calibration was fitted with, whatever
DUTYTRACE_EMBED_MODEL says); it is an English model, so Chinese documents rely on their cue phrases."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import yaml

from dutytrace.nlp.codebook import BUILTIN, Codebook

THRESHOLD = 0.5  # below this a sentence is not taken as similar to a tag at all


@lru_cache(maxsize=1)
def builtin_examples() -> dict[str, list[str]]:
    data = yaml.safe_load(BUILTIN.read_text(encoding="utf-8")) or {}
    return {t["id"]: list((t.get("examples") or {}).get("en", [])) for t in data.get("tags", [])}


_CACHE: dict[int, tuple] = {}


def _prototypes(codebook: Codebook):
    """The embedder, the prototype vectors and their tags (codebooks are cached objects: keyed by id)."""
    hit = _CACHE.get(id(codebook))
    if hit is not None and hit[0] is codebook:
        return hit[1:]
    from dutytrace.nlp.embed import get_embedder

    texts, owners = [], []
    examples = builtin_examples()
    for tag in codebook.tags:
        for t in [tag.name.get("en"), tag.description.get("en"), *examples.get(tag.id, [])]:
            if t:
                texts.append(t)
                owners.append(tag.id)
    emb = get_embedder(None, None, 32)
    _CACHE[id(codebook)] = (codebook, emb, emb.encode(texts), owners)
    return _CACHE[id(codebook)][1:]


def tag_similarity(codebook: Codebook):
    """A function (sentences, lang) -> {tag: [(sentence index, similarity)]} for tag_chunks."""
    def similarity(sentences: list[str], lang: str) -> dict[str, list[tuple[int, float]]]:
        if lang != "en" or not sentences:
            return {}
        emb, protos, owners = _prototypes(codebook)
        sims = emb.encode(sentences) @ protos.T  # normalised vectors: cosine
        out: dict[str, list[tuple[int, float]]] = {}
        for j, tag in enumerate(owners):
            for i in np.nonzero(sims[:, j] >= THRESHOLD)[0]:
                out.setdefault(tag, []).append((int(i), float(sims[i, j])))
        return out
    return similarity
