"""Why a past case is like the new material, in words, in the reader's language.

`explain(result, lang, codebook, material)` turns one item of `Dutytrace.similar()` into a list of
reasons: {"kind", "text", ...evidence refs}. Kinds, in the order given:

- "issue": a responsibility issue both have, by its codebook name, with the passage that shows it in
  their case (and in the new material, where the material's tag evidence is known);
- "accident_type": the same accident type, by name;
- "concepts": the codebook concepts both name (equipment, hazards, bodies, failures), by their name in
  the reader's language — never a concept id; words every fatal-accident file has ("killed") are left out;
- "names": bodies or enterprises both name, without generic ones ("the trade union", 在该公司, 副局);
- "passages": a pair of passages that speak of the same things (the concepts or issues both name),
  never boilerplate: a title page, an interview header, the same interview question, a fragment.

`describe(material, lang, codebook)` is the line that says what was read from the uploaded document
(kind, language, pages, accident type, issues), kind "read".

`material` (optional) is a dict of what is known of the new document or case: name, kind, language,
pages, accident_type, tags (ids, or dicts with "tag" and "evidence"), texts or chunks ([{text, page}]).
Nothing here reads the catalog or the index: the caller passes what it has."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from dutytrace.nlp.codebook import Codebook, Entry, term_pattern
from dutytrace.nlp.textfold import folded
from dutytrace.profile import decided

# concepts that every fatal-accident file names: no reason for a likeness
GENERIC_CONCEPTS = {"killed", "injured", "inspection_visit"}
MAX_PAIRS = 3
MIN_PASSAGE = 30  # characters: a shorter passage is a heading or a fragment

_W = {  # the wording of the reasons: (English, Chinese)
    "issue": ("Both have the issue “{name}”", "均存在责任问题“{name}”"),
    "issue_theirs": ("in {case}: {doc}, p. {page}", "本案见于 {doc} 第 {page} 页"),
    "issue_yours": ("in your document: p. {page}", "新材料见第 {page} 页"),
    "issue_case": ("in {case}: {doc}, p. {page}", "{case} 见于 {doc} 第 {page} 页"),
    "type": ("Same accident type: {name}", "事故类型相同：{name}"),
    "concepts": ("Both name {names}", "均涉及{names}"),
    "names": ("Both name the same bodies: {names}", "均提到相同单位：{names}"),
    "pair": ("Your passage{yours} and theirs ({doc}, p. {page}) both speak of {what}",
             "新材料段落{yours}与本案段落（{doc} 第 {page} 页）均涉及{what}"),
    "pair_case": ("A passage of {case}{yours} and one of theirs ({doc}, p. {page}) both speak of {what}",
                  "{case} 的段落{yours}与本案段落（{doc} 第 {page} 页）均涉及{what}"),
    "pair_page": (" (p. {page})", "（第 {page} 页）"),
    "read": ("Read from {name}: {kind} in {language}{pages}; accident type: {type}; issues found: {issues}",
             "已读取 {name}：{language}{kind}{pages}；事故类型：{type}；发现的责任问题：{issues}"),
    "read_pages": (", {n} pages", "，共 {n} 页"),
    "read_page": (", 1 page", "，共 1 页"),
    "none": ("none", "无"),
    "unknown": ("not determined", "未能确定"),
    "your_case": ("your case {case}", "案件 {case}"),
}
_KIND = {"report": ("an investigation report", "调查报告"), "transcript": ("an interview transcript", "询问笔录"),
         "decision": ("an accountability decision", "问责决定"), "other": ("a document", "文档")}
_LANG = {"en": ("English", "英文"), "zh": ("Chinese", "中文")}
_SEP = {"en": ", ", "zh": "、"}


def _w(key: str, lang: str, **values) -> str:
    en, zh = _W[key]
    return (zh if lang == "zh" else en).format(**values)


def _join(items: list[str], lang: str) -> str:
    items = [i for i in items if i]
    if lang == "zh":
        return "、".join(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# concepts whose first codebook term reads badly as a name ("mining beyond", "lived in")
_CONCEPT_NAMES = {
    "gas_detection": ("gas testing", "气体检测"), "press_machine": ("power press", "冲床"),
    "rubber_mill": ("rubber mill", "开炼机"), "mining_boundary": ("mining beyond the licensed area", "越界开采"),
    "living_in_workplace": ("people living in the workplace", "生产经营场所住人"),
    "production_pressure": ("production pressure", "赶工期"), "signing_for_others": ("signing for others", "代签"),
    "qualification": ("licences and qualifications", "资质许可"), "contractor": ("contracting out", "承包分包"),
    "licence_revocation": ("licence revocation", "吊销证照"), "warning_sanction": ("warnings and demerits", "警告、记过处分"),
    "fine": ("fines", "罚款"), "fall_word": ("a fall", "坠落"), "struck_word": ("struck by an object", "物体打击"),
    "electrocution_word": ("electrocution", "触电"), "drowning_word": ("drowning", "溺水"),
    "vehicle_word": ("a crash", "车辆碰撞"), "roof_fall": ("roof fall", "冒顶"), "self_built_building": ("self-built building", "自建房"),
    "grain_silo": ("grain silo", "粮仓"), "vessel": ("boat or ship", "船舶"), "driver_fatigue": ("driver fatigue", "疲劳驾驶"),
    "supervision_engineer": ("site supervision engineer", "监理"), "affiliation": ("operating under another's name", "挂靠"),
    "late_report": ("late or concealed report", "迟报瞒报"), "falsified_records": ("falsified records", "弄虚作假"),
    "paperwork": ("paperwork", "台账留痕"), "prosecution": ("prosecution", "检察机关"),
}


def concept_name(entry: Entry, lang: str) -> str:
    """A concept in words: its codebook name where it has one, else its first plain (unambiguous) term
    in the reader's language, else in the other language; never its id."""
    if entry.name.get(lang):
        return entry.name[lang]
    if entry.id in _CONCEPT_NAMES:
        return _CONCEPT_NAMES[entry.id][1 if lang == "zh" else 0]
    for lg in (lang, "en" if lang == "zh" else "zh"):
        terms = list(entry.terms.get(lg) or ())
        strong = {p.pattern for p in entry.cues.get(lg, ())}
        plain = [t for t in terms if term_pattern(t, lg).pattern in strong]
        if plain or terms:
            return (plain or terms)[0]
    return entry.id.replace("_", " ")


_SEEN: dict[tuple[int, str], frozenset] = {}


def _concepts_in(text: str, codebook: Codebook, among: set[str] | None = None) -> set[str]:
    """The concepts a passage names (`among`: only those asked about). The new material's passages recur
    in every result: remembered by text for the codebook."""
    if among is not None:
        low = folded(text)
        return {c.id for c in codebook.concepts if c.id in among and c.named_in_folded(text, low)}
    key = (id(codebook), text)
    if key not in _SEEN:
        if len(_SEEN) > 5000:
            _SEEN.clear()
        _SEEN[key] = frozenset(c.id for c in codebook.concepts_named_in(text) if c.id not in GENERIC_CONCEPTS)
    return set(_SEEN[key])


def _tags_in(text: str, tags: list[str] | set[str], codebook: Codebook) -> set[str]:
    out = set()
    for tag in tags:
        e = codebook.get("tags", tag)
        if e and any(p.search(text) for pats in e.cues.values() for p in pats):
            out.add(tag)
    return out


# -- boilerplate ---------------------------------------------------------------------------------------

_TITLE = re.compile(r"调查报告|事故.{0,6}报告$|询问笔录|讯问笔录|问责决定|处分的?决定|处理的?决定|决定书|情况的通报|"
                    r"investigation report|decision (?:of|on) the|notification of the|"
                    r"report (?:of|on|into) the|record of interview|interview (?:record|transcript)|notice of",
                    re.I)
_HEADER = re.compile(r"^(?:询问人|记录人|被询问人|询问地点|询问时间|时间|地点|工作单位|身份证|性别|"
                     r"interviewer|interviewee|recorder|date|time|place|location|present)\s*[:：]", re.I | re.M)
_QUESTION = re.compile(r"^\s*(?:问|Q)\s*[:：.]", re.I)
_GENERIC_NAMES = {
    "工会", "该公司", "本公司", "公司", "政府", "人民政府", "公安", "公安局", "派出所", "医院", "副局", "局长", "该局",
    "该单位", "本单位", "事故调查组", "调查组", "党委", "纪委", "监委", "纪委监委", "应急管理局", "安监局",
    "trade union", "the trade union", "union", "the company", "company", "the government", "government",
    "the police", "police", "hospital", "the hospital", "the investigation team", "investigation team",
    "the board", "the council", "the bureau", "the ministry", "the department", "the authority",
}
_ZH_BODY = r"(?:局|委员会|委|政府|公司|集团|厂|矿|站|所|队|办|办公室|办事处|中心|院|部|会|社|处|科|场|街道|镇|乡|村|社区|管委会)"
_EN_BODY = re.compile(r"\b(?:bureau|company|co\.?|ltd\.?|limited|department|office|administration|commission|committee|"
                      r"government|station|brigade|corporation|group|inspectorate|authority|council|agency|ministry|"
                      r"executive|factory|plant|mine|colliery|works|shipyard|institute|centre|center|association)\b", re.I)
_EN_GENERIC_WORDS = set("""people's people government supervision commission social security bureau emergency management
work safety public municipal county city district provincial province department office administration committee
party discipline inspection inspectorate housing construction urban rural transport transportation market regulation
natural resources fire rescue brigade station company ltd co limited group corporation state council ministry
national health executive labour labor human environmental environment protection ecology agriculture fishery
fisheries maritime development reform industry information technology commerce trade water affairs power grid
police court procuratorate union federation unions trade team investigation general local town township
sub-district village street committee's accountability handling production accidents accident urban-rural""".split())
_ZH_LEADING = re.compile(r"^(?:在|该|对|由|与|经|从|向|据|于|被|给|和|及|其|本|此|这|那|各|某)")


def generic_name(name: str) -> bool:
    """A name every case could have, or a fragment taken for a name (在该公司, 副局, the trade union)."""
    n = " ".join(str(name).split()).strip(" ,.;:，。；：、")
    low = n.lower()
    if not n or low in _GENERIC_NAMES or low.removeprefix("the ") in _GENERIC_NAMES:
        return True
    if re.search(r"trade unions?|工会|public security|公安|procuratorate|检察院|people's court|人民法院|hospital|医院", low):
        return True  # bodies every case names (the union, the police, the courts, the hospital)
    if n.startswith("《") or re.search(r"\b(?:act|law|regulations?|code|measures|provisions|decree|article)\b", low):
        return True  # laws: every case cites them
    if re.search(r"[\u4e00-\u9fff]", n):
        # a body (not a post such as 党组成员, 实际控制人), named with its place (市监察局, 区住建局 alone are any
        # city's or district's); what a recogniser glues on before it (建议由市应急管理局) is no name
        if re.match(r"(?:建议由|建议|责成|并由|分向)", n) or _ZH_LEADING.match(n):
            return True
        return not re.search(_ZH_BODY + r"$", n) or len(n) < 5 or bool(re.match(r"[区市县镇乡省州]", n))
    if not re.search(_EN_BODY, n):
        return True  # a post or a person's title, not a body
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'&.-]*", n) if w.lower() not in ("the", "of", "and", "for")]
    capital = [w for w in words if w[0].isupper()]
    # "People's Government", "Supervision Commission": only words every body has, no place or own name
    own = [w for w in capital if w.lower().rstrip(".") not in _EN_GENERIC_WORDS]
    return len(words) < 2 or not capital or not own


def _norm(text: str) -> str:
    return re.sub(r"\W+", "", str(text)).lower()


def boilerplate_pair(yours: str, theirs: str) -> bool:
    """Pairs that say nothing of the accident: a title page or heading, an interview header, the same
    interview question in both, a fragment, or the same standard wording on both sides."""
    for text in (yours, theirs):
        plain = " ".join(str(text).split())
        if len(plain) < MIN_PASSAGE:
            return True
        if _TITLE.search(plain[:100]):
            return True  # a title page or a heading: the passage opens with the document's title
        if len(_HEADER.findall(str(text))) >= 2:
            return True
    if _QUESTION.match(yours) and _QUESTION.match(theirs):
        return True
    a, b = _norm(yours)[:400], _norm(theirs)[:400]
    return bool(a and b and SequenceMatcher(None, a, b).ratio() > 0.85)


# -- material ----------------------------------------------------------------------------------------

def _material_tags(material: dict | None) -> dict[str, list[dict]]:
    """tag id -> its evidence in the material ([{text, page}]), from ids or tag dicts."""
    out: dict[str, list[dict]] = {}
    for t in (material or {}).get("tags") or []:
        if isinstance(t, str):
            out.setdefault(t, [])
        elif isinstance(t, dict) and t.get("tag"):
            out.setdefault(t["tag"], []).extend(t.get("evidence") or [])
    return out


def _material_chunks(material: dict | None) -> list[dict]:
    m = material or {}
    if isinstance(m.get("chunks"), list) and m["chunks"]:
        return [{"text": c.get("text", ""), "page": c.get("page")} for c in m["chunks"]]
    return [{"text": t, "page": None} for t in m.get("texts") or []]


def _page_of(text: str, chunks: list[dict]) -> int | None:
    probe = _norm(text)[:80]
    for c in chunks:
        if probe and probe in _norm(c["text"]):
            return c.get("page")
    return None


def describe(material: dict, lang: str, codebook: Codebook) -> dict:
    """The line that says what was read from the uploaded document: its kind, language, pages, accident
    type and the issues found, in words."""
    kind = material.get("kind") or "other"
    kind_words = _KIND.get(kind, _KIND["other"])[1 if lang == "zh" else 0]
    language = _LANG.get(material.get("language"), (material.get("language") or "?",) * 2)[1 if lang == "zh" else 0]
    pages = "" if not material.get("pages") else _w("read_page", lang) if material["pages"] == 1 else \
        _w("read_pages", lang, n=material["pages"])
    atype = material.get("accident_type")
    e = codebook.get("accident_types", atype) if atype else None
    type_words = e.label(lang) if e else _w("unknown", lang)
    tags = list(_material_tags(material))
    names = [codebook.get("tags", t).label(lang) if codebook.get("tags", t) else t for t in tags]
    issues = _join([f"“{n}”" for n in names], lang) if names else _w("none", lang)
    return {"kind": "read", "text": _w("read", lang, name=material.get("name") or "?", kind=kind_words,
                                       language=language, pages=pages, type=type_words, issues=issues),
            "document": material.get("name"), "document_kind": kind, "language": material.get("language"),
            "accident_type": atype, "tags": tags}


# -- reasons -----------------------------------------------------------------------------------------

def _evidence_ref(ev: dict, side: str) -> dict:
    return {"side": side, "doc_id": ev.get("doc_id"), "document": ev.get("name"), "page": ev.get("page"),
            "text": ev.get("text", "")}


def explain(result: dict, lang: str, codebook: Codebook, material: dict | None = None,
            profile: dict | None = None) -> list[dict]:
    """The reasons, in words in `lang` ("en" or "zh"), why the past case `result` (one item of
    `Dutytrace.similar()`) is like the material. `profile` (optional) is the past case's profile (its
    tags with evidence) so that a shared issue cites its passage in their case too; without it the
    matched passages that carry the tag are cited."""
    lang = "zh" if lang == "zh" else "en"
    reasons: list[dict] = []
    passages = result.get("passages") or []
    mine = _material_tags(material)
    chunks = _material_chunks(material)
    their_evidence: dict[str, list[dict]] = {}
    for t in (profile or {}).get("tags") or []:
        their_evidence[t["tag"]] = t.get("evidence") or []

    for tag in result.get("shared_tags") or []:
        e = codebook.get("tags", tag)
        name = e.label(lang) if e else tag.replace("_", " ")
        refs = []
        theirs = their_evidence.get(tag) or [p for p in passages if tag in (p.get("tags") or [])]
        if theirs:
            refs.append(_evidence_ref(theirs[0], "theirs"))
        if mine.get(tag):
            ev = mine[tag][0]
            refs.append({"side": "yours", "page": ev.get("page"), "text": ev.get("text", ""),
                         **({"doc_id": ev["doc_id"], "document": ev.get("name")} if ev.get("doc_id") else {})})
        text = _w("issue", lang, name=name)
        where = []
        if theirs:
            where.append(_w("issue_theirs", lang, case=result.get("case_id"), doc=theirs[0].get("name"),
                            page=theirs[0].get("page")))
        if mine.get(tag) and mine[tag][0].get("page"):
            ev = mine[tag][0]
            if ev.get("name") and (material or {}).get("name"):  # an existing case compared: its document
                where.append(_w("issue_case", lang, case=material["name"], doc=ev["name"], page=ev["page"]))
            else:
                where.append(_w("issue_yours", lang, page=ev["page"]))
        if where:
            text += (" (" + "; ".join(where) + ")") if lang == "en" else "（" + "；".join(where) + "）"
        reasons.append({"kind": "issue", "tag": tag, "name": name, "text": text, "refs": refs})

    if result.get("same_accident_type") and result.get("accident_type"):
        e = codebook.get("accident_types", result["accident_type"])
        name = e.label(lang) if e else str(result["accident_type"]).replace("_", " ")
        reasons.append({"kind": "accident_type", "accident_type": result["accident_type"], "name": name,
                        "text": _w("type", lang, name=name), "refs": []})

    concepts = [c for c in result.get("shared_concepts") or [] if c not in GENERIC_CONCEPTS]
    names, ids = [], []
    for cid in concepts:
        e = codebook.get("concepts", cid)
        if e is None:
            continue
        n = concept_name(e, lang)
        if n not in names:
            names.append(n)
            ids.append(cid)
    if names:
        reasons.append({"kind": "concepts", "concepts": ids, "names": names[:8],
                        "text": _w("concepts", lang, names=_join(names[:8], lang)), "refs": []})

    bodies = []
    for n in result.get("shared_entities") or []:
        if not generic_name(n) and not any(n in b or b in n for b in bodies):
            bodies.append(n)
    if bodies:
        reasons.append({"kind": "names", "names": bodies[:6],
                        "text": _w("names", lang, names=_join(bodies[:6], lang)), "refs": []})

    pairs, said = 0, set()
    for p in passages:
        yours, theirs = str(p.get("query_text") or ""), str(p.get("text") or "")
        if boilerplate_pair(yours, theirs):
            continue
        shared = sorted(_concepts_in(theirs, codebook, among=_concepts_in(yours, codebook)))
        tags = sorted(_tags_in(yours, set(mine) | set(result.get("shared_tags") or []), codebook)
                      & (_tags_in(theirs, result.get("shared_tags") or [], codebook) | set(p.get("tags") or [])))
        what = [f"“{codebook.get('tags', t).label(lang)}”" for t in tags if codebook.get("tags", t)]
        what += [concept_name(codebook.get("concepts", c), lang) for c in shared]
        what = list(dict.fromkeys(what))
        if not what:
            continue  # the pair shares no issue and no concept: nothing to say why it matches
        key = (p.get("doc_id"), p.get("page"), tuple(what))
        if key in said:
            continue  # the same page saying the same things: one reason
        said.add(key)
        page = _page_of(yours, chunks)
        case = (material or {}).get("case_id")  # an existing case compared: its passage, not "yours"
        text = _w("pair_case" if case else "pair", lang, case=case,
                  yours=_w("pair_page", lang, page=page) if page else "", doc=p.get("name"),
                  page=p.get("page"), what=_join(what[:5], lang))
        reasons.append({"kind": "passages", "text": text, "concepts": shared, "tags": tags,
                        "refs": [{"side": "yours", "page": page, "text": yours},
                                 {"side": "theirs", "doc_id": p.get("doc_id"), "document": p.get("name"),
                                  "page": p.get("page"), "chunk_id": p.get("chunk_id"), "text": theirs}]})
        pairs += 1
        if pairs >= MAX_PAIRS:
            break
    return reasons


def material_from_profile(profile: dict, chunks: list[dict] | None = None) -> dict:
    """The material dict of an existing case (when its likeness to others is asked): its decided tags
    with their evidence."""
    return {"name": profile.get("case_id"), "case_id": profile.get("case_id"), "language": (profile.get("languages") or [None])[0],
            "accident_type": (profile.get("facts") or {}).get("accident_type"),
            "tags": [t for t in profile.get("tags") or [] if decided(t)], "chunks": chunks or []}


def material_from_analysis(analysis: dict, name: str) -> dict:
    """The material dict of an uploaded file, from `Dutytrace.analyze_file` (its JSON): the tags the
    case decision would keep (profile.decided), with their evidence."""
    return {"name": name, "kind": analysis.get("kind"), "language": analysis.get("language"),
            "pages": analysis.get("pages"), "accident_type": (analysis.get("facts") or {}).get("accident_type"),
            "tags": [{"tag": t["tag"], "evidence": t.get("evidence") or []} for t in analysis.get("tags") or []
                     if decided(t)],
            "chunks": analysis["chunks"] if isinstance(analysis.get("chunks"), list) else []}  # analyze_file: a count


def material_for(svc, path=None, case_id: str | None = None) -> dict:
    """The material dict of what `svc.similar` compared: an uploaded file (analysed, not stored) or an
    existing case (its profile and passages). Goes through the service, so access and audit apply."""
    if path is not None:
        from pathlib import Path

        return material_from_analysis(svc.analyze_file(Path(path), measures=False), Path(path).name)
    prof = svc.case(case_id)
    chunks = [c for d in prof.get("documents") or [] for c in svc.chunks(d["doc_id"])]
    return material_from_profile(prof, [{"text": c["text"], "page": c.get("page")} for c in chunks])
