"""Entities: spaCy's statistical NER for English plus domain rules for both languages.

Rule labels: PERSON (anonymised Chinese names such as 张某 / 欧阳某某, "Mr. Wang"), ORG (enterprises:
...有限公司, "... Co., Ltd."), GOV (government bodies and departments: ...局 / 委员会 / 办公室 /
人民政府, "... Bureau", "... People's Government"), POST (posts and job roles: 局长, 副县长, 安全员,
"deputy general manager"), LAW (laws and articles cited: 《安全生产法》第九十二条, "Article 109 of the
Production Safety Law"), SANCTION (记大过, 开除党籍, "serious warning", "removal from post").

Chinese has no statistical NER here (spaCy's blank "zh" pipeline), so rules and small dictionaries do
the work: organisations by their suffixes, posts by a list of post words, names by the "X某(某)"
anonymisation pattern. English adds spaCy's PERSON / ORG / GPE / LOC / LAW / FAC / DATE entities to
the rule matches; a span found by both keeps the rule's more specific label. The patterns are public
so that accountability extraction uses the same definitions."""

from __future__ import annotations

import re

from dutytrace.models import Chunk, Entity

# --- shared patterns -------------------------------------------------------------------------------
_NOT_SURNAME = "的对和与及给予将由在是为等其向被经于从把让至同以因据某、，。；：（）“”《》第有无个各该本原"
# 王某某, 王某; 王某军 (某 in the middle: the given name's last character, where the name ends at a comma or stop or
# before what follows a name in a notice (受到, 履职, 在, 政务…), and that character is no word that follows a name
# itself: 王某说, 王某等, 王某又在 stay 王某)
ZH_NAME = re.compile(r"(?:欧阳|司马|诸葛|上官|东方|皇甫|慕容|令狐|夏侯|司徒|端木|[\u4e00-\u9fff](?<![" + _NOT_SURNAME + r"]))[○〇◯Ｏ]{1,2}|"
                     r"(?:欧阳|司马|诸葛|上官|东方|皇甫|慕容|令狐|夏侯|司徒|端木|[\u4e00-\u9fff](?<![" + _NOT_SURNAME + r"]))某"
                     r"(?:某|(?![说称讲答问述道等的了在和与及为系是也都均亦则曾已被向对将把由于因从自任作负未没不所其同又还再便就仍即才却只并遂先后家人们])"
                     r"[\u4e00-\u9fff](?=[、，,；;。：:（(\s]|$|受到|履职|分管|担任|涉嫌|同志|作为|负责|在|对|未|被|因|系|等|和|与|及|政务|党内|党纪))?")
ZH_COMPANY = re.compile(r"[\u4e00-\u9fff（）()]{2,30}?(?:有限责任公司|股份有限公司|有限公司|专业合作社|集团公司|集团|公司|厂|矿)(?![\u4e00-\u9fff]{0,2}(?:长|主任|经理))")
ZH_GOV = re.compile(r"(?:中共)?[\u4e00-\u9fff]{1,16}?(?:应急管理局|住房和城乡建设局|市场监督管理局|交通运输局|自然资源局|人民政府|街道办事处|办事处|"
                    r"管理委员会|纪律检查委员会|监察委员会|委员会|管委会|办公室|分局|局|监督站|管理站|管理所|派出所|大队|支队|中队)")
ZH_POST = re.compile(r"(?:党组书记|党委书记|党工委书记|党支部书记|党组成员|党工委委员)|"
                     r"(?:常务)?副?(?:总经理|董事长|局长|县长|区长|镇长|乡长|市长|书记|主任|科长|股长|所长|站长|队长|大队长|中队长|矿长|厂长|经理|处长|部长|理事长)|"
                     r"安全员|项目经理|班组长|安全总监|总监理工程师|监理工程师|技术负责人|法定代表人|实际控制人|稽查员|监督员|科员|驾驶员|司机|操作工|负责人")
ZH_LAW = re.compile(r"《[^》]{2,40}》(?:第[一二三四五六七八九十百零\d]+条(?:第[一二三四五六七八九十\d]+[款项])?)?")
ZH_SANCTION = re.compile(r"开除党籍|开除公职|政务开除|撤销党内职务|撤职|免职|降级|记大过|(?<!大)记过|严重警告|(?<!严重)警告|诫勉|罚款|"
                         r"移送司法机关|追究刑事责任|刑事拘留|逮捕|解除劳动合同|书面检查|通报批评")
EN_NAME = re.compile(r"(?:(?:Mr|Mrs|Ms|Dr)\.?\s+[A-Z][a-z]+(?:\s[A-Z][a-z]+)?|[A-Z][a-z]+(?:[- ][A-Z][a-z]+){1,2})")
EN_NOT_NAME = re.compile(r"^(?:The|This|That|These|Under|Article|Section|Part|Party|County|District|City|Town|Safety|Emergency|"
                         r"Bureau|Company|Law|Work|People|Discipline|Investigation|Team|Department|Persons?|Administrative|"
                         r"Following|After|Before|During|In|On|At|As|For|From|With|Its|His|Her|Their|All|Both|No|Other|"
                         r"Provincial|Municipal|National|State|Inspectorate|Division|Commission|Office|Court|Public|Regional|"
                         r"General|Deputy|Chief|Head|Director|Manager|Mayor)\b")
EN_COMPANY = re.compile(r"\b(?:[A-Z][A-Za-z&'-]*\.? |&\s|No\. \d+ |of |and )*[A-Z][A-Za-z&'-]* "
                        r"(?:Co\., Ltd\.?|Co\. Ltd\.?|Company Ltd\.?|Company Limited|Ltd\.?|Limited|Inc\.|Corporation|plc|LLC)")
EN_GOV = re.compile(r"\b(?:[A-Z][a-z]+ )*(?:Emergency Management Bureau|Bureau of [A-Z][a-z]+(?: (?:and )?[A-Z][a-z]+){0,4}|"
                    r"(?:[A-Z][a-z]+ )*Bureau|Sub-bureau|Discipline Inspection Commission|Supervision Commission|People's Government|"
                    r"Township Government|County Government|District Government|Safety Committee|Management Committee|"
                    r"Party Committee|Inspectorate|Supervision Station|Fire and Rescue Brigade|Brigade)\b")
EN_POST = re.compile(r"\b(?:(?:deputy|vice|assistant)[- ])?(?:general manager|managing director|plant manager|project manager|"
                     r"production manager|safety officer|safety manager|site manager|site supervisor|foreman|party secretary|"
                     r"mayor|magistrate|county head|district head|town head|township head|director|inspector|chairman|"
                     r"shift leader|team leader|crew leader|mine manager|section chief|chief of the [a-z ]+ section|"
                     r"head of the [a-z ]+ (?:section|department|office|station)|legal representative|actual controller|"
                     r"clerk of works|supervising engineer|operator|driver|electrician)\b", re.I)
EN_LAW = re.compile(r"\b(?:(?:Article|Section|Arts?\.)s? \d+(?: (?:and|to) \d+)?(?:\(\d+\))? of )?the (?:[A-Z][a-z]+ )+"
                    r"(?:Law|Regulations?|Act|Code|Measures|Provisions)(?: of the [A-Z][A-Za-z' ]+)?(?: \d{4})?")
EN_SANCTION = re.compile(r"\b(?:serious warning|major demerit|(?:administrative )?demerit|warning within the Party|"
                         r"expell?(?:ed|ion) from the Party|dismiss(?:al|ed) from (?:public )?(?:office|service)|"
                         r"remov(?:al|ed) from (?:his |her )?(?:post|office)|transfer(?:red)? to the judicial organs|"
                         r"criminal (?:liability|proceedings|charges)|administrative fine|fined)\b", re.I)

_ZH_RULES = [("PERSON", ZH_NAME), ("ORG", ZH_COMPANY), ("GOV", ZH_GOV), ("POST", ZH_POST), ("LAW", ZH_LAW),
             ("SANCTION", ZH_SANCTION)]
_EN_RULES = [("ORG", EN_COMPANY), ("GOV", EN_GOV), ("POST", EN_POST), ("LAW", EN_LAW), ("SANCTION", EN_SANCTION)]
_EN_LABELS = {"ORG": "ORG", "PERSON": "PERSON", "GPE": "GPE", "LOC": "LOC", "LAW": "LAW", "DATE": "DATE", "FAC": "FAC"}


def extract_entities(chunks: list[Chunk], lang: str, nlp=None) -> list[Entity]:
    """Distinct (text, label) entities of a document with the page of their first mention."""
    out: list[Entity] = []
    seen: set[tuple[str, str]] = set()
    ruled: set[str] = set()

    def add(text: str, label: str, page: int):
        text = re.sub(r"\s+", " ", text).strip(" ,.;:，。；")
        if len(text) < 2 or (text, label) in seen:
            return
        seen.add((text, label))
        out.append(Entity(text, label, page))

    rules = _ZH_RULES if lang == "zh" else _EN_RULES
    for ch in chunks:
        text = ch.text if lang != "zh" else re.sub(r"[ \t]*\n[ \t]*", "", ch.text)
        for label, pat in rules:
            for m in pat.finditer(text):
                add(m.group(0), label, ch.page)
                ruled.add(re.sub(r"\s+", " ", m.group(0)).strip(" ,.;:"))
    if lang == "en" and nlp is not None:
        # NER is the costly part of analysis; the tagger, parser and lemmatizer add nothing here
        disable = [p for p in nlp.pipe_names if p not in ("ner", "tok2vec")]
        texts = [c.text.replace("\n", " ") for c in chunks]
        for ch, doc in zip(chunks, nlp.pipe(texts, batch_size=64, disable=disable)):
            for ent in doc.ents:
                en_label = _EN_LABELS.get(ent.label_)
                if en_label and ent.text.strip() not in ruled:
                    add(ent.text, en_label, ch.page)
    return out
