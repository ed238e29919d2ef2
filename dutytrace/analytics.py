"""Aggregations over case profiles for the Analytics page and the search sidebar, and a case's
timeline. Every count keeps the ids of the cases behind it, so that a chart cell drills down to them.

Pure functions over the profile dicts that `Dutytrace.case()` returns (no index, no models)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from typing import Any

from dutytrace.profile import case_tags

DIMENSIONS = ("year", "region", "industry", "accident_type", "tag")


def case_row(profile: dict[str, Any]) -> dict[str, Any]:
    f = profile.get("facts") or {}
    meta = profile.get("meta") or {}
    return {
        "case_id": profile["case_id"], "title": profile.get("title") or profile["case_id"],
        "year": profile.get("year"), "region": f.get("region") or meta.get("region"),
        "industry": f.get("industry") or meta.get("industry"), "accident_type": f.get("accident_type"),
        "grade": f.get("grade"), "fatalities": f.get("fatalities"),
        "languages": list(profile.get("languages") or []),
        "kinds": sorted({d.get("kind") for d in profile.get("documents") or [] if d.get("kind")}),
        "tags": case_tags(profile),
    }


def case_table(profiles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [case_row(p) for p in profiles]


def _values(row: dict, dim: str) -> list:
    if dim == "tag":
        return list(row["tags"])
    if dim in ("languages", "kinds"):
        return list(row[dim])
    return [row.get(dim)]


def totals(rows: list[dict], dim: str) -> list[dict[str, Any]]:
    """Cases per value of one dimension: [{"value", "cases", "case_ids"}], most cases first
    (years in order). A case without a value counts under None."""
    if dim not in DIMENSIONS:
        raise ValueError(f"unknown dimension '{dim}'; use one of {', '.join(DIMENSIONS)}")
    ids: dict[Any, list[str]] = defaultdict(list)
    for r in rows:
        for v in _values(r, dim):
            ids[v].append(r["case_id"])
    return _ordered([{"value": v, "cases": len(c), "case_ids": sorted(c)} for v, c in ids.items()], dim)


def breakdown(rows: list[dict], dim: str) -> list[dict[str, Any]]:
    """Responsibility issues by one dimension: one cell per (value, tag) with the number of cases that
    have that value and carry that tag, and their ids. For dim == "tag" the cells are the tags alone."""
    if dim == "tag":
        return [{**c, "tag": c["value"]} for c in totals(rows, "tag")]
    if dim not in DIMENSIONS:
        raise ValueError(f"unknown dimension '{dim}'; use one of {', '.join(DIMENSIONS)}")
    ids: dict[tuple, list[str]] = defaultdict(list)
    for r in rows:
        for tag in r["tags"]:
            ids[(r.get(dim), tag)].append(r["case_id"])
    cells = [{"value": v, "tag": tag, "cases": len(c), "case_ids": sorted(c)} for (v, tag), c in ids.items()]
    return _ordered(cells, dim)


def _ordered(cells: list[dict], dim: str) -> list[dict]:
    if dim == "year":
        return sorted(cells, key=lambda c: (c["value"] is None, c["value"] or 0, c.get("tag") or ""))
    return sorted(cells, key=lambda c: (c["value"] is None, -c["cases"], str(c["value"]), c.get("tag") or ""))


def cases_in(rows: list[dict], dim: str, value: Any, tag: str | None = None) -> list[str]:
    """The drill-down: ids of the cases with `value` on `dim` (and carrying `tag`, when given)."""
    return sorted(r["case_id"] for r in rows
                  if value in _values(r, dim) and (tag is None or tag in r["tags"]))


FACET_FIELDS = {"case_tags": "tag", "accident_type": "accident_type", "industry": "industry", "region": "region",
                "grade": "grade", "year": "year", "language": "languages", "kind": "kinds"}


def facet_counts(rows: list[dict], case_ids: set[str] | None = None) -> dict[str, list[tuple[Any, int]]]:
    """Cases per value of each filter field (over `case_ids` when given): {field: [(value, count)]}.
    Used by the search sidebar when the service offers no facets of its own."""
    chosen = [r for r in rows if case_ids is None or r["case_id"] in case_ids]
    out: dict[str, list[tuple[Any, int]]] = {}
    for fld, dim in FACET_FIELDS.items():
        counts: dict[Any, int] = defaultdict(int)
        for r in chosen:
            for v in _values(r, dim):
                if v is not None:
                    counts[v] += 1
        out[fld] = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return out


# -- timeline ---------------------------------------------------------------------------------------
_MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"), start=1)}
_MONTH_RE = "|".join(m.capitalize() for m in _MONTHS) + "|" + "|".join(m[:3].capitalize() for m in _MONTHS)
_DATES = [
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"), ("y", "m", "d")),
    (re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_RE})\.?,?\s+(\d{{4}})\b"), ("d", "M", "y")),
    (re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b"), ("M", "d", "y")),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
]
_SENTENCE_END = re.compile(r"(?<=[.!?。！？；;])\s*|\n")


def find_dates(text: str) -> list[tuple[date, int, int]]:
    """Every date written in `text` (English or Chinese forms) with its character span."""
    out = []
    for pat, order in _DATES:
        for m in pat.finditer(text):
            parts = dict(zip(order, m.groups()))
            try:
                month = int(parts["m"]) if "m" in parts else _MONTHS[next(k for k in _MONTHS
                                                                         if k.startswith(parts["M"].lower()[:3]))]
                out.append((date(int(parts["y"]), month, int(parts["d"])), m.start(), m.end()))
            except (ValueError, StopIteration):
                continue
    return sorted(out, key=lambda x: x[1])


def _sentence_around(text: str, start: int, end: int, width: int = 220) -> str:
    bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    lo = max(b for b in bounds if b <= start)
    hi = min((b for b in bounds if b >= end), default=len(text))
    s = text[lo:hi].strip()
    return s if len(s) <= width else s[:width - 1] + "…"


def timeline(profile: dict[str, Any], pages: dict[str, list[dict]], per_doc: int = 6) -> list[dict[str, Any]]:
    """Dated events of a case: every date its documents mention, with the sentence around it, the
    document and page; the accident itself (facts.date) is flagged. Sorted by date, one event per
    (date, document)."""
    accident = str((profile.get("facts") or {}).get("date") or "")[:10]
    events: dict[tuple, dict] = {}
    for d in profile.get("documents") or []:
        n = 0
        for p in pages.get(d["doc_id"], []):
            for day, s, e in find_dates(p["text"]):
                key = (day, d["doc_id"])
                if key in events or n >= per_doc:
                    continue
                n += 1
                events[key] = {"date": day.isoformat(), "text": _sentence_around(p["text"], s, e), "doc_id": d["doc_id"],
                               "name": d["name"], "kind": d.get("kind"), "page": p["page"],
                               "accident": day.isoformat() == accident}
    return sorted(events.values(), key=lambda ev: (ev["date"], ev["name"]))
