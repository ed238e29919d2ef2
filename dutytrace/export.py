"""Evidence lists as CSV and XLSX: the passages of a search (grouped by case) or the tag evidence of a
case, one row each with case, the case's facts (date, region, industry, accident type, grade, deaths,
injuries, direct loss), document, page, speaker, passage and responsibility issues. A search's rows are
the search's own (its filters, every passage per case it was asked for: Dutytrace.search_cases).

Cells are written as text; a cell that a spreadsheet would read as a formula (starting with =, +, -,
@ or a control character) is prefixed with an apostrophe, because documents are untrusted input."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any

from dutytrace.profile import decided

FACTS = ("date", "region", "industry", "accident_type", "grade", "fatalities", "injuries", "direct_loss")
COLUMNS = ("rank", "case_id", "case_title", *FACTS, "document", "kind", "page", "speaker", "passage", "issues", "score")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _label(labels: Callable[[str], str] | None, tag: str) -> str:
    return labels(tag) if labels else tag


def facts_cells(facts: dict[str, Any] | None, values: Callable[[str, Any], str] | None = None) -> dict[str, Any]:
    """The facts columns of a case; `values(field, value)` words a coded value (accident type, grade,
    industry) in the reader's language, else the value as stored. Empty cells for facts not found."""
    facts = facts or {}
    out: dict[str, Any] = {}
    for f in FACTS:
        v = facts.get(f)
        if v is None or v == "":
            out[f] = ""
        elif values and f in ("accident_type", "grade", "industry"):
            out[f] = values(f, v)
        elif isinstance(v, float) and v.is_integer():
            out[f] = int(v)  # 3968000, not 3968000.0
        else:
            out[f] = v
    return out


def rows_from_search(case_hits: Iterable, labels: Callable[[str], str] | None = None,
                     values: Callable[[str, Any], str] | None = None) -> list[dict[str, Any]]:
    """One row per passage of each CaseHit, in rank order, with the case's facts. `issues` are the
    passage's own tags."""
    rows = []
    for rank, c in enumerate(case_hits, start=1):
        facts = facts_cells(getattr(c, "facts", None), values)
        for p in c.passages:
            rows.append({"rank": rank, "case_id": c.case_id, "case_title": c.title, **facts, "document": p.name,
                         "kind": p.kind or "", "page": p.page, "speaker": p.speaker or "", "passage": p.text,
                         "issues": "; ".join(_label(labels, t) for t in p.tags), "score": round(c.score, 6)})
    return rows


def rows_from_case(profile: dict[str, Any], labels: Callable[[str], str] | None = None,
                   values: Callable[[str, Any], str] | None = None) -> list[dict[str, Any]]:
    """One row per piece of evidence of each responsibility issue of a case (strongest issue first), with
    the case's facts: the issues the case carries (profile.decided); a tag below the decision is not
    exported as an issue."""
    kinds = {d["doc_id"]: d.get("kind", "") for d in profile.get("documents") or []}
    facts = facts_cells(profile.get("facts"), values)
    rows = []
    for rank, tag in enumerate([t for t in profile.get("tags") or [] if decided(t)], start=1):
        for ev in tag.get("evidence") or []:
            rows.append({"rank": rank, "case_id": profile["case_id"], "case_title": profile.get("title") or "", **facts,
                         "document": ev.get("name", ""), "kind": kinds.get(ev.get("doc_id"), ""),
                         "page": ev.get("page", ""), "speaker": ev.get("speaker") or "", "passage": ev.get("text", ""),
                         "issues": _label(labels, tag["tag"]), "score": round(float(tag.get("score", 0)), 3)})
    return rows


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: list[dict[str, Any]], columns: tuple[str, ...] = COLUMNS) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens Chinese text correctly."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([safe_cell(r.get(c, "")) for c in columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(rows: list[dict[str, Any]], columns: tuple[str, ...] = COLUMNS, title: str = "evidence") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([_xlsx_value(r.get(c, "")) for c in columns])
    widths = {"passage": 90, "case_title": 36, "document": 28, "issues": 40}
    for i, c in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(c, 12)
    if "passage" in columns:
        col = columns.index("passage") + 1
        for row in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            row[0].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_value(v: Any) -> Any:
    if isinstance(v, str):
        # openpyxl refuses control characters that XML cannot hold; PDF text sometimes has them
        v = "".join(ch for ch in v if ch in "\t\n" or ord(ch) >= 32)
        return safe_cell(v)
    return v
