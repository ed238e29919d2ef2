"""Similar past cases for a new document (or an existing case), with the reasons why.

A case-level profile of the new material — its passages, responsibility tags, accident type, and the
codebook concepts it names (equipment, hazards, kinds of bodies and posts, failures, sanctions, which
are bilingual and so carry across languages) — is ranked against candidate cases:

    score = 0.40 * passage votes     (each passage retrieves passages; the cases they belong to get
                                      reciprocal-rank votes; lexical, cross-language and, for English,
                                      dense legs)
          + 0.25 * concept overlap   (cosine of concept-count vectors: language independent)
          + 0.20 * tag overlap       (Jaccard of responsibility tags)
          + 0.15 * same accident type

The candidates are found, never scanned for: the cases the passages' index neighbours belong to, and
the cases whose stored profile shares the material's decided tags, accident type or main concepts
(looked up by term in the catalog, store/catalog.py `case_terms`), each list cut to its best; every
candidate is then scored exactly from its stored profile (profile.py), concept counts included. The
time grows with the material and the candidates, not with the archive.

Each result carries its explanation: shared tags, same accident type or industry, shared concepts
(including kinds of bodies and posts), shared entities, and the pairs of passages that match."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from dutytrace.nlp.codebook import Codebook
from dutytrace.profile import concept_counts  # the material's concepts (also imported from here by callers)
from dutytrace.query import translation
from dutytrace.search import passage_key, to_hit
from dutytrace.store.vectors import PASSAGE_FIELDS, narrow, sparse_query
from dutytrace.profile import case_tags

WEIGHTS = {"votes": 0.40, "concepts": 0.25, "tags": 0.20, "type": 0.15}
RRF_K = 60.0
MAX_PASSAGES = 60
MAX_VOTED = 150  # candidates from passage votes: the cases with the most votes
MAX_SHARING = 100  # candidates from shared tags, type and concepts: the best by what they share
TOP_CONCEPTS = 20  # the material's concepts the lookup goes by (its most named ones)


@dataclass
class Material:
    """What is known of the new document or case being compared."""

    texts: list[str]
    language: str
    tags: set[str]
    accident_type: str | None
    entities: set[str]
    exclude: str | None = None  # the case itself, when comparing an existing case
    concepts: Counter | None = None  # its concept counts, when known (a stored case's); else counted


def cosine(a, b) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    return dot / (math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values())))


def sharing_candidates(material: Material, my_concepts: Counter, profiles, keep: int = MAX_SHARING) -> dict[str, float]:
    """Cases whose stored profile shares the material's decided tags, accident type or main concepts,
    with an estimate of the score those parts give (for cutting the list; not the score): at least the
    `keep` best by it (ties by case id), with every case that could tie with the last of them.

    The database adds the estimate up for every visible case sharing something (one row per case:
    profile.ProfileReader.sharing_sums), and the cases that can be among the `keep` best are estimated
    again from their own rows, with the same additions in the same order (a case's rows by term) as a
    pass over every shared row, so the cut is that pass's; that pass read rows growing with the archive
    (at 2,000 cases ~42,000 rows per call)."""
    tag_w = WEIGHTS["tags"] / len(material.tags) if material.tags else 0.0
    top: dict[str, int] = {}
    norm = 1.0
    if my_concepts:
        norm = math.sqrt(sum(v * v for v in my_concepts.values()))
        top = dict(sorted(my_concepts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CONCEPTS])
    weights: dict[tuple[str, str], tuple[float, float]] = {}
    for tag in material.tags or ():
        if tag:
            weights[("tag", str(tag))] = (tag_w, 0.0)
    if material.accident_type:
        weights[("type", str(material.accident_type))] = (WEIGHTS["type"], 0.0)
    for term, n in top.items():
        if term:
            weights[("concept", str(term))] = (0.0, WEIGHTS["concepts"] * n / norm)
    rough = profiles.sharing_sums(weights)
    if material.exclude is not None:
        rough.pop(material.exclude, None)
    if len(rough) > keep:
        floor = sorted(rough.values(), reverse=True)[keep - 1] - 1e-9  # far above the sums' rounding
        chosen = [c for c, v in rough.items() if v >= floor]
    else:
        chosen = list(rough)
    if not chosen:
        return {}
    est: dict[str, float] = defaultdict(float)
    if material.tags:
        for cid, _, _ in profiles.sharing("tag", material.tags, chosen):
            est[cid] += tag_w
    if material.accident_type:
        for cid, _, _ in profiles.sharing("type", [material.accident_type], chosen):
            est[cid] += WEIGHTS["type"]
    if my_concepts:
        for cid, term, w in profiles.sharing("concept", top, chosen):
            est[cid] += WEIGHTS["concepts"] * w * top[term] / norm
    if material.exclude is not None:
        est.pop(material.exclude, None)
    return dict(est)


def passages_to_embed(material_texts: list[str], language: str) -> list[str]:
    """The passages of the material whose vectors rank_similar asks the dense leg with (English only:
    MiniLM does not read Chinese)."""
    return material_texts[:MAX_PASSAGES] if language == "en" else []


def embed_beside(embedder, texts: list[str], language: str, futures: list) -> None:
    """Start making the vectors of `passages_to_embed(texts, language)` on a thread of their own (appended
    to `futures`), so that they are made while the document is still being analysed (Embedder.encode may
    be called from two threads; the tagger's sentences share the model). Nothing when none are needed."""
    from concurrent.futures import ThreadPoolExecutor

    to_embed = passages_to_embed(texts, language)
    if to_embed:
        pool = ThreadPoolExecutor(1, thread_name_prefix="dutytrace-similar-embed")
        futures.append(pool.submit(embedder.encode, to_embed))
        pool.shutdown(wait=False)


def rank_similar(material: Material, index, embedder, profiles, codebook: Codebook, limit: int = 10,
                 filters: dict | None = None, term_weights=None, passages=None, vectors=None) -> list[dict]:
    """`profiles`: the stored profiles of the cases the user may see (profile.ProfileReader);
    `filters` narrows every index query (the service passes the cases the user may see);
    `term_weights` gives the BM25 IDF over those cases (store/vectors.py); `passages` reads the shown
    passages' text from the catalog by chunk id (Catalog.passages); `vectors`: those of
    `passages_to_embed`, when the caller has made them already (else they are made here), or a function
    that waits for them (called once the lexical legs are asked: `similar` embeds on a thread of its own)."""
    texts = material.texts[:MAX_PASSAGES]
    to_embed = passages_to_embed(material.texts, material.language)
    votes: dict[str, float] = defaultdict(float)
    pairs: dict[str, list] = defaultdict(list)
    many = getattr(index, "query_many", None)

    def ask(requests: list[tuple]) -> list:
        return many(requests) if many is not None else \
            [index.query(m, d, sp, n, f, fields=fl) for m, d, sp, n, f, fl in requests]
    # every passage's legs (lexical, cross-language, dense); the lexical ones asked of the index in one
    # batch while the passages' vectors may still be in the making, the dense ones in a second batch
    plan: list[tuple[str, tuple | None]] = []  # (the passage, its request; None: its dense leg)
    for text in texts:
        plan.append((text, ("lexical", None, sparse_query(text, term_weights), 20, filters, PASSAGE_FIELDS)))
        language, other_terms = translation(text, codebook)  # (understand's translation, no issue lookup)
        if other_terms:
            other = "en" if language == "zh" else "zh"
            plan.append((text, ("lexical", None, sparse_query(other_terms, term_weights), 20,
                                narrow(filters, "language", other), PASSAGE_FIELDS)))
        if to_embed:
            plan.append((text, None))
    lexical = iter(ask([r for _, r in plan if r is not None]))
    # what needs no vectors is done before waiting for them
    my_concepts = material.concepts if material.concepts is not None else concept_counts(texts, codebook)
    sharing = sharing_candidates(material, my_concepts, profiles)
    dense: Iterator = iter(())
    if to_embed:
        made = vectors() if callable(vectors) else vectors
        if made is None or len(made) != len(to_embed):
            made = embedder.encode(to_embed)
        dense = iter(ask([("dense", v.tolist(), None, 20, filters, PASSAGE_FIELDS) for v in made]))
    answers = [next(lexical) if r is not None else next(dense) for _, r in plan]
    for (text, _), leg in zip(plan, answers):
        seen: set[str] = set()
        for s in sorted(leg, key=passage_key):
            cid = s.payload.get("case_id")
            if cid == material.exclude or cid in seen:
                continue
            seen.add(cid)
            votes[cid] += 1.0 / (RRF_K + len(seen))
            pairs[cid].append((1.0 / (RRF_K + len(seen)), text, s))
    top_votes = max(votes.values(), default=1.0)
    voted = sorted((c for c in votes if c != material.exclude), key=lambda c: (-votes[c], c))[:MAX_VOTED]
    candidates = set(voted) | set(sorted(sharing, key=lambda c: (-sharing[c], c))[:MAX_SHARING])
    found = profiles.many(sorted(candidates))  # visible cases with documents, read in one batch
    out = []
    for cid in sorted(found):
        prof = found[cid]
        their_tags = set(case_tags(prof))  # the one tag decision (profile.decided)
        union = material.tags | their_tags
        tag_sim = len(material.tags & their_tags) / len(union) if union else 0.0
        their_concepts = profiles.concepts(cid)
        concept_sim = cosine(my_concepts, their_concepts)
        same_type = bool(material.accident_type and material.accident_type == prof["facts"].get("accident_type"))
        score = (WEIGHTS["votes"] * votes.get(cid, 0.0) / top_votes + WEIGHTS["concepts"] * concept_sim
                 + WEIGHTS["tags"] * tag_sim + WEIGHTS["type"] * same_type)
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
            "passages": [],
        })
    out.sort(key=lambda x: (-x["score"], x["case_id"]))
    out = out[:limit]
    shown = {}
    for item in out:  # the best three passage pairs of each case shown, their text read in one batch
        best: list = []
        seen = set()
        for pair in sorted(pairs.get(item["case_id"], []), key=lambda x: (-x[0], passage_key(x[2]))):
            if pair[2].id not in seen and len(best) < 3:
                seen.add(pair[2].id)
                best.append((pair[1], to_hit(pair[2])))
        shown[item["case_id"]] = best
    hits = [h for best in shown.values() for _, h in best]
    need = [h.chunk_id for h in hits if not h.text and h.chunk_id]
    got = passages(need) if passages is not None and need else {}
    for h in hits:
        row = got.get(h.chunk_id)
        if row:
            h.text, h.path, h.name, h.speaker = row["text"], row["path"], row["name"], row["speaker"]
    for item in out:
        item["passages"] = [{"query_text": q, **h.to_json()} for q, h in shown[item["case_id"]]]
    return out
