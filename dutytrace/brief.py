"""The precedent brief: one content model, in Chinese or English, of what an investigator hands to a
colleague about a new document (or an existing case) — rendered to DOCX and PDF by brief_render.py.

    build(source, facts, material_tags, similar, profiles, measures, codebook, lang) -> dict

- `source`: {"name", "case_id"?} — the new document's file name or the case compared;
- `facts`: what was read from the new material (its analysis facts, or the case's profile facts);
- `material_tags`: the issues the material carries, [{"tag", "evidence": [{"text", "page"}]}];
- `similar`: the items of `Dutytrace.similar()` for it (already limited to the cases the reader may see);
- `profiles`, `measures`: case id -> profile / measure items, for those cases only.

Sections: the facts read, the most similar past cases with their reasons in words (reasons.explain),
the responsibility issues the material shares with them with quoted evidence and page citations, the
people held accountable in those precedents (post, responsibility level, sanction — names from the
codebook, never codes) and the rectification items still open. Every quote carries its document and
page; a piece of evidence without a page is left out rather than quoted without one. Pure: no
catalog, no index; the service checks access and audits (Dutytrace.brief)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from dutytrace.nlp.codebook import Codebook
from dutytrace.values import industry_words

OPEN_STATUSES = ("open", "in_progress", "overdue")
MAX_QUOTES = 2  # per issue and case
MAX_PEOPLE = 12  # per case

_T = {  # (English, Chinese)
    "title": ("Precedent brief", "先例简报"),
    "subtitle_file": ("For the new document {name}", "新材料：{name}"),
    "subtitle_case": ("For case {case}: {title}", "案件 {case}：{title}"),
    "generated": ("Prepared on {date} by {user} with Dutytrace. Only cases the author is cleared for are included.",
                  "{user} 于 {date} 使用 Dutytrace 生成。仅包含作者有权查看的案件。"),
    "s.read": ("1. What the new material says", "一、新材料反映的情况"),
    "s.precedents": ("2. The most similar past cases", "二、最相似的以往案件"),
    "s.issues": ("3. Shared responsibility issues, with evidence", "三、共同的责任问题及证据"),
    "s.people": ("4. People held accountable in these precedents", "四、以往案件中被追责的人员"),
    "s.measures": ("5. Their rectification items still open", "五、以往案件中尚未落实的整改措施"),
    "issues_found": ("Responsibility issues found", "发现的责任问题"),
    "none_found": ("none found", "未发现"),
    "no_precedent": ("No similar past case was found among the cases you may see.", "在您有权查看的案件中未找到相似案件。"),
    "no_shared": ("The material shares no responsibility issue with these cases.", "新材料与上述案件没有共同的责任问题。"),
    "no_people": ("These cases name nobody held accountable.", "上述案件未载明被追责人员。"),
    "no_measures": ("No open rectification item in these cases.", "上述案件没有尚未落实的整改措施。"),
    "score": ("similarity {score:.2f}", "相似度 {score:.2f}"),
    "your_quote": ("In the new material", "新材料"),
    "cite": ("{doc}, p. {page}", "{doc}，第 {page} 页"),
    "cite_yours": ("new material, p. {page}", "新材料第 {page} 页"),
    "col.person": ("Person or body", "人员或单位"),
    "col.post": ("Post", "职务"),
    "col.org": ("Organisation", "单位"),
    "col.level": ("Responsibility level", "责任层级"),
    "col.sanction": ("Sanction", "处理结果"),
    "col.source": ("Source", "出处"),
    "col.measure": ("Measure", "措施"),
    "col.body": ("Body responsible", "责任单位"),
    "col.deadline": ("Deadline", "时限"),
    "col.status": ("Status", "状态"),
    "st.open": ("open", "未落实"), "st.in_progress": ("in progress", "落实中"), "st.overdue": ("overdue", "逾期"),
    "st.done": ("done", "已落实"),
    "f.date": ("Date of the accident", "事故日期"), "f.location": ("Place", "地点"), "f.region": ("Region", "地区"),
    "f.enterprise": ("Enterprise", "事故单位"), "f.industry": ("Industry", "行业"),
    "f.accident_type": ("Accident type", "事故类型"), "f.fatalities": ("Deaths", "死亡人数"),
    "f.injuries": ("Injured", "受伤人数"), "f.direct_loss": ("Direct economic loss (as stated)", "直接经济损失"),
    "f.grade": ("Grade", "事故等级"),
    "g.general": ("general accident (fewer than 3 deaths)", "一般事故"), "g.larger": ("larger accident (3–9 deaths)", "较大事故"),
    "g.major": ("major accident (10–29 deaths)", "重大事故"), "g.especially_major": ("especially major accident (30 or more deaths)", "特别重大事故"),
    "persons": ("{n} people", "{n} 人"),
    "loss_zh": ("", "{wan} 万元"),
}
FACT_ORDER = ("date", "accident_type", "location", "region", "enterprise", "industry", "fatalities", "injuries",
              "direct_loss", "grade")


def words(key: str, lang: str, **values) -> str:
    en, zh = _T[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def _label(codebook: Codebook, section: str, code: str | None, lang: str) -> str | None:
    if not code:
        return None
    e = codebook.get(section, code)
    return e.label(lang) if e else str(code).replace("_", " ")


def fact_lines(facts: dict[str, Any], codebook: Codebook, lang: str) -> list[dict[str, str]]:
    """The facts as (label, value) lines in words: the accident type and grade by name, the industry in
    words, numbers as numbers. A fact not read is left out."""
    out = []
    for key in FACT_ORDER:
        v = (facts or {}).get(key)
        if v in (None, ""):
            continue
        if key == "accident_type":
            v = _label(codebook, "accident_types", v, lang)
        elif key == "grade":
            v = words(f"g.{v}", lang) if f"g.{v}" in _T else str(v).replace("_", " ")
        elif key == "industry":
            v = industry_words(v, lang)
        elif key == "direct_loss" and isinstance(v, (int, float)):
            v = words("loss_zh", lang, wan=f"{v / 10000:,.1f}") if lang == "zh" else f"{v:,.0f}"
        out.append({"label": words(f"f.{key}", lang), "value": str(v)})
    return out


def _reason_texts(result: dict, lang: str, codebook: Codebook, material: dict | None, profile: dict | None) -> list[str]:
    """The reasons for one precedent in words (dutytrace/reasons.py); if that module is absent, the
    shared issues and the accident type by name."""
    try:
        from dutytrace.reasons import explain
    except ImportError:  # pragma: no cover - reasons.py ships with the package
        explain = None  # type: ignore[assignment]
    if explain is not None:
        try:
            reasons = explain(result, lang, codebook, material=material, profile=profile)
        except TypeError:  # an explain without the profile argument
            reasons = explain(result, lang, codebook, material=material)
        return [r["text"] for r in reasons if r.get("text")]
    out = [("均存在责任问题“{}”" if lang == "zh" else "Both have the issue “{}”").format(_label(codebook, "tags", t, lang))
           for t in result.get("shared_tags") or []]
    if result.get("same_accident_type"):
        out.append(("事故类型相同：{}" if lang == "zh" else "Same accident type: {}").format(
            _label(codebook, "accident_types", result.get("accident_type"), lang)))
    return out


def _quote(ev: dict, lang: str) -> dict | None:
    page = ev.get("page")
    text = " ".join(str(ev.get("text") or "").split())
    if not text or page in (None, ""):
        return None
    return {"text": text, "document": ev.get("name") or ev.get("document"), "page": int(page),
            "cite": words("cite", lang, doc=ev.get("name") or ev.get("document"), page=int(page))}


def build(source: dict, facts: dict, material_tags: list[dict], similar: list[dict], profiles: dict[str, dict],
          measures: dict[str, list[dict]], codebook: Codebook, lang: str = "en", user: str = "",
          today: _dt.date | None = None) -> dict[str, Any]:
    """The brief's content (see the module docstring); every value is text in `lang` or a number."""
    lang = "zh" if lang == "zh" else "en"
    today = today or _dt.date.today()
    precedents = [r for r in similar if r["case_id"] in profiles]
    mine = {t["tag"]: t for t in material_tags}
    material = {"name": source.get("name"), "tags": material_tags, "language": source.get("language"),
                "accident_type": facts.get("accident_type"), "kind": source.get("kind"), "pages": source.get("pages")}
    if source.get("case_id"):
        subtitle = words("subtitle_case", lang, case=source["case_id"], title=source.get("title") or "")
    else:
        subtitle = words("subtitle_file", lang, name=source.get("name") or "")

    cases = []
    for rank, r in enumerate(precedents, start=1):
        prof = profiles[r["case_id"]]
        line = [x["value"] for x in fact_lines(prof.get("facts") or {}, codebook, lang)
                if x["label"] in (words("f.date", lang), words("f.accident_type", lang), words("f.fatalities", lang))]
        cases.append({"rank": rank, "case_id": r["case_id"], "title": prof.get("title") or r["case_id"],
                      "score": words("score", lang, score=float(r.get("score") or 0)), "facts": " · ".join(line),
                      "reasons": _reason_texts(r, lang, codebook, material, prof)})

    shared: dict[str, list[str]] = {}
    for r in precedents:
        for tag in r.get("shared_tags") or []:
            shared.setdefault(tag, []).append(r["case_id"])
    tag_order = codebook.tag_ids()
    issues = []
    for tag in sorted(shared, key=lambda t: (-len(shared[t]), tag_order.index(t) if t in tag_order else 99, t)):
        yours = [q for q in (_quote(ev, lang) for ev in (mine.get(tag) or {}).get("evidence", [])[:MAX_QUOTES]) if q]
        for q in yours:
            q["cite"] = words("cite_yours", lang, page=q["page"])
        per_case = []
        for cid in shared[tag]:
            entry = next((x for x in profiles[cid].get("tags") or [] if x["tag"] == tag), None)
            quotes = [q for q in (_quote(ev, lang) for ev in (entry or {}).get("evidence", [])) if q][:MAX_QUOTES]
            per_case.append({"case_id": cid, "title": profiles[cid].get("title") or cid, "quotes": quotes})
        issues.append({"name": _label(codebook, "tags", tag, lang), "yours": yours, "cases": per_case})

    people = []
    for r in precedents:
        prof = profiles[r["case_id"]]
        rows, seen = [], set()
        for a in prof.get("accountability") or []:  # a person named in the report and the decision: once
            if not a.get("sanction") or (a.get("person"), a.get("sanction")) in seen:
                continue
            seen.add((a.get("person"), a.get("sanction")))
            org = a.get("organisation")
            rows.append({"person": a.get("person") or "", "post": a.get("role") or "",
                         "organisation": org if org and org.lower() != "none" else "",
                         "level": _label(codebook, "responsibility_levels", a.get("level"), lang) or "",
                         "sanction": _label(codebook, "sanctions", a.get("sanction"), lang) or "",
                         "source": words("cite", lang, doc=a.get("doc"), page=a["page"]) if a.get("page") else a.get("doc") or ""})
        if rows:
            people.append({"case_id": r["case_id"], "title": prof.get("title") or r["case_id"], "rows": rows[:MAX_PEOPLE],
                           "more": max(0, len(rows) - MAX_PEOPLE)})

    open_items = []
    for r in precedents:
        items = [it for it in measures.get(r["case_id"], []) if it.get("status") in OPEN_STATUSES]
        if items:
            open_items.append({"case_id": r["case_id"], "title": profiles[r["case_id"]].get("title") or r["case_id"],
                               "rows": [{"measure": " ".join(str(it.get("measure") or "").split()),
                                         "body": it.get("body") or "", "deadline": it.get("deadline") or "",
                                         "status": words(f"st.{it['status']}", lang),
                                         "source": words("cite", lang, doc=it.get("document"), page=it["page"])
                                         if it.get("page") else it.get("document") or ""} for it in items]})

    issue_names = [_label(codebook, "tags", t["tag"], lang) for t in material_tags]
    return {
        "lang": lang, "title": words("title", lang), "subtitle": subtitle,
        "generated": words("generated", lang, date=today.isoformat(), user=user or "—"),
        "case_ids": [c["case_id"] for c in cases],
        "sections": {k: words(f"s.{k}", lang) for k in ("read", "precedents", "issues", "people", "measures")},
        "read": {"facts": fact_lines(facts, codebook, lang), "issues_label": words("issues_found", lang),
                 "issues": issue_names or [words("none_found", lang)]},
        "precedents": cases, "issues": issues, "people": people, "measures": open_items,
        "empty": {"precedents": words("no_precedent", lang), "issues": words("no_shared", lang),
                  "people": words("no_people", lang), "measures": words("no_measures", lang)},
        "columns": {k: words(f"col.{k}", lang) for k in ("person", "post", "org", "level", "sanction", "source",
                                                         "measure", "body", "deadline", "status")},
        "your_quote": words("your_quote", lang),
    }


def quotes(model: dict) -> list[dict]:
    """Every quote of the brief (for checks): the material's and the precedents'."""
    out = []
    for issue in model["issues"]:
        out.extend(issue["yours"])
        for c in issue["cases"]:
            out.extend(c["quotes"])
    return out
