"""Similar past cases for a new document (or an existing case), with the reasons why.

A case-level profile of the new material — its passages, responsibility tags, accident type, and the
codebook concepts it names (equipment, hazards, kinds of bodies and posts, failures, sanctions, which
are bilingual and so carry across languages) — is ranked against every case:

    score = 0.40 * passage votes     (each passage retrieves passages; the cases they belong to get
                                      reciprocal-rank votes; lexical, cross-language and, for English,
                                      dense legs)
          + 0.25 * concept overlap   (cosine of concept-count vectors: language independent)
          + 0.20 * tag overlap       (Jaccard of responsibility tags)
          + 0.15 * same accident type

Each result carries its explanation: shared tags, same accident type or industry, shared concepts
(including kinds of bodies and posts), shared entities, and the pairs of passages that match."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from dutytrace.nlp.codebook import Codebook
from dutytrace.query import understand
from dutytrace.search import passage_key, to_hit
from dutytrace.store.vectors import sparse_query, narrow
from dutytrace.profile import case_tags

WEIGHTS = {"votes": 0.40, "concepts": 0.25, "tags": 0.20, "type": 0.15}
RRF_K = 60.0
MAX_PASSAGES = 60


@dataclass
class Material:
    """What is known of the new document or case being compared."""

    texts: list[str]
    language: str
    tags: set[str]
    accident_type: str | None
    entities: set[str]
    exclude: str | None = None  # the case itself, when comparing an existing case


def concept_counts(texts: list[str], codebook: Codebook) -> Counter:
    counts: Counter = Counter()
    for text in texts:
        for c in codebook.concepts:
            if c.named_in(text):
                counts[c.id] += 1
    return counts


_CASE_CONCEPTS: dict[tuple, Counter] = {}


def case_concepts(case_id: str, texts: list[str], codebook: Codebook) -> Counter:
    """concept_counts of a stored case, remembered while its text and the codebook stay the same:
    counting is a regular-expression pass over every passage, most of a lookup's time otherwise."""
    key = (case_id, id(codebook), len(texts), hash("\x00".join(texts)))
    if key not in _CASE_CONCEPTS:
        if len(_CASE_CONCEPTS) > 50_000:
            _CASE_CONCEPTS.clear()
        _CASE_CONCEPTS[key] = concept_counts(texts, codebook)
    return _CASE_CONCEPTS[key]


def cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    return dot / (math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values())))


def rank_similar(material: Material, index, embedder, case_profile, case_texts, codebook: Codebook,
                 limit: int = 10, filters: dict | None = None, term_weights=None) -> list[dict]:
    """`filters` narrows every index query (the service passes the cases the user may see);
    `term_weights` gives the BM25 IDF over those cases (store/vectors.py)."""
    texts = material.texts[:MAX_PASSAGES]
    vectors = embedder.encode(texts) if material.language == "en" else [None] * len(texts)
    votes: dict[str, float] = defaultdict(float)
    pairs: dict[str, list] = defaultdict(list)
    for text, vec in zip(texts, vectors):
        legs = [index.query("lexical", None, sparse_query(text, term_weights), 20, filters)]
        intent = understand(text, codebook)
        if intent.translation:
            other = "en" if intent.language == "zh" else "zh"
            legs.append(index.query("lexical", None, sparse_query(intent.translation, term_weights), 20,
                                    narrow(filters, "language", other)))
        if vec is not None:
            legs.append(index.query("dense", vec.tolist(), None, 20, filters))
        for leg in legs:
            seen: set[str] = set()
            for rank, s in enumerate(sorted(leg, key=passage_key)):
                cid = s.payload.get("case_id")
                if cid == material.exclude or cid in seen:
                    continue
                seen.add(cid)
                votes[cid] += 1.0 / (RRF_K + len(seen))
                pairs[cid].append((1.0 / (RRF_K + len(seen)), text, s))
    my_concepts = concept_counts(texts, codebook)
    top_votes = max(votes.values(), default=1.0)
    out = []
    for cid in sorted(case_texts):
        if cid == material.exclude:
            continue
        prof = case_profile(cid)
        if prof is None:
            continue
        their_tags = set(case_tags(prof))  # the one tag decision (profile.decided)
        union = material.tags | their_tags
        tag_sim = len(material.tags & their_tags) / len(union) if union else 0.0
        their_concepts = case_concepts(cid, case_texts.get(cid, []), codebook)
        concept_sim = cosine(my_concepts, their_concepts)
        same_type = bool(material.accident_type and material.accident_type == prof["facts"].get("accident_type"))
        score = (WEIGHTS["votes"] * votes.get(cid, 0.0) / top_votes + WEIGHTS["concepts"] * concept_sim
                 + WEIGHTS["tags"] * tag_sim + WEIGHTS["type"] * same_type)
        best, shown = [], set()
        for item in sorted(pairs.get(cid, []), key=lambda x: (-x[0], passage_key(x[2]))):
            if item[2].id not in shown and len(best) < 3:
                shown.add(item[2].id)
                best.append(item)
        shared_concepts = sorted(set(my_concepts) & set(their_concepts),
                                 key=lambda c: (-(my_concepts[c] * their_concepts[c]), c))
        out.append({
            "case_id": cid, "title": prof["title"], "score": round(score, 4),
            "shared_tags": sorted(material.tags & their_tags),
            "same_accident_type": same_type, "accident_type": prof["facts"].get("accident_type"),
            "industry": prof["facts"].get("industry"),
            "shared_concepts": shared_concepts[:12],
            "shared_entities": sorted(material.entities & {e["text"] for e in prof["entities"]})[:20],
            "components": {"passages": round(votes.get(cid, 0.0) / top_votes, 3), "concepts": round(concept_sim, 3),
                           "tags": round(tag_sim, 3), "accident_type": float(same_type)},
            "passages": [{"query_text": q, **to_hit(s).to_json()} for _, q, s in best],
        })
    out.sort(key=lambda x: (-x["score"], x["case_id"]))
    return out[:limit]
