"""Report facts: date, place and enterprise of the accident, accident type, fatalities, injuries,
direct economic loss, and the grade they imply. A first cut by rules in both languages."""

from __future__ import annotations

import re
from collections import Counter

from dutytrace.nlp.codebook import Codebook

_EN_NUM = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
_ZH_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), start=1)}


def zh_number(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    if not s or any(c not in _ZH_DIGIT and c not in "十百" for c in s):
        return None
    total, cur = 0, 0
    for c in s:
        if c == "十":
            total += (cur or 1) * 10
            cur = 0
        elif c == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            cur = _ZH_DIGIT[c]
    return total + cur


def en_number(s: str) -> int | None:
    s = s.lower().replace(",", "")
    if s.isdigit():
        return int(s)
    return _EN_NUM.get(s)


_EN_DEATHS = re.compile(r"\b(\d+|" + "|".join(_EN_NUM) + r")\s+(?:people|persons|workers|employees|passengers|men|of them|rescuers|crew members)?\s*(?:were |was )?(?:killed|died|dead|deaths|fatalities|lost their lives)", re.I)
_EN_DEATHS2 = re.compile(r"\b(?:deaths? of|killing|killed)\s+(\d+|" + "|".join(_EN_NUM) + r")\b", re.I)
_EN_INJ = re.compile(r"\b(\d+|" + "|".join(_EN_NUM) + r")\s+(?:people|persons|workers|others|passengers|employees)?\s*(?:were |was )?(?:injured|injuries|hurt|seriously injured)", re.I)
_ZH_DEATHS = re.compile(r"(?:造成|致|导致)?([\d一二两三四五六七八九十百]+)人(?:死亡|遇难)")
_ZH_INJ = re.compile(r"([\d一二两三四五六七八九十百]+)人(?:受伤|重伤|轻伤)")
_EN_LOSS = re.compile(r"direct economic loss(?:es)?[^.\d]{0,40}?(?:CNY|RMB|¥|USD|\$|EUR|€|GBP|£)?\s*([\d][\d,]*(?:\.\d+)?)\s*(million|m\b|thousand|billion|yuan)?", re.I)
_ZH_LOSS = re.compile(r"直接经济损失[^\d。]{0,12}?([\d][\d,]*(?:\.\d+)?)\s*(亿元|万元|元)")
_EN_DATE = re.compile(r"\b(?:on\s+)?(\d{1,2})\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})|\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2}),?\s+(\d{4})", re.I)
_ZH_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_ZH_ENTERPRISE = re.compile(r"[\u4e00-\u9fff]{2,20}?(?:有限责任公司|股份有限公司|有限公司)")
_EN_ENTERPRISE = re.compile(r"\b(?:[A-Z][A-Za-z&'-]+ ){1,6}(?:Co\.,? Ltd\.?|Company(?: Limited)?|Ltd\.?|Limited|Inc\.|Corporation|Group)")
_ZH_PLACE = re.compile(r"(?:位于|发生在|地点[:：]?)([^，。,；\n]{4,40})")
_EN_PLACE = re.compile(r"\b(?:occurred|happened|took place) (?:at|in|on) ([^.;]{6,90}?)(?:,? (?:on|at about|at around|when|killing|resulting)|[.;])")


def grade(fatalities: int | None) -> str | None:
    if fatalities is None:
        return None
    if fatalities >= 30:
        return "especially_major"
    if fatalities >= 10:
        return "major"
    if fatalities >= 3:
        return "larger"
    return "general"


def extract_facts(text: str, lang: str, codebook: Codebook) -> dict:
    head = text[:20000]
    facts: dict = {"accident_type": accident_type(head, lang, codebook)}
    if lang == "zh":
        facts["date"] = _first_zh_date(head)
        facts["fatalities"] = _max_num(_ZH_DEATHS, head, zh_number)
        facts["injuries"] = _max_num(_ZH_INJ, head, zh_number)
        facts["direct_loss"] = _zh_loss(head)
        m = _ZH_ENTERPRISE.search(head)
        facts["enterprise"] = m.group(0) if m else None
        m = _ZH_PLACE.search(head)
        facts["location"] = m.group(1).strip() if m else None
    else:
        facts["date"] = _first_en_date(head)
        facts["fatalities"] = _max_num(_EN_DEATHS, head, en_number, _EN_DEATHS2)
        facts["injuries"] = _max_num(_EN_INJ, head, en_number)
        facts["direct_loss"] = _en_loss(head)
        ents = Counter(m.group(0).strip() for m in _EN_ENTERPRISE.finditer(head))
        facts["enterprise"] = ents.most_common(1)[0][0] if ents else None
        m = _EN_PLACE.search(head)
        facts["location"] = m.group(1).strip() if m else None
    facts["grade"] = grade(facts["fatalities"])
    return facts


def accident_type(text: str, lang: str, codebook: Codebook) -> str | None:
    scores: Counter[str] = Counter()
    for i, chunk in enumerate((text[:3000], text[3000:])):
        weight = 3 if i == 0 else 1
        for at in codebook.accident_types:
            for pat in at.cues.get(lang, ()):
                scores[at.id] += weight * len(pat.findall(chunk))
    if not scores or scores.most_common(1)[0][1] == 0:
        return None
    return scores.most_common(1)[0][0]


def _max_num(pat, text, conv, *more) -> int | None:
    vals = []
    for p in (pat, *more):
        for m in p.finditer(text):
            v = conv(m.group(1))
            if v is not None:
                vals.append(v)
    # the report's own total is the most frequent figure; ties go to the larger
    if not vals:
        return None
    c = Counter(vals)
    return max(c, key=lambda v: (c[v], v))


def _zh_loss(text: str) -> float | None:
    m = _ZH_LOSS.search(text)
    if not m:
        return None
    v = float(m.group(1).replace(",", ""))
    return v * {"亿元": 1e8, "万元": 1e4, "元": 1}[m.group(2)]


def _en_loss(text: str) -> float | None:
    m = _EN_LOSS.search(text)
    if not m:
        return None
    v = float(m.group(1).replace(",", ""))
    unit = (m.group(2) or "").lower()
    return v * {"million": 1e6, "m": 1e6, "thousand": 1e3, "billion": 1e9}.get(unit, 1)


_EVENT = re.compile(r"accident|incident|explo|fire|collaps|killed|died|death|occurred|happened|struck|fell|overturn|"
                    r"capsiz|leak|事故|发生|爆炸|起火|火灾|坍塌|死亡|遇难|坠落|触电|中毒|窒息|翻沉|侧翻", re.I)


def _event_date(text: str, pattern, convert) -> str | None:
    """The accident date: the first date in a sentence that speaks of the event (the title page's date
    is usually the report's own), else the first date at all."""
    from dutytrace.lang import split_sentences

    first = None
    for s, e in split_sentences(text):
        sentence = text[s:e]
        m = pattern.search(sentence)
        if not m:
            continue
        first = first or m
        if _EVENT.search(sentence):
            return convert(m)
    return convert(first) if first else None


def _first_en_date(text: str) -> str | None:
    return _event_date(text, _EN_DATE, _en_date)


def _en_date(m) -> str:
    if m.group(1):
        d, mon, y = int(m.group(1)), _MONTHS[m.group(2).lower()], int(m.group(3))
    else:
        mon, d, y = _MONTHS[m.group(4).lower()], int(m.group(5)), int(m.group(6))
    return f"{y:04d}-{mon:02d}-{d:02d}"


def _first_zh_date(text: str) -> str | None:
    return _event_date(text, _ZH_DATE, lambda m: f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}")
