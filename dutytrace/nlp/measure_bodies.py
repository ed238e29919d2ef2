"""The body responsible named by a rectification measure (nlp/measures.py): the subject before the
modal verb of a clause when it names an organisation ("the county emergency management bureau
shall", "各乡镇要", "Employers should"), the agent of a passive ("are to be surveyed by the natural
resources department"); every body of an item is kept, in order."""

from __future__ import annotations

import re

EN_MODAL = (r"(?:shall|should|must|will|is to|are to|is asked to|are asked to|is required to|are required to|"
            r"needs? to|may not|may only|may no longer|may be \w+ only|is recommended to|are recommended to|"
            r"ought to|have to|has to|is expected to|are expected to)")
_EN_ORG = re.compile(
    r"(?i)\b(bureaus?|governments?|departments?|administration|authorit(?:y|ies)|stations?|centre|center|committees?|"
    r"offices?|compan(?:y|ies)|contractors?|employers?|enterprises?|operators?|carriers?|owners?|users?|mines|"
    r"quarries|agenc(?:y|ies)|clients?|handlers?|fillers?|district|city|county|townships?|municipality|park|utilit(?:y|ies)|"
    r"platforms?|teams?|brigades?|hotline|firms?|organi[sz]ations?|manufacturers?|ministry|council|commission|"
    r"inspectorate|regulators?|police|fire departments?|corporation|group|industry|association|"
    r"division|osha|niosh|msha|cdi|developers?|builders?|suppliers?|landlords?|schools?|hospitals?|states?|"
    r"co\.|ltd|inc|llc|gangs?|units?|districts|counties|cities|depots?|projects?|sites?|plants?|factories|"
    r"warehouses?|workshops?|yards?|ports?|terminals?|stores?|restaurants?|hotels?|farms?|entities|parties|"
    r"co-?operatives?|unions?|boards?|trusts?|councils?)\b")
_EN_SUBJECT = re.compile(rf"(?i)(?:^|(?<=[;:,.])\s*|\band\s+|\bthat\s+)([^;:,.]{{2,120}}?)\s+(?:also\s+|therefore\s+)?"
                         rf"({EN_MODAL})\b(\s+(?:not\s+|never\s+|no longer\s+|only\s+|also\s+)?be\s+\w+(?:ed|en|wn|lt|ght)\b)?")
_EN_AGENT = re.compile(r"\bby\s+((?:the|a|an|each|every|its|their)\s+[^,;.]{2,80}?)(?=\s+(?:with|and|before|within|"
                       r"at|in|on|to|using|as|for|under|against|by)\b|[,;.]|$)", re.I)
_ZH_ORG = (r"(?:人民政府|政府|委员会|管委会|管理委员会|安委办|安委会|局|委|办|厅|部门|公司|集团|单位|企业|机关|机构|站|所|中心|"
           r"大队|支队|队|合作社|协会|街道|乡镇|园区|平台|主体|海警|海事|渔政|党委|医院|学校|监理|业主|各地|县区|市|县|区|镇|乡|村|"
           # parties named by their role in a contract or a workplace (雇主, 出租人, 承建商 in Hong Kong usage)
           r"雇主|(?:出租|承租|发包|承包|承揽|分包)人|承建商|承包商|分包商|分判商|供应商|开发商|建设方|施工方|"
           # Hong Kong and Macau usage: 机电工程署, 注册升降机承办商, 升降机拥有人, 持牌人
           r"署|(?<=劳工|消防|海事|民航|房屋|地政|规划|福利|检查|卫生)处|(?<=住建|应急|交通|运输|公安|消防|卫健|教育|水利|电力|监管|农业|林业|能源|民政|城管|商务|文旅)系统|(?:工场|工厂|企业|公司|单位|场所|工地|矿山)负责人|(?:承办|营办|营运|承揽|再承揽)商|(?:拥有|持有|持牌|经营|使用)人|"
           r"党组织|纪检监察机关|领导干部|酒店|村委会|居委会|工会|商会|议会|当局|办公室|(?<=[\u4e00-\u9fff]{2})厂|(?<=[该本])厂)")
# what may follow a body's name at the start of a clause: not a character that goes on a name
_ZH_LEAD = r"(?![的和与及、等之内外中里])[\u4e00-\u9fff\d“]"
_ZH_BODY = re.compile(rf"(?:各|全|该)?[\u4e00-\u9fff、“”]{{0,16}}?(?:（[\u4e00-\u9fff、]{{1,8}}）[\u4e00-\u9fff]{{0,8}}?)?{_ZH_ORG}")
_ZH_LEAD_RX = re.compile(_ZH_LEAD)
_ZH_NOT_BODY = re.compile(r"^(?:逐|为|向|面向|提高|提升|深刻|严肃|加大|加快|推进|明确|建立|开展|加强|落实|督促|推动|组织|完善|压实|强化|健全|深化|夯实|将|把|按|由|对|在|要|应(?!急)|所有|每|不|经|严禁|禁止|杜绝|严格|切实|进一步|坚决|认真|全面)|"
                          r"的|和$|对|在|要|应当|(?<!供)应(?!急)|必须|须|将|把|按|由|并|以|给|设置|接入|研究(?![所院中])|规定|会同|协同|发现|检查|整改|问题|情况|结果|暂停|停止|进行|内所|指导|牵头|督促(?!组)|人员$|工作$|要求|措施|事故|隐患|作业|安全$|^[市县区镇乡村]$")


_EN_PREP = {"with", "in", "of", "for", "at", "on", "from", "under", "about", "to", "by", "within", "over", "near",
            "across", "into", "that", "which", "who"}


def _clean_body(b: str, lang: str) -> str | None:
    b = b.strip(" ,;:，；、“”\"")
    if lang == "en":
        b = re.sub(r"^(?i:by|before|within|from|after)\s+[^,]*?(?:\d{4}|days?|weeks?|months?|years?)\s+", "", b)
        b = re.sub(r"(?i)^(?:and|that|also|in addition|finally|further(?:more)?)\s+", "", b).strip()
        words = b.split()
        proper = len(words) >= 2 and all(w[:1].isupper() or w in ("of", "and", "&") for w in words)
        head = []  # the subject up to its first preposition: "every enterprise [with a listed process]"
        for k, w in enumerate(words):
            if k and w.lower() in _EN_PREP:
                break
            head.append(w.strip("'’\"“”()"))
        orgs = [k for k, w in enumerate(head) if _EN_ORG.fullmatch(w)]
        named = bool(orgs) and (orgs[-1] == len(head) - 1 or re.search(r"(?:ing|ed)$", head[orgs[-1] + 1]))
        if not (named or proper) or len(words) > 12:
            return None
        if re.search(r"(?i)\b(?:no|any)\s+(?:one|person)\b", b):
            return None
        return b
    # "市政工程的建设单位": one 的 before a short kind of organisation, the words on either side a body's
    of = re.fullmatch(r"([\u4e00-\u9fff]{2,10})的([\u4e00-\u9fff]{0,4}(?:单位|企业|公司|部门|机构))", b)
    if of and not _ZH_NOT_BODY.search(of.group(1)) and not _ZH_NOT_BODY.search(of.group(2)):
        return b
    if _ZH_NOT_BODY.search(b) or len(b) < 2 or (b[-1] in "市县区镇乡村" and len(b) > 4
                                                 and not re.search(r"(?:园|社|景|矿|城|开发|新|保护)区$", b)):
        return None
    return b


# a recommendation in the subjunctive, as coroners write them: "That the Department of Mines review its guideline"
_EN_THAT = re.compile(r"^\s*(?:\d{1,2}[.)]\s*)?That\s+(.{2,120}?)\s+(?:urgently\s+|immediately\s+|also\s+|further\s+)?"
                      r"(?:review|ensure|consider|develop|amend|introduce|require|provide|establish|implement|publish|"
                      r"investigate|undertake|conduct|issue|update|revise|mandate|make|take|adopt|fund|commission|"
                      r"examine|audit|train|install|prohibit|remove|replace|create|appoint|engage|set|monitor|"
                      r"enforce|educate|continue|expand|work|liaise|consult|give|be required)\b")


# a company's name with its legal form abbreviated ("Hexin Metal Products Co., Ltd."): its stops and commas
# are no clause boundary; they are masked while the subject is read
_EN_ABBREV = re.compile(r"\b(?:Co|Ltd|Inc|Corp|Pty|Bhd|L\.L\.C|S\.A|N\.V)\.,?(?=\s+(?:[A-Z]|(?:shall|should|must|will|is|are|to)\b))")
# "…: the County Emergency Management Bureau to include …" (a heading-style entry: the body and an infinitive)
_EN_TO_SUBJECT = re.compile(r"(?:^|(?<=:))\s*((?:[Tt]he|All|Each|Every|Any)\s+[A-Z][^;:,.]{2,100}?)\s+to\s+(?!be\b)[a-z]{3,}\b")


# an action row with a role or a body and an infinitive, no modal: "Site Director to withdraw …", "Engineering
# Manager (Riverside) to commission …", "Velmar Electrical Services to retrain …" (an action table's owner)
_EN_ROLE_TO = re.compile(r"^\s*(?:[-•·▪–*]\s+|\(?\d{1,2}[.)]\s+)?((?:The\s+)?[A-Z][\w&'’.-]*(?:\s+(?:[A-Z][\w&'’.-]*|\([A-Z][^()]{0,40}\)|"
                         r"of|and|&|for|the))*)\s+to\s+(?!(?:be|the|a|an|all|any|each|every|his|her|its|their|this|that|these|"
                         r"those|date|ensure that)\b)(?:also\s+)?[a-z]{3,}\b")
# the roles that own an action: "Site Director", "Group Electrical Engineer", "City Attorney"
_EN_ROLE = re.compile(r"(?i)(?:manager|director|engineer|officer|supervisor|superintendent|head|lead|chair(?:man|person)?|"
                      r"coordinator|co-ordinator|foreman|administrator|attorney|secretary|minister|commissioner|"
                      r"inspector|executive|controller|adviser|advisor|representative|president|ceo|coo|cfo|"
                      r"mayor|chief|trustees?|owner|principal|general|auditor|registrar|legislature|parliament|assembly|"
                      r"cabinet|congress|senate)")


def en_role_to(text: str) -> str | None:
    """The owner of an action row ("Site Director to withdraw …"): a body or a role in capitals before "to" and a
    verb at the start of the text; None otherwise."""
    m = _EN_ROLE_TO.match(text)
    if not m:
        return None
    return en_party(m.group(1))


def en_party(who: str) -> str | None:
    """A party named as a body ("the Department of Buildings", "Velmar Electrical Services") or by its role ("the
    City Attorney", "Site Director", "Engineering Manager (Riverside)"); None otherwise."""
    who = who.strip()
    named = _clean_body(who, "en")
    if named:
        return named
    head = re.sub(r"\s*\([^()]*\)", "", who).split()
    if not head or len(head) > 8:
        return None
    if _EN_ROLE.fullmatch(head[-1].strip("'’.")) and (len(head) >= 2 and head[-2][:1].isupper() or
                                                       head[0].lower() == "the" and len(head) >= 2):
        return who
    return None


def bodies(text: str, lang: str) -> list[str]:
    if lang == "en":
        masked = _EN_ABBREV.sub(lambda m: m.group(0).replace(".", "\x01").replace(",", "\x02"), text)
        if masked != text:
            return [b.replace("\x01", ".").replace("\x02", ",") for b in _bodies(masked, lang)]
    return _bodies(text, lang)


def _bodies(text: str, lang: str) -> list[str]:
    found: list[str] = []
    that = _EN_THAT.match(text) if lang == "en" else None
    body = _clean_body(that.group(1), lang) if that else None
    if body:
        found.append(body)
    if lang == "en":
        for m in _EN_SUBJECT.finditer(text):
            subj, passive = m.group(1), m.group(3)
            if passive:
                stop = re.compile(r"[;.]").search(text, m.end())
                agent = _EN_AGENT.search(text, m.end(), stop.start() if stop else len(text))
                b = _clean_body(agent.group(1), lang) if agent else None
            else:
                b = _clean_body(subj, lang)
            if b and b.lower() not in (x.lower() for x in found):
                found.append(b)
        if not found:
            to = _EN_TO_SUBJECT.search(text)
            b = _clean_body(to.group(1), lang) if to else None
            if b:
                found.append(b)
            elif (role := en_role_to(text)):
                found.append(role)
    else:
        starts = [0] + [m.end() for m in re.finditer(r"[。；;，,：:]", text)]
        # a body that acts with the subject: "县工信局要会同县应急管理局…", "由A牵头，会同B…"
        starts += [m.end() for m in re.finditer(r"(?:会同|联合|协同|配合)", text)]
        for st in sorted(set(starts)):
            lead = re.match(r"(?:以及|并且?|此外|另外|同时)?(?:由|请|建议由?|责令|责成)?", text[st:])  # matches always (all optional)
            st += len(lead.group(0)) if lead else 0
            for n in range(min(18, len(text) - st), 1, -1):  # the longest name that reads as a body
                cand = text[st:st + n]
                if (_ZH_BODY.fullmatch(cand) and _ZH_LEAD_RX.match(text, st + n)
                        and not (cand[-1] in "市县区镇乡村" and text[st + n] in "域场级民")
                        and not (cand[-1] == "人" and text[st + n] in "员数身次们")):
                    b = _clean_body(cand, lang)
                    if b:
                        if b not in found and not any(b in x for x in found):
                            found.append(b)
                        break
    return found
