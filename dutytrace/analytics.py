"""Aggregations over case profiles for the Analytics page and the search sidebar, and a case's
timeline. Every count keeps the ids of the cases behind it, so that a chart cell drills down to them.

Pure functions over the profile dicts that `Dutytrace.case()` returns (no index, no models)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from typing import Any

from dutytrace.profile import case_tags

DIMENSIONS = ("year", "province", "county", "industry", "accident_type", "tag")
_OTHER_DIMS = ("region", "city")  # the raw region string (what filters match) and the city it names

# -- regions: one value per province / city / county, not one per raw string ----------------------------
_ZH_REGION = re.compile(r"^(?P<province>.*?(?:省|自治区|特别行政区))?(?P<city>.*?(?:市(?!场)|自治州|地区|盟))?"
                        r"(?P<county>.*?(?:县|旗|新区|开发区|(?<!园)区|市(?!场)))?")
_EN_PROVINCE = re.compile(r"\b(?:province|state|territory|autonomous region)\b", re.I)
_EN_CITY = re.compile(r"\b(?:city|municipality|prefecture)\b", re.I)
_EN_COUNTY = re.compile(r"\b(?:county|district|borough|parish|new area|banner)\b", re.I)
_EN_TOWN = re.compile(r"\b(?:town|township|sub-?district|village)\b", re.I)


def region_parts(region: str | None) -> dict[str, str | None]:
    """The province, city and county (or district) a region names: "东屏省临川市沙河县" -> 东屏省 / 临川市 /
    沙河县; "Xiyuan District, Tonghe City" -> None / Tonghe City / Xiyuan District (English parts in any
    order, each known by its word: Province, State, Territory; City; County, District, Borough, Parish,
    New Area; a town is below the county and is dropped; a part with no such word is the city when
    none is named, else the county). A county is written with its city ("临川市沙河县",
    "Xiyuan District, Tonghe City") so that two districts of one name stay apart."""
    out: dict[str, str | None] = {"province": None, "city": None, "county": None}
    text = (region or "").strip()
    if not text:
        return out
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        m = _ZH_REGION.match(text.replace(" ", ""))
        for k in out:
            out[k] = (m.group(k) or None) if m else None
        if not any(out.values()):
            out["city"] = text
    else:
        loose = []
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            if _EN_TOWN.search(part) and not _EN_COUNTY.search(part.replace("Sub-district", "")):
                continue
            key = ("province" if _EN_PROVINCE.search(part) else "county" if _EN_COUNTY.search(part)
                   else "city" if _EN_CITY.search(part) else None)
            if key and out[key] is None:
                out[key] = part
            else:
                loose.append(part)
        for part in loose:
            key = "city" if out["city"] is None else "county" if out["county"] is None else None
            if key:
                out[key] = part
    if out["county"] and out["city"]:
        zh = any("\u4e00" <= ch <= "\u9fff" for ch in out["county"])
        out["county"] = out["city"] + out["county"] if zh else f"{out['county']}, {out['city']}"
    return out


def case_row(profile: dict[str, Any]) -> dict[str, Any]:
    f = profile.get("facts") or {}
    meta = profile.get("meta") or {}
    region = f.get("region") or meta.get("region")
    return {
        "case_id": profile["case_id"], "title": profile.get("title") or profile["case_id"],
        "year": profile.get("year"), "region": region, **region_parts(region),
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
    _check_dim(dim)
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
    _check_dim(dim)
    ids: dict[tuple, list[str]] = defaultdict(list)
    for r in rows:
        for tag in r["tags"]:
            ids[(r.get(dim), tag)].append(r["case_id"])
    cells = [{"value": v, "tag": tag, "cases": len(c), "case_ids": sorted(c)} for (v, tag), c in ids.items()]
    return _ordered(cells, dim)


def _check_dim(dim: str) -> None:
    if dim not in DIMENSIONS and dim not in _OTHER_DIMS:
        raise ValueError(f"unknown dimension '{dim}'; use one of {', '.join(DIMENSIONS)}")


def case_count(rows: list[dict], dim: str) -> int:
    """What the cells of `totals` add up to: the number of cases for a dimension with one value per case
    (every case counted once, those without a value under None); for "tag" a case counts once per issue
    it carries, so the cells add up to case-issue pairs, not cases — the page says so."""
    return sum(c["cases"] for c in totals(rows, dim))


# one colour per issue, fixed by the issue's place in the codebook (not by its label, which changes with
# the interface language, nor by the issues present, which change with the data)
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#79706e", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
           "#17becf", "#bcbd22")


def issue_colours(tag_ids: list[str]) -> dict[str, str]:
    """tag id -> colour, by the tag's position in the codebook (`tag_ids`, in codebook order); user tags
    past the palette's end reuse it from the start."""
    return {tag: PALETTE[i % len(PALETTE)] for i, tag in enumerate(tag_ids)}


# -- the annual report's view: issue x county x year ------------------------------------------------------
CUBE_COLUMNS = ("issue", "county", "year", "cases", "case_ids")


def issue_county_year(rows: list[dict]) -> list[dict[str, Any]]:
    """Cases per (issue, county, year): [{"tag", "county", "year", "cases", "case_ids"}]. A case counts once
    in each cell of an issue it carries; a case with no county (or year) stated counts under None. Issues
    by their total cases, then county and year in order."""
    ids: dict[tuple, list[str]] = defaultdict(list)
    for r in rows:
        for tag in r["tags"]:
            ids[(tag, r.get("county"), r.get("year"))].append(r["case_id"])
    per_tag: dict[str, set] = defaultdict(set)
    for (tag, _, _), c in ids.items():
        per_tag[tag].update(c)
    cells = [{"tag": tag, "county": county, "year": year, "cases": len(c), "case_ids": sorted(c)}
             for (tag, county, year), c in ids.items()]
    return sorted(cells, key=lambda c: (-len(per_tag[c["tag"]]), c["tag"], c["county"] is None, c["county"] or "",
                                        c["year"] is None, c["year"] or 0))


def cube_csv(cells: list[dict], tag_label=None, unknown: str = "") -> bytes:
    """The issue x county x year view as CSV (UTF-8 with BOM; cells a spreadsheet would read as formulas
    escaped by export.safe_cell, since county names come from documents)."""
    from dutytrace.export import to_csv

    rows = [{"issue": tag_label(c["tag"]) if tag_label else c["tag"], "county": c["county"] or unknown,
             "year": c["year"] if c["year"] is not None else unknown, "cases": c["cases"],
             "case_ids": " ".join(c["case_ids"])} for c in cells]
    return to_csv(rows, CUBE_COLUMNS)


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
# a full stop inside a number ("直接经济损失2316.5万元", "3.5 m") ends no sentence
_SENTENCE_END = re.compile(r"(?<=[!?。！？；;])\s*|(?<=\.)(?!\d)\s*|\n")
# the header of an interview record: its date says when the interview was held, not an event of the case
_HEADER_LINE = re.compile(r"^\s*(?:询问|讯问|谈话|记录)?(?:时间|日期)\s*[:：]|^\s*(?:interview |record )?(?:date|time)"
                          r"(?: of (?:the )?(?:interview|record))?\s*[:：]", re.I)


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
                # 询问时间：… / Time: … of an interview record's header: the interview itself is the event
                # (interview: True), not the header's text
                header = bool(_HEADER_LINE.match(p["text"][p["text"].rfind("\n", 0, s) + 1:s]))
                n += 1
                events[key] = {"date": day.isoformat(), "text": "" if header else _sentence_around(p["text"], s, e),
                               "doc_id": d["doc_id"], "name": d["name"], "kind": d.get("kind"), "page": p["page"],
                               "accident": day.isoformat() == accident, "interview": header}
    return sorted(events.values(), key=lambda ev: (ev["date"], ev["name"]))
