"""Accountability: who was held responsible (person, post, organisation, level, sanction).

Approach (rules, both languages):

1. Where to read. Reports name the accountable in one section ("8. Responsibility findings and
   handling recommendations", "六、对事故有关责任人员的处理建议"); it runs to the next heading such as
   "Recommendations" / "防范和整改措施". A decision or notice (its opening says 决定 / 通报 /
   "Decision" / "Notice") is read whole. Nothing else is read, so a name mentioned elsewhere in a
   report is never listed as accountable.
2. Who. A sentence whose subject is a person ("Xu Guoliang, chairman ...", "1. 周某某，恒远公司董事长",
   "城东街道党工委书记费某某，给予...") or an enterprise ("9.1 Korvel Parcel Logistics Ltd.", "13. 恒远公司，")
   starts an item; the sentences after it belong to it until the next subject. In decisions
   "给予陈某某...处分" also names the subject. A fine on an enterprise (or its short name) anywhere in
   the section counts too.
3. What. The most severe sanction in the item; a sanction in a sentence without a subject goes to
   the item's person, or with "以上4人" / "all four" to everyone waiting in that subsection.
   Subsection headings ("8.2 Persons recommended for transfer to the judicial organs",
   "（一）建议追究刑事责任的人员") give a default sanction to their persons. A person with no sanction by
   the end of the subsection, or who died in the accident, is not accountable.
4. Post and organisation come from the apposition beside the name; short names ("Hengrui", "县安监局")
   are expanded through "hereinafter" / "以下简称". The level follows from post and organisation.
"""

from __future__ import annotations

import re

from dutytrace.models import Accountability, Chunk
from dutytrace.nlp.codebook import Codebook
from dutytrace.nlp.entities import EN_COMPANY, EN_NAME, EN_NOT_NAME, ZH_COMPANY, ZH_NAME

SEVERITY = ("transfer_to_judicial_organs", "expulsion_from_party", "dismissal", "removal", "major_demerit",
            "demerit", "serious_warning", "warning", "fine", "other")  # most severe first
_CUES = {  # checked together with the codebook's sanction cues
    "transfer_to_judicial_organs": r"移送.{0,6}(?:司法|检察|公安)|追究刑事责任|刑事拘留|逮捕|取保候审|审查起诉|留置|涉嫌.{0,16}罪|"
                                   r"judicial organs?|criminal|prosecut|arrested|compulsory measures|public security organs|detained|custody",
    "expulsion_from_party": r"开除党籍|expell?(?:ed|ion) from the party",
    "dismissal": r"开除公职|政务开除|解除劳动合同|辞退|dismiss(?!ed from (?:his |her )?post)|terminated (?:his |her |their )?(?:employment|contract)|sacked",
    "removal": r"撤职|免职|撤销.{0,8}职务|降级|罢免|责令辞职|remov(?:ed|al) (?:\w+ )?from|demot|relieved of|dismissed from (?:his |her )?post",
    "major_demerit": r"记大过|major demerit",
    "demerit": r"(?<!大)记过|(?<!major )demerit",
    "serious_warning": r"严重警告|serious warning",
    "warning": r"(?<!严重)警告|(?<!serious )warning|formal caution|\bcaution(?:ed)?\b|admonish",
    "fine": r"罚款|\bfined?\b|administrative penalty|penalty of",
    "other": r"诫勉|暂停执业|书面检查|深刻检查|通报批评|批评教育|约谈|吊销|暂扣|self-criticism|self-examination|improvement notice|"
             r"prohibition notice|reprimand|written explanation|revoked",
}
_CUE_RES = {k: re.compile(v, re.I) for k, v in _CUES.items()}
_START = re.compile(r"responsib\w*[^.\n]{0,40}(?:finding|handling|recommend|enforcement|action|sanction)|conclusions? on responsibility|"
                    r"(?:handling|treatment|punishment|sanctions?) (?:of|for) [^.\n]{0,30}(?:responsib|accountab|liab)|\baccountability\b|"
                    r"(?:责任|问责)[^。\n]{0,24}(?:处理|建议|意见|认定)|处理建议|处理意见", re.I)
_END = re.compile(r"recommend|rectif|prevent|measures|lessons|suggestion|appendix|防范|整改|措施|教训|附件", re.I)
_HEADING = re.compile(r"^\s*(?:\d{1,2}\.?(?=\s+[A-Z\u4e00-\u9fff])|Section \d+|Part [A-Z][a-z]+|[IVX]+\.|[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[章部分])")
_DOC_CUE = re.compile(r"决定|通报|问责|处分|decision|notice|accountability|disciplinary", re.I)
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?(?=\s|[\u4e00-\u9fff])|\(\d+\)|（[一二三四五六七八九十\d]+）|[一二三四五六七八九十]+、|[a-z]\))\s*")
_DECEASED = re.compile(r"died in the accident|deceased|killed in the accident|已死亡|在事故中死亡|不再追究|no further action", re.I)
_GROUP = re.compile(r"以上\s*[\d一二三四五六七八九十两]+\s*人|上述\s*[\d一二三四五六七八九十两]*\s*人|[二两三四五六]人|均|分别|\ball\b|\bboth\b|\bthem\b|\bthey\b|\beach\b", re.I)
_SUBHEAD = re.compile(r"^(?:persons?|officials?|enterprises?|units?|companies|staff|individuals)\b|recommended for|(?:人员|单位)(?:[（(][\d一二三四五六七八九十]+人[）)])?[：:]?$", re.I)
_EN_ALIAS = re.compile(r"(" + EN_COMPANY.pattern + r"|(?:[A-Z][\w&'-]+ ){1,6}(?:Bureau|Committee|Commission|Station))"
                       r"\s*\((?:(?:hereinafter|hereafter)(?: called| referred to as)?\s*)?(?:the\s+)?[\"“]?([A-Z][\w&'. -]{1,30}?)[\"”]?\)")
_ZH_ALIAS = re.compile(r"([\u4e00-\u9fff]{3,40}?)（以下简称[“\"]?([^）”\"]{2,12})[”\"]?）")
_ZH_ORG = re.compile(r"^(.+?(?:公司|集团|合作社|人民政府|政府|办事处|管委会|委员会|办公室|分局|局|派出所|监督站|站|管理所|所|大队|中队|队|村委会|村|社区|处|厂|矿))(?=.)")
_ZH_SKIP = re.compile(r"^(?:中共(?:预备)?党员|非中共党员|群众|男|女|\d|[一二三四五六七八九]十?[多余]?岁|汉族|大学|研究生|高中)")
_LEVEL_RULES = [  # (level, pattern on the post, pattern on the organisation); first match wins
    ("leadership", r"副?[县区市州]长|magistrate|mayor|(?:county|district) head", None),
    ("enterprise", None, r"公司|合作社|集团|施工队|装修队|采掘队|Co\.|Ltd|Limited|Company|Inc\.|team|contractor"),
    ("local_management", None, r"镇|乡|街道|村|社区|管委会|管理委员会|园区|Town|Township|Village|Sub-district|Management Committee|Park|Community"),
    ("comprehensive_supervision", None, r"应急管理|安全生产监督|安监|安委|Emergency Management|Work Safety|Safety Supervision"),
    ("industry_supervision", None, r"局|站|所|大队|处|Bureau|Station|Brigade|Administration|Department|Inspectorate|Office"),
]


def extract_accountability(chunks: list[Chunk], lang: str, codebook: Codebook) -> list[Accountability]:
    """Every person or enterprise the document holds accountable, most severe sanction kept."""
    text = _document_text(chunks)
    flat = _flatten(text, lang)
    aliases = _aliases(flat, lang)
    found: dict[str, dict] = {}
    for section in _sections(text, lang):
        for rec in _read_section(_flatten(section, lang), lang, codebook, aliases):
            cur = found.get(rec["person"])
            if cur is None:
                found[rec["person"]] = rec
            else:
                cur["sanction"] = _worst(cur["sanction"], rec["sanction"])
                cur["role"] = cur["role"] or rec["role"]
                cur["organisation"] = cur["organisation"] or rec["organisation"]
    return [Accountability(r["person"], r["role"], r["organisation"], r["sanction"], _level(r, lang))
            for r in found.values()]


def _document_text(chunks: list[Chunk]) -> str:
    """The document's text rebuilt from its chunks, without running page headers and page numbers."""
    pages: dict[int, list[str]] = {}
    for ch in sorted(chunks, key=lambda c: c.seq):
        pages.setdefault(ch.page, []).append(ch.text)
    texts = ["\n".join(v) for _, v in sorted(pages.items())]
    firsts = [t.split("\n", 1)[0].strip() for t in texts]
    header = {f for f in firsts if f and firsts.count(f) >= 2}
    out = []
    for t in texts:
        lines = [ln for ln in t.split("\n") if ln.strip() not in header
                 and not re.fullmatch(r"\s*(?:Page \d+(?: of \d+)?|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|-\s*\d+\s*-)\s*", ln)]
        out.append("\n".join(lines))
    return "\n".join(out)


def _flatten(text: str, lang: str) -> str:
    return re.sub(r"[ \t]*\n[ \t]*", "" if lang == "zh" else " ", text)


def _sections(text: str, lang: str) -> list[str]:
    text = re.sub(r"(?m)^(\s*(?:\d{1,2}|[IVX]+)\.)[ \t]*\n", r"\1 ", text)  # "8." cut from its heading
    lines = text.split("\n")
    out, start = [], None
    for i, ln in enumerate(lines):
        heading = bool(_HEADING.match(ln)) and len(ln.strip()) < 90
        if start is None and heading and _START.search(ln):
            start = i
        elif start is not None and heading and _END.search(ln) and not _START.search(ln):
            out.append("\n".join(lines[start:i]))
            start = None
    if start is not None:
        out.append("\n".join(lines[start:]))
    if not out and _DOC_CUE.search(text[:300]):
        out.append(text)
    return out


def _aliases(flat: str, lang: str) -> dict[str, str]:
    pat = _ZH_ALIAS if lang == "zh" else _EN_ALIAS
    out = {}
    for m in pat.finditer(flat):
        full, short = m.group(1).strip(), m.group(m.lastindex).strip()
        if lang == "zh":
            full = re.sub(r"^.*?(?:为|是|由|在|位于|的)(?=[\u4e00-\u9fff]{4,}$)", "", full)
        out[short] = full
    return out


def _sentences(flat: str, lang: str) -> list[str]:
    if lang == "zh":
        parts = re.split(r"(?<=[。；;！？])|(?<=[人员位象]：)|(?<=[人员位象]:)|(?=\s?(?<!第)\d{1,2}\.\s*[\u4e00-\u9fff])|(?=（[一二三四五六七八九十]+）)", flat)
    else:
        parts, start = [], 0
        for m in re.finditer(r"(?<=[.!?;])\s+(?=[A-Z0-9\"“(])|(?<=;)\s+(?=and [A-Z])|(?<=:)\s+(?=[A-Z][a-z]+ [A-Z][a-z]+,)|\s+(?=\d{1,2}\.(?:\d{1,2})?\s+[A-Z])", flat):
            if re.search(r"\b(?:Mr|Mrs|Ms|Dr|No|Art|St|Co|Nos)\.$", flat[start:m.start()]):
                continue
            parts.append(flat[start:m.start()])
            start = m.end()
        parts.append(flat[start:])
    return [p.strip() for p in parts if p.strip()]


def _sanction(sentence: str, lang: str, codebook: Codebook) -> str | None:
    hits = {k for k, pat in _CUE_RES.items() if pat.search(sentence)}
    for entry in codebook.sanctions:
        if entry.id not in hits and any(p.search(sentence) for p in entry.cues.get(lang, ())):
            hits.add(entry.id)
    if "removal" in hits and re.search(r"dismissed from (?:his |her )?post", sentence, re.I):
        hits.discard("dismissal")
    return next((s for s in SEVERITY if s in hits), None)


def _worst(a: str | None, b: str | None) -> str | None:
    ranked = [s for s in (a, b) if s]
    return min(ranked, key=lambda s: SEVERITY.index(s) if s in SEVERITY else len(SEVERITY)) if ranked else None


def _read_section(flat: str, lang: str, codebook: Codebook, aliases: dict[str, str]) -> list[dict]:
    done: list[dict] = []
    group: list[dict] = []  # persons of the current subsection
    current: list[dict] = []
    ctx: str | None = None

    def close():
        for r in group:
            r["sanction"] = _worst(r["sanction"], ctx)
            if r["sanction"] and not r["dead"]:
                done.append(r)
        group.clear()

    for raw in _sentences(flat, lang):
        numbered = bool(_NUMBERING.match(raw))
        sent = _NUMBERING.sub("", raw, count=1)
        sanction = _sanction(sent, lang, codebook)
        subjects = _subjects(sent, lang, aliases)
        if subjects:
            current = subjects
            for r in subjects:
                r["sanction"] = sanction
                r["dead"] = bool(_DECEASED.search(sent))
            group.extend(subjects)
            continue
        if (numbered or _SUBHEAD.search(sent)) and len(sent) < 90 and not re.search(r"\d{4}", sent):  # subsection heading
            close()
            ctx = sanction
            current = []
            continue
        if _DECEASED.search(sent):
            for r in current:
                r["dead"] = True
        if sanction:
            targets = current + [r for r in group if not r["sanction"]] if _GROUP.search(sent) else current
            for r in targets:
                r["sanction"] = _worst(r["sanction"], sanction)
            if sanction == "fine":
                for name in _fined_enterprises(sent, lang, aliases):
                    if not any(r["person"] == name for r in group):
                        group.append({"person": name, "role": None, "organisation": name,
                                      "sanction": "fine", "dead": False, "enterprise": True})
    close()
    return done


def _subjects(sent: str, lang: str, aliases: dict[str, str]) -> list[dict]:
    if lang == "zh":
        head = re.split(r"[，,：:。；]", sent, maxsplit=1)[0]
        names = list(ZH_NAME.finditer(head))
        if not names:
            m = re.search(r"(?:给予|决定给予|对)(" + ZH_NAME.pattern + r")", sent)
            if not m:
                return _zh_enterprise_subject(head, aliases)
            return [_person(m.group(1), None, None)]
        out, prev = [], 0
        for m in names:
            before = head[prev:m.start()].strip("、和及与 ")
            prev = m.end()
            role_text = before
            if not before:  # "周某某，恒远公司董事长，..." : the apposition follows
                rest = [c for c in re.split(r"[，,]", sent[len(head):]) if c][:3]
                role_text = next((c for c in rest if not _ZH_SKIP.match(c)), "")
                role_text = role_text if len(role_text) <= 30 else ""
            org, role = _zh_split(role_text, aliases)
            out.append(_person(m.group(0), role, org))
        return out
    sent = re.sub(r"^and\s+", "", sent)
    m = re.match(r"(" + EN_NAME.pattern + r")(?=\s*,|\s+(?:is|was|has|had|and|who|\()\b)", sent)
    if m and not EN_NOT_NAME.match(m.group(1)) and not EN_COMPANY.match(sent):
        rest = sent[m.end():].lstrip(", ")
        role, org = _en_split(re.split(r",(?!\s*Ltd)|\s+(?:is|was|has|had|who)\s|\.\s*$", rest, maxsplit=1)[0], rest, aliases)
        return [_person(m.group(1), role, org)]
    c = EN_COMPANY.match(sent)
    if c:
        name = c.group(0)
        return [{"person": name, "role": None, "organisation": name, "enterprise": True}]
    return []


def _person(name: str, role: str | None, org: str | None) -> dict:
    return {"person": name, "role": role or None, "organisation": org or None, "enterprise": False}


def _zh_enterprise_subject(head: str, aliases: dict[str, str]) -> list[dict]:
    head = head.strip()
    short = [a for a in aliases if head.startswith(a) and ZH_COMPANY.search(aliases[a])]
    m = ZH_COMPANY.match(head)
    name = max(short, key=len) if short else m.group(0) if m and re.fullmatch(r"(?:对.*)?", head[m.end():]) \
        and not re.match(r"建议|由|在|经|该|对|依|其", head) else None
    if name is None:
        return []
    return [{"person": aliases.get(name, name), "role": None, "organisation": aliases.get(name, name), "enterprise": True}]


def _zh_split(text: str, aliases: dict[str, str]) -> tuple[str | None, str | None]:
    text = re.sub(r"（以下简称[^）]*）", "", re.sub(r"^(?:原|系|任|时任)", "", text.strip()))
    m = _ZH_ORG.match(text)
    if not m:
        return None, text or None
    org = m.group(1)
    return aliases.get(org, org), text[m.end():] or None


def _en_split(apposition: str, rest: str, aliases: dict[str, str]) -> tuple[str | None, str | None]:
    role, org = apposition.strip(), None
    m = re.match(r"(.+?) of (?:the )?((?:[A-Z][\w&'-]*[.,]{0,2}\s?)+)(.*)$", role)
    if m:
        role, org = (m.group(1) + m.group(3)).strip(), m.group(2).strip()
    elif re.fullmatch(r"[A-Z][\w&'. -]+", role or "-"):
        role, org = None, role
    else:  # "Gareth Pollard, site supervisor, M&Q."
        nxt = re.match(r"[^,]*,\s*([A-Z][\w&'. -]{1,60}?)(?:[.,]|$)", rest)
        org = nxt.group(1).strip() if nxt else None
    role = (role or "").strip(" .;,") or None
    if org:
        org = re.sub(r"[ ;,]+$|(?<!Ltd)(?<!Co)(?<!Inc)\.$", "", org.strip())
        org = aliases.get(org, org)
    return role, org


def _fined_enterprises(sent: str, lang: str, aliases: dict[str, str]) -> list[str]:
    names = [m.group(0) for m in (ZH_COMPANY if lang == "zh" else EN_COMPANY).finditer(sent)]
    names += [aliases[a] if lang == "en" else a for a in aliases
              if re.search(r"(?<![\w])" + re.escape(a) + r"(?![\w])", sent)
              and (ZH_COMPANY if lang == "zh" else EN_COMPANY).search(aliases[a])]
    return [n for n in dict.fromkeys(names) if n not in ("Co., Ltd", "有限公司")]


def _level(rec: dict, lang: str) -> str | None:
    if rec.get("enterprise"):
        return "enterprise"
    role, org = rec.get("role") or "", rec.get("organisation") or ""
    for level, role_pat, org_pat in _LEVEL_RULES:
        if role_pat and re.search(role_pat, role, re.I) or org_pat and re.search(org_pat, org, re.I):
            return level
    return "enterprise" if not org else None
