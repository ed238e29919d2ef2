"""Sanctions across cases: for each responsibility level and post group (posts.py), which sanctions
the precedents imposed, on how many people, in which cases, and which responsibility issues those
cases carry — what an investigator reads before proposing a proportionate sanction.

Pure functions over case profiles (`Dutytrace.case_profiles()`); every count keeps the case ids and
the people behind it, so the page links each number to its cases."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from dutytrace.nlp.accountability import SEVERITY
from dutytrace.posts import post_group
from dutytrace.profile import case_tags

LEVEL_ORDER = ("leadership", "local_management", "comprehensive_supervision", "industry_supervision", "enterprise", None)


def _severity(sanction: str | None) -> int:
    return SEVERITY.index(sanction) if sanction in SEVERITY else len(SEVERITY)


def people(profiles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every person (or enterprise) held accountable with a sanction, one row each, with the post
    group and the issues of the case: {"case_id", "title", "year", "person", "post", "organisation",
    "level", "sanction", "group", "doc", "page", "evidence", "issues"}."""
    rows = []
    for prof in profiles:
        issues = case_tags(prof)
        for a in _once_per_person(prof.get("accountability") or []):
            g = post_group(a)
            rows.append({"case_id": prof["case_id"], "title": prof.get("title") or prof["case_id"],
                         "year": prof.get("year"), "person": a.get("person"), "post": a.get("role"),
                         "organisation": a.get("organisation"), "level": a.get("level"),
                         "sanction": a.get("sanction"), "group": g.id,
                         "doc": a.get("doc"), "page": a.get("page"), "evidence": a.get("evidence"),
                         "issues": issues})
    return rows


def _once_per_person(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A case's sanctioned people, each once: a profile lists a person once per document that names them
    (the report and the decision), which would count one deputy head as two people. The entry with the
    most severe sanction is kept (its document and page are the ones cited); unnamed entries stay apart."""
    best: dict[str, dict[str, Any]] = {}
    rest = []
    for a in entries:
        if not a.get("sanction"):
            continue
        name = "".join(str(a.get("person") or "").lower().split())
        if not name:
            rest.append(a)
        elif name not in best or _severity(a["sanction"]) < _severity(best[name]["sanction"]):
            best[name] = a
    return [best[k] for k in sorted(best)] + rest


def table(profiles: list[dict[str, Any]], level: str | None = None, group: str | None = None) -> list[dict[str, Any]]:
    """Sanctions by responsibility level and post group:
    [{"level", "group", "people", "cases": [ids], "sanctions": [{"sanction", "people", "cases": [ids],
      "persons": [{"case_id", "person", "post", "organisation", "doc", "page"}],
      "issues": [{"tag", "cases", "case_ids"}]}]}]
    Levels in LEVEL_ORDER, then groups by people (most first); sanctions most severe first; an issue
    counts the cases behind that sanction that carry it. `level` / `group` keep only those rows."""
    rows = [r for r in people(profiles)
            if (level is None or r["level"] == level) and (group is None or r["group"] == group)]
    by_group: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        by_group[(r["level"], r["group"])].append(r)
    out = []
    for (lvl, grp), members in by_group.items():
        by_sanction: dict[str, list[dict]] = defaultdict(list)
        for r in members:
            by_sanction[r["sanction"]].append(r)
        sanctions = []
        for sanction, rs in sorted(by_sanction.items(), key=lambda kv: (_severity(kv[0]), kv[0])):
            issue_cases: dict[str, set] = defaultdict(set)
            for r in rs:
                for tag in r["issues"]:
                    issue_cases[tag].add(r["case_id"])
            sanctions.append({
                "sanction": sanction, "people": len(rs), "cases": sorted({r["case_id"] for r in rs}),
                "persons": [{k: r[k] for k in ("case_id", "person", "post", "organisation", "doc", "page")}
                            for r in sorted(rs, key=lambda r: (r["case_id"], r["person"] or ""))],
                "issues": [{"tag": tag, "cases": len(ids), "case_ids": sorted(ids)}
                           for tag, ids in sorted(issue_cases.items(), key=lambda kv: (-len(kv[1]), kv[0]))],
            })
        out.append({"level": lvl, "group": grp, "people": len(members),
                    "cases": sorted({r["case_id"] for r in members}), "sanctions": sanctions})
    order = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
    out.sort(key=lambda g: (order.get(g["level"], len(order)), -g["people"], g["group"]))
    return out


def labelled(groups: list[dict[str, Any]], codebook, lang: str = "en") -> list[dict[str, Any]]:
    """The same table with every code in words (levels, post groups, sanctions, issues) beside it, for
    `--json` and the page: level_name, group_name, sanction_name, tag_name."""
    from dutytrace.posts import PostGroup

    def name(section: str, code: str | None) -> str | None:
        if code is None:
            return None
        e = codebook.get(section, code)
        return e.label(lang) if e else code

    out = []
    for g in groups:
        tier, body, rank = g["group"].split(":")
        out.append({**g, "level_name": name("responsibility_levels", g["level"]),
                    "group_name": PostGroup(tier, body, rank).label(lang),
                    "sanctions": [{**s, "sanction_name": name("sanctions", s["sanction"]),
                                   "issues": [{**i, "tag_name": name("tags", i["tag"])} for i in s["issues"]]}
                                  for s in g["sanctions"]]})
    return out
