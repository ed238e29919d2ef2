"""Report facts: date, place and enterprise of the accident, accident type, fatalities, injuries,
direct economic loss, and the grade the death toll implies. Rules in both languages.

Approach. Line breaks of the PDF text are removed first (English: joined with a space, Chinese:
joined directly), so a phrase broken over two lines still matches. Then:

- accident type: the report's title names it ("Road Traffic Accident", "追尾燃烧较大事故"); title
  cues are tried in a fixed priority (the more specific type first). Without one, the codebook's cues
  are counted, the opening text weighing three times as much as the rest.
- date: every date is a candidate. A candidate scores for matching the accident's nickname in the
  title ("8.23", “7·14”), for a time of day beside it ("At about 14:37 on", "3时17分许") and for an
  event word in its sentence; it loses for sitting on the title page (the report's own date). The title
  page's date is the one alone on a line of the first lines, after the title and its issuer; a date the
  title names before it ("... Accident of 6 November 2018 at X") scores as the accident's, and a place
  the title gives ends with the title and counts only where no sentence of the text places the accident.
  Without such a line the title is the text before the first date.
- fatalities / injuries: counted phrases ("five workers were killed", "造成6人死亡、3人受伤"); the
  most frequent figure wins (the report repeats its totals). "No other person was injured" and
  "无人员受伤" give 0; with deaths known and no word on injuries, injuries are 0.
  Other genres (news, press releases, FACE narratives, notices, scans): without a counted phrase, a
  singular death ("A 45-year-old laborer died", "was fatally injured", "the death of a worker",
  "一名工人…经抢救无效死亡", "致其死亡", "送院后不治") gives 1; listed victims are summed ("造成2名消防员及
  2名员工死亡" -> 4, "造成驾驶员和一名摊主死亡" -> 2); a figure in a sentence of other accidents' totals
  ("27 deaths in the sector last year", "今年以来全省…死亡15人") and an age or amount ("27-year-old",
  "£900,000") is no count; "未受伤" is no injury.
- dates also in news style: abbreviated months ("Aug. 21, 2024"), Chinese numerals ("二〇二二年五月十六日"),
  Republic of China years ("民国一一〇年"), OCR letters ("2O24年5月l4日"), and a month-day without year ("on
  Tuesday 4 March", "3月4日") with the year of the nearest full date or year before it. A date whose
  sentence tells a later step (investigators visited, fined, 立案, 送达) or a receipt stamp loses.
- direct loss: the first amount with a currency or unit after "direct economic loss" / "直接经济损失",
  skipping standard numbers (GB 6721-1986); 万元, 亿元, million, billion are applied.
- enterprise: a company named in the title; else the company named most often, counting its short
  name ("hereinafter 'Hengrui'", "(M&Q)", "以下简称恒远公司"; in English without a declared one, the
  name's first word that is not a place). "X Coal Mine of Y Co., Ltd." gives Y. A Chinese report with no
  registered company falls back on the works the title opens with ("某县某某煤矿").
- location: an explicit site sentence ("The accident occurred at ...", "The accident site is ..."), a
  kilometre post on a named road, or the place phrase of the sentence that carries the accident date
  (after the date, else before it). English periods of abbreviations ("No. 7", "Co., Ltd. in") do not end
  a sentence; a phrase stops at the verb or clause that follows it; after "X Co., Ltd. in|at" the place
  is what follows. Chinese: the place phrase nearest the start of the accident sentence ("位于...",
  "在...发生", or the sentence's opening words), without a leading "某省某市" before the county and
  without trailing equipment ("...二车间的2号反应釜").
  Other genres: a form's "Workplace:" field, a FACE report's state ("Oregon FACE"), a news dateline
  ("BELLMONT, OH –" -> "Bellmont, Ohio"), else the first capitalised place of an accident sentence; in
  Chinese news the phrase before "发生…事故/意外/火警" without its time words ("将军澳一个住宅地盘去年三月九日发生").
"""

from __future__ import annotations

import re
from collections import Counter

from dutytrace.nlp.codebook import Codebook

_EN_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
             "sixteen seventeen eighteen nineteen").split()
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_EN_NUM = {w: i for i, w in enumerate(_EN_WORDS)} | _EN_TENS | {"a": 1, "an": 1, "no": 0, "both": 2}
_ZH_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), start=1)}
_NUM_EN = r"(\d+|(?:" + "|".join(_EN_TENS) + r")(?:-(?:" + "|".join(_EN_WORDS[1:10]) + r"))?|" + "|".join(_EN_WORDS) + r"|an?|both)"
_NUM_ZH = r"([\d一二两三四五六七八九十百]+)"
# a figure that is an age, a size or a share, not a head count: "27-year-old", "12-foot", "40 per cent"
_NOT_COUNT = r"(?!-(?:year|yr|foot|feet|metre|meter|tonne|ton|inch|day|hour|week|month)|\s*(?:%|per ?cent|years? old|-))"


def zh_number(s: str) -> int | None:
    """'12', '十二', '二十三', '一百零五' -> int."""
    if s.isdigit():
        return int(s)
    if not s or any(c not in _ZH_DIGIT and c not in "十百" for c in s):
        return None
    total, cur = 0, 0
    for c in s:
        if c in "十百":
            total += (cur or 1) * (10 if c == "十" else 100)
            cur = 0
        else:
            cur = _ZH_DIGIT[c]
    return total + cur


def en_number(s: str) -> int | None:
    """'12', 'twelve', 'twenty-three', 'a' -> int."""
    s = s.lower().replace(",", "")
    if s.isdigit():
        return int(s)
    if "-" in s:
        tens, _, unit = s.partition("-")
        return _EN_TENS.get(tens, 0) + _EN_NUM.get(unit, 0) if tens in _EN_TENS else None
    return _EN_NUM.get(s)


def grade(fatalities: int | None) -> str | None:
    """China's grading by deaths: general <3, larger 3-9, major 10-29, especially_major 30+."""
    if fatalities is None:
        return None
    return "especially_major" if fatalities >= 30 else "major" if fatalities >= 10 else "larger" if fatalities >= 3 else "general"


_WHO = r"(?:\s+(?:(?!(?:" + "|".join(_EN_WORDS) + r")\b)[a-z]+\s+){0,2}?(?:people|persons|workers|employees|passengers|men|women|others|of them|rescuers|crew members|crew|crewmen|fishermen|miners|children|pupils|students|tenants|residents|occupants|villagers|customers|visitors|guests|pedestrians|labourers|laborers|firefighters|person|worker|man|woman|child|apprentice))?"
_EN_DEATHS = [re.compile(r"(?<!number )(?<!No\. )(?<![\d,.£$€])\b(?!(?:19|20)\d\d\b)" + _NUM_EN + _NOT_COUNT + _WHO + r"(?:,[^,.]{1,40},)?\s+(?:were |was |had )?(?:killed|died|drowned|dead|deaths?|fatalities|lost their lives)\b", re.I),
              re.compile(r"\b(?:killing|killed|deaths? of|claimed the lives of)\s+" + _NUM_EN + r"\b" + _NOT_COUNT, re.I)]
_EN_INJ = [re.compile(r"(?<!number )(?<!No\. )(?<![\d,.£$€])\b(?!(?:19|20)\d\d\b)(?!both\b)" + _NUM_EN + _NOT_COUNT + _WHO + r"(?:,[^,.]{1,40},)?\s+(?:were |was )?(?:(?:slightly|seriously|severely|serious|slight|minor|other) )?(?:injured|injuries|injury|hurt|hospitali[sz]ed|treated (?:in|at|for))\b", re.I),
           re.compile(r"\b(?:injured|injuring)\s+" + _NUM_EN + r"\b" + _NOT_COUNT, re.I)]
_EN_NO_INJ = re.compile(r"\bno (?:other )?(?:one|person|people|worker|body)?\s*(?:else )?(?:was|were) (?:injured|hurt)|\bnobody (?:else )?was (?:injured|hurt)", re.I)
_ZH_DIE = r"(?<![未没无不])(?:死亡|遇难|身亡|丧生|罹难|殉职|殒命|毙命|不治)"
_ZH_HURT = r"(?<![未没无不])(?:受伤|重伤|轻伤|受轻伤|受重伤|烧伤|灼伤|住院)"
# "造成2名消防员及2名员工死亡", "造成驾驶员和一名路边早点摊主死亡": the victims listed are counted
_ZH_LISTED_DEATHS = re.compile(r"(?:造成|致使|导致|致)([^，。；：]{1,30}?)" + _ZH_DIE)
_ZH_LISTED_INJ = re.compile(r"(?:造成|致使|导致|致|死亡[，、]|另有)([^，。；：]{1,30}?)" + _ZH_HURT)
_ZH_GAP = r"[^，。；：、\d一二两三四五六七八九十死伤亡]"
_ZH_DEATHS = [re.compile(_NUM_ZH + r"(?:名|人|位|个(?!小时|多小时|月|星期|礼拜|钟头))" + _ZH_GAP + r"{0,10}?" + _ZH_DIE),
              re.compile(r"(?:死亡|遇难|罹难|身亡)" + _NUM_ZH + r"(?:人|名)")]
_ZH_INJ = [re.compile(_NUM_ZH + r"(?:名|人|位)" + _ZH_GAP + r"{0,8}?" + _ZH_HURT),
           re.compile(r"(?:受伤|伤)" + _NUM_ZH + r"(?:人|名)"),
           re.compile(r"另有" + _NUM_ZH + r"(?:名|人)[^，。；]{0,12}?(?:送医|就医|中毒|不适)")]  # "另有2人吸入浓烟送医"
# one death where no figure is given: "一名工人...送院后证实死亡", "经抢救无效死亡", "致其死亡"
_ZH_ONE_DEATH = [re.compile(r"(?:一|1)(?:名|位|个)[^。；]{0,60}?" + _ZH_DIE),
                 re.compile(r"(?:经抢救无效|抢救无效|送院后(?:证实)?|送医后?|不幸|当场|致其|证实已?)" + _ZH_DIE)]
_ZH_ONE_INJ = [re.compile(r"(?:一|1)(?:名|位|个)[^，。；]{0,30}?" + _ZH_HURT)]
# a sentence about other accidents: a region's or a year's totals
_ZH_STATS = re.compile(r"今年以来|去年以来|全年|近年|累计|全省|全国|同比|共发生|[\d十百]+起[^，。]{0,8}事故|历年|每年")
_EN_STATS = re.compile(r"\b(?:last year|this year|each year|every year|per year|annually|since (?:19|20)\d\d|"
                       r"so far|to date|nationwide|nationally|across the (?:country|state|industry|sector)|"
                       r"in the (?:sector|industry|country|state|region)|over the (?:past|last)|between (?:19|20)\d\d|"
                       r"statistics|figures show|on average)\b", re.I)
# one death where no figure is given: "A 45-year-old laborer died", "a worker was fatally injured"
_EN_DIE = (r"(?:died|drowned|was electrocuted|was (?:\w+ and )?killed|was (?:fatally|mortally) (?:injured|wounded|crushed|burned|electrocuted)|"
           r"was crushed to death|was pronounced dead|lost (?:his|her|their) life|suffered (?:a )?fatal|received (?:a )?fatal|"
           r"sustained (?:a )?fatal)")
_EN_PERSON = (r"(?:victim|worker|employee|deceased|man|woman|occupant|driver|operator|labou?rer|operative|mechanic|"
              r"apprentice|contractor|technician|helper|pedestrian|passenger|resident|tenant|farmer|miner|rigger|fitter|"
              r"electrician|welder|boy|girl|child)")
_EN_AND = r"(?:was [\w\s-]{1,40}? and )?"
_EN_ONE_DEATH = [re.compile(r"\b(?:a|an|one)(?:\s+[\w'-]+){0,6}?(?:\s+\([^()]{1,30}\))?(?:,[^,.;]{1,50},)?\s+" + _EN_AND + _EN_DIE + r"\b", re.I),
                 re.compile(r"\b(?:Mr|Mrs|Ms|Miss)\.? [A-Z][\w'-]+(?: [A-Z][\w'-]+)?(?: \([^()]{1,20}\))?(?:,[^,.;]{1,50},)?\s+"
                            + _EN_AND + _EN_DIE + r"\b"),
                 re.compile(r"\b(?:death|fatality|killing|electrocution) of (?:a|an|one|the)\b|\bkill(?:ed|ing) (?:a|an|one)\b|"
                            r"\b\w+'s? death\b|\bfatally (?:injured|crushed|wounded)\b|\b(?:a|the) fatal (?:injury|fall|accident|incident)", re.I),
                 re.compile(r"\b(?:he|she|the(?: [\w-]+){0,2}? " + _EN_PERSON + r")(?:,[^,.;]{1,50},)?\s+(?:[\w-]+\s+){0,2}?"
                            r"(?:died|drowned|was pronounced dead|was killed|succumbed)\b", re.I)]
_EN_HURT_WHO = (r"(?:co-?worker|colleague|worker|employee|labou?rer|operator|fire-?fighter|passer-by|neighbou?r|driver|helper|"
                r"man|woman|occupant|resident)")
_EN_ONE_INJ = [re.compile(r"\b(?:(?:a|an|one|another|a second)\s+(?:[\w'-]+\s+){0,3}?" + _EN_HURT_WHO
                          + r"|the (?:co-?worker|colleague|second worker|other worker))"
                          r"(?:,[^,.;]{1,50},)?\s+(?:was (?:also )?(?:seriously |badly |critically |slightly )?"
                          r"(?:injured|hurt|burned|burnt|hospitali[sz]ed|treated)|suffered|sustained)\b(?! (?:a )?fatal)", re.I)]
_ZH_NO_INJ = re.compile(r"无人(?:员)?受伤|未造成人员受伤|无其他人员受伤")
_CUR = r"(?:CNY|RMB|USD|US\$|EUR|GBP|HKD|¥|\$|€|£)"
_EN_LOSS = re.compile(r"direct (?:economic |financial )?loss(?:es)?")
_EN_AMOUNT = re.compile(_CUR + r"\s?(\d[\d,]*(?:\.\d+)?)(?:\s*(million|billion|thousand|m\b))?|(\d[\d,]*(?:\.\d+)?)\s*(million|billion|thousand)?\s*(?:yuan|euros?|dollars|pounds)", re.I)
_ZH_LOSS = re.compile(r"直接经济损失[^。；]{0,80}?(\d[\d,]*(?:\.\d+)?)\s*(亿元|万元|元)")
# months written out or abbreviated ("Aug. 21, 2024", "4 Sept 2023")
_MONTH = r"(?:" + "|".join(_MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b\.?"
_EN_DATE = re.compile(r"\b(\d{1,2})\s+(" + _MONTH + r")\s+(\d{4})|\b(" + _MONTH + r")\s+(\d{1,2}),?\s+(\d{4})", re.I)
# a month and day whose year the text gives elsewhere: "on Tuesday 4 March", "on the morning of March 4"
_EN_MONTH_DAY = re.compile(r"\b(?:on|of)\s+(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:(\d{1,2})(?:st|nd|rd|th)?\s+(" + _MONTH
                           + r")|(" + _MONTH + r")\s+(\d{1,2})(?:st|nd|rd|th)?)(?!,?\s*\d)(?!\w)", re.I)
# Chinese numerals ("二〇二二年五月十六日"), OCR's letters for digits ("2O24年5月l4日"), the Republic of China's years
# ("民国一一〇年八月十二日" = 2021)
_ZD = r"[\dOolI〇零一二三四五六七八九十]"
_ZH_DATE = re.compile(r"((?:民国)?" + _ZD + r"{2,4})\s*年\s*(" + _ZD + r"{1,3})\s*月\s*(" + _ZD + r"{1,3})\s*日")
_ZH_MONTH_DAY = re.compile(r"(?<![年\d〇零一二三四五六七八九十OolI])(" + _ZD + r"{1,3})\s*月\s*(" + _ZD + r"{1,3})\s*日")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_NICK = re.compile(r"[\"“”']\s*(\d{1,2})\s*[.·・．]\s*(\d{1,2})\s*[\"“”']")
_EVENT = re.compile(r"accident|incident|explo|fire|collaps|killed|died|death|occurred|happened|struck|fell|overturn|"
                    r"capsiz|leak|事故|发生|爆炸|起火|火灾|坍塌|死亡|遇难|坠落|触电|中毒|窒息|倾覆|侧翻", re.I)
_TIME_BEFORE = re.compile(r"(?:\b(?:at|around|about|approximately)\s+\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:on|,)?\s*(?:\w+day\s+)?$)", re.I)
_ZH_ENT = re.compile(r"[\u4e00-\u9fff（）()]{2,30}?(?:有限责任公司|股份有限公司|有限公司|专业合作社|集团公司)")
_EN_ENT = re.compile(r"\b(?:[A-Z][A-Za-z&'-]*\.? |&\s|No\. \d+ |of |and )*[A-Z][A-Za-z&'-]* (?:Co\., Ltd\.|Co\. Ltd\.?|Co\., Limited|Company Ltd\.?|Company Limited|Ltd\.?|Limited|Inc\.|Corporation|plc|LLC|LLP|GmbH|Cooperative|Co-operative)")
_EN_ALIAS = re.compile(r"\((?:(?:hereinafter|hereafter|the)\s*(?:called\s*|referred to as\s*)?[\"“]([^\"”]{2,30})[\"”]|([A-Z][A-Z0-9&.-]{1,9}))\)")
_ZH_ALIAS = re.compile(r"（以下简称[“\"]?([^）”\"]{2,12})[”\"]?）")
_TITLE_TYPES = [  # priority order: the more specific name first
    ("fall_from_height", r"fall from height|高处坠落|坠落"), ("struck_by_object", r"struck[- ]by|物体打击"),
    ("mechanical_injury", r"mechanical|机械伤害"), ("electrocution", r"electrocut|electric shock|触电"),
    ("vehicle", r"road traffic|traffic accident|tanker|\bbus\b|coach|truck|车辆|追尾|侧翻|道路交通"),
    ("asphyxiation_poisoning", r"poisoning|asphyxia|suffocat|中毒|窒息"),
    ("drowning", r"drown|capsiz|water inrush|inrush|淹溺|翻沉|倾覆|透水"),
    ("explosion", r"explosion|爆炸|爆燃"), ("fire", r"\bfire\b|blaze|火灾|燃烧"),
    ("collapse", r"collapse|cave-in|坍塌|垮塌|冒顶"), ("other", r"heat ?stroke|中暑")]
_TITLE_GRADE = [("especially_major", r"especially major|特别重大"), ("major", r"\bmajor\b|(?<!较)重大"),
                ("larger", r"\blarger\b|较大"), ("general", r"\bgeneral\b|一般")]


def document_facts(text: str, lang: str, codebook: Codebook, kind: str) -> dict:
    """The facts `analyze` gives a document of this kind: an interview record's by transcript_facts."""
    if kind == "transcript":
        return transcript_facts(text, lang, codebook)
    return extract_facts(text, lang, codebook) if kind in ("report", "other", "decision") else {}


# an interview record's header: the interview's own time, place and people, never the accident's
_TR_WHEN_KEY = (r"(?:询问|讯问|谈话|笔录)?(?:时间|日期)|(?:date|time)(?:\s*(?:and|&|/)\s*(?:date|time))?"
                r"(?: of (?:the )?(?:interview|inquiry))?")
_TR_OWN = re.compile(r"^\s*(?:" + _TR_WHEN_KEY + r"|(?:询问|讯问|谈话|笔录)?地点|询问人|讯问人|谈话人|记录人|见证人|在场人|翻译人?|"
                     r"(?:place|venue|location)(?: of (?:the )?(?:interview|inquiry))?|interview(?:ing)? officers?|"
                     r"interviewers?|inquirers?|recorder|recorded by|record taken by|present|also present|interpreter|"
                     r"witness)\s*[:：]", re.I)
_TR_WHEN = re.compile(r"^\s*(?:" + _TR_WHEN_KEY + r")\s*[:：]\s*(.+)$", re.I)
_TR_WHO = re.compile(r"^\s*(?:被询问人|被讯问人|谈话对象|interviewee|person (?:interviewed|inquired|questioned))\s*[:：]\s*(.+)$",
                     re.I)
_ISO_DAY = re.compile(r"\b((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})\b")
_TR_MATTER = re.compile(r"^\s*(?:matter|subject|re|incident|case|事由|案由|事项)\s*[:：]\s*(.+)$", re.I)
_TR_EVENT = re.compile(r"^(?:(?:fatal|serious|reportable|dangerous)\s+)?(?:incident|accident|fall|explosion|fire|collapse|"
                       r"injury|occurrence|death|event)\b[^,]{0,30},\s*", re.I)


def transcript_facts(text: str, lang: str, codebook: Codebook) -> dict:
    """Facts an interview record states about the accident. Its header's time and place are the
    interview's, so they are no facts of the accident: the date comes from a "Matter:" line or the case's
    name (“4·17”事故, in the interview's year, never after the interview) — the dates of the answers are
    mostly of other events (inspections, meetings, calls), so none is taken from them; the place from a "Matter:" line or the answers; the enterprise from the
    interviewee's line when it names a company; deaths, injuries and type from the answers."""
    lines = text.splitlines()
    head = [ln.strip() for ln in lines[:30] if ln.strip()][:12]
    when = next((m.group(1) for ln in head if (m := _TR_WHEN.match(ln))), "")
    interview = next((iso for *_, iso, full in _date_candidates(_flatten(when, lang), lang) if full), None)
    if interview is None and (iso_day := _ISO_DAY.search(when)):
        interview = "{}-{:02d}-{:02d}".format(int(iso_day.group(1)), int(iso_day.group(2)), int(iso_day.group(3)))
    matter = next((m.group(1) for ln in head if (m := _TR_MATTER.match(ln))), "")
    who = next((m.group(1) for ln in head if (m := _TR_WHO.match(ln))), "")
    body = "\n".join(ln for i, ln in enumerate(lines) if not (i < 30 and _TR_OWN.match(ln)))
    facts = extract_facts(body, lang, codebook)
    # the date
    flat_matter = _flatten(matter, lang)
    stated = next((iso for *_, iso, full in _date_candidates(flat_matter, lang) if full), None)
    if stated is None and interview:
        year = int(interview[:4])
        nick = _NICK.search(_flatten("\n".join(head), lang) + " " + flat_matter)
        if nick and 1 <= int(nick.group(1)) <= 12 and 1 <= int(nick.group(2)) <= 31:
            stated = f"{year:04d}-{int(nick.group(1)):02d}-{int(nick.group(2)):02d}"
        if stated and stated > interview:  # a December accident asked about in January
            stated = f"{int(stated[:4]) - 1:04d}{stated[4:]}" if stated[5:] > interview[5:] else None
    facts["date"] = stated
    # the place
    place = _TR_EVENT.sub("", flat_matter)
    if stated_span := (_ZH_DATE if lang == "zh" else _EN_DATE).search(place):
        place = place[:stated_span.start()]
    place = place.strip(" ,;，；:")
    if len(place) >= 4:
        facts["location"] = place
    # the enterprise: the company on the interviewee's line
    ent = (_ZH_ENT if lang == "zh" else _EN_ENT).search(_flatten(who, lang))
    if ent:
        facts["enterprise"] = _strip_en(re.sub(r"^(?:位于|由|为|是|和|与|及|的)", "", ent.group(0)), lang)
    return facts


def extract_facts(text: str, lang: str, codebook: Codebook) -> dict:
    """Facts of the accident a report (or decision) describes; None where the text does not say."""
    flat = _flatten(text[:40000], lang)
    page_date = _title_page_date(text[:40000], flat, lang)
    title = flat[:page_date].strip() if page_date is not None else _title(flat, lang)
    facts: dict = {"accident_type": accident_type(flat, lang, codebook, title)}
    facts["date"] = _date(flat, lang, title, page_date)
    deaths, inj, no_inj = (_ZH_DEATHS, _ZH_INJ, _ZH_NO_INJ) if lang == "zh" else (_EN_DEATHS, _EN_INJ, _EN_NO_INJ)
    conv = zh_number if lang == "zh" else en_number
    stats = _ZH_STATS if lang == "zh" else _EN_STATS
    listed = _zh_listed(flat, _ZH_LISTED_DEATHS, stats) if lang == "zh" else []
    facts["fatalities"] = _most_common(deaths, flat, conv, stats, listed)
    if facts["fatalities"] is None and _any_of(_ZH_ONE_DEATH if lang == "zh" else _EN_ONE_DEATH, flat, stats):
        facts["fatalities"] = 1
    inj_listed = _zh_listed(flat, _ZH_LISTED_INJ, stats) if lang == "zh" else []
    injuries = _first(inj, flat, conv, stats, inj_listed)
    if injuries is None and _any_of(_ZH_ONE_INJ if lang == "zh" else _EN_ONE_INJ, flat, stats):
        injuries = 1
    if injuries is None and (no_inj.search(flat) or facts["fatalities"] is not None):
        injuries = 0
    facts["injuries"] = injuries
    facts["direct_loss"] = _zh_loss(flat) if lang == "zh" else _en_loss(flat)
    facts["enterprise"] = _enterprise(flat, lang, title)
    heading = _title_heading_end(text[:40000], flat, page_date) if page_date is not None else None
    facts["location"] = _location(flat, lang, facts["date"], title, page_date, heading)
    facts["grade"] = grade(facts["fatalities"]) or next(
        (g for g, p in _TITLE_GRADE if re.search(p, title, re.I)), None)
    return facts


def _flatten(text: str, lang: str) -> str:
    if lang == "zh":
        return re.sub(r"[ \t]*\n[ \t]*", "", text)
    return re.sub(r"[ \t]*\n[ \t]*", " ", text)


def _title(flat: str, lang: str) -> str:
    """The title page's heading where no line of its own gives the report's date: the text before the first
    date (or the first 200 characters)."""
    m = (_ZH_DATE if lang == "zh" else _EN_DATE).search(flat[:400])
    return flat[:m.start()] if m and m.start() > 10 else flat[:200]


_HEAD_LINES = 15  # the title page: its first lines
# the title page's line naming who issued the report: "Luyuan City Joint Investigation Team ...", "XX事故调查组"
_ISSUER_LINE = re.compile(r"\b(?:Investigation|Inquiry|Accident|Review) (?:Team|Group|Panel|Board|Committee)\b|"
                          r"(?:Government|Commission|Committee|Bureau|Inspectorate|Authority|Administration)$|"
                          r"调查组$|人民政府$|委员会$|管理局$", re.I)


def _flat_at(text: str, flat: str, start: int, piece: str) -> int:
    """Where `piece`, found in `text` at `start`, stands in `flat` (-1 if it is not there)."""
    at = -1
    for _ in range(text[:start].count(piece) + 1):
        at = flat.find(piece, at + 1)
        if at < 0:
            return -1
    return at


def _title_heading_end(text: str, flat: str, page_date: int) -> int:
    """Where (in `flat`) the title's own words end: at the issuer's line between the title and the title page's
    date ("... at Block C, Pinecrest Estate / County Investigation Team / 2 June 2017"), else at that date."""
    pos = 0
    for i, line in enumerate(text[:1500].split("\n")):
        start, pos = pos, pos + len(line) + 1
        bare = line.strip()
        if i and bare and _ISSUER_LINE.search(bare):
            at = _flat_at(text, flat, start + line.index(bare), bare)
            if 0 < at < page_date:
                return at
    return page_date


def _title_page_date(text: str, flat: str, lang: str) -> int | None:
    """Where (in `flat`) the title page's own date stands: a date alone on one of the first lines, after the
    title ("Investigation Report on the ... Accident of 6 November 2018 at X / Investigation Team / 28 March
    2019"). Everything before it is the title and the issuer, dates the title names included; None when no
    such line opens the text (then the title is what precedes its first date)."""
    date_re = _ZH_DATE if lang == "zh" else _EN_DATE
    pos, seen = 0, 0
    for line in text[:1500].split("\n"):
        start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue
        seen += 1
        if seen > _HEAD_LINES:
            return None
        m = date_re.fullmatch(line.strip(" \t,.。"))
        if m is None or seen == 1 or _iso(m, lang) is None:
            continue
        at = _flat_at(text, flat, start, m.group(0))
        return at if at >= 0 else None
    return None


def accident_type(text: str, lang: str, codebook: Codebook, title: str | None = None) -> str | None:
    """The title's named type if it names one, else the codebook cue with the most weighted hits."""
    for at, pat in _TITLE_TYPES if title else ():
        if re.search(pat, title, re.I):
            return at
    scores: Counter[str] = Counter()
    for weight, part in ((3, text[:3000]), (1, text[3000:])):
        for at in codebook.accident_types:
            for pat in at.cues.get(lang, ()):
                scores[at.id] += weight * len(pat.findall(part))
    best = scores.most_common(1)
    if best and best[0][1] > 0:
        return best[0][0]
    # no cue anywhere: the type words of the opening lines (a news lead names what happened)
    return next((at for at, pat in _TITLE_TYPES if re.search(pat, text[:300], re.I)), None)


def _counted(m) -> bool:
    """A figure that counts people, not a casualty-table cell: in a table row the outcome column's
    "Dead" / "Died" stands capitalised after the row's last number ("Flat 402 Dead", "M 46 Welder Died")."""
    last = (m.group(0).split() or [""])[-1]
    return not (m.group(1).isdigit() and last[:1].isupper())


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end] (up to the ends of the neighbouring clauses)."""
    a = max(text.rfind(c, 0, start) + len(c) for c in ("。", "；", ". ", "  ", "\n", "!", "?"))
    ends = [i for c in ("。", "；", ". ", "  ", "!", "?") if (i := text.find(c, end)) >= 0]
    return text[max(a, start - 80):min(ends) if ends else len(text)]


def _historic(m, text: str, stats) -> bool:
    """A figure of other accidents: "27 deaths in the sector last year", "今年以来全省...死亡27人"."""
    return stats is not None and bool(stats.search(_sentence_around(text, m.start(), m.end())))


def _zh_listed(text: str, pattern, stats) -> list[tuple[int, int, int]]:
    """(start, end, count) of the victims a Chinese sentence lists: "造成2名消防员及2名员工死亡" -> 4,
    "造成驾驶员和一名路边早点摊主死亡" -> 2; a list of one unnamed figure ("造成3人死亡") is left to the
    counted patterns."""
    out = []
    for m in pattern.finditer(text):
        parts = [p for p in re.split(r"及|和|与|、|以及", m.group(1)) if p]
        if len(parts) == 1 and not re.search(r"[\d一二两三四五六七八九十]|人员|人$|多|群", parts[0]) and 1 < len(parts[0]) < 10:
            out.append((m.start(), m.end(), 1))  # a victim named: "造成驾驶员刘成方死亡"
            continue
        if len(parts) < 2 or re.search(_ZH_DIE + r"|伤|事故", m.group(1)) or _historic(m, text, stats):
            continue
        total = 0
        for p in parts:
            n = re.match(_NUM_ZH + r"(?:名|人|位)", p)
            v = zh_number(n.group(1)) if n else (None if re.search(r"\d|[一二两三四五六七八九十]人|多", p) else 1)
            if v is None:
                total = None
                break
            total += v
        if total:
            out.append((m.start(), m.end(), total))
    return out


def _any_of(patterns, text: str, stats) -> bool:
    return any(not _historic(m, text, stats) for p in patterns for m in p.finditer(text))


def _figures(patterns, text: str, conv, stats=None, listed=()) -> list[tuple[int, int]]:
    """(position, figure) of the counted phrases, without those about other accidents and those inside a
    listed count (which counts itself)."""
    out = [(s, v) for s, _, v in listed]
    for p in patterns:
        for m in p.finditer(text):
            if any(s <= m.start() < e for s, e, _ in listed) or not _counted(m) or _historic(m, text, stats):
                continue
            v = conv(m.group(1))
            if v is not None:
                out.append((m.start(), v))
    return out


def _most_common(patterns, text: str, conv, stats=None, listed=()) -> int | None:
    vals = [v for _, v in _figures(patterns, text, conv, stats, listed)]
    if not vals:
        return None
    c = Counter(vals)  # the report's own total is the most frequent figure; ties go to the larger
    return max(c, key=lambda v: (c[v], v))


def _first(patterns, text: str, conv, stats=None, listed=()) -> int | None:
    """The first figure the text gives (the opening summary states the totals; tables come later)."""
    found = _figures(patterns, text, conv, stats, listed)
    return min(found)[1] if found else None


def _scale(value: str, unit: str | None) -> float:
    mult = {"million": 1e6, "m": 1e6, "billion": 1e9, "thousand": 1e3, "亿元": 1e8, "万元": 1e4}
    return float(value.replace(",", "")) * mult.get((unit or "").lower(), 1)


def _zh_loss(text: str) -> float | None:
    m = _ZH_LOSS.search(text)
    return _scale(m.group(1), m.group(2)) if m else None


def _en_loss(text: str) -> float | None:
    for lm in _EN_LOSS.finditer(text):
        window = re.split(r"\.\s+(?=[A-Z])", text[lm.end():lm.end() + 250])[0]
        m = _EN_AMOUNT.search(window)
        if m:
            return _scale(m.group(1), m.group(2)) if m.group(1) else _scale(m.group(3), m.group(4))
    return None


# the sentence of a date tells an accident ("a worker died", "发生") or a later step of the case
_DATE_ACCIDENT = re.compile(r"\b(?:died|killed|victim|fatal|fatally|injured|struck|fell|collapsed|caught|electrocuted|drowned|"
                            r"crushed|exploded|overcome|engulfed|pinned|buried)\b|发生|死亡|身亡|坠落|触电|爆炸|起火|坍塌", re.I)
_TIME_AFTER = re.compile(r",?\s*(?:at\s+)?(?:about\s+|around\s+|approximately\s+|approx\.\s+)?\d{1,2}[:.]\d{2}\b", re.I)
_DATE_LATER = re.compile(r"\b(?:notified|investigators?|visited|interviewed|learned of|met with|site visit|reported to|"
                         r"inspected|sentenced|fined|pleaded|hearing|convicted|cited|issued)\b|接报|调查组|成立|判决|开庭|通报|问责|立案|送达|告知书", re.I)


def _zh_int(s: str) -> int | None:
    s = s.translate(str.maketrans("OolI", "0011"))
    if s.isdigit():
        return int(s)
    if all(c in "〇零一二三四五六七八九" for c in s):
        return int("".join(str(_ZH_DIGIT.get(c, 0)) for c in s))
    return zh_number(s)


def _date_candidates(flat: str, lang: str):
    """(start, end, iso, year_given) of each date of the text: full dates, then month-days that take the
    year of the nearest year the text gives before them (else its first)."""
    for m in (_ZH_DATE if lang == "zh" else _EN_DATE).finditer(flat):
        iso = _iso(m, lang)
        if iso:
            yield m.start(), m.end(), iso, True
    years = [(y.start(), int(y.group(1))) for y in _YEAR.finditer(flat)]
    if not years:
        return
    full = [(m.start(), m.end(), _iso(m, lang)) for m in (_ZH_DATE if lang == "zh" else _EN_DATE).finditer(flat)]
    full_md = {iso[5:] for _, _, iso in full if iso}
    for m in (_ZH_MONTH_DAY if lang == "zh" else _EN_MONTH_DAY).finditer(flat):
        if any(a <= m.start() < b or a < m.end() <= b for a, b, _ in full):
            continue
        # the year of the nearest full date before it, else of the nearest year named before it, else the first
        dated = [int(iso[:4]) for a, _, iso in full if iso and a < m.start()]
        before = [y for pos, y in years if pos < m.start()]
        y = dated[-1] if dated else before[-1] if before else years[0][1]
        if lang == "zh":
            mo, d = _zh_int(m.group(1)), _zh_int(m.group(2))
        elif m.group(1):
            mo, d = _month(m.group(2)), int(m.group(1))
        else:
            mo, d = _month(m.group(3)), int(m.group(4))
        if mo and d and 1 <= mo <= 12 and 1 <= d <= 31 and f"{mo:02d}-{d:02d}" not in full_md:
            yield m.start(), m.end(), f"{y:04d}-{mo:02d}-{d:02d}", False


def _month(s: str) -> int | None:
    s = s.lower().rstrip(".")
    return _MONTHS.get(s) or next((i for name, i in _MONTHS.items() if name.startswith(s[:3])), None)


def _date(flat: str, lang: str, title: str, page_date: int | None = None) -> str | None:
    """The accident's date. `page_date`: where the title page's own date stands (_title_page_date), if known:
    it is the report's date, and a date before it is one the title names (the accident's)."""
    nick = _NICK.search(title)
    best, best_score = None, -99
    for start, end, iso, year_given in _date_candidates(flat, lang):
        m = _Span(start, end)
        y, mo, d = (int(x) for x in iso.split("-"))
        score = 0 if year_given else -2
        if nick and (mo, d) == (int(nick.group(1)), int(nick.group(2))):
            score += 4
        after, before = flat[m.end():m.end() + 12], flat[max(0, m.start() - 40):m.start()]
        timed = bool(re.match(r"\s*\d{1,2}\s*时|\s*(?:凌晨|上午|下午|晚上|夜间|中午)", after) or _TIME_BEFORE.search(before)
                     or (lang == "en" and _TIME_AFTER.match(flat, m.end())))
        if timed:
            score += 2
        sentence = flat[max(0, m.start() - 150):m.end() + 150]
        if _EVENT.search(sentence):
            score += 1
        opens = flat[max(0, m.start() - 3):m.start()] == "On " and flat[m.end():m.end() + 1] == ","
        if page_date is not None:
            if m.start() == page_date:  # the report's own date
                score -= 3
            elif m.start() < page_date:  # "Investigation Report on the Accident of 6 November 2018 at ..."
                score += 2
        elif m.start() < len(title) + 40 and not opens and not timed:  # the title page's date is the report's own ("On 4 May, ..." is not)
            score -= 3
        own = _sentence_around(flat, m.start(), m.end())
        if re.search(r"\breceived\b|\bstamp\b|收到|收文", flat[max(0, m.start() - 20):m.start()], re.I):
            score -= 3  # an office's receipt stamp
        if _DATE_LATER.search(own) and not _DATE_ACCIDENT.search(own):  # "visited the site on October 1"
            score -= 2
        if score > best_score:
            best, best_score = iso, score
    return best


class _Span:
    def __init__(self, start: int, end: int):
        self._s, self._e = start, end

    def start(self) -> int:
        return self._s

    def end(self) -> int:
        return self._e


def _iso(m, lang: str) -> str | None:
    if lang == "zh":
        roc = m.group(1).startswith("民国")
        y, mo, d = _zh_int(m.group(1).removeprefix("民国")), _zh_int(m.group(2)), _zh_int(m.group(3))
        if y is None or mo is None or d is None:
            return None
        y = y + 1911 if roc else y
        if not 1900 <= y <= 2100:
            return None
    elif m.group(1):
        d, mo, y = int(m.group(1)), _month(m.group(2)), int(m.group(3))
    else:
        mo, d, y = _month(m.group(4)), int(m.group(5)), int(m.group(6))
    return f"{y:04d}-{mo:02d}-{d:02d}" if mo and 1 <= mo <= 12 and 1 <= d <= 31 else None


# "Xinyao Coal Mine of Heshan Xinyao Mining Co., Ltd.": the enterprise is the company, not its facility
_EN_FACILITY_OF = re.compile(r"^(?:[A-Z][\w'-]* )*?(?:Coal Mine|Mine|Quarry|Plant|Factory|Mill|Workshop|Warehouse|Store|Depot|Yard|Hub|"
                             r"Site|Project|Terminal|Station|Wharf|Branch)(?: No\. ?\d+)? of (?=[A-Z])")
_EN_PLACE_TYPE = re.compile(r"\s(?:City|County|District|Town|Township|Province|Village|Borough|Parish|Prefecture|Port)\b")


def _enterprise(flat: str, lang: str, title: str) -> str | None:
    """The company the title names; else the one named most often, with its short name: the declared one
    ("hereinafter 'Hengrui'", "(M&Q)", "以下简称恒远公司"), or in English the first word of the name that is
    not a place name ("Korvel" for Korvel Parcel Logistics Ltd)."""
    pat, alias_pat = (_ZH_ENT, _ZH_ALIAS) if lang == "zh" else (_EN_ENT, _EN_ALIAS)
    # a title "关于临溪市丰源冷链物流有限公司……的调查报告" opens with 关于 ("concerning"), which is no part of the name
    clean = (lambda s: re.sub(r"^(?:关于|位于|由|为|是|和|与|及|的)", "", s)) if lang == "zh" else (lambda s: s)
    m = pat.search(title)
    if m:
        return _strip_en(clean(m.group(0)), lang)
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    aliased: set[str] = set()
    for m in pat.finditer(flat):
        name = _strip_en(clean(m.group(0)), lang)
        key = re.sub(r"[\s\W_]+", "", name.lower())  # "Ltd" and "Ltd." are one company
        forms.setdefault(key, Counter())[name] += 1
        counts[key] += 1
        a = alias_pat.match(flat, m.end()) or alias_pat.match(flat, m.end() + 1)
        if a and key not in aliased:
            alias = next(g for g in a.groups() if g)
            bounded = r"(?<![\w&])" + re.escape(alias) + r"(?![\w&-])" if lang == "en" else re.escape(alias)
            counts[key] += len(re.findall(bounded, flat))
            aliased.add(key)
    if lang == "en":
        for key in set(counts) - aliased:
            word = _en_short_name(forms[key].most_common(1)[0][0], flat)
            if word:
                counts[key] = max(counts[key], len(re.findall(r"\b" + re.escape(word) + r"\b(?!-)", flat)))
    if not counts:
        # no registered company anywhere: the title may open with a works' own name ("某县某某煤矿“3.5”...")
        t = re.match(r"([\u4e00-\u9fff]{4,20}?(?:公司|煤矿|矿|厂|合作社))(?:“|\"|\d)", title) if lang == "zh" else None
        if t:
            return t.group(1)
        # a works without a registered company that the text names and then shortens: "...58号老街坊家常菜馆（个体工商户，以下简称菜馆）"
        a = re.search(r"([\u4e00-\u9fff]{3,20})（[^）]{0,12}?以下简称", flat) if lang == "zh" else None
        if a:
            name = re.sub(r"^.*(?:[省市县区镇乡村路号]|街道|位于|的)(?=[\u4e00-\u9fff]{3,})", "", a.group(1))
            return name if re.search(r"(?:厂|场|馆|店|矿|社|站|部|中心|公司)$", name) else None
        return None
    key = counts.most_common(1)[0][0]
    return forms[key].most_common(1)[0][0]


def _en_short_name(name: str, flat: str) -> str | None:
    """The word a report uses for the company after naming it in full: its first word that is not a place."""
    for w in re.findall(r"[A-Z][a-z]{2,}", name)[:2]:
        if w in ("The", "Company", "Group", "Limited", "Corporation") or re.search(r"\b" + w + _EN_PLACE_TYPE.pattern, flat):
            continue
        return w
    return None


def _strip_en(name: str, lang: str) -> str:
    if lang == "zh":
        return re.sub(r"^.*?(?:为|是|由|在|位于|所有人为)(?=[\u4e00-\u9fff]{4,}(?:公司|合作社)$)", "", name)
    name = _EN_FACILITY_OF.sub("", name)
    return re.sub(r"^(?:(?:The|the|of|and|at|by|from|to|for|with|in|on|Accident|Explosion|Fire|Report|Warehouse No\. \d+|Investigation|Workshop|Store|Cold Store|Weaving Workshop|Mine|Coal Mine)\s+)+", "", name)


_EN_SITE = re.compile(r"(?:lies at|located at|situated at|occurred at|took place at|location of the accident (?:is|was)|"
                      r"(?:work|accident) site (?:is|was)|scene of the accident (?:is|was))\s+(?:the\s+)?([^.;]{6,140}?)(?:\.\s|;|$)", re.I)
_EN_PLACE_WORD = re.compile(r"Road|Street|Lane|Park|District|County|Town|Township|City|Village|Expressway|Zone|Parish|"
                            r"Plaza|Building|Mine|Warehouse|project|workshop|hub|site|Highway|Motorway|Avenue|Province|"
                            r"Port|Estate|Quarry|Harbour|Wharf|Dock|Pier|Square|Junction", re.I)
# a period that ends an abbreviation, not a sentence: "No. 7", "Co., Ltd. in", "Ltd., 88", "Mr. Li"
_EN_ABBR = re.compile(r"\b(?:(?:No|Nos|Co|Ltd|Inc|Corp|Pty|Bros|Rd|Ave|approx|km)\.(?=,|\s+[a-z0-9(])|(?:Mr|Mrs|Ms|Dr|Prof|St|Mt)\.(?=\s+[A-Z]))")
# a kilometre post on a road: "at K187+300 on the Xiangrong Expressway, Pingchuan County section"
_EN_CHAINAGE = re.compile(r"\b(K\d+\s?\+\s?\d+ (?:on|of) the (?:[A-Z][\w-]* )+(?:Expressway|Highway|Motorway|Freeway|Road)"
                          r"(?:, (?:[A-Z][\w-]* )+(?:section|Section))?)")
# "at the junction of Canal Street and Hobb Lane, Ellisford": the article belongs to the description
_EN_JUNCTION = re.compile(r"\b(?:at|on|near) (the (?:junction|intersection|crossroads|crossing|corner) of (?:[A-Z0-9][\w'-]* ?)+"
                          r"(?:and|with) (?:[A-Z0-9][\w'-]* ?)+(?:, (?:[A-Z][\w'-]* ?)+)*?)(?=,? (?:[a-z]|$)|$)")
# what follows a place phrase in the sentence: a verb, a clause, a time
_EN_PLACE_END = (r"(?=, [a-z]{3,}ed |,? (?:collapsed|overturned|exploded|caught|struck|broke|burst|fell|leaked|ignited|capsized|sank|"
                 r"threw|hit|ran|rolled|slid|toppled|tipped|swung|dropped|blew|gave way|"
                 r"killing|killed|injuring|injured|and |on the|where|when|while|during|after|before|at about|at around|"
                 r"a [a-z]|an [a-z]|in the (?:early |late )?(?:hours|morning|afternoon|evening|night))|$)")
_EN_PREP_PLACE = re.compile(r"(?:at|in|on|of) (?:the )?((?:[A-Z0-9][\w'+/-]*|No\.)[^;]{4,140}?)" + _EN_PLACE_END)
# words that show the phrase has run into a clause ("of Li Ming, aged 24, who collapsed while ...")
_EN_CLAUSE = re.compile(r"\b(?:who|which|that|whose|was|were|is|are|has|had|have|aged|while|when|because|after|before|"
                        r"during|killing|injuring|died|said)\b")
# "the workshop of X Co., Ltd. in Heping Village, ..." - the place is what follows the company
_EN_AFTER_COMPANY = re.compile(r"^.*\b(?:Co\.,? Ltd\.?|Ltd\.?|Limited|Inc\.|Corporation|Company|plc)(?:'s? [a-z]+(?: [a-z]+){0,2})? (?:in|at|on) (?:the )?(?=[A-Z0-9])")
_US_STATES = {"AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
              "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho",
              "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
              "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
              "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
              "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
              "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
              "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
              "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia",
              "WI": "Wisconsin", "WY": "Wyoming"}
_STATE_NAMES = "|".join(sorted(_US_STATES.values(), key=len, reverse=True))
# a FACE narrative names its state: "Oregon FACE Investigation", "... Ramp - Kentucky" ending its title
_EN_FACE_STATE = re.compile(r"\b(" + _STATE_NAMES + r") FACE\b|^[^.]{10,200}? [-–] (" + _STATE_NAMES + r")\b(?= )")
# a news dateline: "BELLMONT, OH – A 27-year-old ...", "PERTH, Scotland —"
_EN_DATELINE = re.compile(r"(?:^|  )([A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3}), ([A-Z]{2}|[A-Z][a-z]+(?: [A-Z][a-z]+)?)\.? [–—-] ")
# a capitalised place in an accident sentence: "at a Marrindale building site", "at Castlebridge on 26 April"
_EN_CAP_PLACE = re.compile(r"\b(?:at|in|near|on) (?:an? |the )?((?:[A-Z][a-z][\w'-]*)(?: (?:[A-Z][a-z][\w'-]*|of|on))*(?:, [A-Z][a-z][\w'-]*(?: [A-Z][a-z][\w'-]*)*)?)")
_EN_NOT_PLACE = re.compile(r"^(?:(?:" + "|".join(m.capitalize() for m in _MONTHS) + r"|Mr|Mrs|Ms|Dr|The|A|An|He|She|It|They|"
                           r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
                           r"Court|Crown|County Court|Magistrates|Sheriff|OSHA|HSE|WorkSafe)\b)")
# a form's field: "Workplace: Tallis Timber Products Pty Ltd, Fenwick Road, Aldgrove  Date of incident: ..."
_EN_PLACE_FIELD = re.compile(r"\b(?:Workplace|Location|Place of (?:incident|accident)|Site address|Address of (?:site|incident))"
                             r"\s*:\s*(.{4,100}?)(?=\s+[A-Z][a-z]+(?: (?:of|\(?s\)?|[a-z]+))*\s*:|  |$)")
_EN_ACCIDENT_WORDS = re.compile(r"\b(?:died|killed|fatal|fatally|injured|crushed|struck|fell|collapsed|exploded|drowned|"
                                r"electrocuted|trapped|buried|caught|overturned|engulfed)\b", re.I)


def _mask_abbr(flat: str) -> str:
    """The text with abbreviation periods replaced by a placeholder of the same length."""
    return _EN_ABBR.sub(lambda m: m.group(0)[:-1] + "\u2024", flat)


def _location(flat: str, lang: str, date: str | None, title: str, page_date: int | None = None,
              heading: int | None = None) -> str | None:
    """The accident's place. `page_date`, `heading`: where the title page's date stands and where the title's
    own words end (_title_page_date, _title_heading_end), if known."""
    if lang == "zh":
        return _zh_location(flat, date)
    masked = _mask_abbr(flat)
    m = _EN_SITE.search(masked)
    if m and _EN_PLACE_WORD.search(m.group(1)):
        return flat[m.start(1):m.end(1)].strip(" ,")
    m = _EN_PLACE_FIELD.search(flat[:3000])
    if m:
        place = re.sub(r"^.*?\b(?:Ltd|Limited|Inc|LLC|plc|Co)\.?,\s*", "", m.group(1)).strip(" ,")
        if len(place) >= 4:
            return place
    m = _EN_FACE_STATE.search(flat[:3000])
    if m:
        return m.group(1) or m.group(2)
    m = _EN_CHAINAGE.search(flat)
    if m:
        return m.group(1)
    m = _EN_DATELINE.search(flat[:3000])
    if m and not _EN_ENT.search(m.group(0)):
        region = m.group(2)
        return f"{m.group(1).title()}, {_US_STATES.get(region, region)}"
    before, lo, titled = [], 0, None
    title_end = page_date + 1 if page_date is not None else len(title) + 40
    for sm in _EN_DATE.finditer(masked):
        if sm.start() < title_end:  # the title page's date: what precedes a later date starts after it
            lo = sm.end()
        if _iso(sm, "en") != date:
            continue
        end = sm.end() + len(re.split(r"(?<=[a-z0-9)])\.\s", masked[sm.end():sm.end() + 400])[0])
        if sm.start() < title_end:
            # a date the title names ("Accident of 11 April 2017 at Building 7, ..."): its place ends with the
            # title (the title page's date or a blank line follows, then the preface) and serves only where
            # no sentence of the text places the accident
            stop = heading if heading is not None and heading > sm.end() else end
            para = flat.find("  ", sm.end(), end)
            titled = titled or _en_place(flat[sm.end():min(end, stop, para if para >= 0 else end)])
            continue
        place = _en_place(flat[sm.end():end])
        if place:
            return place
        head = masked[max(lo, sm.start() - 400):sm.start()]
        starts = [x.end() for x in re.finditer(r"(?<=[a-z0-9)])\.\s+", head)]
        before.append(flat[sm.start() - len(head) + (starts[-1] if starts else 0):sm.start()])
    # "... at the Korvel parcel hub, Dock Road 4, Vell Industrial Zone, on the afternoon of 19 July 2023"
    place = next((p for b in before if (p := _en_place(b))), None)
    return place or titled or _en_accident_place(flat)


def _en_accident_place(flat: str) -> str | None:
    """The first capitalised place an accident sentence names ("...was crushed ... at a Marrindale building site")."""
    for sent in re.split(r"(?<=[a-z0-9)])\.\s+|  ", _mask_abbr(flat)[:6000]):
        if not _EN_ACCIDENT_WORDS.search(sent):
            continue
        for m in _EN_CAP_PLACE.finditer(sent):
            place = m.group(1).replace("\u2024", ".")
            if _EN_NOT_PLACE.match(place) or _EN_ENT.search(place + " ") or re.search(r"\b(?:Ltd|Inc|LLC|Co)\b", place):
                continue
            return place
    return None


def _en_place(sentence: str) -> str | None:
    """The first place phrase of a sentence: "in Warehouse No. 4 of X Co., Ltd., 88 Y Road, Z District"."""
    j = _EN_JUNCTION.search(sentence)
    for pm in re.finditer(r"\b(?:at|in|on|of) ", sentence):
        if j and j.start() <= pm.start():
            return j.group(1).strip(" ,")
        m = _EN_PREP_PLACE.match(sentence, pm.start())
        if not m:
            continue
        place = m.group(1).strip(" ,")
        place = _EN_AFTER_COMPANY.sub("", place)
        if _EN_PLACE_WORD.search(place) and not _EN_CLAUSE.search(place):
            return place
    return j.group(1).strip(" ,") if j else None


_ZH_LOC_PATS = [re.compile(p) for p in (
    r"位于([^，。]{4,60}?)(?:内的|发生|，)",
    r"在([^，。在]{4,60}?)(?:发生|进行|追尾|倾覆|侧翻|坍塌|作业|施工|突然)",
    r"^([^，。]{4,60}?)(?:发生|一栋|一处|一座)")]
# "东屏省临川市沙河县..." - with the province named, the place starts at the county-level division
_ZH_PROVINCE_CITY = re.compile(r"^[\u4e00-\u9fff]{2,6}?(?:省|自治区)[\u4e00-\u9fff]{2,6}?(?:市|自治州|地区|盟)(?=[\u4e00-\u9fff]{2,6}?(?:县|区|旗|市))")
# "...二车间的2号硝化釜" - the equipment inside the site is not part of the place
_ZH_EQUIPMENT = re.compile(r"的[\dA-Za-z#\-一二三四五六七八九十]+号[\u4e00-\u9fff]{0,6}?(?:釜|罐|炉|塔|槽|器|泵|柜|机|箱|仓|管道?|设备|装置)$")


def _zh_location(flat: str, date: str | None) -> str | None:
    """The place phrase of the accident's own sentence ("3时17分许，位于...发生"); else a "事故地点" field;
    else the place phrase of any sentence opening with the accident date."""
    dated = [_Span(a, b) for a, b, iso, _ in _date_candidates(flat, "zh") if iso == date]
    place = _zh_dated_place(flat, dated, r"[^，。]{0,12}?(?:\d+时(?:\d+分)?|[零一二三四五六七八九十]+时)(?:许|左右|前后)?，?")
    if place:
        return place
    m = re.search(r"(?:事故)?(?:发生)?地点[：:为]?([^，。；\n]{4,60})", flat)
    if m:
        return m.group(1)
    return (_zh_dated_place(flat, dated, r"(?:[^，。]{0,12}?(?:凌晨|上午|下午|中午|晚上|夜间|傍晚|早上)[^，。]{0,6}?)?，?")
            or _zh_news_place(flat))


# news wording: "将军澳一个住宅地盘去年三月九日发生致命工业意外", "彰南县和平乡工业区一间工厂3日凌晨发生火警"
_ZH_NEWS_EVENT = re.compile(r"([^，。；：！？“”]{3,50}?)发生(?:了)?(?:一[宗起场次])?[^，。]{0,12}?"
                            r"(?:事故|意外|火警|火灾|大火|爆炸|爆燃|坍塌|垮塌|透水|冒顶|中毒|窒息|触电|侧翻|翻沉|灾害)")
_ZH_WHEN = re.compile(r"(?:去年|今年|前年|昨日|今日|前日|昨天|今天|本月|上月|当日|当天)|[\d〇零一二三四五六七八九十OolI]{1,4}(?:年|月|日|时|点|分)"
                      r"(?:许|左右)?|凌晨|上午|下午|晚间|晚上|中午|早上|傍晚|夜间|深夜")
_ZH_PLACE_SUFFIX = re.compile(r"(?:[省市县区镇乡村路街号园厂场矿港湾湖河江桥站库楼厦井]|码头|地盘|工地|车间|厂房|街道|大厦|大楼)$")


def _zh_news_place(flat: str) -> str | None:
    """The place a news sentence puts before its "发生...事故/意外/火警" (its time words left out)."""
    for m in _ZH_NEWS_EVENT.finditer(flat[:6000]):
        place = _ZH_WHEN.sub("", m.group(1))
        place = re.sub(r"^(?:.*?(?:于|在|位于))(?=[\u4e00-\u9fff]{3,})", "", place) if re.search(r"于|在", place) else place
        place = place.strip("的 ")
        if len(place) >= 3 and _ZH_PLACE_SUFFIX.search(place) and not re.search(r"事故|意外|公司$", place):
            return _ZH_EQUIPMENT.sub("", _ZH_PROVINCE_CITY.sub("", place))
    return None


def _zh_dated_place(flat: str, dated: list, time_pat: str) -> str | None:
    for m in dated:
        rest = flat[m.end():m.end() + 200]
        t = re.match(time_pat, rest)
        if not t:
            continue
        sentence = rest[t.end():].split("。")[0]
        found = [(lm.start(), i, lm) for i, p in enumerate(_ZH_LOC_PATS) if (lm := p.search(sentence))]
        if found:  # the place phrase nearest the start of the sentence ("位于" first on a tie)
            place = min(found, key=lambda x: x[:2])[2].group(1)
            return _ZH_EQUIPMENT.sub("", _ZH_PROVINCE_CITY.sub("", place))
    return None
