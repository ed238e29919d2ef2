"""Case profiles: what a case is, aggregated from its documents' analyses, its case.yaml and the
reviewers' decisions, with the codebook concepts its passages name. Used for index payloads, search
cards, facets, case pages, analytics and similar cases.

A profile is kept, not recomputed: `CaseProfile` (typed) is stored in the catalog (store/catalog.py
`case_profiles`) with the case's revision and review stamp, and built again only when the case changed
since (ingest, retag, a tag review, a case.yaml change, a document removed) or the schema did. Readers
take it by `case_profile` / `ProfileReader` (batched); `materialise_missing` builds every missing one
(a home made before profiles were stored: done when the service opens it, and by `dutytrace reindex`)."""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from dutytrace.models import CASE_TAG_MIN, kind_rank
from dutytrace.store.catalog import Catalog

FACT_KEYS = ("date", "location", "enterprise", "accident_type", "fatalities", "injuries", "direct_loss", "grade")
SCHEMA = 3  # raise when what a profile holds changes: every stored profile is then built again


@dataclass
class CaseTag:
    tag: str
    score: float
    evidence: list[dict] = field(default_factory=list)
    accepted: bool = False


@dataclass
class ProfileDocument:
    doc_id: str
    name: str
    path: str
    kind: str
    language: str
    fmt: str
    pages: int


@dataclass
class CaseProfile:
    """A case as the product reads it. `to_json()` is the dict the service returns (case page, analytics,
    exports); `concepts` counts the passages naming each codebook concept (language independent)."""

    case_id: str
    title: str
    meta: dict
    facts: dict
    year: int | None
    tags: list[CaseTag]
    entities: list[dict]
    accountability: list[dict]
    languages: list[str]
    documents: list[ProfileDocument]
    concepts: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("concepts")
        return d

    @classmethod
    def from_json(cls, d: dict, concepts: dict | None = None) -> "CaseProfile":
        return cls(d["case_id"], d["title"], d.get("meta") or {}, d.get("facts") or {}, d.get("year"),
                   [CaseTag(**t) for t in d.get("tags") or []], list(d.get("entities") or []),
                   list(d.get("accountability") or []), list(d.get("languages") or []),
                   [ProfileDocument(**x) for x in d.get("documents") or []], dict(concepts or {}))

    def decided_tags(self) -> list[str]:
        """The issues the case carries (`decided`), strongest first."""
        return [t.tag for t in self.tags if t.score >= CASE_TAG_MIN or t.accepted]


def concept_counts(texts, codebook) -> Counter:
    """How many of the texts name each codebook concept (Entry.named_in: one of its plain terms, or two
    of its ambiguous ones)."""
    counts: Counter = Counter()
    for text in texts:
        for c in codebook.concepts_named_in(text):
            counts[c.id] += 1
    return counts


_FINGERPRINTS: dict[int, tuple[Any, str]] = {}


def codebook_fingerprint(codebook) -> str:
    """Identifies a codebook's concepts (a stored profile's concept counts hold for that codebook only)."""
    if codebook is None:
        return ""
    hit = _FINGERPRINTS.get(id(codebook))
    if hit is None or hit[0] is not codebook:
        h = hashlib.sha256()
        for c in codebook.concepts:
            h.update(c.id.encode())
            for lang in sorted(c.cues):
                h.update("".join(p.pattern for p in c.cues[lang]).encode())
            for lang in sorted(c.weak):
                h.update(("~" + "".join(p.pattern for p in c.weak[lang])).encode())
        hit = _FINGERPRINTS[id(codebook)] = (codebook, h.hexdigest()[:16])
    return hit[1]


def build_profile(catalog: Catalog, case_id: str, codebook=None) -> CaseProfile:
    """A case's profile from what the catalog holds now (its concepts too, given the codebook)."""
    d = _aggregate(catalog, case_id)
    counts = concept_counts((c["text"] for c in catalog.chunks_of_case(case_id)), codebook) if codebook else {}
    return CaseProfile.from_json(d, dict(counts))


def _terms(p: CaseProfile) -> list[tuple[str, str, float]]:
    out = [("tag", t, 1.0) for t in p.decided_tags()]
    if p.facts.get("accident_type"):
        out.append(("type", str(p.facts["accident_type"]), 1.0))
    norm = math.sqrt(sum(v * v for v in p.concepts.values())) or 1.0
    out.extend(("concept", c, n / norm) for c, n in p.concepts.items() if n)
    return out


def store_profile(catalog: Catalog, case_id: str, codebook=None) -> CaseProfile:
    """Build a case's profile and keep it in the catalog (stamped with the state it was built from)."""
    stamp = catalog.profile_stamp(case_id)
    p = build_profile(catalog, case_id, codebook)
    if stamp is not None and p.documents:
        catalog.put_profile(case_id, stamp, SCHEMA, codebook_fingerprint(codebook),
                            json.dumps(p.to_json(), ensure_ascii=False), json.dumps(p.concepts), _terms(p))
    return p


def read_raw(catalog: Catalog, case_ids, codebook=None) -> dict[str, tuple[dict, dict]]:
    """{case_id: (profile dict, concept counts)} of these cases: stored ones that still hold, the rest
    built and stored. With a codebook, a profile whose concepts were counted with another codebook is
    built again; without one, any stored profile will do (its concepts are not read)."""
    ids = list(dict.fromkeys(case_ids))
    stored = catalog.stored_profiles(ids, SCHEMA)
    want = codebook_fingerprint(codebook) if codebook is not None else None
    out: dict[str, tuple[dict, dict]] = {}
    for cid in ids:
        row = stored.get(cid)
        if row is not None and (want is None or row[2] == want):
            out[cid] = (json.loads(row[0]), json.loads(row[1]))
        else:
            p = store_profile(catalog, cid, codebook if codebook is not None else _default_codebook())
            out[cid] = (p.to_json(), p.concepts)
    return out


def read_profiles(catalog: Catalog, case_ids, codebook=None) -> dict[str, CaseProfile]:
    """`read_raw`, typed."""
    return {c: CaseProfile.from_json(d, k) for c, (d, k) in read_raw(catalog, case_ids, codebook).items()}


def _default_codebook():
    from dutytrace.nlp.codebook import load_codebook

    return load_codebook(None)


def materialise_missing(catalog: Catalog, codebook=None, progress=None) -> int:
    """Build and store every profile that is missing or out of date; returns how many were built."""
    missing = catalog.cases_without_profile(SCHEMA)
    for i, cid in enumerate(missing):
        store_profile(catalog, cid, codebook if codebook is not None else _default_codebook())
        if progress:
            progress(i + 1, len(missing))
    return len(missing)


# case id -> (digest of its stored profile's text, its index payload, its documents' ids, languages and
# kinds): ProfileReader.facet_rows, per process (read-only: the payloads are shared by every count)
_FACET_ROWS: dict[str, tuple] = {}


class ProfileReader:
    """The stored profiles of the cases a user may see, for one search, facet count or similar-case
    ranking: read in batches, each once; None for a case that is not visible or has no documents.
    Called with a case id it is the Searcher's `case_info` (the profile as a dict, not to be changed)."""

    def __init__(self, catalog: Catalog, codebook=None, visible: set[str] | None = None):
        self.catalog, self.codebook, self.visible = catalog, codebook, visible
        self._seen: dict[str, tuple[dict, dict] | None] = {}

    def _load(self, case_ids) -> None:
        need = [c for c in dict.fromkeys(case_ids) if c not in self._seen]
        if not need:
            return
        shown = [c for c in need if self.visible is None or c in self.visible]
        got = read_raw(self.catalog, shown, self.codebook) if shown else {}
        for c in need:
            hit = got.get(c)
            self._seen[c] = hit if hit is not None and hit[0].get("documents") else None

    def many(self, case_ids) -> dict[str, dict]:
        """{case_id: profile dict} of those of these cases that are visible and have documents."""
        ids = list(case_ids)
        self._load(ids)
        return {c: hit[0] for c in ids if (hit := self._seen.get(c)) is not None}

    def __call__(self, case_id: str) -> dict | None:
        return self.many([case_id]).get(case_id)

    def profile(self, case_id: str) -> CaseProfile | None:
        self._load([case_id])
        hit = self._seen.get(case_id)
        return CaseProfile.from_json(*hit) if hit is not None else None

    def concepts(self, case_id: str) -> dict[str, int]:
        self._load([case_id])
        hit = self._seen.get(case_id)
        return hit[1] if hit is not None else {}

    def facet_rows(self, case_ids) -> dict[str, tuple[dict, list[dict]]]:
        """{case_id: (its index payload, [{doc_id, language, kind} of each document])} of those of these
        cases that are visible and have documents: what facet counts read of a case. Kept per process by
        the stored profile's text (a case's profile is decoded once while it is unchanged), so counting
        the facets of a search that matches thousands of cases does not decode thousands of profiles."""
        ids = [c for c in dict.fromkeys(case_ids) if self.visible is None or c in self.visible]
        stored = self.catalog.stored_profiles(ids, SCHEMA) if ids else {}
        want = codebook_fingerprint(self.codebook) if self.codebook is not None else None
        out: dict[str, tuple[dict, list[dict]]] = {}
        rest = []
        for cid in ids:
            row = stored.get(cid)
            if row is None or (want is not None and row[2] != want):
                rest.append(cid)  # out of date or never built: built (and kept) by the usual read
                continue
            key = hashlib.blake2b(row[0].encode("utf-8"), digest_size=16).digest()
            hit = _FACET_ROWS.get(cid)
            if hit is None or hit[0] != key:
                prof = json.loads(row[0])
                if len(_FACET_ROWS) >= 100_000:
                    _FACET_ROWS.clear()
                hit = _FACET_ROWS[cid] = (key, index_payload(prof) if prof.get("documents") else None,
                                          [{k: d.get(k) for k in ("doc_id", "language", "kind")}
                                           for d in prof.get("documents", [])])
            if hit[1] is not None:
                out[cid] = (hit[1], hit[2])
        for cid, prof in self.many(rest).items():
            out[cid] = (index_payload(prof), [{k: d.get(k) for k in ("doc_id", "language", "kind")}
                                              for d in prof.get("documents", [])])
        return out

    def sharing(self, kind: str, terms, case_ids=None) -> list[tuple[str, str, float]]:
        """(case_id, term, w) of the visible cases (of `case_ids`, when given) whose stored profile lists
        one of these terms."""
        rows = self.catalog.cases_with_terms(kind, [str(t) for t in terms if t], case_ids)
        return [r for r in rows if self.visible is None or r[0] in self.visible]

    def sharing_sums(self, weights: dict[tuple[str, str], tuple[float, float]]) -> dict[str, float]:
        """{case_id: sum of a + b * w over its listed (kind, term) keys of `weights`} of the visible cases
        (Catalog.case_term_sums: summed by the database)."""
        got = self.catalog.case_term_sums(weights)
        return {c: v for c, v in got.items() if self.visible is None or c in self.visible}


def case_profile(catalog: Catalog, case_id: str, codebook=None) -> dict[str, Any]:
    """A case's profile as a dict (stored, or built and stored when the case changed since)."""
    return read_raw(catalog, [case_id], codebook)[case_id][0]


def _aggregate(catalog: Catalog, case_id: str) -> dict[str, Any]:
    row = catalog.case_row(case_id) or {"case_id": case_id, "title": None, "meta": {}}
    meta = row["meta"]
    docs = catalog.documents(case_id)
    reviews = catalog.reviews(case_id)
    facts: dict[str, Any] = {}
    # the report speaks for the case; other documents fill what it leaves open
    for d in sorted(docs, key=lambda d: kind_rank(d["kind"])):
        for k, v in (d["analysis"].get("facts") or {}).items():
            if facts.get(k) is None and v is not None:
                facts[k] = v
    for k in ("date", "region", "industry", "accident_type", "location", "enterprise"):
        if meta.get(k):
            facts[k] = meta[k]
    if meta.get("accident_type"):  # the case's own metadata decides the type: no classifier's confidence
        facts.pop("accident_type_confidence", None)  # (given for whatever type it guessed) goes with it
        facts["accident_type_source"] = "metadata"
    tags: dict[str, dict] = {}
    # tag -> [(document decides the tag, its score, kind rank, document position, evidence)]
    found: dict[str, list[tuple[bool, float, int, int, dict]]] = {}
    entities: Counter = Counter()
    accountability: list[dict] = []
    for pos, d in enumerate(docs):
        a = d["analysis"]
        for t in a.get("tags", []):
            decision = review_of(reviews, d, t["tag"])
            if decision == "rejected":
                continue
            cur = tags.setdefault(t["tag"], {"tag": t["tag"], "score": 0.0, "evidence": [], "accepted": False})
            cur["score"] = max(cur["score"], t["score"])
            cur["accepted"] = cur["accepted"] or decision == "accepted"
            decides = t["score"] >= CASE_TAG_MIN or decision == "accepted"
            found.setdefault(t["tag"], []).extend(
                (decides, t["score"], kind_rank(d["kind"]), pos, {**ev, "doc_id": d["doc_id"], "name": d["name"]})
                for ev in t.get("evidence", []))
        for (key, tag), decision in reviews.items():
            if key in (d["doc_id"], "name:" + d["name"], "*") and decision == "accepted":
                cur = tags.setdefault(tag, {"tag": tag, "score": 1.0, "evidence": [], "accepted": True})
                cur["accepted"] = True
        for e in a.get("entities", []):
            if e["label"] in ("ORG", "GOV", "POST", "LAW"):
                entities[(e["text"], e["label"])] += 1
        accountability.extend({**x, "doc": d["name"]} for x in a.get("accountability", []))
    for tag, cur in tags.items():
        cur["evidence"] = case_evidence(found.get(tag, []), decided(cur))
    title = meta.get("title") or row.get("title") or _title_from_docs(docs) or case_id
    year = None
    if facts.get("date"):
        try:
            year = int(str(facts["date"])[:4])
        except ValueError:
            year = None
    languages = sorted({d["language"] for d in docs})
    return {
        "case_id": case_id, "title": title, "meta": meta, "facts": facts, "year": year,
        "tags": sorted(tags.values(), key=lambda t: (-t["score"], t["tag"])),
        "entities": [{"text": t, "label": lab, "count": n}
                     for (t, lab), n in sorted(entities.items(), key=lambda kv: (-kv[1], kv[0]))[:60]],
        "accountability": accountability, "languages": languages,
        "documents": [{k: d[k] for k in ("doc_id", "name", "path", "kind", "language", "fmt", "pages")} for d in docs],
    }


EVIDENCE_KEPT = 8  # pieces of evidence a case tag keeps


def case_evidence(found: list[tuple[bool, float, int, int, dict]], tag_decided: bool) -> list[dict]:
    """A case tag's evidence from its documents' (decides, score, kind rank, position, evidence): the
    documents that decide the tag first (highest score, then report before decision before transcript,
    then document order; each document's own order kept), so that what is cited first is what decided
    it. A decided case tag never cites a document below the decision (its evidence did not decide it);
    a tag only possible keeps every document's evidence, strongest first."""
    kept = [f for f in found if f[0] or not tag_decided]
    kept.sort(key=lambda f: (not f[0], -f[1], f[2], f[3]))  # stable: a document's evidence keeps its order
    return [f[4] for f in kept[:EVIDENCE_KEPT]]


def review_of(reviews: dict, doc: dict, tag: str) -> str | None:
    """A reviewer's decision on a tag of a document: on the document itself (by id, or by file name so
    that it holds for a new version of the file), else on the whole case ("*")."""
    for key in (doc["doc_id"], "name:" + doc["name"], "*"):
        if (key, tag) in reviews:
            return reviews[(key, tag)]
    return None


def _title_from_docs(docs: list[dict]) -> str | None:
    for d in docs:
        if d["kind"] == "report":
            return d["name"]
    return None


def scored_tags(profile: dict[str, Any]) -> set[str]:
    """The tags a case's documents give it by score alone (CASE_TAG_MIN), reviewers' acceptances aside:
    what similar-case ranking and the evaluation compare."""
    return {t["tag"] for t in profile.get("tags") or [] if t.get("score", 0) >= CASE_TAG_MIN}


def decided(tag: dict[str, Any]) -> bool:
    """The one case-tag decision: scored at CASE_TAG_MIN or more, or accepted by a reviewer (a rejected tag
    never reaches a profile). Chips, the case page, filters, facets, analytics, exports and similar-case
    reasons all use it."""
    return tag.get("score", 0) >= CASE_TAG_MIN or bool(tag.get("accepted"))


def case_tags(profile: dict[str, Any]) -> list[str]:
    """The issues a case carries (`decided`), strongest first, ties by tag id."""
    return [t["tag"] for t in profile.get("tags") or [] if decided(t)]


def possible_tags(profile: dict[str, Any]) -> list[dict[str, Any]]:
    """Tags below the decision (shown, if at all, only as "possible", with their score)."""
    return [t for t in profile.get("tags") or [] if not decided(t)]


def index_payload(profile: dict[str, Any] | CaseProfile) -> dict[str, Any]:
    """The case-level fields every chunk of the case carries in the index (for filters and facets; the
    title and the rest of the profile stay in the catalog)."""
    if isinstance(profile, CaseProfile):
        profile = profile.to_json()
    f = profile["facts"]
    return {
        "case_tags": case_tags(profile),
        "accident_type": f.get("accident_type"),
        "industry": f.get("industry") or profile["meta"].get("industry"),
        "region": f.get("region") or profile["meta"].get("region"),
        "grade": f.get("grade"),
        "year": profile["year"],
        "clearance": profile["meta"].get("clearance", "open"),
        "levels": sorted({a["level"] for a in profile["accountability"] if a.get("level")}),
        "entities": [e["text"] for e in profile["entities"] if e["label"] in ("ORG", "GOV", "LAW")][:40],
    }
