"""Case profiles: what a case is, aggregated from its documents' analyses, its case.yaml and the
reviewers' decisions. Used for index payloads, case pages and similar-case explanations."""

from __future__ import annotations

from collections import Counter
from typing import Any

from dutytrace.models import CASE_TAG_MIN
from dutytrace.store.catalog import Catalog

FACT_KEYS = ("date", "location", "enterprise", "accident_type", "fatalities", "injuries", "direct_loss", "grade")


def case_profile(catalog: Catalog, case_id: str) -> dict[str, Any]:
    row = catalog.case_row(case_id) or {"case_id": case_id, "title": None, "meta": {}}
    meta = row["meta"]
    docs = catalog.documents(case_id)
    reviews = catalog.reviews(case_id)
    facts: dict[str, Any] = {}
    # the report speaks for the case; other documents fill what it leaves open
    for d in sorted(docs, key=lambda d: {"report": 0, "decision": 1, "other": 2, "transcript": 3}.get(d["kind"], 4)):
        for k, v in (d["analysis"].get("facts") or {}).items():
            if facts.get(k) is None and v is not None:
                facts[k] = v
    for k in ("date", "region", "industry", "accident_type", "location", "enterprise"):
        if meta.get(k):
            facts[k] = meta[k]
    tags: dict[str, dict] = {}
    entities: Counter = Counter()
    accountability: list[dict] = []
    for d in docs:
        a = d["analysis"]
        for t in a.get("tags", []):
            decision = review_of(reviews, d, t["tag"])
            if decision == "rejected":
                continue
            cur = tags.setdefault(t["tag"], {"tag": t["tag"], "score": 0.0, "evidence": [], "accepted": False})
            cur["score"] = max(cur["score"], t["score"])
            cur["accepted"] = cur["accepted"] or decision == "accepted"
            for ev in t.get("evidence", []):
                if len(cur["evidence"]) < 8:
                    cur["evidence"].append({**ev, "doc_id": d["doc_id"], "name": d["name"]})
        for (key, tag), decision in reviews.items():
            if key in (d["doc_id"], "name:" + d["name"], "*") and decision == "accepted":
                cur = tags.setdefault(tag, {"tag": tag, "score": 1.0, "evidence": [], "accepted": True})
                cur["accepted"] = True
        for e in a.get("entities", []):
            if e["label"] in ("ORG", "GOV", "POST", "LAW"):
                entities[(e["text"], e["label"])] += 1
        accountability.extend({**x, "doc": d["name"]} for x in a.get("accountability", []))
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


def index_payload(profile: dict[str, Any]) -> dict[str, Any]:
    """The case-level fields every chunk of the case carries in the index (for filters and facets)."""
    f = profile["facts"]
    return {
        "title": profile["title"],
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
