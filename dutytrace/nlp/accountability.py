"""Accountability: who was held responsible (person, post, organisation, level, sanction), with the
sentence that says so and its page.

Approach (rules, both languages):

1. Where to read. Reports name the accountable in one section ("8. Responsibility findings and
   handling recommendations", "Enforcement and responsibility", "六、对事故有关责任人员的处理建议"); it runs to
   the next heading such as "Recommendations" / "防范和整改措施". A decision or notice (its opening says 决定 /
   通报 / "Decision" / "Notice") is read whole. A document with neither is read strictly: only a sentence
   that names a person and states their sanction counts ("Tom Reed, the depot manager, was dismissed").
2. Layouts. Numbered lists, paragraphs and table rows read as text lines (DOCX cells joined by " | ",
   PDF rows "1 王某某 县应急管理局副局长 政务记过") all become sentences; a title or heading line ends its sentence.
3. Who. A sentence whose subject is a person ("Xu Guoliang, chairman ...", "1. 周某某，恒远公司董事长", real
   names too: "张伟，男，…") or an enterprise starts an item; the sentences after it belong to it until the
   next subject. "给予陈某某…处分", "对…副局长赵某某给予…", "建议由司法机关对李某某…", "The team recommends
   that Z be dismissed", "X and Y are each …" and "…, and Pan Dexin, its general manager, …" name subjects
   too. A fine on an enterprise (or its short name) anywhere in the section counts.
4. What. The most severe sanction of the item (SEVERITY); a sentence without a subject gives its sanction
   to the item's person, or with "以上4人" / "both" to everyone waiting in the subsection. A subsection
   heading ("8.2 Persons recommended for transfer to the judicial organs") gives a default sanction to its
   persons until the next heading or the next item at the heading's numbering level. A person with no
   sanction, or who died in the accident, is not accountable. Sanctions below a fine have codes of their
   own (诫勉谈话 admonishment_talk, 通报批评 circulated_criticism, 书面检查 ordered_self_examination, 组织处理,
   约谈, ...; COARSE maps them to the older coarse code "other"); codebook.yaml names every code in both
   languages.
5. Post and organisation come from the apposition beside the name, split where the organisation's
   name ends ("deputy director of the X Bureau in charge of safety" -> post "deputy director in charge of
   safety", organisation "X Bureau"; "石堰镇安监站站长" -> 石堰镇人民政府, 安监站站长). A decision's title never
   gives a post; the person's record does ("…起任沙河县安全生产监督管理局党组成员、副局长"). Short names are
   expanded to the document's full name ("hereinafter", 以下简称, "县安监局" -> 沙河县安全生产监督管理局,
   "城东街道办事处" with its district), "the same bureau" to the bureau named before, and an enterprise post
   with no organisation to the enterprise the document is about. A post carries the remit the document states for
   the person, in one form ("副县长（分管安全生产）", "deputy county head in charge of work safety"; corpus/README.md,
   "Gold conventions for people"); a particular task ("responsible for the April inspection") is no part of it.
6. Level (DESIGN.md) from organisation, then post: an enterprise; township, sub-district, village,
   development-zone management committee (管委会) -> local_management; emergency management / work
   safety -> comprehensive_supervision; county heads and party committees -> leadership; other
   departments -> industry_supervision. A bureau is what it supervises, whichever zone it serves.
"""

from __future__ import annotations

import re

from dutytrace.models import Accountability, Chunk
from dutytrace.nlp.codebook import Codebook
from dutytrace.nlp.entities import EN_COMPANY as _EN_COMPANY
from dutytrace.nlp.entities import EN_NAME, EN_NOT_NAME, ZH_COMPANY, ZH_NAME, ZH_POST

# a firm as press releases and court summaries name it: the entity reader's company names, and cooperatives,
# "Corp.", "LLP" ("Prairie Gold Grain Cooperative", "Keymark Corp.")
assert _EN_COMPANY.pattern.endswith("|LLC)")
EN_COMPANY = re.compile(_EN_COMPANY.pattern[:-1] + r"|LLP|Corp\.|Cooperative|Co-operative|Brothers|& Sons|Partnership)(?![\w-])")

SEVERITY = ("transfer_to_judicial_organs", "expulsion_from_party", "dismissal", "removal", "major_demerit",
            "demerit", "serious_warning", "warning", "fine", "licence_revocation", "organisational_handling",
            "admonishment_talk", "circulated_criticism", "ordered_self_examination", "interview_summons",
            "reminder_talk", "criticism_education", "internal_handling", "other")  # most severe first; names in codebook.yaml
# the coarse code a finer one counts as (the gold files and older catalogs use the coarse vocabulary)
COARSE = {s: "other" for s in SEVERITY[SEVERITY.index("fine") + 1:]}
_CUES = {  # checked together with the codebook's sanction cues
    "transfer_to_judicial_organs": r"移送.{0,6}(?:司法|检察|公安)|追究刑事责任|被控.{0,12}罪|罪名成立|判监|监禁|刑事拘留|逮捕|取保候审|审查起诉|留置|涉嫌.{0,16}罪|"
                                   r"有期徒刑|拘役|判[处處].{0,6}(?:徒刑|拘役)|"
                                   r"judicial organs?|criminal|prosecut(?!ion\b(?! was brought))|prosecution (?:was brought|of (?:him|her|the))|arrested|imprisonment|\bdetention\b|liuzhi|prison sentence|jailed|"
                                   r"sentenced (?:(?:him|her|them) )?to (?:\w+ ){0,3}(?:years?|months?|weeks?)|prison term|supervised release|compulsory measures|public security organs|detained|custody|"
                                   r"community (?:order|service)|unpaid work|suspended (?:prison |jail |custodial )?sentence|"
                                   r"\bin (?:jail|prison)\b|\bprobation\b|manslaughter|charged with (?:\w+ ){0,3}(?:offences?|counts?|breach\w*|crimes?|failing)|(?:found guilty|convicted) (?:of|on) (?:\w+ ){0,3}(?:counts?|offences?|charges?|homicide|negligence)",
    "expulsion_from_party": r"开除党籍|expell?(?:ed|ion) from the party",
    "dismissal": r"开除公职|政务开除|解除.{0,4}(?:劳动|聘用)(?:合同|关系)|解聘|辞退|dismiss(?!ed from (?:his |her )?post)|terminated (?:his |her |their )?(?:employment|contract)|sacked",
    "removal": r"撤职|免职|免去.{0,20}职务|撤销.{0,8}职务|降级|罢免|责令辞职|remov(?:ed|al) (?:\w+ )?from|demot|relieved of|dismissed from (?:his |her )?post",
    "major_demerit": r"记大过|(?:major|serious) (?:administrative )?demerit",
    "demerit": r"(?<!大)记过|(?<!major )(?<!major administrative )demerit",
    "serious_warning": r"严重警告|serious (?:administrative )?warning",
    "warning": r"(?<!严重)警告|(?<!serious )(?<!serious administrative )(?<!wind )(?<!weather )(?<!storm )(?<!early )(?<!as a )warning|"
               r"formal caution|\bcaution(?:ed)?\b",
    "fine": r"罚款|罚金|罚锾|\bfined?\b|administrative penalty|penalt(?:y|ies) (?:of|totalling|amounting)|"
            r"(?:in|proposed|civil|monetary) (?:\w+ )?penalt(?:y|ies)\b|proposed fines?\b",
    "licence_revocation": r"吊销|暂扣|暂停执业|revok|licen[cs]e (?:was |is )?(?:withdrawn|suspended)|"
                          r"suspension of (?:its |their )?(?:[\w-]+ ){0,2}(?:licen[cs]es?|qualifications?|certificates?|permits?)",
    "organisational_handling": r"组织处理|调离(?:工作)?岗位|停职检查|organi[sz]ational (?:handling|measures)|suspended from (?:duty|(?:his|her) (?:post|job|duties))",
    "admonishment_talk": r"诫勉|admonish|admonition",
    "circulated_criticism": r"通报批评|予以通报|circulated (?:a )?(?:notice of )?criticism|criticis\w* (?:in|by) (?:a )?(?:circular|notice)|"
                            r"public(?:ly)? (?:reprimand|criticis)",
    "ordered_self_examination": r"书面检查|深刻检查|责令.{0,6}检查|作出检查|self-criticism|self-examination|written (?:explanation|examination)",
    "interview_summons": r"约谈|summoned for a (?:formal )?talk",
    "reminder_talk": r"提醒谈话|谈话提醒|reminder talk",
    "criticism_education": r"批评教育|criticism and education|reprimand",
    "internal_handling": r"dealt with by (?:the|its) (?:company|employer|enterprise)|(?:company|employer)'s (?:internal )?(?:rules|discipline)|"
                         r"由.{0,12}(?:公司|企业|单位)(?:按|依照|根据)?.{0,10}(?:内部|规章|制度|规定).{0,6}处理|(?:公司|企业)内部处理",
    # a sanction the document leaves unnamed: "给予党纪政务处分", "依规依纪依法处理", "disciplinary action was taken"
    "other": r"improvement notice|prohibition notice|违例通知|依法予以查处|(?:党纪|政务|党纪政务|相应的?|纪律)处分(?![条法决规办])|(?:依规依纪依法|依纪依规依法|依法依规|依规依纪)"
             r"(?:严肃)?(?:处理|追责|问责|追究)|问责处理",
}
_CUE_RES = {k: re.compile(v, re.I) for k, v in _CUES.items()}
_ZH_PENALTY = re.compile(r"行政处罚|依法(?:给予|予以|实施|作出)?处罚")
_START = re.compile(r"responsib\w*[^.\n]{0,40}(?:finding|handling|recommend|enforcement|action|sanction)|conclusions? on responsibility|"
                    r"(?:enforcement|sanctions?|penalties|discipline) and responsibilit|recommended (?:handling|sanctions|action against)|"
                    r"(?:handling|treatment|punishment|sanctions?) (?:of|for) [^.\n]{0,30}(?:responsib|accountab|liab)|\baccountability\b|"
                    r"\b(?:handling|disposal) (?:suggestions?|recommendations?|opinions?|proposals?)\b|"
                    r"(?:责任|问责)[^。\n]{0,24}(?:处理|建议|意见|认定)|处理建议|处理意见", re.I)
_END = re.compile(r"recommend|rectif|prevent|measures|lessons|suggestion|appendix|防范|整改|措施|教训|附件", re.I)
_HEADING = re.compile(r"^\s*(?:\d{1,2}\.?(?=\s+[A-Z\u4e00-\u9fff])|Section \d+|Part [A-Z][a-z]+|[IVX]+\.|[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[章部分])")
_PAREN_HEADING = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]\s*[\u4e00-\u9fff][^。；，]*$")  # "（四）处理建议" on its own line
_DOC_CUE = re.compile(r"决定|通报|问责|处分|decision|notice|accountability|disciplinary", re.I)
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?(?=\s|[\u4e00-\u9fff])|\d{1,2}、|\(\d+\)|\([IVX]+\)|（[一二三四五六七八九十\d]+）|[一二三四五六七八九十]+、|[a-z]\))\s*")
_DECEASED = re.compile(r"died in the accident|deceased|killed in the accident|\b(?:both|all|he|she|they)\s+(?:\w+\s+)?died\b|已死亡|在事故中死亡|不再追究", re.I)
# a sentence that clears its subject: a witness, a charge dropped, an acquittal ("gave evidence for the prosecution and was
# not charged", "the charge against him was withdrawn", "被判无罪", "不予起诉", "未被检控")
_CLEARED = re.compile(r"\b(?:was|were|has not been|have not been) not (?:charged|prosecuted|convicted|cited)|\bnot (?:been )?charged\b|"
                      r"\b(?:was|were) (?:acquitted|cleared)\b|found not guilty|\bcharges? (?:against (?:\w+ ){1,3})?(?:was|were) "
                      r"(?:dismissed|withdrawn|dropped|discontinued)|gave evidence for the prosecution|testified for the prosecution|"
                      r"无罪|不予起诉|未被检控|并无对其提出检控|没有被检控|不予追究", re.I)
_GROUP = re.compile(r"以上\s*[\d一二三四五六七八九十两]+\s*人|上述\s*[\d一二三四五六七八九十两]*\s*人|[二两三四五六]人|均|分别|\ball\b|\bboth\b|\bthem\b|\bthey\b|\beach\b", re.I)
_SUBHEAD = re.compile(r"^(?:persons?|officials?|enterprises?|units?|companies|staff|individuals)\b|recommended for|(?:人员|单位)(?:[（(][\d一二三四五六七八九十]+人[）)])?[：:]?$", re.I)
_EN_ALIAS = re.compile(r"(" + EN_COMPANY.pattern + r"|(?:[A-Z][\w&'-]+ ){1,6}(?:Bureau|Committee|Commission|Station))"
                       r"\s*\((?:(?:hereinafter|hereafter)(?: called| referred to as)?\s*)?(?:the\s+)?[\"“]?([A-Z][\w&'. -]{1,30}?)[\"”]?\)")
_ZH_ALIAS = re.compile(r"([\u4e00-\u9fff]{3,40}?)（以下简称[“\"]?([^）”\"]{2,12})[”\"]?）")
_ZH_ORG = re.compile(r"^(管委会|.+?(?:公司|集团|合作社|人民政府|政府|办事处|管委会|委员会|办公室|分局|局|派出所|监督站|站|管理所|所(?!有)|大队|中队|队|"
                     r"村委会|村(?=党|村民|委|主任|书记|支部|会计)|社区|处|厂|矿(?!长)))(?=.)")
_ZH_SKIP = re.compile(r"^(?:中共(?:预备)?党员|非中共党员|群众|男|女|\d|[一二三四五六七八九]十?[多余]?岁|汉族|大学|研究生|高中)")
# Levels (DESIGN.md): read on the organisation first, then on the post; first match wins.
_LEADER_POST = re.compile(r"副?(?:县|区|市|州|省)长|(?:县|区|市)委(?:副)?书记|(?:county|district|municipal|city)? ?(?:party )?secretary of the "
                          r"(?:county|district|city)|magistrate|\bmayor|(?:county|district|city) (?:head|governor)|"
                          r"head of (?:the )?(?:[A-Z][\w'-]+ )*(?:County|District|City)(?: People's)? Government", re.I)
_LEVEL_ORG = [
    ("enterprise", r"公司|合作社|集团|(?:加工|工)?厂$|施工队|装修队|采掘队|掘进队|建房队|作业队|包工队|班组|供应点|餐饮店|饭店|门店|经营部|商行|\bCo\.|\bLtd\b|Limited|Company|\bInc\b|Cooperative|"
                   r"\bplc\b|\bLLC\b|contractor|\bgang\b|\bteam\b|supply point|\bshop\b|restaurant"),
    ("local_management", r"镇|(?<!城)乡|街道|(?<!农)村|社区|管委会|管理委员会|园区|开发区|工业区|集中区|新区|Towns?hip|\bTown\b|Village|Sub-district|Street|"
                         r"Management Committee|\bPark\b|Community|Development Zone|New Area Management"),
    ("comprehensive_supervision", r"应急管理|安全生产监督|安全生产监察|安监|安委|应急局|安全环保局|安全管理局|安全监管局|Emergency Management|Work Safety|"
                                  r"Safety Supervision (?:and Administration )?(?:Bureau|Administration)|Safety Production (?:Supervision|Office|Committee)|"
                                  r"Production Safety (?:Supervision|Office|Committee)|Safety Committee|Labour Inspectorate|Safety Bureau"),
    ("industry_supervision", r"局|站|所|大队|支队|中队|处|委员会|Bureau|Station|Brigade|Detachment|Administration|Department|Inspectorate|"
                             r"Office|Commission|Authority|Regulator"),
    ("leadership", r"人民政府|People's Government|(?:County|District|City|Municipal) Government|Party Committee|(?:县|区|市)委$|"
                   r"^中共[\u4e00-\u9fff]{1,8}?(?:县|区|市)(?:委员会|委)$"),
]
_LEVEL_ORG = [(lv, re.compile(p, re.I)) for lv, p in _LEVEL_ORG]
_ENTERPRISE_POST = re.compile(r"董事长|总经理|经理|厂长|矿长|车间|班组长|班长|安全员|法定代表人|实际控制人|股东|监理|项目|技术负责人|操作工|"
                              r"工人|驾驶员|司机|电工|焊工|送气工|经营者|承包人|包工头|"
                              r"manager|chairman|managing director|foreman|supervisor|operator|driver|worker|fitter|electrician|safety officer|"
                              r"welder|engineer|owner|employer|legal representative|controller|shift leader|team leader|skipper", re.I)
_GOV_POST = re.compile(r"局长|科长|股长|站长|所长|队长|科员|主任|书记|县长|区长|镇长|乡长|市长|委员|干部|"
                       r"director|inspector|officer|chief of|section|deputy head|head of the|magistrate|mayor|official|captain|clerk", re.I)


def extract_accountability(chunks: list[Chunk], lang: str, codebook: Codebook) -> list[Accountability]:
    """Every person or enterprise the document holds accountable, most severe sanction kept, each with
    the sentence that states it and its page."""
    text = _document_text(chunks)
    flat = _flatten(text, lang)
    aliases = _aliases(flat, lang)
    orgs = _known_orgs(flat, lang, aliases)
    main = _main_company(flat, lang, aliases)
    sections = _sections(text, lang)
    strict = not sections  # no accountability section and no decision: only "X ... was dismissed" sentences count
    found: dict[str, dict] = {}
    for section in sections or [text]:
        for rec in _read_section(_flatten(section, lang), lang, codebook, aliases, strict, main):
            cur = found.get(rec["person"])
            if cur is None:
                found[rec["person"]] = rec
            else:
                if _worst(cur["sanction"], rec["sanction"]) != cur["sanction"]:
                    cur["sanction"], cur["evidence"] = rec["sanction"], rec.get("evidence")
                cur["role"] = cur["role"] or rec["role"]
                cur["organisation"] = cur["organisation"] or rec["organisation"]
                cur["firm_hint"] = cur.get("firm_hint") or rec.get("firm_hint")
    if lang == "zh":
        for rec in found.values():
            if not rec["enterprise"] and not (rec["role"] and rec["organisation"]):
                _zh_biography(rec, flat, aliases)
            if not rec["enterprise"] and not rec["role"]:  # "段春林经营的生猪养殖场": the one who runs it
                ran = re.search(re.escape(rec["person"]) + r"(经营|开办|开设|承包)的[\u4e00-\u9fff]{0,6}?(养殖场|加工厂|加工点|作坊|砖厂|采石场|"
                                r"石场|煤窑|商店|餐馆|饭店|小店|店|厂|场|点|电站|船)(?![\u4e00-\u9fff]{0,1}(?:长|主))", flat)
                if ran:
                    rec["role"] = ran.group(2) + ("承包人" if ran.group(1) == "承包" else "经营者")
            if not rec["enterprise"] and not _clean_role(rec["role"], "zh"):
                _zh_post_before_name(rec, flat, aliases)
            if not rec["enterprise"] and rec["role"]:
                _zh_remit(rec, flat)
    if lang == "en":
        for rec in found.values():
            if not rec["enterprise"] and not rec["role"]:
                _en_biography(rec, flat, aliases)
            if not rec["enterprise"]:
                _en_intro_post(rec, flat)
            if not rec["enterprise"] and rec["role"]:
                _en_remit(rec, flat)
            bare = re.fullmatch(r"(section|division|unit) (head|chief)", rec["role"] or "")
            named = bare and re.search(re.escape(rec["person"]) + r",\s+(?:the |a |an )?" + bare.group(2) + r" of the (?:[A-Z][\w-]*(?: [A-Z][\w-]*)*'s )?"
                                       r"((?:[a-z][\w-]*[ ]){1,6}" + bare.group(1) + r")\b", flat)
            if named:  # "Fan Ruoxi, section head" named before as "head of the Inspectorate's food and light-industry section"
                rec["role"] = f"{bare.group(2)} of the {named.group(1)}"
    for rec in found.values():  # "head of the Xiashi Power Supply Station" in a report on a power company: the company's station
        org = re.sub(r"^(?:Its|The)\s+", "", rec["organisation"] or "")
        if lang == "en" and main and not rec["enterprise"] and org and re.search(r"\b(?:Station|Substation|Depot|Workshop|Branch)$", org) \
                and not re.search(r"\b(?:County|District|City|Town|Township|Supervision|Management|Administration|Inspection|Safety|Quality|"
                                  r"Market|Agricultur\w*|Fisher\w*|Forestry|Police|Fire|Government|Bureau)\b", org) and rec["role"]:
            words = set(org.split()[1:]) - {"Station", "Substation", "Depot", "Workshop", "Branch", "of", "the", "and"}
            firms = {f.group(0) for f in re.finditer(r"(?:[A-Z][\w&'-]*\s+){1,6}(?:Co\., Ltd\.?|Company(?: Ltd\.?| Limited)?|Ltd\.?)", flat)}
            best = max(firms, key=lambda f: len(words & set(f.split())), default=None)
            firm = best if best and len(words & set(best.split())) >= 2 else main  # the firm that shares the station's words
            rec["role"], rec["organisation"] = f"{_clean_role(rec['role'], 'en')} of the {org}", re.sub(r"^(?:The|Its)\s+", "", firm)
    for rec in found.values():  # "general manager of the market company": the document's firm with that word in its name
        if lang == "en" and rec.get("firm_hint") and not rec["organisation"]:
            named = [o for o in orgs if EN_COMPANY.fullmatch(o) and re.search(r"\b" + re.escape(rec["firm_hint"]) + r"\b", o)]
            rec["organisation"] = max(named, key=lambda o: (orgs[o], len(o))) if named else None
    # a press release or court summary (read strictly) that names no public body: a director is the firm's
    release = strict and lang == "en" and not re.search(r"\b(?:Bureau|Government|Township|County(?! Court)|Committee)\b", flat)
    for rec in found.values():  # "Chen Lili, safety manager": of the enterprise the report is about
        if main and not rec["enterprise"] and not rec["organisation"] and rec["role"] and not rec.get("org_hint") \
                and (_ENTERPRISE_POST.search(rec["role"]) or _EN_FIRM_POST.search(rec["role"])
                     or release and re.search(r"\b(?:director|officer|owner|proprietor|partner|secretary)\b", rec["role"], re.I)) \
                and not _GOV_UNIT.search(rec["role"]):
            rec["organisation"] = main
        if release and rec["enterprise"] and not rec.get("kind_word") and re.search(r"\b(?:employ(?:er|ees?|ed)|workers?|drivers?|labourers?|apprentices?|staff)\b", flat):
            rec["kind_word"] = "employer"  # a regulator prosecutes a firm as the employer of the dead or injured
    for rec in found.values():  # "the Station" that the section names before no full name: the document's one station
        hint = rec.get("org_hint")
        if lang == "en" and hint and not rec["organisation"]:
            named: dict[str, int] = {}
            for o, n in orgs.items():
                o = re.sub(r"^.*\.\s+|^(?:The|the)\s+", "", o)  # a name read across a sentence's end
                if o.lower().endswith(" " + hint) and len(o) > len(hint) + 8 and o[0].isupper():
                    named[o] = named.get(o, 0) + n
            if named:
                rec["organisation"] = max(named, key=lambda o: (named[o], len(o)))
    pages = _page_texts(chunks, lang)
    out = []
    for r in found.values():
        org = _clean_org(r["organisation"], lang)
        if lang == "zh" and org:
            org = _zh_full_company(org, aliases, orgs)
        role, org = _clean_role(r["role"], lang), _expand_org(org, orgs, lang)
        if lang == "zh":
            if org and org[0] in "县区" and len(org) > 2:  # "县住建局" in a notice whose bodies are never named in full: the county it is about
                places: dict[str, int] = {}
                for p in re.findall(r"([\u4e00-\u9fff]{2}" + org[0] + r")", flat):
                    if not re.search(r"[的了在对和与各全本该此省市县区开园新发业集责成经给予向由报据将把被让使令请称作]", p[:2]):
                        places[p] = places.get(p, 0) + 1
                if places:
                    org = max(places, key=places.get) + org[1:]
            org = _zh_dept_full(_zh_zone_full(org, flat))
            role = _zh_unit_full(role, flat, aliases)
            crew = None if r["enterprise"] or _GOV_POST.search(role or "") and not _ENTERPRISE_POST.search(role or "") else \
                re.search(re.escape(r["person"]) + r"(?:施工队|装修队|采掘队|掘进队|建房队|作业队|工程队|包工队|班组)", flat)
            if crew:  # "覃某某采掘队14人入井": the crew the document names after its head is where the head works (not the mine)
                org = crew.group(0)
            if org and role and not r["enterprise"] and len(org) <= 8 and re.search(r"(?:大队|中队|股|科|室)$", org) \
                    and not re.match(r"[\u4e00-\u9fff]{2}[省市县区镇乡]|.*(?:公安|消防|交警|派出所)", org):
                # "执法大队大队长周某": a unit of a bureau is part of the post, the bureau is the organisation
                parent = re.search(r"((?:[\u4e00-\u9fff]{2,3}[省市])?(?:[\u4e00-\u9fff]{2,3})?[县区市][\u4e00-\u9fff]{2,10}?局)" + re.escape(org), flat)
                if parent:
                    role, org = org + role, _zh_dept_full(_expand_org(parent.group(1), orgs, lang))
            if org and role and not r["enterprise"]:
                if re.search(r"(?:管委会|管理委员会)$", org) and re.fullmatch(r"(?:常务)?副?主任(?:（分管[^（）]*）)?", role):
                    role = "管委会" + role  # "开发区管委会副主任": the post as the committee's officers are named
                if re.search(r"(?:村委会|村民委员会)$", org) and re.match(r"副?主任", role):
                    role = ("村民委员会" if org.endswith("村民委员会") else "村委会") + role  # "双河村村委会主任、党支部委员"
                street = re.fullmatch(r"(?:中共)?(.+?街道)(?:工作委员会|党工委)", org)
                if street and "办事处" in role:  # "街道党工委委员、办事处副主任": an officer of the sub-district office
                    org = street.group(1) + "办事处"
        kind = _ZH_FIRM_KIND.match(r["person"]) if lang == "zh" and r["enterprise"] else None
        if kind:
            r["person"], r["kind_word"] = r["person"][kind.end():], r.get("kind_word") or kind.group(1)
            org = org[kind.end():] if org and org.startswith(kind.group(1)) else org
        if r["enterprise"]:
            full = aliases.get(r["person"])
            if full and (ZH_COMPANY if lang == "zh" else EN_COMPANY).search(full):
                r["person"] = full  # a firm held accountable by its registered name ("恒泰仓储" -> 汐州恒泰化工仓储有限公司)
            org = org or r["person"]  # an enterprise is its own organisation
            role = role or r.get("kind_word") or (_zh_unit_kind(flat, r["person"], org, aliases) if lang == "zh" else None) \
                or ("事故责任单位" if lang == "zh" else "enterprise")
        r.update(role=role, organisation=org)
        evidence = re.sub(r"\s+", " ", r.get("evidence") or "").strip() or None
        out.append(Accountability(r["person"], role, org, r["sanction"], _level(r, lang), evidence,
                                  _locate(evidence, pages) if evidence else None))
    return out


# posts that only a firm has (a bureau has no production director or ticket seller)
_EN_FIRM_POST = re.compile(r"\b(?:production|operations|safety|technical|plant|works|sales|quality|equipment|maintenance)\s+(?:director|manager|chief)\b|"
                           r"\bworkshop\b|\bsafety (?:and [a-z]+ )?department\b|permit issuer|ticket (?:seller|clerk)|deckhand|boatman", re.I)


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


_ZH_HEADING_LINE = re.compile(r"(?m)^(\s*(?:（[一二三四五六七八九十\d]+）|[一二三四五六七八九十]+、|\d{1,2}(?:\.\d{1,2})*[.、]?)[^。；\n]{1,28}?)(?<![，、：:。；])[ \t]*$")


_TABLE_HEAD = re.compile(r"姓名|序号|处理(?:意见|建议|结果)|\bName\b|\bNo\.?\s*(?:\||$)|\bSanction\b|\bPost\b", re.I)


def _table_rows(text: str, lang: str) -> str:
    """Table rows read as text lines ("1 | 王某某 | 县应急管理局副局长 | 政务记过", or in a PDF "1 王某某 县应急管理局副局长
    政务记过") become one sentence each: "王某某，县应急管理局副局长，政务记过。"; the header row is dropped."""
    comma, stop = ("，", "。") if lang == "zh" else (", ", ".")
    out = []
    for line in text.split("\n"):
        cells = [c.strip() for c in line.split("|")] if line.count("|") >= 2 else None
        if cells is None and lang == "zh":
            m = re.match(r"\s*\d{1,3}\s+(" + ZH_NAME.pattern + r")\s+(\S+)\s+(\S.*?)\s*$", line)
            cells = [m.group(1), m.group(2), m.group(3)] if m else None
        if cells is None:
            out.append(line)
            continue
        cells = [c for c in cells if c and not re.fullmatch(r"\d{1,3}\.?", c)]
        if not cells or _TABLE_HEAD.search(line) and not any(ZH_NAME.fullmatch(c) or EN_NAME.fullmatch(c) for c in cells):
            continue
        out.append(comma.join(c.rstrip("。.，,") for c in cells) + stop)
    return "\n".join(out)


def _flatten(text: str, lang: str) -> str:
    text = _table_rows(text, lang)
    if lang == "zh":  # a heading on its own line ends a sentence: "（一）事故单位情况" is not the start of a company's name
        text = _ZH_HEADING_LINE.sub(r"\1。", text)
        text = re.sub(r"(?m)^([^\n。；]{4,60}(?:决定|通报|意见|报告|通知))[ \t]*$", r"\1。", text)  # a title line
        text = re.sub(r"^(\s*[^\n。；，,！？]{4,45}?)[ \t]*(?=\n)", r"\1。", text, count=1)  # the document's first line: its headline
        # any other title: a short line without punctuation standing alone before a blank line ("…典型问题")
        text = re.sub(r"(?m)^([^\n。；，,：:、！？]{6,45}?)[ \t]*(?=\n[ \t]*\n)", r"\1。", text)
    else:  # so does the document's title line ("Notice of sanctions") before a capitalised line
        text = re.sub(r"^(\s*[^\n]{3,80}?[A-Za-z0-9)])(?<!\bfor)(?<!\bof)(?<!\band)(?<!\bthe)(?<!\bon)(?<!\bin)(?<!\bto)(?<!\bat)"
                      r"[ \t]*\n(?=[ \t]*[A-Z])", r"\1.\n", text)
        # a paragraph (a blank line after it) ends its sentence: a release's headline, a line without a stop
        text = re.sub(r"(?<=[A-Za-z0-9)])[ \t]*\n(?=[ \t]*\n\s*[A-Z])", ".\n", text)
    return re.sub(r"[ \t]*\n[ \t]*", "" if lang == "zh" else " ", text)


def _page_texts(chunks: list[Chunk], lang: str) -> list[tuple[int, str]]:
    pages: dict[int, list[str]] = {}
    for ch in sorted(chunks, key=lambda c: c.seq):
        pages.setdefault(ch.page, []).append(ch.text)
    return [(n, re.sub(r"\s+", "", _flatten("\n".join(v), lang))) for n, v in sorted(pages.items())]


def _locate(sentence: str, pages: list[tuple[int, str]]) -> int | None:
    """The page a sentence starts on (its first characters, spaces ignored)."""
    key = re.sub(r"\s+", "", _NUMBERING.sub("", sentence, count=1))
    for size in (24, 12, 6):
        probe = key[:size]
        hit = next((n for n, t in pages if probe and probe in t), None)
        if hit is not None:
            return hit
    return pages[0][0] if pages else None


def _sections(text: str, lang: str) -> list[str]:
    text = re.sub(r"(?m)^(\s*(?:\d{1,2}|[IVX]+)\.)[ \t]*\n", r"\1 ", text)  # "8." cut from its heading
    lines = text.split("\n")
    out, start = [], None
    paren_start = False  # the section opened at a "（四）处理建议" heading: only a heading of that kind ends it
    for i, ln in enumerate(lines):
        paren = bool(_PAREN_HEADING.match(ln)) and len(ln.strip()) < 40
        heading = bool(_HEADING.match(ln)) and len(ln.strip()) < 90 or paren
        if start is None and heading and _START.search(ln):
            start, paren_start = i, paren
        elif start is not None and heading and _END.search(ln) and not _START.search(ln) and (paren_start or not paren):
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
            full = _clean_org(full, "zh") or full
            # the address written before a registered name: "大湾镇下洲村柳源县丰禾…合作社", "云台县经济开发区纬三路云台县精科…公司",
            # "…经济开发区汐州恒泰化工仓储有限公司"
            full = re.sub(r"^.*(?:镇|乡|街道|村|社区|路|街|号)(?=[\u4e00-\u9fff]{2,3}[省市县区][\u4e00-\u9fff]{4,}(?:公司|合作社|厂|矿)$)", "", full)
            full = re.sub(r"^.*?(?:开发区|园区|工业区|集中区)(?=[\u4e00-\u9fff]{8,}$)", "", full) \
                if re.search(r"(?:公司|合作社|厂)$", full) and not re.search(r"(?:开发区|园区|工业区|集中区)(?:建设|开发|投资|管理|发展)", full) else full
        else:  # "Warehouse No. 6 of X Co., Ltd. (hereinafter …)": the company, not its warehouse
            full = re.sub(r"^(?:(?:Warehouse|Workshop|Plant|Site|Branch|Depot|Pit|Yard|Building|Project|Section|Team|Unit)\b[^,]*?\s+of\s+)"
                          r"(?=[A-Z].*(?:Co\.|Ltd|Limited|Company|Inc))", "", full)
        out[short] = full
    return out


def _sentences(flat: str, lang: str) -> list[str]:
    if lang == "zh":
        parts = re.split(r"(?<=[。；;！？])|(?<=[，,])(?=(?:并|同时)?(?:给予|对)[^，。；]{0,24}?[\u4e00-\u9fff]某)|(?<=[，,])(?=(?:并|同时)?给予[^，。；]{2,30}?处分)|(?<=[，,])(?=" + ZH_NAME.pattern + r"(?:同志)?(?:受到|被给予|被处以|被))|(?<=[人员位象]：)|(?<=[人员位象]:)|(?=\s?(?<!第)(?<!\d)\d{1,2}\.\s*[\u4e00-\u9fff])|(?=（[一二三四五六七八九十]+）)", flat)
    else:
        parts, start = [], 0
        for m in re.finditer(r"(?<=[.!?;])\s+(?=[A-Z0-9\"“(])|(?<=;)\s+(?=and [A-Z])|(?<=:)\s+(?=[A-Z][a-z]+ [A-Z][a-z]+,)|\s+(?=\d{1,2}\.(?:\d{1,2})?\s+[A-Z])|\s+(?=\(\d{1,2}\)\s+[A-Z])", flat):
            if re.search(r"\b(?:Mr|Mrs|Ms|Dr|No|Art|St|Co|Nos|etc|Reg|Regs|Sec|para|Bros|U\.S|U\.K)\.$", flat[start:m.start()]) or \
                    re.fullmatch(r"\s*(?:\d{1,2}(?:\.\d{1,2})*|[IVX]+)\.", flat[start:m.start()]):  # "8. Responsibility ..." is one heading
                continue
            parts.append(flat[start:m.start()])
            start = m.end()
        parts.append(flat[start:])
    return [p.strip() for p in parts if p.strip()]


# what only a person can receive: a body held accountable in the same sentence as a fine is fined ("X Ltd pleaded
# guilty to a criminal charge and was fined £40,000": the fine is its sanction, the prosecution is how it came)
_PERSONAL = frozenset(SEVERITY[:SEVERITY.index("fine")])
_BODY_SANCTIONS = ("fine", "licence_revocation")  # what names a firm held accountable in a sentence without a subject


def _sanction(sentence: str, lang: str, codebook: Codebook, body: bool = False) -> str | None:
    hits = {k for k, pat in _CUE_RES.items() if pat.search(sentence)}
    if _ZH_PENALTY.search(sentence):  # "依法实施行政处罚": a firm's is a fine; a person's, a sanction left unnamed
        hits.add("fine" if body else "other")
    for entry in codebook.sanctions:
        if entry.id not in hits and any(p.search(sentence) for p in entry.cues.get(lang, ())):
            hits.add(entry.id)
    if "removal" in hits and re.search(r"dismissed from (?:his |her )?post", sentence, re.I):
        hits.discard("dismissal")
    if body and hits & {"fine", "licence_revocation"}:
        hits -= _PERSONAL
    return next((s for s in SEVERITY if s in hits), None)


def _worst(a: str | None, b: str | None) -> str | None:
    ranked = [s for s in (a, b) if s]
    return min(ranked, key=lambda s: SEVERITY.index(s) if s in SEVERITY else len(SEVERITY)) if ranked else None


def _read_section(flat: str, lang: str, codebook: Codebook, aliases: dict[str, str], strict: bool = False,
                  main: str | None = None) -> list[dict]:
    """The records of one section. `strict` (a document without an accountability section): a person
    counts only when the sentence that names them states their sanction."""
    done: list[dict] = []
    group: list[dict] = []  # persons of the current subsection
    current: list[dict] = []
    ctx: str | None = None
    ctx_body: str | None = None  # the heading's sanction for a firm ("建议给予行政处罚的单位": a fine)
    ctx_units = False  # the heading is about units, not persons
    last_org: list[str] = []

    def close():
        for r in group:
            said = ctx_body if r["enterprise"] else None if ctx_units else ctx  # a heading on units sanctions no person
            if said and _worst(r["sanction"], said) != r["sanction"]:
                r["sanction"] = said
                r["evidence"] = r["evidence"] or r["said"]
            if r["sanction"] and not r["dead"]:
                done.append(r)
        group.clear()

    prev_org: str | None = None  # the organisation of the person named before
    item_org: str | None = None  # the public body named first in the current numbered item
    pending: list[dict] = []  # (a document read strictly) the person the sentence before named, with no sanction yet
    known: dict[str, dict] = {}  # (English) a surname -> the person last named in full with it
    last_firm: str | None = None  # the firm named last ("The company was fined …")
    firms_seen: list[str] = []
    ctx_sig: str | None = None  # the numbering of the subsection heading that set ctx ("9.", "(9)", "（一）")
    for raw in _sentences(flat, lang):
        num = _NUMBERING.match(raw)
        numbered = bool(num)
        sig = _numbering_sig(num.group(0)) if num else None
        sent = _NUMBERING.sub("", raw, count=1)
        if numbered:
            item_org = None  # the body the numbered item names first
        if sig and sig == ctx_sig:  # the next item at the heading's level ends the heading's subsection
            close()
            ctx, ctx_sig, current, ctx_body, ctx_units = None, None, [], None, False
        sanction = _sanction(sent, lang, codebook)
        body_sanction = _sanction(sent, lang, codebook, body=True)
        if _CLEARED.search(sent):  # a witness, an acquittal, a charge dropped: whoever it names is no one held accountable
            sanction = body_sanction = None
        subjects = _subjects(sent, lang, aliases)
        if lang == "en":
            for r in subjects:
                if not r["enterprise"] and " " in r["person"]:
                    known[r["person"].split()[-1]] = r
            if not subjects:  # "Ashworth was ordered to pay …": a person named in full before, by the surname alone
                again = re.match(r"([A-Z][a-z]+)(?:,\s*" + _EN_ASIDE + r"\s*,)?\s+(?:was|were|is|has|had|received|pleaded|admitted|got|"
                                 r"will|must|also|faces?|denied)\b", sent)
                if again and again.group(1) in known:
                    subjects = [{k: v for k, v in known[again.group(1)].items() if k in ("person", "role", "organisation", "enterprise", "firm_hint", "org_hint")}]
        if lang == "en" and sanction and not strict:  # "…it is to be fined, and Pan Dexin, its general manager, 30 per cent of his income"
            subjects += _en_more_subjects(sent, {r["person"] for r in subjects}, aliases)
        if lang == "en":
            firms = [re.sub(r"^(?:of|and)\s+", "", m.group(0)) for m in EN_COMPANY.finditer(sent)] + [aliases[a] for a in aliases if a in sent and EN_COMPANY.search(aliases[a])]
            firms_seen.extend(f for f in firms if f not in firms_seen)
            last_firm = firms[-1] if firms else last_firm
        if strict and not sanction:
            # "Managing director Alan Prewett pleaded guilty to …" and then "He was sentenced to …": the next
            # sentence's He / She is this person
            pending = [r for r in subjects if not r["enterprise"]]
            subjects = []
        elif strict and pending and len(pending) == 1 and not subjects \
                and (lang == "zh" and re.match(r"(?:其|该同志|他|她)", sent)  # "黎某某，…副主任。其…，被给予党内警告处分"
                     or lang == "en" and re.match(r"(?:He|She)\s+(?:was|is|has|had|received|got|will|must|also)\b", sent)
                     or lang == "en" and re.search(r"\b(?:sentenced|fined|jailed|ordered|disqualified|convicted|gave|handed|imposed on|banned)\s+(?:him|her)\b", sent)
                     or lang == "en" and pending[0]["role"] and re.match(r"(?:The|the)\s+" + re.escape(pending[0]["role"].split()[-1]) + r"\s+(?:was|is|has|had|received|got)\b", sent)):
            # "He was sentenced …", "The judge sentenced him to …", "The director was fined …": the person just named
            subjects, pending = pending, []
        else:
            pending = []
        if subjects and lang == "en" and main:  # "Luojia Ferry is to be fined": the enterprise, by a short name
            for r in subjects:
                if not r["enterprise"] and re.search(r"\b" + re.escape(r["person"]) + r"\b", main):
                    r.update(person=main, organisation=main, enterprise=True, role=None)
        if subjects:
            current = subjects
            for r in subjects:
                org = r["organisation"] or ""
                if org.startswith("=firm"):  # "Its sole director, …", "Coastline's site supervisor, …": the firm named before
                    short = org[6:]
                    r["organisation"] = next((f for f in reversed(firms_seen) if not short or re.search(r"\b" + re.escape(short) + r"\b", f)),
                                             None if short else main)
                    r["firm_hint"] = short  # named before the section: looked up in the whole document
                elif org.startswith("="):  # "of the same bureau"
                    head = org[1:].lower()
                    r["organisation"] = next((o for o in reversed(last_org) if re.search(r"\b" + head + r"\b", o, re.I)), None)
                    r["org_hint"] = head  # "the Station" named before this document's section: its kind still tells the level
                elif org and not r["enterprise"]:
                    last_org.append(org)
                elif strict and lang == "en" and not org and not r["enterprise"] and r["role"] and last_firm \
                        and not _GOV_UNIT.search(r["role"]) and not re.search(r"\b(?:inspector|regulator|officer of the)\b", r["role"], re.I):
                    r["organisation"] = last_firm  # a release: "Farm manager Dennis Greaves …" after the firm's own paragraph
                elif not org and r["role"] and not _GOV_UNIT.search(r["role"]) and prev_org and _LEVEL_ORG[0][1].search(prev_org) \
                        and not re.search(r"判头|包工头|承包人|个体|gangmaster|self-employed", r["role"]):
                    # "2. 葛某某，矿长" after "1. 鞠某某，石堰沟煤业董事长": the same company
                    r["organisation"] = prev_org
                elif lang == "en" and not org and not numbered and item_org and r["role"] and not _LEVEL_ORG[0][1].search(item_org) \
                        and re.search(r"\b(?:Bureau|Government|Committee|Commission|Office|Station|Brigade|Detachment|Administration|"
                                      r"Inspectorate|Authority|Department|Centre|Center)$", item_org) \
                        and (_GOV_POST.search(r["role"]) or re.match(r"member of the [a-z ]+$", r["role"])) \
                        and not re.search(r"\b(?:county|district|township|town|village|city|province|government|people's|party)\b", r["role"], re.I):
                    # "8.4 Wen Jiaqi, inspector of the Inspectorate, …. Lu Shaobo, inspector, …": a later person of the same
                    # numbered item with a bare post is an official of the body the item named
                    r["organisation"] = item_org
                prev_org = r["organisation"] or prev_org
                item_org = r["organisation"] if r["organisation"] and not r["enterprise"] else item_org
                own = r.pop("own_sanction", None)
                r["sanction"] = body_sanction if r["enterprise"] else _sanction(own, lang, codebook) or sanction if own else sanction
                r["said"] = raw
                r["evidence"] = raw if sanction else None
                r["dead"] = bool(_DECEASED.search(sent))
            for k, r in enumerate(subjects):  # a person named again (a notice's title, then "赵某平受到…处分"): one record
                same = next((g for g in group if g["person"] == r["person"] and not g["enterprise"]), None)
                if same is None:
                    group.append(r)
                    continue
                if r["sanction"] and _worst(same["sanction"], r["sanction"]) != same["sanction"]:
                    same["sanction"], same["evidence"] = r["sanction"], r["evidence"]
                # the post of the mention that states the sanction (the handling item's, not a finding's), if it reads as a post
                if r["role"] and _post_like(r["role"], lang) and (r["sanction"] or not _post_like(same["role"], lang)) or not same["role"]:
                    same["role"], same["organisation"] = r["role"], r["organisation"] or same["organisation"]
                    same["firm_hint"] = r.get("firm_hint") or same.get("firm_hint")
                if not _post_like(same["role"], lang):  # neither mention gives a post: the person's record may (biography)
                    same["role"] = None
                same["dead"] = same["dead"] or r["dead"]
                subjects[k] = same
            firm = next((r["organisation"] for r in subjects if r["organisation"] and EN_COMPANY.search(r["organisation"])), main)
            if lang == "en" and body_sanction == "fine" and firm and re.search(
                    r"\b(?:on|and|as well as) (?:on )?(?:the|his|her|its) (?:company|firm|employer)\b|\bthe (?:company|firm) and (?:him|her)\b", sent) \
                    and not any(r["person"] == firm for r in group):  # "… a fine on him and on the company"
                group.append({"person": firm, "role": None, "organisation": firm, "sanction": "fine", "dead": False,
                              "enterprise": True, "said": raw, "evidence": raw})
            if lang == "en" and body_sanction == "fine" and all(r["enterprise"] for r in subjects):
                for name in _fined_enterprises(sent, lang, aliases, main):  # "Dongsha is to be fined … and Haixing CNY …"
                    if not any(r["person"] in (name, aliases.get(name)) for r in group):
                        group.append({"person": aliases.get(name, name), "role": None,
                                      "organisation": aliases.get(name, name), "sanction": "fine", "dead": False,
                                      "enterprise": True, "said": raw, "evidence": raw})
            continue
        if strict and lang == "zh" and body_sanction and not re.match(r"(?:其|他|她|该同志|上述|以上)", sent):
            said = re.search(r"对(?:该)?(" + _ZH_FIRM_KIND.pattern[2:].split(")(?=")[0] + r")", sent)
            firm = said and re.search(re.escape(said.group(1)) + r"(" + ZH_COMPANY.pattern + r")", flat)
            if firm and not any(r["person"] == firm.group(1) for r in group):  # "劳工局已对总承建商开出违例通知": the firm that kind named
                group.append({"person": firm.group(1), "role": None, "organisation": firm.group(1), "sanction": body_sanction,
                              "dead": False, "enterprise": True, "said": raw, "evidence": raw, "kind_word": said.group(1)})
                continue
        if strict:
            if body_sanction == "fine" or lang == "en" and body_sanction in _BODY_SANCTIONS:  # a press release: "X Ltd … were fined"
                names = _fined_enterprises(sent, lang, aliases, main)
                if not names and (last_firm or main) and (re.match(r"(?:(?:the|an?|this)\s+)?(?:[\w-]+\s+){0,4}?(?:company|firm|employer|business|"
                                                   r"contractor|cooperative|distributor)\b|it\b", sent, re.I) or re.search(
                        r"\b(?:cited|fined|penali[sz]ed|prosecuted|charged|sentenced|convicted)\s+the\s+(?:company|firm|employer|business|"
                        r"contractor|cooperative|co-operative|operator)\b|\bthe (?:company|firm|employer|business)\s+(?:was|were|has been|is)\s+"
                        r"(?:\w+\s+){0,2}?(?:fined|penali[sz]ed|convicted|sentenced|ordered)", sent)):
                    names = [last_firm or main]
            elif lang == "en" and sanction in _PERSONAL and (last_firm or main) and re.match(
                    r"(?:The|the)\s+(?:company|firm|employer|business)(?:\s+itself)?\s+(?:was|were|has been|is)\s+(?:placed on probation|sentenced|convicted)", sent):
                names, body_sanction = [last_firm or main], sanction  # "The company itself was placed on probation": its criminal sentence
            else:
                names = []
            if names:
                for name in names:
                    if not any(r["person"] == name for r in group):
                        kind = re.search(re.escape(name) + r",\s+(?:the|its|a|an)\s+([a-z][a-z /-]{2,40}?),", sent)
                        group.append({"person": name, "role": None, "organisation": aliases.get(name, name), "sanction": body_sanction,
                                      "dead": False, "enterprise": True, "said": raw, "evidence": raw,
                                      **({"kind_word": kind.group(1)} if kind else {})})  # "Harlan Builders Inc., the general contractor,"
            continue
        if (numbered or _SUBHEAD.search(sent)) and len(sent) < 90 and not re.search(r"\d{4}", sent):  # subsection heading
            close()
            ctx, ctx_sig, ctx_body = sanction, sig, body_sanction
            ctx_units = bool(re.search(r"单位|企业|公司|\b(?:enterprises?|compan(?:y|ies)|units?|firms?)\b", sent, re.I)) \
                and not re.search(r"人员|责任人|\b(?:persons?|officials?|individuals?)\b", sent, re.I)
            current = []
            continue
        if _DECEASED.search(sent):
            for r in current:
                r["dead"] = True
        if sanction and lang == "zh" and re.match(r"[^，。；]{0,12}?(?:老板|人员|经营者|业主|船主|房东|工人)", sent) \
                and not re.match(r"(?:其|他|她|该同志|上述|以上)", sent):
            continue  # "采石场老板以涉嫌…被追究刑事责任": another, unnamed actor, not the person named before
        if sanction:
            targets = current + [r for r in group if not r["sanction"]] if _GROUP.search(sent) else current
            if body_sanction == "fine" and _fined_enterprises(sent, lang, aliases, main) and not re.search(
                    r"\b(?:him|her|them)\b|其(?:本人|个人)|对其|个人|分别", sent):
                targets = [r for r in targets if r["enterprise"]]  # "…impose a fine … on Hengrui Company": the firm's, not the person's
            for r in targets:
                said = body_sanction if r["enterprise"] else sanction
                if said and _worst(r["sanction"], said) != r["sanction"]:
                    r["sanction"], r["evidence"] = said, raw
            if body_sanction == "fine" or lang == "en" and body_sanction in _BODY_SANCTIONS:
                for name in _fined_enterprises(sent, lang, aliases, main):
                    if lang == "zh" and len(name) <= 3 and name in aliases:  # "合作社", "该厂": a short name with no name in it
                        name = aliases[name]
                    if not any(r["person"] in (name, aliases.get(name)) for r in group):
                        group.append({"person": name, "role": None, "organisation": aliases.get(name, name), "sanction": body_sanction,
                                      "dead": False, "enterprise": True, "said": raw, "evidence": raw})
    close()
    return done


_EN_MORE = re.compile(r"(?:,|;|\band)\s+(" + EN_NAME.pattern + r"),\s+((?:the |its |his |her )?[a-z][^,;:]{2,80}?),")


_EN_MORE_TITLED = re.compile(r"(?:^|,|;|\band)\s+(?:and\s+)?(?:the\s+|its\s+|his\s+|her\s+|their\s+)?((?:[a-z-]+\s+){0,3}?(?:leader|manager|director|owner|foreman|supervisor|"
                             r"operator|chairman|controller|head|driver|engineer|contractor))\s+(" + EN_NAME.pattern + r")"
                             r"(?=\s*(?:,|;|\band\b|\bhave\b|\bhas\b|\bwere\b|\bwas\b|\bis\b|\bare\b))")


def _post_like(role: str | None, lang: str) -> bool:
    """Whether a text beside a name reads as a post ("安监站站长", "deputy director"), not a sentence's words."""
    if not role:
        return False
    if lang == "zh":
        return len(role) <= 30 and bool(_ZH_POST_END.search(role)) and not _ZH_ACT.search(role)
    return bool(_ENTERPRISE_POST.search(role) or _GOV_POST.search(role) or re.search(r"\b(?:head|chief|secretary)\b", role))


def _en_more_subjects(sent: str, named: set[str], aliases: dict[str, str]) -> list[dict]:
    out = []
    for m in _EN_MORE.finditer(sent):
        name = m.group(1)
        if name in named or EN_NOT_NAME.match(name) or not _ENTERPRISE_POST.search(m.group(2)) and not _GOV_POST.search(m.group(2)):
            continue
        role, org = _en_split(m.group(2), "", aliases)
        out.append(_person(name, role, org))
        named.add(name)
    for m in _EN_MORE_TITLED.finditer(sent):  # "…, the labour team leader Guo Jianhua and the owner of the hoist have been …"
        name = m.group(2)
        if name not in named and not EN_NOT_NAME.match(name):
            out.append(_person(name, m.group(1), None))
            named.add(name)
    return out


def _numbering_sig(num: str) -> str:
    return re.sub(r"[一二三四五六七八九十]+", "一", re.sub(r"\d+", "9", num.strip()))


# what a press release writes beside a name that is no post: the age, the home town ("Kevin Ardley, 44, of Redbank, …")
_EN_ASIDE = (r"(?:\d{1,3}|aged \d{1,3}|of [A-Z][\w'.-]*(?: [A-Z][\w'.-]*){0,3}|(?:an? )?(?:Communist )?Party member|(?:CPC|CCP) member|"
             r"a member of the (?:Communist )?Party(?: of China)?)")  # ", a Party member," in a translated report
_EN_LEAD = re.compile(r"^(?:and\s+|(?:the\s+)?(?:team|commission|committee|bureau|board|panel|investigation team|investigators?)\s+"
                      r"(?:recommends?|recommended|proposes?|proposed|decided|decides|orders?|ordered|requires?|required)\s+that\s+|"
                      r"(?:it is|we) (?:recommended|propose|recommend|decided) that\s+)", re.I)
_EN_PAIR = re.compile(r"(" + EN_NAME.pattern + r")\s+and\s+(" + EN_NAME.pattern + r")(?=\s+(?:are|were|have|had|both|each|shall|will|should)\b|"
                      r",\s+(?:the\s+)?[a-z])")


_EN_REPORTED = re.compile(r"((?:[A-Z][\w'-]*|[Tt]he)(?:\s+[\w'-]+){0,5}?)\s+(?:said|says|confirmed|confirms|announced|announces|stated|told \w+)"
                          r"(?:\s+on\s+\w+|\s+(?:yesterday|today|last week))?,?\s+(?:that\s+)?(?=(?:[a-z-]+\s+){0,3}[a-z-]+\s+[A-Z]|[Ii]ts\s)")
_EN_TITLE_WORD = (r"(?:[a-z-]+\s+){0,2}?(?:developer|director|manager|owner|supervisor|foreman|proprietor|contractor|engineer|chairman|"
                  r"officer|operator|boss|landlord|builder|superintendent|chief)")
_EN_TITLED_ITEM = re.compile(r"(?:^|,?\s+and\s+)(" + _EN_TITLE_WORD.replace("[a-z-]", "[A-Za-z-]", 1) + r")\s+(" + EN_NAME.pattern + r")"
                             r"((?:,\s*" + _EN_ASIDE + r")*),?")


def _en_titled_list(sent: str) -> list[dict]:
    """"Developer Harold Voss, 66, of Kilbride, and site manager Tina Okafor, 41, had been charged …": each title and name
    of a list that stands as the sentence's subject."""
    out, pos = [], 0
    while True:
        m = _EN_TITLED_ITEM.match(sent, pos)
        if not m or EN_NOT_NAME.match(m.group(2)):
            break
        out.append(_person(m.group(2), m.group(1).lower(), None))
        pos = m.end()
    if len(out) < 2 or not re.match(r"\s*(?:have|had|has|were|are|both|each|will)\b", sent[pos:]):
        return []
    return out


def _subjects(sent: str, lang: str, aliases: dict[str, str]) -> list[dict]:
    if lang == "zh":
        sent = _ZH_REPORTED.sub("", sent, count=1)  # "报告显示，X公司法定代表人汪某某…": what is reported, not who reports it
        sent = re.sub(r"被告人(?=" + ZH_NAME.pattern + r"|" + _ZH_REAL_NAME + r")", "", sent)  # "判处被告人丁某某有期徒刑": a party to the case, no post
        head = re.split(r"[，,：:。；]", sent, maxsplit=1)[0]
        titled = re.search(r"关于(?:给予|对)?", head)  # a decision's title names its person, not their post
        names = [] if titled else list(ZH_NAME.finditer(head)) or _zh_real_names(head, sent)
        if not names:
            granted = _zh_granted(sent, aliases)
            if granted:  # "给予时任X局副局长的刘建峰政务记过处分", "分别给予A站站长韩立军同志…处分、该站监督员彭涛同志批评教育"
                return granted
            many = _zh_name_list(sent)
            if many:  # "对杨进华、陈光友等9名公职人员给予党纪政务处分": each person named in the list
                return [_person(n, None, None) for n in many]
            m = re.search(r"(?:给予|决定给予|对)(" + ZH_NAME.pattern + r")(?:[（(]([^（）()]{2,30}?)[）)])?", sent) or \
                re.search(r"(?:给予|决定给予)(" + _ZH_REAL_NAME + r")(?:同志)?(?=党内|党纪|政务|行政|记大?过|警告|严重警告|撤销|撤职|开除|降级|诫勉)", sent)
            crew = re.search(r"对(" + ZH_NAME.pattern + r"|" + _ZH_REAL_NAME + r")(" + _ZH_CREW + r")", sent)
            if crew and not m:  # "建议对秦大勇建房队依法予以查处": a crew named after its head is held to account through its head
                return [_person(crew.group(1), crew.group(2) + "负责人", crew.group(0)[1:])]
            if not m:
                return _zh_enterprise_subject(head, aliases)
            if m.lastindex and m.lastindex >= 2 and m.group(2) and _ZH_POST_END.search(m.group(2)):
                org, role = _zh_split(m.group(2), aliases)  # "给予蒋某某（县交通运输局副局长）…"
                return [_person(m.group(1), role, org)]
            return [_person(m.group(1), None, None)]
        out, prev = [], 0
        for m in names:
            joined = bool(out) and head[prev:m.start()] in ("、", "和", "及", "与")
            raw_before = head[prev:m.start()].strip("、和及与 ")
            town = re.match(r"[镇乡](?=[\u4e00-\u9fff]{2,}(?:长|主任|员))", raw_before)
            if town and out and out[-1]["organisation"]:  # "桐溪镇副镇长钟某某和镇安监站站长葛某某": the same town
                named = re.match(r"(.{1,8}?[镇乡])", out[-1]["organisation"])
                raw_before = named.group(1) + raw_before[1:] if named else raw_before
            before = re.sub(r"^.*?(?:建议由.*?对|建议对|决定对|建议给予|决定给予|给予|对)|^.*判处", "", raw_before)
            prev = m.end()
            role_text = before
            bracket = re.match(r"[（(](?!中共|中国共产党|非中共|群众|男|女)([^（）()]{2,30}?(?:长|主任|书记|员|干部|经理|负责人|委员))[）)]", head[m.end():])
            if bracket:  # "给予蒋某某（县交通运输局副局长）政务记过处分"
                role_text = bracket.group(1)
            elif joined and not raw_before:  # "执法大队队员邱某某、金某": the same post
                out.append(_person(m.group(0), out[-1]["role"], out[-1]["organisation"]))
                continue
            elif not raw_before:  # "周某某，恒远公司董事长，..." : the apposition follows
                rest = [c for c in re.split(r"[，,]", sent[len(head):]) if c][:4]
                k = next((i for i, c in enumerate(rest) if not _ZH_SKIP.match(c)), None)
                role_text = rest[k] if k is not None else ""
                role_text = role_text if len(role_text) <= 30 and not _ZH_ACT.search(role_text) else ""
                remit = _ZH_REMIT_PART.fullmatch(rest[k + 1]) if role_text and k is not None and k + 1 < len(rest) else None
                if remit:  # "翁某某，…街道办事处副主任，分管安全生产，…": the post's remit
                    role_text += f"（分管{remit.group(1)}）"
            org, role = _zh_split(role_text, aliases)
            if not org and role and out and out[-1]["organisation"] and raw_before and len(raw_before) <= 8 \
                    and re.fullmatch(r"(?:副?[\u4e00-\u9fff]{0,4}(?:长|主任)|科员|干部|工作人员|[\u4e00-\u9fff]{0,4}员)", role):
                org = out[-1]["organisation"]  # "…局科长孙某、科员冯某某": a post of the same body
            out.append(_person(m.group(0), role, org))
        return out
    sent = _EN_LEAD.sub("", sent, count=1)
    sent = re.sub(r"^(?:According to [^,]{3,40}|In (?:court|a statement)[^,]{0,30}),\s+(?=[A-Z])", "", sent)  # "According to court documents, X, 49, …"
    lead = _EN_REPORTED.match(sent)
    if lead:  # "Detectives said on Tuesday that developer Harold Voss … had been charged": what is said, not who says it
        listed = _en_titled_list(sent[lead.end():])
        if listed:
            return listed
        sent = sent[lead.end():]
        sent = sent[0].upper() + sent[1:]
        body = re.search(r"\b((?:city|county|district|town|borough|state) (?:council|authority|government|department)|(?:the )?[a-z]+ (?:council|authority))\b", lead.group(1))
        its = re.match(r"Its\s+((?:[a-z-]+\s+){0,3}?(?:officer|inspector|director|manager|engineer|head|chief|official)),\s+(" + EN_NAME.pattern + r"),", sent)
        if body and its and not EN_NOT_NAME.match(its.group(2)):  # "The city council confirmed that its building control officer, Gary Tull, …"
            return [_person(its.group(2), its.group(1), re.sub(r"^the ", "", body.group(1)))]
    listed = _en_titled_list(sent)
    if listed:
        return listed
    pair = _EN_PAIR.match(sent)
    if pair and not EN_NOT_NAME.match(pair.group(1)) and not EN_NOT_NAME.match(pair.group(2)):
        shared = re.match(r",\s+((?:the\s+)?[a-z][^,;:]{2,100}?),", sent[pair.end():])
        role, org = _en_split(shared.group(1), "", aliases) if shared else (None, None)
        if role:  # "Zhou Min and He Lei, inspectors of the X Bureau, were each …": the post of each
            role = re.sub(r"^(\w+?)(?:ies)\b", r"\1y", re.sub(r"^(\w+?[^s])s\b", r"\1", role))
        return [_person(pair.group(1), role, org), _person(pair.group(2), role, org)]
    titled = re.match(r"((?:[Ff]ormer\s+)?(?:[A-Za-z-]+\s+){0,2}?(?:[Dd]irector|[Mm]anager|[Oo]wner|[Ss]upervisor|[Ff]oreman|[Oo]perator|"
                      r"[Pp]roprietor|[Cc]ontractor|[Ee]ngineer|[Ee]lectrician|[Dd]river|[Ll]eader|[Cc]hairman|[Oo]fficer|[Bb]oss))\s+"
                      r"(" + EN_NAME.pattern + r")(?=(?:,\s*" + _EN_ASIDE + r"\s*,)?\s+(?:is|was|were|has|had|pleaded|admitted|received|and|faces?|got)\b)", sent)
    if titled and not EN_NOT_NAME.match(titled.group(2)):  # "Director Colin Treadway pleaded guilty …", "Yard supervisor Gary Lomax, 51, was …"
        return [_person(titled.group(2), re.sub(r"^former\s+", "", titled.group(1).lower()), None)]
    for short in sorted(aliases, key=len, reverse=True):
        if sent.startswith(short) and EN_COMPANY.search(aliases[short]):
            post = re.match(re.escape(short) + r"'s\s+((?:[a-z-]+\s+){0,3}?(?:manager|director|chairman|owner|supervisor|foreman|officer|"
                            r"engineer|controller|representative|head|chief|leader)),\s+(" + EN_NAME.pattern + r"),", sent)
            if post and not EN_NOT_NAME.match(post.group(2)):  # "Nanhu Company's general manager, Xu Qiang, …"
                return [_person(post.group(2), post.group(1), aliases[short])]
            if re.match(re.escape(short) + r"\s+(?:is|was|were|has|had|shall|should|will|be)\b", sent) \
                    and re.search(r"\b(?:fined?|penalt\w*|penali[sz]\w*|licen[cs]es?|qualifications?|certificates?)\b", sent) \
                    and not re.search(r"\b(?:him|her|them)\b", sent):
                # "Hengjian Company is recommended to be fined": the firm, by the short name the document gave it
                return [{"person": aliases[short], "role": None, "organisation": aliases[short], "enterprise": True}]
            return []  # "Lutong Company is to dismiss him": the firm acts on the person named before; it is no person
    owned = re.match(r"(?:The|Its|Their)\s+(?:(?:company|firm|business|employer|contractor|operator)'s\s+)?((?:[a-z-]+\s+){0,2}?(?:director|manager|"
                     r"owner|supervisor|foreman|proprietor|engineer|chairman|officer|operator)(?:\s+of\s+the\s+[a-z-]+(?:\s+[a-z-]+)?)?),\s+(" + EN_NAME.pattern + r"),", sent)
    if owned and not EN_NOT_NAME.match(owned.group(2)):  # "The company's owner, Derek Hume, was given …"
        return [_person(owned.group(2), owned.group(1), "=firm")]
    possessed = re.match(r"([A-Z][\w&-]+(?: [A-Z][\w&-]+){0,2})'s\s+((?:[a-z-]+\s+){0,2}?(?:director|manager|owner|supervisor|foreman|"
                         r"proprietor|engineer|chairman|officer|operator|controller|representative|chief|leader|boss|superintendent)),\s+(" + EN_NAME.pattern + r"),", sent)
    if possessed and not EN_NOT_NAME.match(possessed.group(3)) and not EN_NOT_NAME.match(possessed.group(1)):
        return [_person(possessed.group(3), possessed.group(2), "=firm:" + possessed.group(1))]  # "Coastline's site supervisor, Kyle …"
    found = re.search(r"\bfound\s+(" + EN_NAME.pattern + r")(?:,\s*" + _EN_ASIDE + r")*,?\s+guilty\b", sent)
    if found and not EN_NOT_NAME.match(found.group(1)):  # "A jury found Dale Fenwick, 58, of Cedar Falls, guilty of …"
        return [_person(found.group(1), None, None)]
    obj = re.search(r"\b(?:convicted|sentenced|fined|jailed|charged|prosecuted|(?:liability|responsibility) of)\s+(?:(?:the|its)\s+(?:(?:company|firm|employer)'s\s+)?"
                    r"((?:[a-z-]+\s+){0,2}?(?:owner|director|manager|foreman|supervisor|operator|driver|engineer|officer|contractor)),?\s+)?"
                    r"(" + EN_NAME.pattern + r")(?:,\s+((?:the\s+|an?\s+)?[a-z][^,;:]{2,80}?),)?", sent)
    if obj and not EN_NOT_NAME.match(obj.group(2)) and not re.match(
            r"(?:[A-Z][\w-]*\s+)*(?:Brothers|Partnership|Cooperative)$", obj.group(2)) and not re.match(r"(?:" + EN_NAME.pattern + r")\s*,", sent):
        # "A jury convicted Gary Pell, owner of Pell Site Works LLC, of manslaughter", "The court sentenced the company's foreman, Raul Ortega, …"
        if obj.group(1):
            return [_person(obj.group(2), obj.group(1), "=firm" if "'s" in obj.group(0) else None)]
        role, org = _en_split(obj.group(3), "", aliases) if obj.group(3) else (None, None)
        return [_person(obj.group(2), role, org)]
    m = re.match(r"(" + EN_NAME.pattern + r")(?=\s*,|\s+(?:is|was|has|had|and|who|be|shall|should|will|receives?|received|"
                 r"pleaded|admitted|\()\b)", sent)
    if m and not EN_NOT_NAME.match(m.group(1)) and not EN_COMPANY.match(sent):
        rest = sent[m.end():].lstrip(", ")
        rest = re.sub(r"^(?:" + _EN_ASIDE + r"\s*,\s*)+", "", rest)  # "Kevin Ardley, 44, of Redbank, site manager …"
        if re.match(r"(?:is|was|were|has|had|who|be|shall|should|will|receives?|received|pleaded|admitted)\b", rest):
            return [_person(m.group(1), None, None)]
        paren = re.match(r"\(([^()]{3,120})\)", rest)
        appo = paren.group(1).split(",")[0] if paren else \
            re.split(r",(?!\s*Ltd)|\s+(?:is|was|has|had|who|be|shall|should|will|receives?|received)\s|:|;|\.\s*$", rest, maxsplit=1)[0]
        role, org = _en_split(appo, rest, aliases)
        return [_person(m.group(1), role, org)]
    officer = re.match(r"(" + EN_COMPANY.pattern + r")\s+((?:[a-z-]+\s+){0,2}?(?:director|manager|owner|supervisor|foreman|proprietor|"
                       r"engineer|chairman|officer|operator|controller|chief|leader|boss|superintendent|partner|secretary))\s+(" + EN_NAME.pattern + r")\b", sent)
    if officer and not EN_NOT_NAME.match(officer.group(officer.lastindex)):
        name = officer.group(officer.lastindex)
        return [_person(name, officer.group(officer.lastindex - 1), officer.group(1))]
    kinded = re.match(r"(?:The|Its)\s+([a-z][a-z /-]{2,40}?),\s+(" + EN_COMPANY.pattern + r"),", sent)
    if kinded:  # "The gas supplier, Baishui Ruitong Gas Co., Ltd., was fined …"
        return [{"person": kinded.group(2), "role": None, "organisation": kinded.group(2), "enterprise": True, "kind_word": kinded.group(1)}]
    c = EN_COMPANY.match(sent)
    if c:
        name = c.group(0)
        rec = {"person": name, "role": None, "organisation": name, "enterprise": True}
        kind = re.match(r",\s*(?:the\s+)?([a-z][a-z /-]{2,40}?),", sent[c.end():])
        if kind:
            rec["kind_word"] = kind.group(1)
        return [rec]
    return []


_ZH_REPORTED = re.compile(r"^(?:此外|另外|同时|据此|综上|据悉|据了解|据介绍|据报道|经查|经调查|调查(?:认定|显示|发现|表明)|(?:报告|通报|判决|调查报告)(?:显示|指出|称|认定)|"
                          r"记者(?:了解到|获悉))[，,：:]\s*")
_ZH_CREW = r"(?:施工队|装修队|采掘队|掘进队|建房队|作业队|工程队|包工队|班组)"
# the kind of party written before a firm's name ("施工单位滨川宏基建设工程有限公司", "總承建商信隆建築置業有限公司"): the kind, then the firm
_ZH_FIRM_KIND = re.compile(r"^(总承建商|主要承建商|承建商|分判商|总承包单位|总包单位|施工总承包单位|施工单位|建设单位|监理单位|劳务分包单位|分包单位|分包商|"
                           r"产权单位|租赁单位|使用单位|涉事企业|事故发生单位|事故单位)(?=[\u4e00-\u9fff（）()]{4,}(?:公司|厂|矿|合作社)$)")
_GOV_UNIT = re.compile(r"bureau|county|district|township|\btown\b|village|government|station|brigade|committee|commission|"
                       r"局|镇|乡|县|区|政府|站|大队|中队|委员会|管委会|街道|村", re.I)
# real names (documents that do not write 某某): a common surname and one or two characters, standing where a
# subject stands and followed by what describes a person (男/女, 中共党员, a post)
_ZH_SURNAMES = ("欧阳|司马|诸葛|上官|东方|皇甫|慕容|令狐|夏侯|司徒|端木|"
                "[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
                "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易"
                "乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍"
                "华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝]")
_ZH_REAL_NAME = (r"(?!党内|党纪|党外|党委|党组|政务|行政|严重|警告|记过|记大过|撤销|撤职|开除|降级|诫勉|通报|相关|有关|全部|其他|和|于|与|及)"
                 r"(?:" + _ZH_SURNAMES + r")[\u4e00-\u9fff]{1,2}")


_ZH_LIST_NAME = r"(?:" + ZH_NAME.pattern + r"|" + r"(?:" + r"欧阳|司马|诸葛|上官|东方|皇甫|慕容|令狐|夏侯|司徒|端木|" + \
    r"[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝])" + \
    r"[\u4e00-\u9fff]{1,2}?)"
_ZH_NAME_LIST = re.compile(r"(?:^|[，,；;：:]|对)((?:" + _ZH_LIST_NAME + r"(?:同志)?[、和及与])+" + _ZH_LIST_NAME + r")(?:同志)?"
                           r"(?=等[\d一二三四五六七八九十两]+(?:名|人|位)|(?:分别|依规|依纪|依法|均)?(?:给予|予以|作出|进行|处以))")


# a sanction given to a person written in full with the post before the name, each item of a list with its own sanction:
# "给予时任X局党组成员、副局长的刘建峰政务记过处分", "给予X镇副镇长杨敏（分管安全生产）党内警告处分", "对X局股长郑文亮进行诫勉谈话",
# "分别给予X站站长韩立军同志政务警告处分、该站监督员彭涛同志批评教育"
_ZH_GRANT_SANCTION = r"(?:党内|党纪|政务|行政|记大?过|警告|严重警告|撤销|撤职|免职|开除|降级|诫勉|批评|通报|有期徒刑|拘役|管制|罚金|(?:进行|予以|作出)(?:诫勉|问责|约谈|提醒|批评|通报|追责|处理|处分)|给予|予以)"
_ZH_GRANTED = re.compile(r"(?:(?<=给予)|(?<=对)|(?<=判处)|(?<=、)|(?<=，))(?:时任|原)?((?:(?!给予|决定|研究)[^，。；：:]){0,40}?(?:长|主任|书记|员|干部|经理|负责人|委员|工程师|董事|股东|的))"
                         r"(" + ZH_NAME.pattern + r"|" + _ZH_REAL_NAME + r")(?:同志)?(?:[（(]([^（）()]{2,30}?)[）)])?(?=" + _ZH_GRANT_SANCTION + r")")


def _zh_granted(sent: str, aliases: dict[str, str]) -> list[dict]:
    out = []
    found = [m for m in _ZH_GRANTED.finditer(sent) if not ZH_POST.fullmatch(m.group(2)) and not re.search(r"[员长人局站所队办村镇乡司厂矿]$", m.group(2))]
    for k, m in enumerate(found):
        post = re.sub(r"^.*的(?=[\u4e00-\u9fff]{4,}$)", "", re.sub(r"的$", "", m.group(1)))  # "承揽该工程的X公司负责人": the post
        if re.search(r"[。；]|给予|对$", post) or _ZH_ACT.search(post):
            continue
        org, role = _zh_split(post, aliases)
        same = re.match(r"该(站|所|队|科|股|中心)(.+)", post)
        if same and out and out[-1]["organisation"]:
            # "该站监督员": the unit of the item before ("…监督站站长韩立军"), of that item's body
            unit = re.match(r"(.*?" + same.group(1) + r")", out[-1]["role"] or "")
            org, role = out[-1]["organisation"], (unit.group(1) if unit else same.group(1)) + same.group(2)
        remit = m.group(3) and re.fullmatch(r"分管[^（）()]{2,24}", m.group(3))
        if role and remit:
            role += f"（{m.group(3)}）"
        end = found[k + 1].start() if k + 1 < len(found) else len(sent)
        rec = _person(m.group(2), role, org)
        rec["own_sanction"] = sent[m.end():end]  # the words of this item's own sanction
        out.append(rec)
    return out


def _zh_name_list(sent: str) -> list[str]:
    """The names of a list that a sanction follows: "对杨进华、陈光友等9名公职人员给予…", "王某某、李某某分别给予…"."""
    m = _ZH_NAME_LIST.search(sent)
    if not m:
        return []
    names = [re.sub(r"同志$", "", n) for n in re.split(r"[、和及与]", m.group(1))]
    return names if all(2 <= len(n) <= 4 for n in names) else []


def _zh_real_names(head: str, sent: str) -> list:
    """"张伟，男，…" / "张伟，青禾县应急管理局副局长，…": a real name as the subject of an item."""
    m = re.fullmatch(r"(?:\d{1,2}[.、]\s*)?(" + _ZH_REAL_NAME + r")(?:同志)?", head.strip())
    if not m:
        # "厂长蔡永富涉嫌重大责任事故罪", "卢志平对事故负有主要责任", "乡农机管理站站长唐明": a post (or nothing) before the
        # name, and after it an action that only a person takes, or the end of the clause
        m = re.fullmatch(r"(?:\d{1,2}[.、]\s*|[（(]\d{1,2}[)）]\s*)?(?:对|给予)?((?:[^，。；]{0,30}?(?:长|主任|书记|员|干部|经理|负责人|委员|工程师|班长|组长|船主|承包人|包工头|"
                         r"董事|股东|判头|东主|老板))?)"
                         r"(" + _ZH_REAL_NAME + r")(?:同志)?(?:(?:对|已|涉嫌|被|作为|因|在事故|承认|否认)[^，。；]*)?", head.strip())
        if not m or re.search(r"[员长人局站所队办村镇乡司厂矿]$", m.group(2)) or ZH_POST.search(m.group(2)):
            return []
        return [re.compile(re.escape(m.group(2))).search(head, head.find(m.group(1)) + len(m.group(1)) if m.group(1) else 0)]
    rest = sent[len(head):].lstrip("，,：: ")
    if not (re.match(r"男|女|中共|非中共|群众|汉族|\d{4}年", rest) or ZH_POST.search(rest[:30]) or _ZH_ORG.match(rest[:30])):
        return []
    return [re.search(re.escape(m.group(1)), head)]


_ZH_ACT = re.compile(r"未|没有|违反|负责(?!人)|负有|组织|明知|默许|擅自|涉嫌|建议|给予|对事故|导致|致使|履职|指挥|安排|"
                     r"移送|依法|立案|留置|采取|追究|处理|判处|有期徒刑|罚")


def _person(name: str, role: str | None, org: str | None) -> dict:
    role = (role or "").strip(" ，,。；;：:") or None  # a bare stop is no post
    name = re.sub(r"^(?:Mr|Mrs|Ms|Dr)\.?\s+(?=[A-Z][a-z]+\s+[A-Z])", "", name)  # "Mr Dennis Greaves": the name
    return {"person": name, "role": role, "organisation": org or None, "enterprise": False}


def _zh_enterprise_subject(head: str, aliases: dict[str, str]) -> list[dict]:
    head = re.sub(r"^(?:隶属于?|给予)(?=[\u4e00-\u9fff]{4,})", "", head.strip())
    short = [a for a in aliases if head.startswith(a) and ZH_COMPANY.search(aliases[a])
             and not re.match(r"[\u4e00-\u9fff]{0,6}?" + ZH_POST.pattern.join("()"), head[len(a):])]  # "瑞丰公司总经理…": its officer
    m = ZH_COMPANY.match(head)
    name = max(short, key=len) if short else m.group(0) if m and re.fullmatch(r"(?:对.*)?", head[m.end():]) \
        and not re.match(r"建议|由|在|经|该|对|依|其|隶属", head) else None
    if name is None:
        return []
    return [{"person": aliases.get(name, name), "role": None, "organisation": aliases.get(name, name), "enterprise": True}]


_ZH_TOWN_POST = re.compile(r"^(.{1,8}?(?:镇|乡))((?:党委(?:副?书记|委员)、)?(?:分管[^的，。；]{1,12}的)?副?(?:镇|乡)长.*)$")
_ZH_TOWN_PARTY = re.compile(r"^(.{1,8}?(?:镇|乡))((?:镇|乡)?党委(?:副)?书记.*)$")
_ZH_STREET = re.compile(r"^(.{2,8}?街道)(?!办事处)(.{2,})$")
# a unit of a township or sub-district (安监站, 城建办, 综合执法中队): its post belongs to that government
_ZH_LOCAL_UNIT = re.compile(r"^(.{1,8}?(?:镇|乡|街道))(?:人民政府|办事处)?(.{1,12}?(?:站|所|中队|办|办公室|科))$")


def _zh_split(text: str, aliases: dict[str, str]) -> tuple[str | None, str | None]:
    text = re.sub(r"（以下简称[^）]*）", "", re.sub(r"^(?:原(?!料)|系|任|时任|现任|该|其|涉事)", "", text.strip()))
    unit = re.fullmatch(r"([^局和县区市]{1,6}?(?<!城)(?:镇|乡|街道))((?:[\u4e00-\u9fff]{1,8}?(?:站|所|中队|办|办公室|科))[\u4e00-\u9fff]{0,6}?(?:长|主任|员))", text)
    if unit:  # "白马镇城建办主任": the office's head, of the township government
        return unit.group(1) + ("办事处" if unit.group(1).endswith("街道") else "人民政府"), unit.group(2)
    hired = re.fullmatch(r"(.{1,8}?(?:镇|乡))(?:人民政府)?(?:聘用|聘请|招聘)的?(.{2,12}?(?:员|工))", text)
    if hired:  # "枫坪镇聘用驻矿安全监督员": the township government's hire
        return hired.group(1) + "人民政府", hired.group(2)
    town = _ZH_TOWN_POST.match(text)
    if town:
        return town.group(1) + "人民政府", town.group(2)
    party = _ZH_TOWN_PARTY.match(text)
    if party:
        kind = party.group(1)[-1]
        return f"中共{party.group(1)}委员会", party.group(2) if party.group(2).startswith(kind) else kind + party.group(2)
    street = _ZH_STREET.match(text)
    if street:  # "城东街道党工委书记", "西关街道城市管理科科长"
        if street.group(2).startswith("党工委"):
            return f"中共{street.group(1)}工作委员会", street.group(2)
        return street.group(1) + "办事处", street.group(2)
    for a in sorted(aliases, key=len, reverse=True):  # "恒远公司董事长", "管委会副主任"
        if text.startswith(a) and len(text) > len(a) and not ZH_NAME.fullmatch(a):
            bureau = re.match(r"([\u4e00-\u9fff]{2,8}?局)(.{2,})$", text[len(a):])
            if bureau and re.search(r"管委会|管理委员会", aliases[a] + a):  # "管委会安全环保局局长": the committee's bureau
                return aliases[a] + bureau.group(1), bureau.group(2)
            return aliases[a], text[len(a):]
    m = _ZH_ORG.match(text)
    if not m or len(text) - m.end() < 2:  # "生产副矿长" is a post, not 生产副矿 + 长
        return None, text or None
    org, role = m.group(1), text[m.end():]
    bureau = re.match(r"([\u4e00-\u9fff]{2,8}?局)(.{2,})$", role) if re.search(r"(?:管委会|管理委员会)$", org) else None
    if bureau:  # "管委会安全环保局局长": the committee's bureau, its head
        org, role = org + bureau.group(1), bureau.group(2)
    if org.endswith("街道办事处"):  # "城东街道办事处副主任": the post as written, 办事处副主任
        return org, "办事处" + role
    if re.search(r"(?:社区|村)$", org) and role.startswith("党"):  # "桥头村党支部书记": 村党支部书记
        return org, ("社区" if org.endswith("社区") else "村") + role
    if len(org) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]{0,2}(?:施工队|装修队|采掘队|作业队|班组|工程队|队)", org) and org not in aliases:
        return None, text  # "采掘队负责人": a crew is part of the post, not a named body
    unit = _ZH_LOCAL_UNIT.match(org)
    if unit:  # "石堰镇安监站站长": the station's head, of the township government
        gov = unit.group(1) + ("办事处" if unit.group(1).endswith("街道") else "人民政府")
        return gov, unit.group(2) + role
    return aliases.get(org, org), role or None


_EN_ORG = r"(?:the\s+)?((?:[A-Z][\w&'.-]*|No\.\s?\d+|\d+)(?:\s+(?:(?:of|and|for|on|the|&)\s+)*(?:[A-Z][\w&'.-]*|No\.\s?\d+|\d+))*(?:,\s*Ltd\.?)?)"
_EN_UNIT = re.compile(r"(?:Workshop|Section|Department|Division|Team|Shift|Unit|Group|Squad)(?:\s+No\.\s?\d+|\s+\d+)?$")
_EN_GOV_BODY = re.compile(r"Bureau|Government|Committee|Commission|Sub-district Office|Station|Brigade|Detachment|Administration|"
                          r"Inspectorate|Co\.|Ltd|Company")
_EN_PLACE = re.compile(r"^(.*\b(County|District|City|Town|Township))$")


def _en_split(apposition: str, rest: str, aliases: dict[str, str]) -> tuple[str | None, str | None]:
    role, org = re.sub(r"^(?:the|a|an)\s+", "", apposition.strip()), None
    # "member of the Party and deputy director of X": the post is what follows the Party membership
    role = re.sub(r"^(?:an? )?(?:(?:member of the (?:Party|CPC|Communist Party of China)(?: committee)?|(?:Communist )?Party member|"
                  r"(?:CPC|CCP) member)(?:,| and)\s+)", "", role)
    same = re.match(r"(.+?) of the (?:(?:same|said|above|that) ([a-z]+)|(bureau|brigade|committee|station|commission|"
                    r"administration|government|company|park|township|town|county|district))(?![\w'])(.*)$", role)
    owner = re.match(r"(.+?) of the (bureau|brigade|committee|station|commission|company|park|township|town|county|district)'s (.+)$", role)
    m = re.match(r"(.+?) (?:of|at|in|with|for) " + _EN_ORG + r"(.*)$", role)
    if m and re.match(r"[a-z]", m.group(3).strip()) and not re.match(r"(?:in charge|responsible|for|from|since|until|at|who|"
                                                                     r"and (?:the )?(?:deputy )?(?:head|director|chief|secretary|leader)\b)",
                                                                     m.group(3).strip()):
        # (a second post after the body, "deputy director of the X Bureau and head of its safety office", is kept)
        m = None  # "manager of the Ashby Road elevator": a description, not "post of Organisation"
    unit_org = m and _EN_UNIT.search(m.group(2)) and not _EN_GOV_BODY.search(m.group(2))
    # "supervisor of the district quality and safety supervision station": a body of a place written in lower case
    low = None if m else re.match(r"(.+?) of the ((?:county|district|city|municipal|township|town)\s+(?:(?!(?:of|the|same|said|above|that)\b)"
                                  r"[a-z][\w-]*\s+){1,6}(?:station|bureau|brigade|committee|administration|inspectorate|authority))\b(.*)$", role)
    local = m and re.match(r"(.+?\b(?:Town|Township))\s+(.+(?:Office|Section|Department|Centre|Team))$", m.group(2)) \
        or unit_org and re.match(r"(.+?\b(?:County|District|Town|Township|City))\s+(.+)$", m.group(2))
    if owner:  # "head of the park's safety office"
        role, org = f"{owner.group(1)} of the {owner.group(3)}", "=" + owner.group(2)
    elif low:
        tail = low.group(3).strip()
        owned_unit = re.match(r"'s\s+(.+)$", tail)  # "inspector of the district … bureau's gas section"
        role = f"{low.group(1)} of the {owned_unit.group(1)}" if owned_unit else f"{low.group(1)} {tail}".strip()
        org = low.group(2).strip()
    elif same and same.group(3) == "station" and re.fullmatch(r"head|director|chief", same.group(1)) and not same.group(4).strip():
        # "head of the station": the post as written (a unit's head), the station named before as its organisation
        role, org = f"{same.group(1)} of the {same.group(3)}{same.group(4)}".strip(), "=" + same.group(3)
    elif same:
        role, org = (same.group(1) + same.group(4)).strip(), "=" + (same.group(2) or same.group(3))
    elif local:  # "director of the Qingshi Township Safety Production Office": an office of the township government
        role, org = f"{m.group(1).strip()} of the {local.group(2)} {m.group(3).strip()}".strip(), local.group(1) + " People's Government"
    elif m and m.group(2).strip() == "Station" and re.fullmatch(r"head|director|chief", m.group(1).strip()) and not m.group(3).strip():
        # "head of the Station": as written
        role, org = f"{m.group(1).strip()} of the {m.group(2).strip()} {m.group(3).strip()}".strip(), "=" + m.group(2).strip().lower()
    elif m and re.fullmatch(r"(?:Station|Bureau|Brigade|Committee|Office|Centre|Company|Park)", m.group(2).strip()):
        role, org = f"{m.group(1).strip()} {m.group(3).strip()}".strip(), "=" + m.group(2).strip().lower()  # "of the Station"
    elif m and not unit_org:
        role, org, tail = m.group(1).strip(), m.group(2).strip(), m.group(3).strip()
        unit = re.match(r"(.+?(?:Section|Department|Division|Office|Team|Unit|Centre|Center))\s+of\s+(?:the\s+)?([A-Z].+)$", org)
        if unit:  # "head of the Safety Section of the County Emergency Management Bureau"
            role, org = f"{role} of the {unit.group(1)}", unit.group(2)
        place = _EN_PLACE.match(org) or re.match(r"(.*\b(County|District|City|Town|Township))(?: People's)? Government$", org)
        if place:  # "deputy head of Dongsha Town" : the post of the place's government
            kind = place.group(2).lower()
            if re.fullmatch(r"(?:deputy |vice |executive deputy )?head", role):
                role = re.sub(r"head$", f"{kind} head", role)
            # a Party secretary of a town leads its Party committee, not its government
            party = re.search(r"\bparty\b.*\bsecretary\b|\bsecretary of the party\b", role, re.I)
            org = place.group(1) + (" Party Committee" if party else " People's Government")
        role = f"{role} {tail}".strip()
    elif re.fullmatch(r"[A-Z][\w&'. -]+", role or "-") and re.search(r"(?:Manager|Director|Officer|Supervisor|Engineer|Foreman|Chairman|"
                                                                   r"Inspector|Head|Chief|Controller|Coordinator|Superintendent)$", role):
        pass  # "Sandra Whitfield, Distribution Operations Manager, …": a post written in capitals
    elif re.fullmatch(r"[A-Z][\w&'. -]+", role or "-") and not _EN_UNIT.search(role):
        role, org = None, role
    else:  # "Gareth Pollard, site supervisor, M&Q."
        nxt = re.match(r"[^,]*,\s*([A-Z][\w&'. -]{1,60}?)(?:[.,]|$)", rest)
        org = nxt.group(1).strip() if nxt and not EN_NAME.fullmatch(nxt.group(1).strip()) else None
    role = re.sub(r"\s+(?:who|which|whose)\b.*$", "", role or "").strip(" .;,") or None
    if role and not org:
        # "forklift driver at the centre", "safety officer of the depot": the post; the place is the one the report is about
        role = re.sub(r"^(.+?)\s+(?:of|at|in)\s+the\s+(?:centre|center|depot|site|plant|mine|warehouse|yard|workshop|factory|wharf|terminal|"
                      r"premises|farm|store|shop|works)$", r"\1", role)
        firm = re.match(r"(.+?)\s+of\s+the\s+([a-z]+)\s+(?:company|firm)$", role)
        if firm:  # "general manager of the market company": of the firm whose name holds that word
            role, org = firm.group(1), "=firm:" + firm.group(2).capitalize()
        # "work leader of the Hengtong team", "project manager of Tongda for the Qingtang River project": the post, at the firm
        # of that short name (the team or project is what the post was about)
        firm = re.match(r"(.+?)\s+of\s+the\s+([A-Z][a-z]+)\s+(?:team|crew)$|(.+?)\s+of\s+([A-Z][a-z]+)\s+for\s+the\s+.{2,60}?\s+project$", role)
        if firm and (len((firm.group(1) or "").split()) >= 2 or firm.group(3)):  # ("head of the Hengtong team" stays: a crew's head)
            role, org = firm.group(1) or firm.group(3), "=firm:" + (firm.group(2) or firm.group(4))
    if org and not org.startswith("="):
        org = re.sub(r"[ ;,]+$|(?<!Ltd)(?<!Co)(?<!Inc)\.$", "", org.strip())
        # "Shuangqiao Sewage Pumping Station of Heyang … Co., Ltd.": the company
        org = re.sub(r"^.*?\b(?:Station|Warehouse|Workshop|Plant|Branch|Depot|Site|Yard|Project)\s+of\s+(?=[A-Z].*(?:Co\.|Ltd|Limited|Company|Inc))",
                     "", org)
        org = aliases.get(org, org)
    return role, org


def _main_company(flat: str, lang: str, aliases: dict[str, str]) -> str | None:
    """The enterprise the document names most often (its short names counted for it)."""
    pat = ZH_COMPANY if lang == "zh" else EN_COMPANY
    counts: dict[str, int] = {}
    for m in pat.finditer(flat):
        name = _clean_org(m.group(0), lang) or ""
        if lang == "en":
            name = re.sub(r"^(?:(?:The|A|An|On|In|At|By|Under|From|of|and|for|the)\s+)+", "", name)
        elif flat[m.end():m.end() + 1] in ("房", "区", "内", "里", "门", "前", "后", "外", "长") or re.search(r"[在了是被从向时不未]|认为|属于|没有", name):
            continue  # "…值班员黄永福在厂房内": a building, not a firm's name
        else:  # a notice's title: "北辰市国资委纪检监察组关于北辰港务集团有限公司…的通报"
            name = re.sub(r"^.*?关于(?=[\u4e00-\u9fff]{4,})", "", name)
        if len(name) >= 4 and name not in ("Co., Ltd", "Co., Ltd.", "有限公司"):
            counts[name] = counts.get(name, 0) + 1
    for short, full in aliases.items():
        if full in counts:
            counts[full] += len(re.findall(re.escape(short), flat))
    return max(counts, key=counts.get) if counts else None


def _fined_enterprises(sent: str, lang: str, aliases: dict[str, str], main: str | None = None) -> list[str]:
    names = [m.group(0) for m in (ZH_COMPANY if lang == "zh" else EN_COMPANY).finditer(sent)]
    short = re.match(r"(?:\(?\d{1,2}[.)]\s*)?([A-Z][a-z]{3,})\s+(?:is|was|shall|will)\b", sent) if lang == "en" else None
    if short and main and re.search(r"\b" + short.group(1) + r"\b", main):  # "Fengtai is to be fined": the enterprise's short name
        names.append(main)
    if lang == "zh":  # "对鑫旺公司处以罚款": the company, not the preposition
        names = [re.sub(r"^(?:.*?(?:对|给予|隶属于?|并|将|向|建议))(?=[\u4e00-\u9fff]{2,}$)|^由|^[及和与、](?=[\u4e00-\u9fff]{4,}$)", "", n)
                 for n in names]
        names = [re.sub(r"^.*的(?=[\u4e00-\u9fff]{4,}(?:公司|厂|矿|合作社)$)", "", n) for n in names]  # "判处承揽该工程的X公司": the firm
    names += [aliases[a] if lang == "en" else a for a in aliases  # (Chinese has no word boundary: "对合作社及其负责人")
              if (re.search(r"(?<![\w])" + re.escape(a) + r"(?![\w])", sent) if lang == "en" else a in sent)
              and (ZH_COMPANY if lang == "zh" else EN_COMPANY).search(aliases[a])]
    fulls = {aliases.get(n, n) for n in names}
    names = [n for n in names if n in fulls or aliases.get(n) not in names]  # a short name only when its full name is not there
    if lang == "zh":  # "总承建商永盛建筑工程有限公司": the firm, without what it was
        names = [re.sub(r"^(?:总承建商|分判商|承建商|承包商|分包商|总包单位|分包单位|判头)(?=[\u4e00-\u9fff]{4,})", "", n) for n in names]
    return [n for n in dict.fromkeys(names) if n not in ("Co., Ltd", "有限公司") and len(n) > 2
            and not (lang == "zh" and n not in aliases and re.fullmatch(  # "建筑公司": a kind of firm, no firm's name
                r"(?:建筑|工程|运输|物流|化工|燃气|建设|安装|施工|劳务|涉事|一家|某|这家|那家|母|子|总|分)(?:公司|厂)", n))
            and not re.search(r"(?:该|本|此|其|到|次)(?:公司|厂|矿)$|^[两二三四五六七八九十几\d]+[间家个所]", n)]  # "到该公司", "两间公司"


_ZH_ORG_JUNK = re.compile(r"^.*(?:给予|名义发包给|发包给|分包给|转包给|隶属于?|划转(?:至|到|给)?|暂留|纳入|告知|发函|责成|移交|交由|委托|"
                          r"报请|提请|抄送|处分|收到|发给|要求|通知|通报|转发|报送|联合|会同|举报|反映|投诉|持有|取得|单位为|企业为|\d+月\d+日)(?=[\u4e00-\u9fff]{3,})|"
                          r"^.*?(?:日(?=[\u4e00-\u9fff]{2,}[县区市镇乡])|对(?=[\u4e00-\u9fff]{2,}))|^(?:均以|均由|均为|由|经|系|原|时任|任|在)")


def _clean_org(org: str | None, lang: str) -> str | None:
    if not org:
        return None
    org = re.sub(r"^\s*\d{1,2}[.、]\s*", "", org.strip(" ，,。；;：:"))  # "1.县煤炭管理局": the item's number
    if lang == "zh":  # "分判商伟业棚架工程有限公司": the firm, without what it was on the site
        org = re.sub(r"^(?:总承建商|分判商|承建商|承包商|分包商)(?=[\u4e00-\u9fff]{4,}(?:公司|厂)$)", "", org)
    if lang == "zh":
        org = _ZH_ORG_JUNK.sub("", org)
        # "…的青禾县应急管理局", "市公安局和青禾县…" (never inside a name: 住房和城乡建设局)
        org = re.sub(r"^.*(?:[的了、]|[和与及](?=[\u4e00-\u9fff]{2}[省市县区镇乡]))(?=[\u4e00-\u9fff]{3,}$)", "", org) if len(org) > 8 else org
    return org or None


def _clean_role(role: str | None, lang: str) -> str | None:
    if not role:
        return None
    role = role.strip(" ，,。；;：:")
    if lang == "zh":
        role = re.sub(r"^(?:给予|对|原(?!料)|系|时任|任|现任|的)", "", role)
        # "综合执法大队原大队长": the post held at the time, as the gold and a reader write it
        role = re.sub(r"(?<=[队站所局科股室部处办司厂矿])原(?=副?[\u4e00-\u9fff]{0,3}(?:长|主任|书记|员))", "", role)
        # "锦澜苑二期项目经理", "派驻锦澜苑项目现场负责人": the project's post, without the project's name (the gold's 项目经理)
        role = re.sub(r"^(?:派驻)?[\u4e00-\u9fff“”]{2,10}?(?:[一二三四五六七八九]期)?(?=项目(?:经理|副经理|负责人|现场负责人|专职安全员|安全员|"
                      r"总监理工程师|技术负责人|总工))", "", role)
        role = re.sub(r"^(?:事故|涉事)(?=[\u4e00-\u9fff]{2,8}(?:长|员|工)$)", "", role)  # "事故注塑班组长": the crew's leader
        # the remit in one form, after the title: "分管安全生产的副镇长" -> "副镇长（分管安全生产）"
        role = re.sub(r"^分管([^的，。（）]{2,24}?)(?:工作)?的(.{2,})$", r"\2（分管\1）", role)
        role = re.sub(r"[(（]分管([^（）()]{2,24}?)(?:工作)?[)）]$", r"（分管\1）", role)
    else:
        role = re.sub(r"^(?:the|a|an|formerly|former|then|its|his|her|their)\s+", "", role)
        role = re.sub(r"\s*:.*$", "", role).strip(" .;,")
        # "deputy captain responsible for the April inspection": a particular task, not the post's remit ("responsible for safety")
        role = re.sub(r"(?<=\w)\s+responsible for the\s.*$", "", role)
    return role or None


def _known_orgs(flat: str, lang: str, aliases: dict[str, str]) -> dict[str, int]:
    """Full organisation names the document writes, with how often (for expanding "县安监局"). A match may
    carry words before the name ("处分石岭县应急管理局"): every ending of it is counted, so that the name
    itself, written after many different words, outcounts any one of its longer readings."""
    if lang != "zh":
        counts = {}
        for m in re.finditer(r"\b([A-Z][a-z]+ (?:County|District|New Area))\b", flat):  # the places, for "County Transport Bureau"
            if m.group(1).split()[0] not in ("The", "This", "That", "Each", "Every", "Which", "Whose", "Same"):
                counts[m.group(1)] = counts.get(m.group(1), 0) + 1
        for m in re.finditer(r"(?:[A-Z][\w'&.-]*\s+(?:(?:of|and|for|the)\s+)*)+(?:Bureau|Station|Committee|Government|Office|Brigade|"
                             r"Detachment|Administration|Commission|Department|Inspectorate|Authority|Centre)\b|" + EN_COMPANY.pattern, flat):
            name = re.sub(r"^(?:(?:The|A|An|On|In|At|By|Under|From|of|and|for|the)\s+)+", "", m.group(0))
            counts[name] = counts.get(name, 0) + 1
        return counts
    from dutytrace.nlp.entities import ZH_GOV
    counts: dict[str, int] = {}
    for m in list(ZH_GOV.finditer(flat)) + list(ZH_COMPANY.finditer(flat)):
        name = _clean_org(re.sub(r"^.*[的对和与及由在是为等向被经于从把让至同以因据了、，。；：“”]", "", m.group(0)), "zh") or ""
        name = re.sub(r"^[分时日月年号秒点许后前](?=[\u4e00-\u9fff]{2}[省市县区])", "", name)  # "9时40分石岭县应急管理局": the time's 分
        for k in range(0, max(0, len(name) - 4)):
            # an ending counts where a name can start: a two-character place and its level ("石岭县…", "临川市…")
            if k == 0 or re.match(r"[\u4e00-\u9fff]{2}[省市县区]", name[k:]):
                counts[name[k:]] = counts.get(name[k:], 0) + 1
    for full in aliases.values():
        counts[full] = counts.get(full, 0) + 3
    return counts


_ZH_NOT_PLACE = re.compile(r"规定|下属|所属|转报|上报|报送|按照|依照|根据|要求|通知|以及|同时|其中")


def _zh_full_company(org: str, aliases: dict[str, str], orgs: dict[str, int]) -> str:
    """A company's short name as the document writes its full name: by its 以下简称, or else "恒通公司" / "青冈煤矿" ->
    the one full company name of the document that holds its stem (恒通, 青冈)."""
    if org in aliases:
        return aliases[org]
    short = re.fullmatch(r"([\u4e00-\u9fff]{2,4}?)(?:公司|煤矿|集团)", org)
    if not short:
        return org
    fulls = {f for f in orgs if short.group(1) in f and len(f) > len(org) + 2 and _clean_org(f, "zh") == f
             and re.search(r"(?:有限责任公司|股份有限公司|有限公司|集团公司)$", f) and not _ZH_NOT_PLACE.search(f)}
    # the name as written most often, in full: a longer reading with words before it occurs once
    return max(fulls, key=lambda f: (orgs[f], len(f))) if fulls else org


def _subsequence(short: str, full: str) -> bool:
    it = iter(full)
    return all(ch in it for ch in short)


def _expand_org(org: str | None, orgs: list[str], lang: str) -> str | None:
    """"县安监局" -> "沙河县安全生产监督管理局": a longer name of the document that holds the short one's
    characters in order and ends as it does; else the document's own county or district is prefixed."""
    if not org:
        return org
    if lang != "zh":  # "New Area Construction Safety Supervision Station" written in full once
        org = re.sub(r"^(?:Its|His|Her|Their|The)\s+", "", org)
        if org.islower() and re.match(r"(?:county|district|city|municipal|township|town)\s", org):
            # "county development and reform bureau": the body's name, capitalised as the document's own bodies are
            org = " ".join(w if w in ("and", "of", "for", "the") else w[:1].upper() + w[1:] for w in org.split())
        longer = [f for f in orgs if f.endswith(" " + org) and re.fullmatch(r"(?:[A-Z][\w'-]*\s+){1,5}", f[:-len(org)])]
        if longer:
            return max(longer, key=lambda f: (orgs[f], len(f)))
        kind = re.match(r"(County|District|New Area)\b", org)
        if kind:  # "County Transport Bureau" in a report on Qingtai County, "New Area …" in one on Xinhu New Area
            places = {k: n for k, n in orgs.items() if re.fullmatch(r"[A-Z][a-z]+ " + kind.group(1), k)}
            if places:
                return max(places, key=places.get) + org[len(kind.group(1)):]
        return org
    cut = re.search(r".*(?:收到|发给|要求|通知|转发|报送|报告|联合|会同)(?=[\u4e00-\u9fff]{4,}$)", org)
    if cut:
        org = org[cut.end():]
    if len(org) <= 4 and not re.match(r"[县区市镇乡]|管委会|街道", org):  # "监督站": the station the document names in full
        ends = [f for f in orgs if f.endswith(org) and len(f) > len(org) + 2 and _clean_org(f, "zh") == f
                and re.match(r"[\u4e00-\u9fff]{2}[省市县区镇]", f)]
        if ends:
            return max(ends, key=lambda f: (orgs[f], len(f)))
    fits = [f for f in orgs if _clean_org(f, "zh") == f and len(f) > len(org) and f[-1] == org[-1] and f[0] != org[0] and re.match(r"[县区市镇乡]|管委会|街道", org)
            and _subsequence(org, f) and re.search(r"[县区市]", f[:f.find(org[0]) + 1])
            and re.fullmatch(r"(?:中共)?(?:[\u4e00-\u9fff]{2,3}[省市])?[\u4e00-\u9fff]{2,3}", f[:f.find(org[0])] or "--")]
    fits += [f for f in orgs if _clean_org(f, "zh") == f and f.endswith(org) and re.fullmatch(r"[\u4e00-\u9fff]{2,3}[县区市]", f[:-len(org)])
             and not re.search(r"(?:开发|园|新|工业|集中)区$", f[:-len(org)])]  # "济开发区" (a cut 经济开发区) is no county
    if re.match(r"(?:经济|高新|经开|开发|工业|产业)?(?:开发区|园区|新区|高新区)", org):  # "开发区应急管理局": the zone named in full
        fits += [f for f in orgs if _clean_org(f, "zh") == f and f.endswith(org) and len(f) > len(org)
                 and re.fullmatch(r"[\u4e00-\u9fff]{2,3}[省市县区][\u4e00-\u9fff]{0,8}", f[:-len(org)])]
    fits = [f for f in fits if not _ZH_NOT_PLACE.search(f[:max(1, len(f) - len(org))])]
    if fits:
        return max(fits, key=lambda f: (orgs[f], len(f)))
    street = re.match(r"(中共)?([\u4e00-\u9fff]{2,6}街道.*)$", org)
    if street:  # a sub-district is named with its district: "城东街道办事处" -> "青溪区城东街道办事处"
        district = _main_place(orgs, "区")
        return f"{street.group(1) or ''}{district}{street.group(2)}" if district else org
    if not re.match(r"[县区]", org):
        return org
    if org[0] in "县区":
        place = _main_place({o: n for o, n in orgs.items() if not _ZH_NOT_PLACE.search(o[:4])}, org[0])
        if place:  # the county (district) the document's organisations are named with most often
            return place + org[1:]
    return org


# the short names of departments that documents write, with the names of the departments themselves
_ZH_DEPT_FULL = (("住建局", "住房和城乡建设局"), ("城管局", "城市管理局"), ("市场监管局", "市场监督管理局"), ("应急局", "应急管理局"),
                 ("安监局", "安全生产监督管理局"), ("交通局", "交通运输局"), ("卫健局", "卫生健康局"), ("发改局", "发展和改革局"))


def _zh_zone_full(org: str | None, flat: str) -> str | None:
    """"园区安全管理局" -> 宁浦市化学工业园区安全管理局, "管委会安全环保局" -> 青峰市新材料产业园管委会安全环保局: a development
    zone's body named by the zone's short word, with the zone's name as the document writes it in full."""
    m = re.match(r"(管委会|管理委员会|(?:经济|高新|经开|开发|工业|产业)?(?:开发区|园区|新区|高新区|工业区|集中区)|产业园|工业园)(.*)$", org or "")
    if not m:
        return org
    kind = m.group(1)
    zone = r"(?:产业园|工业园|园区|开发区|新区|工业区|集中区)" if kind in ("管委会", "管理委员会") else re.escape(kind)
    found: dict[str, int] = {}
    for z in re.finditer(r"((?:[\u4e00-\u9fff]{2,3}[省市])?[\u4e00-\u9fff]{2,3}[省市县区][\u4e00-\u9fff]{0,10}?" + zone + ")", flat):
        name = re.sub(r"^[由在经对与和及的是为将向据从于]", "", _ZH_ORG_JUNK.sub("", z.group(1)))
        if len(name) > len(kind) + 2 and not _ZH_NOT_PLACE.search(name):
            found[name] = found.get(name, 0) + 1
    if not found:
        return org
    full = max(found, key=lambda n: (found[n], -len(n)))
    out = full + org if kind in ("管委会", "管理委员会") else full + m.group(2)
    if out.endswith("管委会") and out[:-3] + "管理委员会" in flat:  # the committee as the document names it in full
        out = out[:-3] + "管理委员会"
    return out


# short names of a body's units that a post may carry, and their full names
_ZH_UNIT_SHORT = (("安监站", "安全生产监督管理站"), ("危化股", "危险化学品监督管理股"), ("危化科", "危险化学品安全监督管理科"),
                  ("安委办", "安全生产委员会办公室"))


def _zh_unit_full(role: str | None, flat: str, aliases: dict[str, str]) -> str | None:
    """A unit's short name in a post, written in full where the document writes the full name ("安监站站长" ->
    "安全生产监督管理站站长", "危化股股长" with "危险化学品监督管理股（以下简称危化股）" -> "危险化学品监督管理股股长")."""
    if not role:
        return role
    for short, full in _ZH_UNIT_SHORT + tuple((a, aliases[a]) for a in aliases if re.search(r"[股科站室队办]$", a)):
        if short not in role:
            continue
        tail = re.search(r"([\u4e00-\u9fff]{2,16}" + full[-1] + r")$", re.sub(r"^.*(?:分管|负责|主管|[的、，])", "", full))
        if tail and full.endswith(tail.group(1)) and tail.group(1) in flat and tail.group(1) != short:
            return role.replace(short, tail.group(1))
    return role


def _zh_dept_full(org: str | None) -> str | None:
    """"桐安区住建局" -> 桐安区住房和城乡建设局: a department named by its common short name, written in full."""
    if not org:
        return org
    for short, full in _ZH_DEPT_FULL:
        if org.endswith(short) and re.fullmatch(r"(?:[\u4e00-\u9fff]{2,3}[省市])?[\u4e00-\u9fff]{2,3}[县区市]", org[:-len(short)]):
            return org[:-len(short)] + full
    return org


def _main_place(orgs: dict[str, int], kind: str) -> str | None:
    """The district (kind 区) or county (县) the document's organisations are named with most often."""
    places: dict[str, int] = {}
    for name, n in orgs.items():
        m = re.match(r"(?:.{0,3}?[省市])?([\u4e00-\u9fff]{2}" + kind + r")(?![区县市])", name)
        if m and not re.search(r"[的了在对和与]", m.group(1)) and not re.search(r"(?:开发|工业|园|新|集中)区$", m.group(1)):
            places[m.group(1)] = places.get(m.group(1), 0) + n
    return max(places, key=places.get) if places else None


def _level(rec: dict, lang: str) -> str | None:
    if rec.get("enterprise"):
        return "enterprise"
    role, org = rec.get("role") or "", rec.get("organisation") or rec.get("org_hint") or ""
    order = ("enterprise", "local_management", "comprehensive_supervision", "leadership", "industry_supervision")
    rules = dict(_LEVEL_ORG)
    if _LEADER_POST.search(role) and not (org and (rules["enterprise"].search(org) or rules["local_management"].search(org))):
        return "leadership"
    bureau = re.search(r"(?:局|Bureau|Inspectorate)$", org)
    if bureau and not rules["enterprise"].search(org):  # a bureau is what it supervises, whichever zone or town it serves
        return "comprehensive_supervision" if rules["comprehensive_supervision"].search(org) else "industry_supervision"
    for text in (org, role):
        if not text:
            continue
        for level in order:
            if rules[level].search(text):
                if level == "enterprise" and text is role and _GOV_POST.search(role) and not _ENTERPRISE_POST.search(role):
                    continue
                return level
    if _ENTERPRISE_POST.search(role) or not org and role and not _GOV_POST.search(role):
        return "enterprise"
    return None


def _zh_unit_kind(flat: str, name: str, org: str | None, aliases: dict[str, str]) -> str | None:
    """What the document calls an enterprise: "监理单位为澄湖正衡工程监理有限公司" -> 监理单位."""
    names = {n for n in (name, org) if n} | {a for a, f in aliases.items() if f in (name, org)}
    for n in sorted(names, key=len, reverse=True):
        kind = re.search(r"(总承建商|分判商|承建商|承包商|分包商)" + re.escape(n), flat)
        if kind:  # "总承建商信隆建筑置业有限公司"
            return kind.group(1)
        m = re.search(r"([\u4e00-\u9fff]{2,10}?(?:单位|企业))(?:为|是|：|:)" + re.escape(n), flat)
        if m:
            return re.sub(r"^.*[的，、；。]|^(?:其中|该|本|此)", "", m.group(1))
    return None


_ZH_POST_END = re.compile(r"(?:长|主任|书记|员|干部|经理|负责人|委员|工程师|班长|组长|包工头|承包人|船主)$")


def _zh_post_before_name(rec: dict, flat: str, aliases: dict[str, str]) -> None:
    """A notice names the post where it first names the person, inside a sentence or in its title:
    "…县自然资源局执法大队干部梁某获悉后…", "管委会安全环保局局长吴某在…". The run of text right before the name
    (from the last punctuation) counts when it ends in a post."""
    name = re.escape(rec["person"])
    remit = re.search(r"(?:^|[，。；：:“”（）()\s])([^，。；：:、“”（）()\s]{2,30}?(?:长|主任|书记|经理|委员))、" + _ZH_REMIT_PART.pattern +
                      r"的" + name + r"(?!某)", flat)
    if remit:  # "集团副总经理、分管安全生产的钱某": the post, its remit after it
        org, role = _zh_split(_ZH_ORG_JUNK.sub("", remit.group(1)), aliases)
        role = re.sub(r"^(?:集团|总公司|公司)(?=[\u4e00-\u9fff]{2,})", "", role or "")  # "集团副总经理": of the firm the document is about
        rec["role"], rec["organisation"] = f"{role}（分管{remit.group(2)}）" if role else None, rec["organisation"] or org
        if rec["role"]:
            return
    for m in re.finditer(r"(?:^|[，。；：:、”“\s）(（])([^，。；：:、“”（）()\s]{2,40}?)" + name + r"(?!某)", flat):
        text = _ZH_ORG_JUNK.sub("", m.group(1))
        joint = re.search(r"(?:^|[，。；：:“”（）()\s])([^，。；：:、“”（）()\s]{3,30}?)、$", flat[:m.start(1)])
        if joint and _ZH_POST_END.search(joint.group(1)) and len(text) <= 6:  # "龙洞镇党委副书记、镇长陈光友": both posts
            text = _ZH_ORG_JUNK.sub("", joint.group(1)) + "、" + text
        text = re.sub(r"^.*?(?:给予|对|由|将|经|其中|以及|和|及)(?=[\u4e00-\u9fff]{3,}$)", "", text)
        text = re.sub(r"^.*[的了在是为给]", "", text)  # "…转包给无资质的包工头": 包工头
        if len(text) < 2 or not _ZH_POST_END.search(text) or _ZH_ACT.search(text):
            continue
        org, role = _zh_split(text, aliases)
        rec["role"] = role
        rec["organisation"] = rec["organisation"] or org
        return


_EN_FIRM_TITLE = r"((?:[a-z-]+\s+){0,5}?(?:manager|director|chairman|controller|representative|owner|proprietor))"


def _en_intro_post(rec: dict, flat: str) -> None:
    """The post a report's introduction gives ("whose chairman and legal representative is Zheng Hanlin", "Bao Rongjun
    is its legal representative and general manager"), where the handling section names the person with no post."""
    name = re.escape(rec["person"])
    m = re.search(r"\b(?:[Ii]ts|[Ww]hose|[Tt]he company's)\s+" + _EN_FIRM_TITLE + r"\s+(?:is|was)\s+" + name + r"\b", flat) \
        or re.search(r"\b" + name + r"\s+(?:is|was)\s+(?:its|the company's)\s+" + _EN_FIRM_TITLE + r"\b", flat)
    if not m:
        return
    post = m.group(1).strip()
    role = rec["role"] or ""
    if not role and not rec["organisation"]:  # (a fuller post beside a shorter one: the gold keeps either, so the handling's stays)
        rec["role"] = post


# a post's remit, written as its own part of an apposition: "分管安全生产", "分管煤矿安全监管工作" (not "分管领导", "分管副局长")
_ZH_REMIT_PART = re.compile(r"分管((?!领导|副)[^，,。；;、（）()：:]{2,24}?)(?:工作)?")


def _zh_remit(rec: dict, flat: str) -> None:
    """The remit of a post that the handling section leaves out but another sentence states for the same person with the
    same post: "陶某某，县应急管理局副局长，分管危险化学品监管，…", "副局长蒙某某分管煤矿安全，", "分管安全生产的副镇长翟某某"
    -> post "副局长（分管…）". Where the document words it more than once, the fullest."""
    role = _clean_role(rec["role"], "zh") or ""
    if "分管" in role or not re.search(r"(?:长|主任|书记|委员|经理|厂长|矿长)$", role):
        return
    name, post, part = re.escape(rec["person"]), re.escape(role), _ZH_REMIT_PART.pattern
    found = [m.group(1) for pat in (name + r"，[^。；]{0,60}?" + post + r"，" + part + r"[，。；]",
                                    post + name + r"，?" + part + r"[，。；]",  # "副主任黎某某，分管安全生产工作。"
                                    part + r"的[^，。；的]{0,8}?" + post + name)
             for m in re.finditer(pat, flat)]
    if found:
        rec["role"] = f"{role}（分管{max(found, key=len)}）"


def _en_remit(rec: dict, flat: str) -> None:
    """The remit of a post that the handling section leaves out but the findings state: "Tang Ming, deputy director
    of the bureau in charge of safety, signed …" -> post "deputy director in charge of safety"."""
    role = _clean_role(rec["role"], "en") or ""
    if re.search(r"\b(?:in charge of|responsible for)\b", role) or not role:
        return
    m = re.search(re.escape(rec["person"]) + r",\s+(?:the |a |an )?" + re.escape(role) + r"(?: of (?:the |its )?[^,;:]{2,80}?)?"
                  r" ((?:in charge of|responsible for) [^,;:.()]{2,60}?)\s*[,;:.]", flat)
    if m:
        rec["role"] = f"{role} {m.group(1).strip()}"
        return
    # the same post worded otherwise: "Ji Hongbo, deputy head of Xinglong Town in charge of work safety, …" for a "deputy town
    # head" (the head word of the post in the apposition; no verb before the remit)
    head = role.split()[-1]
    for m in re.finditer(re.escape(rec["person"]) + r",\s+((?:the |a |an )?[^,;:.()]{2,100}?)\s+in charge\s+of\s+([^,;:.()]{2,60}?)\s*[,;:.]", flat):
        if re.search(r"\b" + re.escape(head) + r"\b", m.group(1)) and not re.search(r"\b(?:is|was|were|had|has|have|did|who|which|told|said)\b", m.group(1)):
            rec["role"] = f"{role} in charge of {m.group(2).strip()}"
            return


def _en_biography(rec: dict, flat: str, aliases: dict[str, str]) -> None:
    """The post given where the document first introduces the person, outside the handling section:
    "Lu Ming, former Party secretary of Hexi Township, intervened …"."""
    m = re.search(re.escape(rec["person"]) + r",\s+((?:the |a |an |former |then )*[a-z][^,;:()]{2,120}?),", flat)
    if not m or not (_ENTERPRISE_POST.search(m.group(1)) or _GOV_POST.search(m.group(1)) or re.search(r"secretary|head\b", m.group(1))):
        return
    role, org = _en_split(re.sub(r"^(?:former|then)\s+", "", m.group(1)), "", aliases)
    if org and org.startswith("=firm:"):
        rec["firm_hint"] = org[6:]
    if org and org.startswith("="):
        org = None
    rec["role"], rec["organisation"] = role, rec["organisation"] or org


def _zh_biography(rec: dict, flat: str, aliases: dict[str, str]) -> None:
    """A decision gives the post in the person's record: "陈某某，男，1964年3月出生，……2011年4月起任沙河县安全生产
    监督管理局党组成员、副局长。"."""
    name = re.escape(rec["person"])
    m = re.search(name + r"[，,][^。]{0,120}?(?:。[^。]{0,60}?)?(?:起任|现任|时任|曾任|任|系)([^，。；,;]{4,40}?)(?:期间)?[。；;，,]", flat) \
        or re.search(r"(?:^|[。；：:\s])(?:被告)?" + name + r"(?:为|系)([^，。；,;]{4,40}?(?:长|主任|经理|负责人|书记|员))[，,。；]", flat)
    # "林某某为永昌食品股份有限公司厂长，负责…": the record's post written right after the name
    if not m:
        return
    org, role = _zh_split(m.group(1), aliases)
    if org and role:
        rec["organisation"] = rec["organisation"] or org
        rec["role"] = rec["role"] or role
