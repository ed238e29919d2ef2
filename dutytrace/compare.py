"""Side-by-side comparison of two or three cases, aligned by responsibility issue.

Rows are the issues any of the cases carries (profile.decided), those all of them share first; each
row holds, per case, whether it carries the issue, its evidence (quote, document, page), the people
held accountable whose sanction sentence states the issue (the issue's codebook cues), and the
rectification measures whose text states it. The facts, the people by responsibility level and the
measures no issue claims follow, one column per case. Pure functions over profiles and measure items."""

from __future__ import annotations

from typing import Any

from dutytrace.profile import case_tags

FACTS = ("date", "region", "location", "industry", "accident_type", "enterprise", "fatalities", "injuries",
         "direct_loss", "grade")
MAX_EVIDENCE = 3


def _names(codebook, tag: str, text: str | None) -> bool:
    e = codebook.get("tags", tag)
    return bool(text and e and e.named_in(text))


def compare(profiles: list[dict[str, Any]], measures: dict[str, list[dict]], codebook) -> dict[str, Any]:
    """{"case_ids", "cases": [{"case_id", "title", "year"}], "facts": [{"key", "values"}],
    "issues": [{"tag", "carried_by": n, "cells": [{"carried", "score", "evidence", "people", "measures"}]}],
    "levels": [{"level", "cells": [[person...]]}], "other_measures": [[item...]]}"""
    if not 2 <= len(profiles) <= 3:
        raise ValueError("compare two or three cases")
    ids = [p["case_id"] for p in profiles]
    tagsets = [case_tags(p) for p in profiles]
    order: dict[str, int] = {}
    for tags in tagsets:
        for i, tag in enumerate(tags):
            order.setdefault(tag, i)
    all_tags = sorted(order, key=lambda t: (-sum(t in s for s in tagsets), order[t], t))
    claimed: list[set] = [set() for _ in profiles]
    issues = []
    for tag in all_tags:
        cells: list[dict[str, Any]] = []
        for k, prof in enumerate(profiles):
            entry = next((x for x in prof.get("tags") or [] if x["tag"] == tag), None)
            carried = tag in tagsets[k]
            evidence = [{"text": ev.get("text"), "name": ev.get("name"), "page": ev.get("page"), "doc_id": ev.get("doc_id")}
                        for ev in (entry or {}).get("evidence", [])[:MAX_EVIDENCE]] if carried else []
            people = [_person(a) for a in prof.get("accountability") or []
                      if a.get("sanction") and _names(codebook, tag, a.get("evidence"))] if carried else []
            items = []
            for it in measures.get(prof["case_id"], []) if carried else []:
                if _names(codebook, tag, it.get("measure")):
                    items.append(_measure(it))
                    claimed[k].add(it["id"])
            cells.append({"carried": carried, "score": round(float(entry["score"]), 3) if entry and carried else None,
                          "evidence": evidence, "people": people, "measures": items})
        issues.append({"tag": tag, "carried_by": sum(c["carried"] for c in cells), "cells": cells})
    levels = []
    seen_levels = []
    for prof in profiles:
        for a in prof.get("accountability") or []:
            if a.get("sanction") and a.get("level") not in seen_levels:
                seen_levels.append(a.get("level"))
    from dutytrace.sanctions import LEVEL_ORDER

    rank = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
    for lvl in sorted(seen_levels, key=lambda lv: rank.get(lv, len(rank))):
        levels.append({"level": lvl, "cells": [[_person(a) for a in prof.get("accountability") or []
                                                 if a.get("sanction") and a.get("level") == lvl] for prof in profiles]})
    return {
        "case_ids": ids,
        "cases": [{"case_id": p["case_id"], "title": p.get("title"), "year": p.get("year")} for p in profiles],
        "facts": [{"key": k, "values": [(p.get("facts") or {}).get(k) for p in profiles]} for k in FACTS
                  if any((p.get("facts") or {}).get(k) is not None for p in profiles)],
        "issues": issues, "levels": levels,
        "other_measures": [[_measure(it) for it in measures.get(p["case_id"], []) if it["id"] not in claimed[k]]
                           for k, p in enumerate(profiles)],
    }


def _person(a: dict) -> dict:
    return {k: a.get(k) for k in ("person", "role", "organisation", "level", "sanction", "doc", "page", "evidence")}


def _measure(it: dict) -> dict:
    return {k: it.get(k) for k in ("id", "measure", "body", "deadline", "status", "document", "page", "doc_id")}
