"""Rectification measures read from a report or a decision as items: the measure (one item, cleaned
of its numbering), the body responsible when the text names one, a deadline when one is given, the
source passage and its page.

Where they are: the sections whose heading names them (防范和整改措施, 整改要求, 事故防范措施建议;
"Rectification measures", "Preventive measures", "Recommendations", "Lessons and recommendations",
"Measures to prevent recurrence"; not "Responsibility findings and handling recommendations", which
are about people). A section runs to the next heading of its level (or a signature, an appendix).
A handling section on its own (处理建议, 处理意见, 处理, "Handling Recommendations"; also "4、处理意见。…"
with its text on the heading's line) is mostly sanctions: of its entries, split at semicolons, only the
parts that require something and sanction no one are measures. MSHA root cause tables give one item
per "Corrective Action:" (an action already taken). A text with no such section (a notice, a decision, news,
a township's 情况说明, a press release) gives the requirements stated after a cue: 会议要求， / 通知强调：,
the paragraph that draws the lesson (以案为鉴), 下一步……将, a decision's 责令……, an order's numbered list after
"现责令你单位：" (its addressee the body), "X局要求<party>……" (the party the body), 建议…… and 请各……于……前
clauses that sanction no one, never an appeal (呼吁); a settlement's "must"; an inspector's improvement or
prohibition notice, its "shall" sentences with the notice's remedy date (see _cued_requirements).

How a section becomes items, in this order:
1. numbered lists: （一）… / 一是… / 一要… / 1. … / (1) … / (i) … / 9.1 … / 7.1 … / First, … Second, … /
   Recommendation #1: … / bullets (- • ‧ ●) / "To <body>: …" (CSB, one item per reference number under
   it) — the numbering family with the longest run 1, 2, 3 … wins; the text before the first number
   is a lead-in ("employers should:") that may name the body; an entry that only holds people to
   account (（三）严肃追究责任。……) is none;
2. Chinese paragraphs that each open with a short title sentence (严格动火作业管理。……): one item each;
3. otherwise sentences: each sentence with 要/应/须/必须/严禁/不得 or shall/should/must/is to/are to
   (in a 下一步 section also 将; never a task verb negated or reported done: 没有落实, 已组织开展)
   starts an item, a sentence without one belongs to the item before it; a sentence whose
   semicolon-separated clauses each carry such a word is one item per clause, and a Chinese sentence
   that turns after a comma to another body that must act (……，各地住建部门要……) one item per body;
4. in any case a list after a colon ("The company must, within 60 days: survey …; introduce …;
   and set up …") is one item per entry, each keeping the lead's body and deadline.

The body: the subject before the modal verb of a clause when it names an organisation ("the county
emergency management bureau shall", "各乡镇要", "Employers should"); the agent of a passive ("are to
be surveyed by the natural resources department"); several bodies of one item are all kept
(`bodies`, and `body` joins them with "; "). The deadline: a date ("by 31 March 2017",
"2017年3月31日前") as an ISO date, a period ("within 60 days", "一个月内", "年底前") as written, with
the date it falls due worked out from the document's date (its title page) when there is one.
Bodies are read by nlp/measure_bodies.py, deadlines by nlp/deadlines.py.

General rules (not one per document): a "measures part" is any heading or lead that announces what is to
be done — a measures heading, a part named for its kind of recommendation (司法建议, 检察建议), a notice's
SCHEDULE, a coroner's (matters of) concerns (items only where the report states no actions of its own), a
paragraph ending "employers should:" / "the following recommendations:", an order's or a letter's lead
(责令你单位：, 请贵公司依下列事项限期改善：, 本院建议：, 现要求你在……之前，采取下列措施：); inside it every
enumerated entry (一、 （一） 1. （1） ① (a) 一是 一要 第一 bullets, a finer numbering under a title entry, sub-entries
under "对X：" / "To X:") is an item unless it sanctions, reports a finding or work done, or only asks for a
reply to the document. Outside any part, sentence by sentence: an authority requiring a party (X局要求Y……,
one item per clause that requires again), "recommended that X …, and that Y …", "ordered X to …", a
paragraph's 一要…二要… after a requiring lead, "规定包括：A；B；C". The addressee is resolved: 你单位 / 贵公司 /
you and roles (监理单位, 总承建商) become the party the header or the text names ("X有限公司（你单位）"); in an
English notice or coroner's report an item with no body is the addressee's, and the notice's one remedy
date is the deadline of items that give none."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence

from dutytrace.models import Measure, Page
from dutytrace.nlp.deadlines import deadline_of, document_date, zh_int
from dutytrace.nlp.measure_bodies import _EN_PREP, _EN_THAT, EN_MODAL, _clean_body, bodies, en_party, en_role_to

# -- headings ----------------------------------------------------------------------------------------
_ZH_NUM = "一二三四五六七八九十"
_ZH_TOP = re.compile(rf"^\s*(?:[{_ZH_NUM}]+\s*[、.．]|第[{_ZH_NUM}]+(?:部分|章|节)[、，:：\s]*)")
_ZH_SUB = re.compile(rf"^\s*[（(][{_ZH_NUM}]+[)）]")
# "7. 建议" / "2. 调查结果": chapters numbered with digits (Hong Kong, Macau usage); "7.1 …" is an entry, not a chapter
_ZH_DIGIT_TOP = re.compile(r"^\s*\d{1,2}\s*[、.．]\s*(?=[\u4e00-\u9fff])")
_ZH_MEASURE_HEAD = re.compile(r"(防范|整改|预防|改进|改善|防止|纠正|防灾|防治).{0,8}(措施|要求|建议|意见|对策)|整改要求|防范措施|议定事项|"
                              r"措施建议|教训|^(?:工作|有关|相关|几点|主要|具体|意见)?(?:要求|建议|对策)$|"
                              # a part named for the recommendations of its kind: "司法建议", "检察建议", "监管建议"
                              r"^[\u4e00-\u9fff]{2,4}(?<!处理)(?<!处分)(?:建议|对策)$|^下一?步(?:工作)?(?:打算|计划|措施|安排)?$")
_ZH_NOT_MEASURE = re.compile(r"责任|处理建议|处理意见|处分|处罚|问责")
_EN_TOP = re.compile(r"^\s*(?:(?:Part|Section|Chapter)\s+[\w]+\s*[.:—–-]?\s*|[IVXL]+\.\s*|\d{1,2}\.?\s+(?!\d)|\d{1,2}\s+)"
                     r"(?=[A-Z])")
_EN_MEASURE_HEAD = re.compile(r"(?i)\b(measures?|recommendations?|recommends?|lessons|corrective actions?|preventive actions?|"
                              r"prevention|rectification|suggestions|(?:work|further|following|the) requirements|"
                              r"actions? (?:should|must|to) be taken|actions? required)\b")
_EN_NOT_MEASURE = re.compile(r"(?i)responsib|handling|disciplin|sanction|finding|penalt|accountab|punish")
# a section on how the accident is handled (处理建议, 处理意见, "Handling Recommendations"): mostly sanctions on
# people, but an entry that requires something of a body and sanctions no one is a measure
# also a chapter that joins the handling with the rectification ("五、处理及整改", "三、事故处理意见及整改措施")
_ZH_HANDLING_HEAD = re.compile(r"^(?:对[^，。]{0,12}|事故|有关)?处理(?:建议|意见|情况|结果)?"
                               r"(?:(?:及|和|与|暨|、)(?:整改|防范|下一步)[\u4e00-\u9fff]{0,6})?$")
_EN_HANDLING_HEAD = re.compile(r"(?i)^handling\s+(?:recommendations?|opinions?|suggestions?)$")
_ZH_SANCTION = re.compile(r"处罚|查处|追究|约谈|批评|书面检查|移送|处分|谈话|问责|刑事|拘留|留置|解除|罚款|免职|撤职|警告|诫勉|"
                          r"吊销|开除|撤销|降级|记过|记大过|停职|检讨|已被|司法机关|移交|纪委|监委|负有[^，。；]{0,8}责任|失察|失职")
_EN_SANCTION = re.compile(r"(?i)prosecut|revoke|\bfined?\b|penalt|sanction|warning|demerit|expel|dismiss|detention|"
                          r"judicial|disciplin|admonish|self-examination|criminal|punish|accountable|suspen(?:d|sion) of "
                          r"(?:their|his|her|its) (?:qualification|licen|certificate)|removed from (?:his|her) post|"
                          r"investigated for")
_INLINE_HANDLING = re.compile(rf"^\s*(?:[{_ZH_NUM}]+\s*[、.．]|\d{{1,2}}\s*[、.．]|[（(][{_ZH_NUM}\d]+[)）])\s*"
                              r"(处理(?:建议|意见))\s*[。：:]\s*(?=\S)")
# "四、整改措施。乡交通安全办公室要……": a top-level heading and its text on one line
_INLINE_TOP = re.compile(rf"^\s*[{_ZH_NUM}]+\s*[、.．]\s*([^。：:，,；]{{2,12}})\s*[。：:]\s*(?=\S)")
_END_LINE = re.compile(r"^\s*(?:附件|附：|附:|Appendix|Annex|Attachment)|(?:事故)?调查组\s*$|^\s*\d{4}年\d{1,2}月\d{1,2}日\s*$|"
                       # a signature: an issuing body's name alone on its line (安委会办公室, 人民政府, 纪委 监委)
                       r"^\s*(?:中共)?[\u4e00-\u9fff“”·（）() ]{2,30}(?:办公室|委员会|人民政府|管理局|纪委|监委|人民法院|人民检察院)\s*$|"
                       # an English signature: "Investigation Team for the "10.15" Accident, Xiaoshan District"
                       r"^\s*(?=.{0,100}$)(?:The\s+)?(?:[\w\"“”.'-]+\s+){0,4}?Investigation (?:Team|Group|Panel)\b(?:.*[^.;:\s])?\s*$")


def _heading(line: str, lang: str) -> tuple[int, str] | None:
    """(level, title) of a heading line, or None. Level 1: 一、 / 1. / IX. / Part, Section; 2: （一）;
    0: an unnumbered short title (ALL CAPS in English)."""
    s = line.strip()
    if lang == "zh" and len(s) >= 2 and s[-1] in "：:" and s[-2] not in "：:" and len(s) <= 41:
        h = _heading(s[:-1], lang)  # "四、整改措施：" — a measures title may end in a colon
        return h if h is not None and (_is_measure_title(h[1], lang) or _is_handling_title(h[1], lang)) else None
    if lang == "en" and re.fullmatch(r"(?:[A-Z][\w ]{0,60}\b(?:recommends?|Recommendations?)|Recommendations?)\s*:", s):
        return 0, s[:-1]  # a FACE-style lead line: "Recommendations:", "Wisconsin FACE recommends:"
    if not s or len(s) > (40 if lang == "zh" else 80) or s[-1] in ".;,:。；，：、!?！？)）\"”":
        return None
    if lang == "zh":
        m = _ZH_TOP.match(s)
        if m:
            return 1, s[m.end():]
        m = _ZH_SUB.match(s)
        if m and len(s) <= 24:
            return 2, s[m.end():]
        return (0, s) if len(s) <= 20 and (_ZH_MEASURE_HEAD.search(s) or _ZH_HANDLING_HEAD.search(s)) else None
    m = _EN_TOP.match(s)
    if m and len(s.split()) <= 10:
        return 1, s[m.end():]
    letters = [c for c in s if c.isalpha()]
    if len(letters) >= 4 and all(c.isupper() for c in letters) and len(s.split()) <= 8 and re.search(r"[A-Z]{3,}", s) \
            and not re.fullmatch(r"[\w-]*\d[\w-]*", s):  # a heading, not a reference number ("2024-03-I-GA-R1")
        return 0, s
    # a short title in title case that names measures ("Work Requirements", "Suggestions")
    if len(s.split()) <= 6 and re.fullmatch(r"[A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|of|and|for|to|the|on|a))*", s) \
            and _is_measure_title(s, lang):
        return 0, s
    return None


def _digit_chapter(line: str) -> str | None:
    """The title of a chapter numbered with a digit ("7. 建议"), or None: a short line with no sentence end."""
    s = line.strip()
    m = _ZH_DIGIT_TOP.match(s)
    if not m or len(s) > 24 or s[-1] in "。；，：、！？:;,":
        return None
    return s[m.end():]


def _is_handling_title(title: str, lang: str) -> bool:
    t = title.strip().rstrip(":：")
    return bool((_ZH_HANDLING_HEAD if lang == "zh" else _EN_HANDLING_HEAD).search(t))


# an English part that states what is required though its title does not say "measures": a notice's schedule,
# a coroner's matters of concern, "Steps required"
_EN_PART_HEAD = re.compile(r"(?i)(?:the\s+)?(?:schedule(?:\s+\d+(?:\s+of\s+\d+)?)?(?:\s+to\s+(?:the\s+|this\s+)?"
                           r"(?:improvement\s+|prohibition\s+|enforcement\s+)?notice(?:\s+(?:no\.?\s*)?[\w/-]+)?)?|"
                           r"(?:the\s+)?(?:coroner['’]?s\s+)?(?:matters\s+of\s+)?concerns?|matters\s+of\s+concern|"
                           r"(?:steps|actions?|works?)\s+(?:required|to\s+be\s+taken)|required\s+(?:steps|actions?)|"
                           # an action table's part: "Actions", "Agreed actions", "Action plan" (never "Actions taken")
                           r"(?:agreed\s+|recommended\s+|further\s+|follow[- ]up\s+|outstanding\s+)?actions?(?:\s+plan)?)")


def _is_measure_title(title: str, lang: str) -> bool:
    if lang == "en" and _EN_PART_HEAD.fullmatch(re.sub(r"[\s:.]+$", "", title.strip())):
        return True
    if lang == "zh":
        return bool(_ZH_MEASURE_HEAD.search(title)) and not _ZH_NOT_MEASURE.search(title)
    return bool(_EN_MEASURE_HEAD.search(title)) and not _EN_NOT_MEASURE.search(title) and len(title.split()) <= 8


def _sections(lines: list[tuple[int, str]], lang: str) -> list[tuple[list[tuple[int, str]], str]]:
    """The measure sections: (lists of (page, line), their kind: "measures", "handling" (a handling
    section) or "plans" (下一步工作, where 将 states what is to be done))."""
    out: list[tuple[list[tuple[int, str]], str]] = []
    cur: list[tuple[int, str]] | None = None
    level, handling, by_digit = 0, "measures", False
    for page, line in lines:
        h = _heading(line, lang)
        inline = _INLINE_HANDLING.match(line) if lang == "zh" else None
        top = _INLINE_TOP.match(line) if lang == "zh" and not inline else None
        digit = _digit_chapter(line) if lang == "zh" and h is None else None
        if cur is not None:
            if h is not None and (h[0] <= max(level, 1) or h[0] == 0) or _END_LINE.search(line) or inline or top \
                    or (digit is not None and by_digit):
                out.append((cur, handling))
                cur = None
            else:
                if line.strip() and not re.fullmatch(r"\s*[-—–]?\s*\d{1,3}\s*[-—–]?\s*", line):  # page numbers
                    cur.append((page, line))
                continue
        by_digit = False
        if h is not None and _is_measure_title(h[1], lang):
            cur, level, handling = [], h[0], _kind(h[1])
        elif digit is not None and _is_measure_title(digit, lang):
            cur, level, handling, by_digit = [], 1, _kind(digit), True
        elif h is not None and _is_handling_title(h[1], lang):
            cur, level, handling = [], h[0], "handling"
        elif inline:  # "4、处理意见。建议对……" : the heading and its text on one line
            cur, level, handling = [(page, line[inline.end():])], 1, "handling"
        elif top and _is_measure_title(top.group(1), lang):
            cur, level, handling = [(page, line[top.end():])], 1, _kind(top.group(1))
        elif lang == "en" and h is None and _EN_LEAD_LINE.search(line):
            # a paragraph that ends by announcing what someone must do ("… concluded that employers should:"):
            # the list after it is a measures part, up to the next heading (its entries only: no list, no items)
            cur, level, handling = [(page, line)], 0, "listed"
    if cur is not None:
        out.append((cur, handling))
    return [(s, hd) for s, hd in ((_measure_subsections(s, lang), hd) for s, hd in out) if s]


_EN_LEAD_LINE = re.compile(r"\b(?:should|must|shall|will|needs? to|(?:is|are) (?:advised|required) to|(?:has |have )?agreed to|"
                           r"recommends?(?: that)?|"
                           r"(?:is|are) (?:therefore )?recommended(?: that)?|(?:the )?following recommendations?|"
                           r"recommendations? (?:is|are) (?:as follows|made))\s*:\s*$")


def _kind(title: str) -> str:
    """"plans" (下一步工作: 将 states what is to be done), "concerns" (a coroner's matters of concern: only their
    numbered entries are items, the prose around them states no requirement), or "measures"."""
    if re.search(r"(?i)concern", title):
        return "concerns"
    return "plans" if re.search(r"下一?步|打算|工作计划", title) else "measures"


def _measure_subsections(sec: list[tuple[int, str]], lang: str) -> list[tuple[int, str]]:
    """A chapter that holds sub-headings of its own ("三、事故教训与整改" with "（一）教训" and "（二）整改措施"):
    only the sub-sections whose titles name measures, when some do and others do not."""
    heads = [(i, h[1]) for i, (_, line) in enumerate(sec) for h in [_heading(line, lang)] if h is not None and h[0] == 2]
    named = [i for i, t in heads if _is_measure_title(t, lang) and not re.fullmatch(r"(?:主要|事故)?教训|lessons?(?: learned)?", t, re.I)]
    if not named or len(named) == len(heads):
        return sec
    keep, on = [], False
    for i, item in enumerate(sec):
        if any(i == j for j, _ in heads):
            on = i in named
            continue
        if on:
            keep.append(item)
    return keep


# -- flattening a section ----------------------------------------------------------------------------
def _flatten(sec: list[tuple[int, str]], lang: str) -> tuple[str, list[int], set[int]]:
    """The section as one text, each character's page, and the offsets where a line starts."""
    text, pages, starts = [], [], set()
    n = 0
    for i, (page, line) in enumerate(sec):
        line = line.strip()
        if i:
            prev = text[-1] if text else ""
            sep = "" if lang == "zh" and not (prev[-1:].isascii() and line[:1].isascii() and prev[-1:].isalnum()) else " "
            if lang == "en" and prev.endswith("-") and line[:1].islower():
                text[-1] = prev[:-1]
                n -= 1
                pages.pop()
                sep = ""
            if sep:
                text.append(sep)
                pages.append(page)
                n += 1
        starts.add(n)
        text.append(line)
        pages.extend([page] * len(line))
        n += len(line)
    return "".join(text), pages, starts


# -- numbering families ------------------------------------------------------------------------------
_ORD = {w: i + 1 for i, w in enumerate(("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
                                         "ninth", "tenth"))}


# the label of a row of an action table or of an order: "Action 1 -", "Order 2:", "Direction No. 3."
_EN_ROW_LABEL = r"\b(?:Action|Order|Direction|Requirement|Item)\s*(?:No\.?\s*)?(\d{1,2})\s*(?:[:.]|\s[-–—])"
_BOUNDARY_EN = re.compile(r"(?:^|[.;:!?)\"”’]\s+|\n)$")
_FAMILIES = {
    "zh": [
        ("paren_cn", re.compile(rf"[（(]([{_ZH_NUM}]+)[)）]"), "any"),
        ("shi", re.compile(rf"([{_ZH_NUM}]+)是(?=[^的])"), "zh_shi"),
        ("yao", re.compile(rf"([{_ZH_NUM}])要(?=[^求素点害闻])"), "zh_clause"),  # 一要……；二要……
        ("roman", re.compile(r"[（(](i{1,3}|iv|vi{0,3}|ix|x)[)）]\s*"), "zh_clause"),
        ("di", re.compile(rf"第([{_ZH_NUM}]+)[，,、]"), "zh_clause"),
        ("paren_num", re.compile(r"[（(](\d{1,2})[)）]"), "zh_clause"),
        ("num", re.compile(r"(\d{1,2})[、.．](?!\d)"), "zh_clause"),
        ("circled", re.compile(r"([①②③④⑤⑥⑦⑧⑨⑩⑪⑫])"), "any"),
        ("decimal", re.compile(r"(?<![\d.])\d{1,2}\.(\d{1,2})(?![\d.])\s*"), "zh_clause"),
        ("letter", re.compile(r"[（(]([a-j])[)）]\s*"), "zh_clause"),
        ("top", re.compile(rf"(?<![第{_ZH_NUM}])([{_ZH_NUM}]{{1,2}})[、．.](?=\S)"), "zh_clause"),
    ],
    "en": [
        ("paren_num", re.compile(r"\((\d{1,2})\)\s"), "en"),
        ("decimal", re.compile(r"\b\d{1,2}\.(\d{1,2})\s+(?=[A-Z\"“])"), "en"),
        ("num", re.compile(r"\b(\d{1,2})[.)]\s+(?=[A-Z\"“])"), "en"),
        ("ordinal", re.compile(r"\b(First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth)(?:ly)?\s*,\s*"),
         "en"),
        ("recommendation", re.compile(r"\bRecommendation\s*(?:#|No\.?\s*)?(\d{1,2})\s*[:.]\s*"), "en"),
        # an action table's or an order's labelled rows: "Action 1 - …", "Order 2: …", "Requirement 3. …"
        ("label", re.compile(rf"{_EN_ROW_LABEL}\s*"), "en"),
        ("letter", re.compile(r"\(([a-j])\)\s"), "en"),
        ("roman", re.compile(r"\((i{1,3}|iv|vi{0,3}|ix|x)\)\s"), "en"),
    ],
}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫"
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")


def _value(family: str, raw: str) -> int:
    if family == "ordinal":
        return _ORD[raw.lower()]
    if family == "circled":
        return _CIRCLED.index(raw) + 1
    if family == "letter":
        return ord(raw) - ord("a") + 1
    if family == "roman":
        return _ROMAN.index(raw) + 1
    return zh_int(raw)


def _at_boundary(text: str, pos: int, kind: str, starts: set[int]) -> bool:
    if pos in starts or pos == 0:
        return True
    before = text[max(0, pos - 3):pos]
    if kind == "any":
        return True
    if kind == "zh_clause":
        return bool(re.search(r"[。；;：:！？\s]$", before))
    if kind == "zh_shi":  # "针对暴露的问题，一是……；二是……": 一是 may follow a comma
        return bool(re.search(r"[。；;：:！？，,\s]$", before))
    return bool(_BOUNDARY_EN.search(before))


def _chain(text: str, starts: set[int], lang: str) -> list[tuple[int, int]]:
    """The (start, end of marker) of the longest numbered run 1, 2, 3 … of one family ([] if under 2)."""
    best: list[tuple[int, int]] = []
    best_key = (False, 0)
    for family, rx, kind in _FAMILIES[lang]:
        marks = [(m.start(), m.end(), _value(family, m.group(1))) for m in rx.finditer(text)
                 if _at_boundary(text, m.start(), kind, starts)]
        # a numbering that starts again at 1 is a sub-level ("（一）… 1.… 2.… （二）… 1.…"): in Chinese, a
        # numbering that does not is preferred when it has two entries or more
        restarts = lang == "zh" and sum(v == 1 for _, _, v in marks) > 1
        for i, (s0, e0, v0) in enumerate(marks):
            if v0 != 1:
                continue
            run, want = [(s0, e0)], 2
            for s, e, v in marks[i + 1:]:
                if v == want and s >= run[-1][1]:
                    run.append((s, e))
                    want += 1
            key = (len(run) >= 2 and not restarts, len(run))
            if key > best_key:
                best, best_key = run, key
    return best if len(best) >= 2 else []


def _bullets(text: str, starts: set[int]) -> list[tuple[int, int]]:
    """Lines that start with a bullet (- • · ▪ – *; ‧ ● ◆ ■ and the like in Chinese texts), when there are at
    least two."""
    marks = [(i, i + len(m.group(0))) for i in sorted(starts)
             for m in [re.match(r"[-•·▪–*]\s+|[‧●◆■□○◇►▶✓]\s*", text[i:])] if m]
    return marks if len(marks) >= 2 else []


_TO_BODY = re.compile(r"(?m)^To ([^:\n]{2,120}):\s*")
# a recommendation's reference number alone on its line: "2025-03-I-OH-R1", "R2", "Recommendation 2024-7"
_REF_LINE = re.compile(r"(?m)^\s*(?:Recommendation\s+(?:No\.\s*)?)?(?=[\w-]*\d)[A-Z0-9]+(?:-[A-Z0-9]+)*\s*$\n?")


# -- sentences and modals ----------------------------------------------------------------------------
_EN_MODAL_RX = re.compile(rf"\b{EN_MODAL}\b", re.I)
# the verbs that state a task (建立, 落实 …) require nothing when negated: "验收制度没有落实" is a failing found
_ZH_MODAL_RX = re.compile(r"(?<![主重纲摘概只扼])要(?![求素点害闻])|应当|应(?![急用])|须|必须|严禁|不得|一律|禁止|务必|切实|确保|"
                          r"(?<![未没不无])(?<!没有)(?:建立|开展|加强|督促|落实|推行|完善)")


# an instruction with no subject ("Carry out …", "Clarify …", "Strictly implement …"): the sentence opens
# with a verb in its base form
_EN_IMPERATIVE = re.compile(
    r"\s*(?:(?:Strictly|Further|Comprehensively|Promptly|Immediately|Effectively|Continuously|Resolutely)\s+)?"
    r"(?i:carry|clarify|implement|establish|strengthen|ensure|conduct|improve|require|develop|provide|review|revise|"
    r"train|install|enforce|set|introduce|promote|organi[sz]e|launch|relocate|inspect|check|urge|formulate|step|"
    r"tighten|crack|prohibit|ban|make|put|take|adopt|increase|enhance|standardi[sz]e|upgrade|update|equip|"
    r"designate|assign|appoint|monitor|supervise|audit|evaluate|assess|identify|eliminate|remove|replace|repair|"
    r"maintain|keep|stop|prevent|build|publish|issue|deploy|apply|use|follow|comply|verify|investigate|rectify|"
    r"intensify|expand|draw|focus|raise|restrict|regulate|perfect|define|specify|register|prepare|plan|equip|"
    r"instal|fit|mark|label|secure|guard|fence|ventilate|test|measure|record|report|notify|inform|educate|"
    r"reinforce|consolidate|accelerate|speed|optimi[sz]e|allocate|fund|hire|employ|recruit|certify|license|"
    r"licence|approve)\b(?!\s+(?:of|is|are|was|were|has|have)\b)")


def _has_modal(s: str, lang: str) -> bool:
    if lang == "en" and re.match(r"\s*No\b[^.;]*\bmay\b", s):  # a prohibition: "No permit may be signed ..."
        return True
    if lang == "en" and re.match(r"\s*(?:[-•·▪–*]\s+|\(?\d{1,2}[.)]\s+)?[A-Z]", s) and \
            _EN_IMPERATIVE.match(re.sub(r"^\s*(?:[-•·▪–*]\s+|\(?\d{1,2}[.)]\s+)", "", s)):
        return True
    if lang == "en" and _EN_THAT.match(s):  # a recommendation in the subjunctive: "That the Department review …"
        return True
    if lang == "en" and en_role_to(s):  # an action row: "Site Director to withdraw …"
        return True
    if lang == "zh":
        # a task verb in a clause that reports it done ("县政府已组织开展专项检查") requires nothing
        return any(not re.search(r"已", s[max(s.rfind(p, 0, m.start()) for p in "，,。；;：") + 1:m.start()])
                   or _ZH_STRICT.match(m.group(0)) for m in _ZH_MODAL_RX.finditer(s))
    # "It should be noted that …" states nothing to be done
    return bool(_EN_MODAL_RX.search(re.sub(r"(?i)\bit (?:should|must|shall|will) (?:also )?be (?:noted|pointed out|stressed|"
                                           r"emphasi[sz]ed|mentioned|recalled|remembered|added)\b", "", s)))


def _sentences(text: str, lang: str) -> list[tuple[int, int]]:
    rx = re.compile(r"([。！？])") if lang == "zh" else re.compile(r"([.!?][\"”’)]?)\s+(?=[A-Z\"“(])")
    out, pos = [], 0
    for m in rx.finditer(text):
        end = m.start() + len(m.group(1))
        if lang == "en" and re.search(r"\b(?:No|Art|Nos|e\.g|i\.e|Co|Ltd|Inc|St|Mr|Ms|Dr|para|cf)\.$", text[pos:end]):
            continue
        if end > pos:
            out.append((pos, end))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out


# -- items ---------------------------------------------------------------------------------------------
def _clean(s: str, lang: str) -> str:
    s = s.strip()
    for _ in range(2):  # a leftover number ("10.1 ", "（一）", "First, ") and the lead-in's "and "
        s = re.sub(rf"^(?:[（(][{_ZH_NUM}\da-j]{{1,3}}[)）]|\d{{1,2}}(?:\.\d{{1,2}})?[.、．)]?\s+|\d{{1,2}}[、．.](?!\d)|"
                   rf"[{_ZH_NUM}]+是|[{_ZH_NUM}]要(?=[^求素点害闻])|[（(](?:i{{1,3}}|iv|vi{{0,3}}|ix|x)[)）]|第[{_ZH_NUM}]+[，,、]|[{_ZH_NUM}]{{1,2}}[、．]|[①-⑫]|[•·▪\-–]\s|[‧●◆■□○◇►▶✓]|"
                   r"(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|Finally|Lastly)(?:ly)?\s*,|"
                   r"Recommendation\s*(?:#|No\.?\s*)?\d{1,2}\s*[:.]|"
                   rf"{_EN_ROW_LABEL})\s*", "", s)
        s = re.sub(r"^(?:and|or)\s+", "", s)
    s = re.sub(r"\s+", " " if lang == "en" else "", s) if lang == "zh" else re.sub(r"\s+", " ", s)
    return s.strip(" ;；,，")


def _colon_list(seg: str, lang: str) -> tuple[str, list[str], str] | None:
    """A lead ending in a colon and ≥ 2 entries separated by semicolons: (lead, entries, rest after the
    list's sentence), or None."""
    m = re.search(r"[:：]\s*", seg)
    if not m or not (_has_modal(seg[:m.start()], lang) or lang == "en" and _EN_STRICT.search(seg[:m.start()])):
        return None
    body = seg[m.end():]
    stop = re.search(r"(?<=[.。])\s*(?=[A-Z\"“\u4e00-\u9fff])", body) if lang == "en" else re.search(r"(?<=。)", body)
    lst, rest = (body[:stop.start()], body[stop.end():]) if stop else (body, "")
    parts = [p for p in re.split(r"[;；]\s*", lst) if p.strip()]
    if len(parts) < 2:
        return None
    return seg[:m.start()], parts, rest


def _split_clauses(seg: str, lang: str) -> list[str]:
    """A sentence whose semicolon-separated clauses each carry a modal: one entry per clause. In Chinese,
    also a sentence that turns, after a comma, to another body that must do something ("全省建筑施工企业要
    立即停止……，各地住建部门要在9月底前……"): one entry per body."""
    parts = [p for p in re.split(r"[;；]\s*", seg) if p.strip()]
    if not (len(parts) >= 2 and all(_has_modal(p, lang) for p in parts)):
        parts = [seg]
    if lang != "zh":
        return parts
    out: list[str] = []
    for p in parts:
        cuts = [m.end() for m in re.finditer(r"，", p) if _addressed_clause(p[m.end():])
                and _ZH_STRICT.search(re.sub(rf"^\s*[{_ZH_NUM}]要", "", p[:m.start()]))]  # "一要……" numbers, not requires
        prev = 0
        for c in cuts:
            out.append(p[prev:c])
            prev = c
        out.append(p[prev:])
    return out


# a clause that opens by naming a body that then must do something: "各地住建部门要", "市应急管理局应当";
# the body a jurisdiction's ("各", "全省", "市") or one whose name ends in a kind of organisation
_ZH_ADDRESSED = re.compile(r"(?:(?:各|全)[\u4e00-\u9fff]{1,12}?|(?:省|市|县|区)[\u4e00-\u9fff]{1,12}?"
                           r"(?:局|委|办|部门|政府|中心|大队|支队)|[\u4e00-\u9fff]{1,12}?(?:部门|单位|企业|机构|政府))"
                           r"(?:也|还|亦|均|都)?(?:要(?![求素点])|应当|应(?!急)|须|必须|务必)")


def _addressed_clause(clause: str) -> bool:
    m = _ZH_ADDRESSED.match(clause)
    if not m:
        return False
    named = bodies(clause[:m.end()], "zh")
    return bool(named) and clause.startswith(named[0])


class _Builder:
    def __init__(self, lang: str, base: _dt.date | None, text: str, pages: list[int]):
        self.lang, self.base, self.text, self.pages = lang, base, text, pages
        self.items: list[Measure] = []

    def page_at(self, pos: int) -> int | None:
        return self.pages[min(max(pos, 0), len(self.pages) - 1)] if self.pages else None

    def add(self, raw: str, pos: int, lead_body: list[str] | None = None, lead: str = "",
            passage: str | None = None, own_body: list[str] | None = None) -> None:
        measure = _clean(raw, self.lang)
        if _REPLY.search(measure):  # the sentences that ask for a reply to the document are left out (and their term)
            measure = "".join(measure[a:z] for a, z in _sentences(measure, self.lang)
                              if not _REPLY.search(measure[a:z])).strip()
            raw = measure
        if len(measure) < (6 if self.lang == "zh" else 12) or _accountability_only(measure, self.lang) \
                or self.lang == "en" and (_EN_BOILERPLATE.search(measure) or _EN_TRACKING.match(measure)):
            return
        named = list(own_body) if own_body is not None else bodies(measure, self.lang) or list(lead_body or [])
        if own_body is None and lead_body and re.match(r"会同|联合|配合|协同|(?i:together with|jointly with|in consultation with)\b", measure):
            named = list(dict.fromkeys(list(lead_body) + named))  # "会同区应急管理局……": the lead's body acts with it
        deadline, due = deadline_of(raw, self.lang, self.base)
        if deadline is None and lead:
            deadline, due = deadline_of(lead, self.lang, self.base)
        self.items.append(Measure(measure=measure, body="; ".join(named) or None, bodies=tuple(named),
                                  deadline=deadline, due=due, passage=_clean_passage(passage or raw, self.lang),
                                  page=self.page_at(pos)))

    def item(self, raw: str, pos: int, numbered: bool, lead_body: list[str] | None) -> None:
        """One numbered item or one sentence: split colon lists (and, for sentences, modal clauses)."""
        seg = raw
        cl = _colon_list(seg, self.lang)
        if cl:
            lead, parts, rest = cl
            lead = _clean(lead, self.lang)
            said = re.sub(r"\s+(?:has |have |had )?(?:agreed|(?:was|were) ordered|undertook|undertakes) to\s*$", " shall", lead) \
                if self.lang == "en" else lead  # "the company agreed to:" — the company is the body
            lb = bodies(said + (" shall" if self.lang == "en" and not _EN_MODAL_RX.search(said) else ""),
                        self.lang) or list(lead_body or [])
            for p in parts:
                self.add(p, pos + max(raw.find(p[:20]), 0), lb, lead, passage=raw)
            for s, e in _sentences(rest, self.lang):
                if _has_modal(rest[s:e], self.lang):
                    self.add(rest[s:e], pos + max(raw.find(rest[s:e][:20]), 0), lead_body)
            return
        if numbered:
            self.add(seg, pos, lead_body)
            return
        chain = _chain(seg, set(), "zh") if self.lang == "zh" else []
        if chain:  # "下一步，我镇将做好以下工作：一是……；二是对……实行……": one item per entry, the lead's body kept
            lb = bodies(seg[:chain[0][0]], self.lang) or list(lead_body or [])
            for i, (a, _e) in enumerate(chain):
                self.add(seg[a:chain[i + 1][0] if i + 1 < len(chain) else len(seg)], pos + a, lb, seg[:chain[0][0]],
                         passage=raw)
            return
        for clause in _split_clauses(seg, self.lang):
            self.add(clause, pos + max(raw.find(clause[:20]), 0), lead_body, passage=raw)


# a duty to answer the document itself (report back how it was carried out), not a measure: "请于两个月内将采纳落实
# 情况书面回复本院", "将整改回复单报送我局", "You must send me a response within 56 days"
_REPLY = re.compile(r"书面(?:回复|答复|回函)|(?:回复|答复|函复|回函)(?:本院|本署|我局|本局|本委|我委|我院|我署)|整改回复单|"
                    r"(?:采纳|落实|办理)情况[^。；]{0,12}(?:回复|答复|函告|书面)|"
                    r"(?i:\b(?:send|provide) (?:me|us|the coroner) (?:with )?(?:a|your) (?:written )?response\b|"
                    r"\b(?:respond|reply) to (?:this|the) (?:report|notice|letter|recommendations?)\b)")


# the set words of a coroner's report to prevent future deaths, which require nothing of anyone in particular
_EN_BOILERPLATE = re.compile(r"(?i)\baction should be taken to prevent future deaths\b|\bhave the power to take such action\b|"
                             r"\bunder a duty to respond to this report\b")


# how the actions themselves will be followed ("Actions will be tracked in the action register …"): a note on the
# list, no item of it
_EN_TRACKING = re.compile(r"(?i)\s*(?:(?:these|the|all|such|each of the|open)\s+)?(?:actions?|recommendations?|measures|items?|"
                          r"progress)(?:\s+(?:above|listed|in this report))?\s+(?:will|shall|should|must|are to)\s+(?:be\s+)?"
                          r"(?:tracked|monitored|logged|recorded|followed up|closed(?: out)?|reviewed)\b")


def _accountability_only(measure: str, lang: str) -> bool:
    """An entry of a requirements list that holds people to account and requires nothing of anyone
    ("（三）强化责任追究。对上述事故，省安委会将挂牌督办，依法依规严肃追究有关单位和人员责任。"): a sanction
    announced, not a measure. Its title (the short phrase before the first full stop) names
    accountability and no sentence carries a strict modal."""
    if lang != "zh":
        return False
    title = measure.split("。", 1)[0]
    return len(title) <= 20 and bool(re.search(r"追究|追责|问责", title)) and not _ZH_STRICT.search(measure)


def _clean_passage(s: str, lang: str) -> str:
    s = re.sub(r"\s+", " ", s).strip()
    return s[:800]


def _discussion_cut(s: str) -> str:
    """FACE-style items: the recommendation without its "Discussion:" paragraph."""
    m = re.search(r"\bDiscussion\s*:", s)
    return s[:m.start()] if m else s


def _section_items(sec: list[tuple[int, str]], lang: str, base: _dt.date | None, plans: bool = False,
                   listed_only: bool = False) -> list[Measure]:
    """The items of one section; in a section of plans (下一步工作) a sentence with 将 states what is to be done."""
    text, pages, starts = _flatten(sec, lang)
    b = _Builder(lang, base, text, pages)
    if lang == "en":
        heads = list(_TO_BODY.finditer("\n".join(ln.strip() for _, ln in sec)))
        if len(heads) >= 2:  # CSB: "To <recipient>: <recommendation>"
            joined = "\n".join(ln.strip() for _, ln in sec)
            for i, m in enumerate(heads):
                end = heads[i + 1].start() if i + 1 < len(heads) else len(joined)
                # several recommendations to one recipient, each under its own number on a line of its own
                # ("2025-03-I-OH-R1"): one item each, the number left out
                # or under numbers that open lines ("1. Review …" under "To the Ministry of Labour:", as a jury's
                # verdict lists them)
                for raw in (r for ref in _REF_LINE.split(joined[m.end():end])
                            for r in re.split(r"(?m)^\s*\d{1,2}[.)]\s+(?=[A-Z])", ref)):
                    raw = _discussion_cut(raw)
                    if not raw.strip():
                        continue
                    pos = text.find(raw.strip()[:30].replace("\n", " "))
                    b.item(raw.strip().replace("\n", " "), max(pos, 0), True, [m.group(1).strip()])
            return b.items
    chain = _chain(text, starts, lang) or _bullets(text, starts)
    if chain:
        pre = text[:chain[0][0]].strip()
        lead_body = bodies(pre + (" shall" if lang == "en" and pre.endswith(":") and not _EN_MODAL_RX.search(pre)
                                   else ""), lang) if pre.endswith((":", "：")) else []
        if lang == "en" and pre.endswith(":") and not lead_body:  # "…, FACE investigators concluded that employers should:"
            lead_body = bodies(re.split(r"[.;,]\s+|\bthat\s+", pre)[-1], lang)
        if pre and not pre.endswith((":", "：")) and _has_modal(pre, lang) and not listed_only:
            b.item(pre, 0, False, None)
        tail = _list_end(text, starts, chain[-1], lang)
        if listed_only:  # a part read for its list alone: the list ends at a line that opens after a full stop
            tail = next((st for st in sorted(starts) if chain[-1][1] < st < tail
                         and re.search(r"[.。;；!?！？]\s*$", text[:st])), tail)
        for i, (s, _e) in enumerate(chain):
            end = chain[i + 1][0] if i + 1 < len(chain) else tail
            sub = _sub_entries(text, s, end, starts, lang)
            if sub:  # "1. 对华运物流有限公司：① …… ② ……": one item per sub-entry, the addressee its body
                addressee, parts = sub
                for a, z in parts:
                    b.item(text[a:z], a, True, addressee or lead_body)
                continue
            entry = _discussion_cut(text[s:end])
            b.item(_commentary_cut(entry, s, starts) if lang == "en" else entry, s, True, lead_body)
        for s, e in _sentences(text[tail:], lang) if not listed_only else []:  # requiring sentences after the list
            if _has_modal(text[tail + s:tail + e], lang):
                b.item(text[tail + s:tail + e], tail + s, False, None)
        return b.items
    if listed_only:  # no list: the recommendations written one a line in the subjunctive ("That X review …")
        bounds = sorted(starts) + [len(text)]
        for a, z in zip(bounds, bounds[1:]):
            if lang == "en" and _EN_THAT.match(text[a:z]):
                b.item(text[a:z].strip(), a, True, None)
        return b.items
    bounds = sorted(starts) + [len(text)]
    paras = [(a, z) for a, z in zip(bounds, bounds[1:]) if text[a:z].strip()]
    if lang == "zh" and len(paras) >= 2 and all(re.match(r"\s*[^，,。；;：:]{2,20}。", text[a:z]) for a, z in paras):
        # paragraphs that each open with a short title sentence ("严格特殊作业审批管理。企业动火……必须……"): one
        # item each, as numbered entries would be
        for a, z in paras:
            b.item(text[a:z], a, True, None)
        return b.items
    def wants(sent: str) -> bool:
        return _has_modal(sent, lang) or (plans and lang == "zh" and bool(re.search(r"将(?![近来])", sent))) \
            or (lang == "zh" and (bool(_ZH_IMPERATIVE.match(sent)) or _zh_body_acts(sent)))

    cur: tuple[int, int] | None = None
    spans: list[tuple[int, int]] = []
    for s, e in _sentences(text, lang):
        if lang == "zh" and _ZH_REPORTED.match(text[s:e]) and not _ZH_STRICT.search(text[s:e]):
            if cur is not None:  # "经检查，……运行正常。", "该公司已于4月20日更换了……": a finding or work done, no part
                spans.append(cur)  # of the measure before it
            cur = None
            continue
        if wants(text[s:e]) or cur is None:
            if cur is not None:
                spans.append(cur)
            cur = (s, e)
        else:
            cur = (cur[0], e)
    if cur is not None:
        spans.append(cur)
    for s, e in spans:
        if wants(text[s:e]):
            b.item(text[s:e], s, False, None)
    return b.items


# the number of a sub-entry on a line of its own under an entry that names whom it addresses
_SUB_MARK = re.compile(r"\s*(?:[①-⑫]|[（(](?:\d{1,2}|[a-j]|i{1,3}|iv|vi{0,3})[)）]|\d{1,2}[)）]|[a-j][.)]\s|[-•·▪–*‧●◆■]\s*)")


def _sub_entries(text: str, s: int, end: int, starts: set[int], lang: str) -> tuple[list[str], list[tuple[int, int]]] | None:
    """An entry that opens with whom it addresses and a colon ("1. 对X：", "2. To the county bureau:") and holds
    sub-entries on lines of their own: (the addressee's bodies, the (start, end) of each sub-entry); None
    otherwise."""
    subs = [st for st in sorted(starts) if s < st < end and _SUB_MARK.match(text, st)]
    if not subs:
        # under an entry that is only a short title ("（一）强化建设单位首要责任。"), its numbered lines
        subs = [st for st in sorted(starts) if s < st < end and re.match(r"\s*\d{1,2}\s*[.、．](?!\d)", text[st:])]
        head = _clean(text[s:subs[0]], lang) if len(subs) >= 2 else ""
        if lang != "zh" or not re.fullmatch(r"[^，,。；;：:]{2,24}。?", head):
            return None
        return bodies(head, lang), [(a, subs[i + 1] if i + 1 < len(subs) else end) for i, a in enumerate(subs)]
    head = _clean(text[s:subs[0]], lang)
    if not head.endswith((":", "：")) or len(head) > 80:
        return None
    head = re.sub(r"^(?:对|致|给|针对|(?i:to|for)\s+)", "", head[:-1]).strip()
    named = bodies(head + (" shall" if lang == "en" else "要"), lang)
    return named, [(a, subs[i + 1] if i + 1 < len(subs) else end) for i, a in enumerate(subs)]


def _commentary_cut(entry: str, at: int, starts: set[int]) -> str:
    """An English numbered entry whose first line is a whole recommendation ("1. Employers should install a
    curb … edge.") and whose next lines explain it without requiring anything (a FACE discussion with no
    "Discussion:" label): the entry without the explanation."""
    first = next((st - at for st in sorted(starts) if at < st < at + len(entry)), None)
    if first is None or not re.search(r"[.!?][\"”’)]?\s*$", entry[:first]) or not _has_modal(entry[:first], "en"):
        return entry
    rest = entry[first:]
    sent = rest[:_sentences(rest, "en")[0][1]] if rest.strip() else ""
    return entry if not sent or _has_modal(sent, "en") else entry[:first]


def _list_end(text: str, starts: set[int], last: tuple[int, int], lang: str) -> int:
    """Where the last entry of a numbered or bulleted list ends: at the first line after it that starts a
    sentence of its own (the line before ends one) and requires something with a subject of its own
    ("Electric utilities should …" after the employers' bullets); the end of the text otherwise. A FACE
    entry's discussion is left to _discussion_cut."""
    region = _discussion_cut(text[last[1]:])
    for st in sorted(starts):
        if st <= last[1] or st >= last[1] + len(region):
            continue
        if not re.search(r"[.。;；!?！？]\s*$", text[:st]) or re.match(r"\s*(?:[-•·▪–*]|\(?\d{1,2}[.)、．]|[（(])", text[st:]):
            continue
        if lang == "zh" and re.fullmatch(r"[^，,。；;：:]{2,24}。\s*", text[last[1]:st]):
            continue  # the last entry is only its title ("（三）强化行业监管。"): its text is on the lines after it
        first = _sentences(text[st:], lang)[0]
        sent = text[st:st + first[1]]
        if _has_modal(sent, lang) and (bodies(sent, lang) or lang == "en" and re.match(rf"[A-Z][\w' -]{{1,60}}?\s+{EN_MODAL}\b", sent)):
            return st
    return len(text)


_CORRECTIVE = re.compile(r"\bCorrective Actions?\s*:\s*(.+?)(?=\s*(?:\bRoot Cause\s*:|\n\s*\n|\n\s*[A-Z][A-Z ]{3,}\n|$))",
                         re.S)


def _corrective_actions(pages: Sequence[Page], base: _dt.date | None) -> list[Measure]:
    """MSHA-style root cause tables: the text after each "Corrective Action:" (an action already taken
    by the operator), one item each."""
    out: list[Measure] = []
    for p in pages:
        b = _Builder("en", base, p.text, [p.number] * len(p.text))
        for m in _CORRECTIVE.finditer(p.text):
            action = re.sub(r"\s+", " ", m.group(1))
            # the actor: the subject before the first verb in the past or present ("The operator revised …")
            subj = re.match(r"((?:The|An?|Each|All)\s+[^,;.]{1,60}?)\s+(?:now\s+|also\s+)?[a-z]+(?:ed|es|s)\b(?<!ss)",
                            action)
            b.add(action, m.start(1), bodies(subj.group(1) + " shall", "en") if subj else None)
        out.extend(b.items)
    return out


# the verbs of a task stated with no modal in a handling list or a 整改 entry: "对全乡农用车实行挂牌管理",
# "在全镇推行……制度", "由乡农机站牵头，在各村设立……", "为……加装防护罩"
_ZH_ACTION = re.compile(r"实行|实施|推行|开展|组织|制定|建立|健全|完善|修订|落实|加强|强化|配备|配齐|设置|设立|安装|加装|"
                        r"增设|增加|更换|排查|整治|清理|拆除|关闭|停产整顿|停业整顿|督促|指导|聘请|划定|纳入|列入|"
                        r"牵头|负责(?!人)|责成|要求|进行|培训|核查|复查|抽查|检查|登记|编制|推进|规范")


# a sentence that reports a finding or work already done: "经检查，……", "该公司已于4月20日更换了……"
_ZH_REPORTED = re.compile(r"\s*(?:经(?:检查|调查|核查|查明|核实)|[^，,。；]{0,20}?已(?:经)?(?:于|对|将|完成|组织|开展|更换|整改|"
                          r"落实|安装|配备|拆除|停产|关闭|全部|按|向))")
# a sentence of a measures section that opens with what is to be done, with no modal and no subject:
# "全面清理车间积尘，……", "为除尘器加装泄爆片。", "对全体员工进行……培训。"
_ZH_IMPERATIVE = re.compile(r"\s*(?:(?:在|对|为|由|针对|按照|结合|围绕|向)[^，,。；]{1,30}?[，,]?)?"
                            r"(?:立即|全面|认真|切实|严格|进一步|迅速|及时|尽快|定期|逐一|彻底|重新)?"
                            rf"(?:{_ZH_ACTION.pattern}|进行|开展|清理|组织)(?!发现|时|中|后|的|结果|情况|报告|记录|人员|工作|合格|组|期间|过程|范围|制度[。，]|[。，,])")


def _zh_body_acts(sent: str, future: bool = True) -> bool:
    """A sentence of a measures section that opens with a body and goes straight on to what it is to do, with no
    modal: "县应急管理局将涉粉企业纳入重点执法计划", "某某公司为除尘器加装泄爆片" (never work reported done:
    "某公司已更换……")."""
    named = bodies(sent, "zh")
    if not named or not sent.lstrip().startswith(named[0]) or re.match(r"\s*[^，,。；]{0,20}?(?:已|了)", sent):
        return False
    rest = sent.lstrip()[len(named[0]):]
    if not future and rest.startswith("将"):  # outside a measures part, "X将……" is what X itself will do next
        return False
    bare = re.sub(r"^(?:也|还|将|要|要求)?(?:牵头|负责)?[，,]?", "", rest)  # "县应急管理局牵头组织……"
    return bool(_ZH_IMPERATIVE.match(bare) or re.match(r"将[^，。；]{1,30}?(?:纳入|列入|列为)", rest))


def _zh_bare_action(part: str) -> bool:
    """A part of a handling entry that states a task with no modal: an action verb in a clause that neither
    reports it done (已, 曾) nor finds it missing (未, 没有, 不, 无 just before the verb: "未及时开展")."""
    for m in _ZH_ACTION.finditer(part):
        clause = part[max(part.rfind(c, 0, m.start()) for c in "，,；;：:") + 1:m.start()]
        if not re.search(r"已|曾", clause) and not re.search(r"(?:未|没有|没|不|无)[\u4e00-\u9fff]{0,3}$", clause):
            return True
    return False


def _requirements_only(items: list[Measure], lang: str) -> list[Measure]:
    """Of a handling section's items, the parts that require something and sanction no one: an entry
    is split at its semicolons (and, in Chinese, at "，并"), each part kept when it carries a modal and
    names no sanction."""
    from dataclasses import replace

    sanction = _ZH_SANCTION if lang == "zh" else _EN_SANCTION
    out = []
    for m in items:
        rx = r"[;；。]|，并(?=[对在把将])" if lang == "zh" else r";|(?<=[.!?])\s+(?=[A-Z])"
        parts = [p for p in re.split(rx, m.measure) if p.strip()]
        for p in parts:
            p = _clean(p, lang)
            # a recommendation ("建议县政府出台……") requires something though it has no modal, and so does an
            # entry that states an action with no modal and no subject ("在全乡开展……", "对……实行……")
            wanted = _has_modal(p, lang) or (lang == "zh" and (p.startswith("建议") or _zh_bare_action(p)))
            if not p or sanction.search(p) or not wanted:
                continue
            if len(parts) == 1:
                out.append(m)
            else:
                named = bodies(p, lang)
                out.append(replace(m, measure=p, bodies=tuple(named), body="; ".join(named) or None))
    return out


# -- requirements outside any measures section ---------------------------------------------------------
# notices, news and decisions state what must be done without a heading: after "会议要求，" / "通知强调：",
# in the paragraph that draws the lesson (以案为鉴, 举一反三), in a township's "下一步，我镇将……", in a
# decision's orders (责令你公司……), in a release's settlement terms ("As part of the settlement, the company
# must …"). Only sentences with a strict modal count there (要, 应, 须, 必须, 严禁, 不得; "将" after 下一步;
# must, shall, is required to), never quoted speech.
_ZH_STRICT = re.compile(r"(?<![主重纲摘概只扼需])要(?![求素点害闻])|应当|应(?![急对用该])|须|必须|严禁|不得|务必")
_ZH_CUE_LEAD = re.compile(r"^[^。；：:]{0,20}?(?:要求|强调|提醒|提出(?:如下|以下)?(?:意见|建议|要求)?)[，,：:]\s*")
_ZH_CUE_NEXT = re.compile(r"^\s*(?:下一步|下步|今后)[，,]\s*")
_ZH_CUE_LESSON = re.compile(r"以案为鉴|以案促改|引以为戒|举一反三")
_ZH_ORDER = re.compile(r"^\s*(?:(?:同时|另|并|此外|另外)[，,]?\s*)?责令")
_ZH_QUOTED = re.compile(r"[”\"]\s*[，,]?\s*\S{0,10}(?:说|表示|指出)|^[“\"]")
_EN_CUE = re.compile(r"(?i)\b(?:settlement|consent (?:order|decree|agreement)|agreed to|(?:was|were|is|are) ordered to|"
                     r"court ordered|under the terms)\b")
# a duty only to pay (compensation, costs, a fine): a settlement's or a court's terms, no measure
_EN_PAYS = re.compile(r"(?i)\b(?:agreed|ordered|required|must|shall|will)\s+(?:also\s+)?(?:to\s+)?pay\b(?![^.;]*\band\s+to\b)")
_EN_STRICT = re.compile(r"(?i)\b(?:must|shall|is required to|are required to|will be required to|agreed to)\b")
_EN_QUOTED = re.compile(r"[\"“”]|\b(?:said|says|added)\b")


# a sanction on someone, not a requirement ("陈某某受到政务记过处分", "建议给予……处分", "was fined")
_ZH_SANCTIONED = re.compile(r"给予|受到|处以|移送|立案|被[^，。]{0,6}(?:处分|处罚|拘留|免职|撤职)")


# an inspector's notice (HSE improvement and prohibition notices, abatement orders): its schedule states what
# the recipient shall do; "I hereby require you to remedy … by DATE" gives the deadline of the notice's items
_EN_NOTICE = re.compile(r"(?i)\b(?:improvement|prohibition|enforcement|compliance|abatement|remedial|stop[- ]work)\s+"
                        r"notice\b|\bschedule to (?:the|this) notice\b")
_EN_RECIPIENT = re.compile(r"\b(?:[Nn]otices?|[Oo]rders?|[Dd]irections?)\s+(?:(?:was|were)\s+)?(?:served|issued)\s+"
                           r"(?:on|upon|to)\s+([A-Z][^,;.\n]{2,80})")
_EN_REMEDY = re.compile(r"(?i)\b(?:require|direct|order)s?\s+you\s+to\s+(?:remedy|comply|complete|carry out)\b")
_EN_LABEL = re.compile(r"^\s*(?:Schedule(?: to (?:the|this) notice)?|Requirements?|Action required)\s*:\s*", re.I)
# an order's lead: "依据……规定，现责令你单位：" followed by its numbered requirements
_ZH_ORDER_LEAD = re.compile(r"(?:^|[，,])\s*(?:现|特|并|依法)?责令([^，,。：:；;]{1,16}?)(?:限期|立即)?(?:整改|改正|作如下整改)?[：:]\s*$")
# a line that announces a list of what must be done, with no addressee: "会议议定：", "应改善事项如下：",
# "提出如下要求：", "整改事项："
_ZH_LIST_LEAD = re.compile(r"(?:议定|决定|明确|要求|部署|提出|强调)(?:事项|如下|以下)?(?:事项|要求|意见)?(?:如下)?[：:]\s*$|"
                           r"(?:应|须|限期)?(?:改善|改正|整改|办理)事项(?:如下)?[：:]\s*$")
# one deadline for a whole notice: "请于文到后10日内改善完毕", "应于收到本通知之日起15日内整改"
_ZH_NOTICE_TERM = re.compile(r"(?:请|应|须|限)于?(?:文到|收到本?(?:通知|指令)?)[^，。；]{0,8}?[\d一二三四五六七八九十]+(?:个)?(?:日|天|个工作日|工作日|月)内"
                             r"(?:[^，。；]{0,4})(?:改善|改正|整改)")
_ZH_NUMBERED_LINE = re.compile(rf"^\s*(?:\d{{1,2}}\s*[、.．](?!\d)|[（(][{_ZH_NUM}\d]{{1,3}}[)）]|[{_ZH_NUM}]{{1,2}}是|[①-⑫]|"
                               rf"[{_ZH_NUM}]{{1,2}}\s*[、．.]|第[{_ZH_NUM}]{{1,2}}[，,、]|[{_ZH_NUM}]要(?=[^求素点害闻])|[（(][a-j][)）])")
# a line that announces what the addressee is to do, with its addressee when it names one: "请贵公司依下列事项限期
# 改善：", "本院建议：", "现要求你公司：", "特提出如下建议：" (never a line that announces findings: "发现以下隐患：")
_ZH_ANNOUNCE_LEAD = re.compile(rf"(?:^|[，,。])\s*(?:[{_ZH_NUM}]+\s*[、.．])?\s*(?:现|特|并|依法|本院|本署|我局|本局|本委)?"
                               r"(?:请|建议|要求|责成)([^，,。：:；;]{0,12}?)(?:依|按照?)?(?:下列|以下|如下)?"
                               r"(?:事项|要求|建议|意见|措施)?(?:限期|立即|尽快)?(?:整改|改善|改正|落实|办理|执行)?(?:如下)?[：:]\s*$")


# a sentence that lists what a notice or an order requires: "有关规定包括：", "改善事项如下："
_ZH_REQ_LIST = re.compile(r"(?:规定|要求|措施|条件|事项|项目)(?:包括|如下|为)[：:]\s*")


def _zh_paragraph_list(text: str) -> tuple[list[str], list[tuple[int, int]]] | None:
    """A paragraph that, after a lead that requires something or draws the lesson, lists what is to be done as
    一要…二要… / 一是…二是… / 第一，…第二，… (each entry may run over several sentences): (the lead's bodies,
    the (start, end) of each entry); None otherwise."""
    if len(re.findall(rf"[{_ZH_NUM}](?:要|是)|第[{_ZH_NUM}]+[，,、]", text)) < 2:  # no such list: spare the search
        return None
    chain = _chain(text, {0}, "zh")
    if len(chain) < 2 or not re.match(rf"[{_ZH_NUM}]+(?:要|是)|第[{_ZH_NUM}]+[，,、]", text[chain[0][0]:]):
        return None
    pre = text[:chain[0][0]]
    last = re.split(r"(?<=。)", pre.rstrip())[-2 if pre.rstrip().endswith("。") else -1] if pre.strip() else ""
    if not (_ZH_STRICT.search(last) or _ZH_CUE_LEAD.match(last) or _ZH_CUE_LESSON.search(last) or _ZH_CUE_NEXT.match(last)
            or re.search(r"[：:]\s*$", last)):
        return None
    # a lead that announces what was found ("事故暴露出以下问题：一是……") lists findings, not requirements
    if re.search(r"问题|原因|暴露|存在|发现|不足|隐患|违法|违规|情况|经查|查明", last) and not _ZH_STRICT.search(last) \
            and not _ZH_CUE_LEAD.match(last):
        return None
    entries = [(a, chain[i + 1][0] if i + 1 < len(chain) else len(text)) for i, (a, _e) in enumerate(chain)]
    return bodies(last, "zh")[:1], entries


# "现要求你在2026年5月31日或之前，采取下列措施：": a sentence that requires and ends by announcing a list
_ZH_MEASURES_LEAD = re.compile(r"(?:要求|责令|责成|请)(你|贵[^，,。：:；;]{0,6}|[^，,。：:；;]{0,12}?)(?:在|于)?[^。：:；;]{0,30}?"
                               r"(?:采取|执行|落实|完成|办理)?(?:下列|以下|如下)(?:措施|事项|要求|工作)[：:]\s*$")


def _addressed_parts(sent: str, at: int) -> list[tuple[int, int]]:
    """(start, end) of the parts of sent[at:] cut at each semicolon after which another body must do something
    ("要求各区立即开展……；各燃气经营企业要在6月底前……；市住建局要……")."""
    cuts = [at] + [c.end() for c in re.finditer(r"[；;]", sent) if c.start() > at and _addressed_clause(sent[c.end():])]
    return [(a, cuts[i + 1] if i + 1 < len(cuts) else len(sent)) for i, a in enumerate(cuts)]


def _line_family(text: str) -> str:
    """The kind of number a numbered line opens with: "top" (一、), "cn" (（一）), "num" (1. / （1）), "other"."""
    t = text.lstrip()
    if re.match(rf"[{_ZH_NUM}]{{1,2}}\s*[、．.]", t):
        return "top"
    if re.match(rf"[（(][{_ZH_NUM}]+[)）]", t):
        return "cn"
    if re.match(r"\d{1,2}\s*[、.．]|[（(]\d{1,2}[)）]", t):
        return "num"
    return "other"
# an authority that requires something of a named party in one sentence: "劳工事务局要求涉事工场负责人于五个
# 工作日内提交……"; the party is the body
# (Taiwan usage: "劳检处并责令原事业单位……", "劳检处另要求雇主……")
# ("此外，劳工局亦要求承建商……", "劳工局已即时要求承建商……": a connective before it, adverbs between)
_ZH_ASKED = re.compile(r"^\s*(?:(?:此外|另外|同时|另|又|其后|随后)[，,]\s*)?[^，,。；]{0,24}?"
                       r"(?:局|署|处|部门|委员会|委|办|政府|厅|中心|法院|检察院)"
                       r"(?:同时|还|并|亦|另|再次|进一步|也|已经?|即时|立即|随即|当即|当日|即){0,3}"
                       r"(?:要求|责成|责令)(?=[\u4e00-\u9fff“])(?!的)")
# the same in a later clause of an authority's statement: "劳动检查处表示，已对工地发出停工处分，并已要求承揽商于复工前……"
_ZH_ASKED_CLAUSE = re.compile(r"[，,]\s*(?:并|也|同时|另|还)?(?:已经?)?(?:要求|责成|责令)(?=[\u4e00-\u9fff“])(?!的)")
# an appeal to the public or to employers (呼吁): advice, not a requirement laid on anyone
_ZH_APPEAL = re.compile(r"呼吁|倡议|提醒广大|提醒市民")
# "劳工局提醒，高处作业劳工应……": a reminder to no body in particular is an appeal too (one to a body is not:
# "职安署也提醒，原事业单位应……")
_ZH_REMINDER = re.compile(r"^[^，,。；]{0,16}提醒[，,：:]")
# a reminder to a trade or the public ("劳工局再次提醒建筑业界，承建商必须……"): an appeal, whoever it then names
_ZH_REMIND_TRADE = re.compile(r"^[^，,。；]{0,16}提醒(?:[^，,。；]{0,6}(?:业界|业内|行业|同业|各界|公众|市民|雇主|工友|从业员|"
                              r"从业人员|经营者|企业|广大))[，,：:]")


# an inquest (Hong Kong usage: 死因研讯, 陪审团): the jury's recommendations are written in running text, "并提出多项
# 建议，包括建议A……，以及建议B……", "陪审团又建议C……", "另外，陪审团认为D应……"
_ZH_JURY = re.compile(r"陪审团|死因(?:庭|裁判|研讯)|研讯")
_ZH_OPINION = re.compile(r"^(?:另外|此外|同时|另|又)?[，,]?[^，,。；]{0,10}?(?:认为|指出|指明)[，,]?")


def _recommended(sent: str) -> list[tuple[int, str]]:
    """The recommendations in a sentence: from each 建议 that is followed by the body it addresses to the next
    one (a noun, "提出多项建议", is no start), the joining words at the end left out; never a sanction."""
    starts = []
    for m in re.finditer(r"建议", sent):
        named = bodies(sent[m.end():], "zh")
        if named and re.sub(r"^(?:由|请)", "", sent[m.end():]).startswith(named[0]):
            starts.append(m.start())
    out = []
    for i, a in enumerate(starts):
        clause = sent[a:starts[i + 1] if i + 1 < len(starts) else len(sent)]
        clause = re.sub(r"[，,；;、]?\s*(?:以及|及|和|并|又|亦|还|另外?|同时)?\s*$", "", clause)
        if not _ZH_SANCTION.search(clause):
            out.append((a, clause))
    return out


def _cued_requirements(lines: list[tuple[int, str]], lang: str, base: _dt.date | None) -> list[Measure]:
    """Requirements after a cue, in lines outside any measures section. A cue holds to the end of its
    paragraph, and on into the next paragraphs while each goes on requiring something."""
    from dataclasses import replace

    out: list[Measure] = []
    active = future = jury = False
    ordered: str | None = None  # the addressee ("" if none) of an order whose numbered requirements follow
    list_family: str | None = None  # the numbering of that order's list, once its first entry is read
    notice_from: int | None = None  # where the items of the notice being read begin in `out`
    recipient = next((m.group(1).strip() for _, ln in lines for m in [_EN_RECIPIENT.search(ln)] if m), None) \
        if lang == "en" else None
    addressee = next((m.group(1) for _, ln in lines for m in [re.match(r"\s*受文者\s*[：:]\s*(\S{2,30})\s*$", ln)] if m),
                     None)  # a Taiwan-style notice's recipient
    term = next((deadline_of(m.group(0), lang, base) for _, ln in lines for m in [_ZH_NOTICE_TERM.search(ln)] if m),
                None) if lang == "zh" else None
    for page, line in lines:
        text = line.strip()
        if not text:
            continue
        b = _Builder(lang, base, text, [page] * len(text))
        if lang == "zh" and ordered is not None:
            family = _line_family(text) if _ZH_NUMBERED_LINE.match(text) else None
            # one numbered requirement of an order, with or without a modal; a chapter number (一、) after a list
            # numbered otherwise ends it
            if family and not (family == "top" and list_family not in (None, "top")):
                list_family = list_family or family
                entry = _ZH_NUMBERED_LINE.sub("", text).strip()
                # an entry that sanctions or reports work done is no requirement
                if not _ZH_SANCTIONED.search(entry) and not (_ZH_REPORTED.match(entry) and not _ZH_STRICT.search(entry)) \
                        and not (_ZH_SANCTION.search(entry) and not _ZH_STRICT.search(entry)):
                    # its subject: the body it opens with, else the order's addressee (an agent named further on,
                    # "由具备资质的检验机构重新标定", is not the one ordered)
                    own = bodies(entry, lang)
                    lead = [x for x in [ordered or addressee] if x]
                    named = own if own and entry.startswith(own[0]) or not lead else lead
                    b.add(text, 0, own_body=named)
                    # "改善期限同前款": the term of the entry before
                    if b.items and not b.items[-1].deadline and out and re.search(r"(?:期限|时限)同(?:前|上)", entry):
                        b.items[-1] = replace(b.items[-1], deadline=out[-1].deadline, due=out[-1].due)
                if term and b.items and not b.items[-1].deadline:
                    b.items[-1] = replace(b.items[-1], deadline=term[0], due=term[1])
                out.extend(b.items)
                continue
            ordered, list_family = None, None
        appeal = False
        remedy: tuple[str | None, str | None] | None = None
        listed = _zh_paragraph_list(text) if lang == "zh" and not _ZH_APPEAL.search(text) else None
        if listed:  # "……要以案为鉴。一要提高政治站位。深刻认识……。二要……": one item per entry, each whole
            lead_body, entries = listed
            for a, z in entries:
                entry = text[a:z]
                if not _ZH_SANCTIONED.search(entry) and not (_ZH_REPORTED.match(entry) and not _ZH_STRICT.search(entry)):
                    b.add(entry, a, lead_body=lead_body)
            out.extend(b.items)
            active = True
            continue
        for s, e in _sentences(text, lang):
            sent = text[s:e]
            if lang == "en":
                if _EN_NOTICE.search(sent):
                    notice_from = len(out) + len(b.items) if notice_from is None or s == 0 and len(text) < 80 else notice_from
                    if len(text) < 80 and not _EN_STRICT.search(text):  # the notice's title line
                        break
                if notice_from is not None:
                    if _EN_SANCTION.search(sent) and s == 0:  # a court's fine after the notices: they are over
                        notice_from = None
                        continue
                    if _EN_REMEDY.search(sent):
                        remedy = deadline_of(sent, lang, base)
                        continue
                    if _EN_STRICT.search(sent) and not _EN_QUOTED.search(sent) and not _EN_SANCTION.search(sent):
                        label = _EN_LABEL.match(sent)
                        clause = sent[label.end():] if label else sent
                        subj = re.match(r"\s*(You)\s+(?:shall|must)\b", clause)
                        named = ["You"] if subj else bodies(clause, lang) or ([recipient] if recipient else [])
                        b.add(clause, s + (label.end() if label else 0), own_body=named)
                    continue
                # an authority's own words may stand in quotes (a mayor's statement): "I have directed …"
                if (not _EN_QUOTED.search(sent) or _EN_FIRST_PERSON.search(sent)) and not _EN_SANCTION.search(sent):
                    asked = _en_asked(sent)
                    if asked:  # "It recommended that X require …, and that Y designate …"; "OSHA ordered the company to …"
                        for at, clause, named in asked:
                            b.add(clause, s + at, own_body=named, passage=sent)
                        continue
                cue = bool(_EN_CUE.search(sent))
                active = active or cue
                if active and _EN_STRICT.search(sent) and not _EN_QUOTED.search(sent) and not _EN_SANCTION.search(sent) \
                        and not _EN_PAYS.search(sent):
                    b.item(sent, s, False, None)
                elif active and s == 0 and not cue:  # the cue's own sentence ("Under the terms …, it will pay …") goes on
                    active = False
                continue
            reminder = _ZH_REMINDER.match(sent)
            if reminder and not bodies(sent[reminder.end():], lang):
                continue
            if appeal or _ZH_APPEAL.search(sent) or _ZH_REMIND_TRADE.match(sent):  # an appeal, and the rest of its paragraph
                appeal, active = True, False
                continue
            if _ZH_QUOTED.search(sent):
                continue
            jury = jury or bool(_ZH_JURY.search(sent))
            if jury:  # an inquest's recommendations, and its jury's opinions of what must be done
                recs = _recommended(sent)
                for at, clause in recs:
                    b.add(clause, s + at, passage=sent)
                opinion = _ZH_OPINION.match(sent) if not recs else None
                if opinion and _ZH_STRICT.search(sent[opinion.end():]) and bodies(sent[opinion.end():], lang) \
                        and not _ZH_SANCTIONED.search(sent):
                    b.add(sent[opinion.end():], s + opinion.end(), passage=sent)
                # "陪审团作出以下建议：承建商应……；劳工处应……。": the requirements after the colon
                listed = re.search(r"建议(?:包括|如下)?[：:，,]\s*", sent) if not recs and not opinion else None
                if listed and (_ZH_STRICT.search(sent[listed.end():]) or _zh_bare_action(sent[listed.end():])) \
                        and not _ZH_SANCTIONED.search(sent):
                    b.item(sent[listed.end():], s + listed.end(), False, None)
                if recs or opinion or listed:
                    active = True
                    continue
            req = _ZH_REQ_LIST.search(sent)
            parts = [p for p in re.split(r"[；;]", sent[req.end():]) if p.strip()] if req else []
            if len(parts) >= 2 and not _ZH_SANCTIONED.search(sent):
                # "有关规定包括：委派……；制订……；及为……": one item per entry, the body the one that must comply
                # in the sentences before ("承建商必须在符合通知书内列明的规定后，方可……")
                prev = text[:s]
                lb = [named[0] for cl in re.split(r"[，,。；;]", prev) for named in [bodies(cl, lang)]
                      if named and re.match(re.escape(named[0]) + r"(?:也|亦|均|都)?(?:必须|须|应|要(?!求))", cl)]
                for p in parts:
                    b.add(re.sub(r"^\s*(?:以及|及|和|并)", "", p), s + sent.find(p), lead_body=lb[-1:], passage=sent)
                active = True
                continue
            lead = _ZH_ORDER_LEAD.search(sent)
            if lead:
                ordered, active = lead.group(1).strip(), True
                continue
            if _ZH_LIST_LEAD.search(sent) and e == len(text):  # a list of requirements follows, line by line
                ordered, active = "", True
                continue
            announce = (_ZH_ANNOUNCE_LEAD.search(sent) or _ZH_MEASURES_LEAD.search(sent)) if e == len(text) else None
            if announce:  # "请贵公司依下列事项限期改善：", "本院建议：": the entries that follow, the addressee their body
                named = bodies(announce.group(1), lang) if announce.group(1) else []
                lead_term = deadline_of(sent, lang, base)
                if lead_term[0]:  # "现要求你在2026年5月31日或之前，采取下列措施：" gives the entries' term
                    term = lead_term
                ordered, active = (named[0] if named else announce.group(1) if _DEICTIC.fullmatch(announce.group(1) or "-")
                                   else ""), True
                continue
            if _ZH_ORDER.match(sent) and not _ZH_SANCTION.search(sent.replace("责令", "", 1)):
                if re.fullmatch(r"[^，,。；]{2,30}(?:书|决定|通知|令)", sent.strip()):  # a document's title
                    continue
                b.item(sent, s, True, None)
                continue
            asked = _ZH_ASKED.match(sent)
            party = bodies(sent[asked.end():], lang) if asked else []
            if asked and "责令" in asked.group(0) and not party:  # "劳检处责令限期改善" in a headline: no one named
                asked = None
            if asked and not _ZH_SANCTION.search(sent[asked.end():].split("，")[0]):
                # clauses joined by semicolons that each require something of a party again ("……；同时，劳工局要求
                # 承建商于6月10日前……"): one item each
                cuts = [0] + [c.end() for c in re.finditer(r"[；;]", sent) if _ZH_ASKED.match(sent[c.end():])]
                for i, c in enumerate(cuts):
                    part = sent[c:cuts[i + 1] if i + 1 < len(cuts) else len(sent)]
                    again = _ZH_ASKED.match(part)
                    for j, (a, z) in enumerate(_addressed_parts(part, 0)):  # "……；市住建局要……": its own item
                        b.add(part[a:z], s + c + a, passage=sent if len(cuts) > 1 or a or z < len(part) else None,
                              own_body=(bodies(part[again.end():], lang) if again else party)[:1] if j == 0 else None)
                active = True
                continue
            later = next((c for c in _ZH_ASKED_CLAUSE.finditer(sent) if bodies(sent[c.end():], lang)
                          and re.match(r"[^，,。；]{0,24}?(?:局|署|处|部门|委员会|委|办|政府|厅|中心)", sent)), None)
            if later and not _ZH_SANCTIONED.search(sent[later.end():]):
                at = later.start() + 1
                parts = _addressed_parts(sent, at)
                for i, (a, z) in enumerate(parts):
                    own = bodies(sent[later.end():z], lang)[:1] if i == 0 else None
                    b.add(sent[a:z], s + a, own_body=own, passage=sent)
                active = True
                continue
            m = _ZH_CUE_LEAD.match(sent) or _ZH_CUE_NEXT.match(sent)
            if m:
                active, future = True, bool(_ZH_CUE_NEXT.match(sent))
                sent, s = sent[m.end():], s + m.end()
            elif _ZH_CUE_LESSON.search(sent):
                active = True
            if active and (_ZH_STRICT.search(sent) or (future and "将" in sent) or _zh_body_acts(sent, future=False)) \
                    and not _ZH_SANCTIONED.search(sent):
                b.item(sent, s, False, None)
                continue
            # a recommendation or a request ("建议县住建局……", "请各村于……前……"), clause by clause, never a sanction
            requests = [(c.start(), c.group(0)) for c in re.finditer(r"[^；;]+[；;]?", sent)
                        if re.match(r"\s*(?:建议|请各|请[\u4e00-\u9fff]{1,12}?于)", c.group(0))
                        and not _ZH_SANCTION.search(c.group(0)) and not re.search(r"依法|依规|依纪|追责", c.group(0))]
            for at, clause in requests:
                b.add(clause, s + at, passage=sent)
            if not requests and active and s == 0 and not m:  # a paragraph that requires nothing ends the cue
                active = future = False
        out.extend(b.items)
        if remedy is not None and notice_from is not None and remedy[0]:
            out[notice_from:] = [x if x.deadline else replace(x, deadline=remedy[0], due=remedy[1]) for x in out[notice_from:]]
    return out


# what a body recommends or orders of another, in running text (news of an inquest, a release): "It recommended
# that the Ministry require …, and that employers designate …", "OSHA ordered the company to correct …"
_EN_RECOMMEND_THAT = re.compile(r"\b(?:recommend(?:s|ed|ing)?|urged?|urges|directed|ordered|called for)\s+that\s+")
_EN_ORDERED = re.compile(r"\b(?:ordered|required|directed|instructed)\s+((?:the|its|a|an)\s+[^,;.]{2,60}?|[A-Z][^,;.]{2,60}?)\s+to\s+"
                         r"(?!be\b|pay\b)[a-z]{3,}\b")
# an authority that speaks for itself ("I have directed the Department to inspect …", "I am directing …", "I have
# asked …", "I call on the Council to fund …") or announces what it will require ("MOM will (also) require the
# company to engage …"): the party named is the body; never a request to pay, to answer or to reply
_EN_PARTY = r"((?:the|its|our|a|an|all|each|every)\s+[^,;.]{2,60}?|[A-Z][^,;.]{2,60}?)"
_EN_TASK_VERB = r"(?!(?:be|pay|respond|reply|answer|comment|resign|apologi[sz]e)\b)[a-z]{3,}\b"
_EN_FIRST_PERSON = re.compile(r"\b(?:I|We)\s+(?:(?:have|had|am|are|will|hereby|also|today|now|formally|personally|further|"
                              r"this morning)\s+){0,3}(?:direct(?:ed|ing)?|ask(?:ed|ing)?|instruct(?:ed|ing)?|order(?:ed|ing)?|"
                              r"requir(?:e|ed|ing)|request(?:ed|ing)?|call(?:ed|ing)?\s+(?:on|upon)|urg(?:e|ed|ing)|"
                              rf"task(?:ed|ing)?|commission(?:ed|ing)?)\s+{_EN_PARTY}\s+to\s+{_EN_TASK_VERB}")
_EN_WILL_REQUIRE = re.compile(r"\b(?:will|shall|is to|is going to)\s+(?:also\s+|further\s+|now\s+)?(?:require|direct|order|instruct)\s+"
                              rf"{_EN_PARTY}\s+to\s+{_EN_TASK_VERB}")
# "The Chief Executive Officer of X will be required to account …": the subject is the body
_EN_WILL_BE_REQUIRED = re.compile(r"^\s*(?:\d{1,2}[.)]\s+)?(?:(?:In addition|Further(?:more)?|Also)\s*,\s*)?"
                                  rf"((?:The|All|Each|Every)\s+[^,;]{{2,100}}?|[A-Z][^,;]{{2,100}}?)\s+(?:will|shall)\s+(?:also\s+)?be\s+"
                                  rf"(?:required|directed|ordered)\s+to\s+(?:\w+ly\s+)?{_EN_TASK_VERB}")
_EN_NOT_ASKED = re.compile(r"(?i)\b(?:declined|refused|did not|didn't|decided not|would not|chose not)\b")


def _en_subject_before_verb(clause: str) -> list[str]:
    """The subject of a subjunctive clause ("employers designate …", "the Ministry of Labour require …"): the
    shortest run of its first words that reads as a body and is followed by a word in lower case that is no
    preposition."""
    words = clause.split()
    for k in range(1, min(9, len(words))):
        nxt = words[k]
        if nxt[:1].islower() and nxt.lower() not in _EN_PREP | {"and", "or", "of"}:
            named = _clean_body(" ".join(words[:k]), "en")
            if named:
                return [named]
    return []


def _en_asked(sent: str) -> list[tuple[int, str, list[str]]]:
    """(offset, clause, bodies) of each recommendation or order a sentence reports, [] when it reports none (or
    one declined: "The jury declined to recommend …")."""
    out: list[tuple[int, str, list[str]]] = []
    for rx in (_EN_FIRST_PERSON, _EN_WILL_REQUIRE):
        said = rx.search(sent)
        named = en_party(said.group(1)) if said else None
        if said and named and not _EN_NOT_ASKED.search(sent[:said.start()]):
            # the sentence from the authority's verb (its lead-in "First," left out)
            start = said.start() if rx is _EN_FIRST_PERSON else \
                next((m.start(1) for m in [re.search(r"(?:^|[,;]\s+)((?:[A-Z][\w&.'’-]*\s+){0,6}?[A-Z][\w&.'’-]*\s+(?:will|shall|is)\b)",
                                                      sent[:said.end()])] if m), said.start())
            return [(start, sent[start:], [named])]
    will = _EN_WILL_BE_REQUIRED.match(sent)
    named = en_party(will.group(1)) if will else None
    if will and named:
        return [(will.start(1), sent[will.start(1):], [named])]
    rec = _EN_RECOMMEND_THAT.search(sent)
    if rec and not _EN_NOT_ASKED.search(sent[:rec.start()]):
        rest, at = sent[rec.end():], rec.end()
        for part in re.split(r"(,?\s+and\s+that\s+|;\s*(?:and\s+)?that\s+)", rest):
            if part and not re.fullmatch(r",?\s+and\s+that\s+|;\s*(?:and\s+)?that\s+", part):
                named = bodies("That " + part, "en") or _en_subject_before_verb(part)
                out.append((at, part, named[:1]))
            at += len(part)
        return out
    order = _EN_ORDERED.search(sent)
    if order and not _EN_NOT_ASKED.search(sent[:order.start()]):
        named = _clean_body(order.group(1), "en")
        if named:
            out.append((order.start(1), sent[order.start(1):], [named]))
    return out


# an English entry that holds a person or a firm to account, as translated reports put them under
# "Recommendations": "He is suspected of the crime of …", "It is recommended that she be dealt with …",
# "… is recommended to be given an administrative penalty"
_EN_HELD_TO_ACCOUNT = re.compile(
    r"(?i)\bsuspected of\b|\bcrime of\b|\bcriminal (?:liability|responsibility|compulsory)|\bcompulsory measures\b|"
    r"\b(?:he|she|they|him|her)\s+(?:be|is|was|has been|have been)\s+(?:dealt with|given|fined|punished|held|"
    r"transferred|handed|removed|dismissed|investigated|detained|arrested|expelled|demoted|warned|disciplined|"
    r"prosecuted|criticized|criticised|ordered to make)\b|"
    r"\bbe\s+(?:transferred|handed over|referred)\s+to\s+(?:the\s+)?(?:judicial|public security|procurat|discipline)|"
    r"\bbears?\s+(?:the\s+)?(?:direct|main|primary|major|important|leadership|supervisory|management)\s+"
    r"responsibility\b|"
    r"\b(?:is|are)\s+recommended\s+to\s+be\s+(?:given|fined|punished|dealt with|held|transferred|handed|investigated)\b|"
    r"\b(?:administrative|party|government affairs)\s+(?:penalt|disciplin|sanction|warning|demerit)")
_EN_STRICT_MODAL = re.compile(r"(?i)\b(?:should|shall|must|is required to|are required to|needs? to)\b")


def _holds_to_account(measure: str, lang: str) -> bool:
    """An entry under a measures heading that holds someone to account and requires nothing of anyone."""
    if lang != "en" or _EN_STRICT_MODAL.search(measure):
        return False
    # "Sun X, director of …, to be given a serious warning within the Party": a sanction proposed in a list
    return bool(_EN_HELD_TO_ACCOUNT.search(measure) or re.search(
        r"(?i)\bto be (?:given|dismissed|removed|expelled|demoted|fined|punished|warned|admonished|transferred|"
        r"investigated|held (?:criminally )?(?:liable|responsible|accountable))\b", measure))


def _words(s: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z]{3,}", s.lower())} - {"should", "shall", "must", "the", "and",
                                                                            "that", "for", "with", "will", "not"}


def _repeats(summary: list[Measure], full: list[Measure]) -> bool:
    return _pairing(summary, full) is not None


def _pairing(summary: list[Measure], full: list[Measure]) -> list[int] | None:
    """A list that states again, item by item, another and fuller list (a FACE report's summary
    "Recommendations:" bullets and its "Recommendation #1 …" section): two or more items, each with its own
    counterpart in the other list that has the same bodies, is no shorter, and holds at least half of its
    words (English) or characters (Chinese)."""
    if len(summary) < 2 or len(summary) > len(full):
        return None
    used: list[int] = []
    for a in summary:
        wa = _words(a.measure) if a.measure.isascii() else set(a.measure)
        for j, b in enumerate(full):
            wb = _words(b.measure) if b.measure.isascii() else set(b.measure)
            if j not in used and (not a.bodies or not b.bodies or all(x.lower() in (b.body or "").lower() for x in a.bodies)) and len(a.measure) <= len(b.measure) and wa \
                    and len(wa & wb) / len(wa) >= 0.5:
                used.append(j)
                break
        else:
            return None
    return used


# a body named by the person it is addressed to ("你单位", "贵公司", "you"), and the parties a notice's header
# names ("施工单位：X", "受文者：X", "Name: X"): the body is the party
_DEICTIC = re.compile(r"(?:你|贵)(?:单位|公司|司|厂|方|局|院|处|矿|店|校)?|你们|[Yy]ou")
_ZH_PARTY_LINE = re.compile(r"^\s*([\u4e00-\u9fff]{2,8}|致)\s*[：:]\s*([^\s：:，,。；]{3,40}?(?:公司|局|院|厂|中心|委员会|政府|"
                            r"所|站|队|社|集团|协会|店|矿|场|部|署|处))\s*$")
_ZH_ADDRESSEE_ORG = r"(?:公司|厂|集团|矿|店|合作社|局|委员会|人民政府|政府|办事处|中心|站|所|院|办公室)"
_ZH_ADDRESSEE_LINE = re.compile(r"^\s*([^\s：:，,。；]{3,80}?)\s*[：:]\s*$")
_EN_PARTY_LINE = re.compile(r"^\s*(?:Name|To|Recipient|Company|Operator|Employer|Addressee|Served on)\s*:\s*([A-Z][^:]{2,80}?)"
                            r"\s*$")
# a document that requires something of the party it is addressed to: a notice, an order, a letter
_NOTICE_TITLE = re.compile(r"通知书|指令书|决定书|建议书|整改通知|函\s*$|(?i:\bnotice\b|\border\b|\bletter\b|"
                           r"prevent(?:ion of)? future deaths|regulation 28)")


# a party introduced by its role in the work: "总承建商为恒基亚建筑有限公司", "受雇于分判商骏业棚架工程有限公司",
# "施工单位：X公司"; an item that names the role ("总承建商应……", "分判商骏业棚架应……") is that party's
_ZH_ROLE = r"(?:总|主)?(?:承建商|分判商|承包商|分包商|承包人|承揽商|承办商|施工单位|建设单位|监理单位|发包人|业主|租用人|出租人|雇主)"
_ZH_ROLE_NAME = re.compile(rf"({_ZH_ROLE})(?:为|是|系|：|:)?(?![及和与、或])((?:[\u4e00-\u9fff（）()]){{2,24}}?(?:有限公司|股份公司|集团|公司))")


def _parties(lines: list[tuple[int, str]], lang: str) -> list[tuple[str, str]]:
    """(role, name) of the parties a document's header names, in order, then those its text introduces by
    their role (Chinese)."""
    out = []
    sent_to = False  # "THIS REPORT IS BEING SENT TO:" and its numbered addressees (a coroner's report)
    for _, ln in lines[:40]:
        if lang == "en" and re.search(r"(?i)\bsent to\s*:?\s*$", ln):
            sent_to = True
            continue
        if sent_to:
            m = re.match(r"\s*\d{1,2}[.)]\s+(?:(?:The\s+)?[A-Z][\w ]{0,40}?,\s+)?(.{3,100}?)\s*$", ln)
            if m and not (ln.upper() == ln and re.search(r"[A-Z]{3}", ln)):  # not the next heading ("1 CORONER")
                out.append(("sent to", m.group(1)))
                continue
            sent_to = False
        m = (_ZH_PARTY_LINE if lang == "zh" else _EN_PARTY_LINE).match(ln)
        if m:
            out.append((m.group(1), m.group(2).strip()) if lang == "zh" else ("", m.group(1).strip()))
        elif lang == "zh":  # the addressees alone on their line at the head of a letter or an order: "南川县宏达石材有限公司："
            m = _ZH_ADDRESSEE_LINE.match(ln)
            names = m.group(1).split("、") if m else []
            if names and all(re.search(_ZH_ADDRESSEE_ORG + "$", n) and len(n) >= 3 for n in names):
                out.extend(("受文者", n) for n in names)
    return out


def _role_names(lines: list[tuple[int, str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for _, ln in lines:
        for m in _ZH_ROLE_NAME.finditer(ln):
            found.setdefault(m.group(1), m.group(2))
    return found


def _by_role(body: str, roles: dict[str, str]) -> str:
    """The party a body names by its role: the role alone ("总承建商"), or with the party's short name
    ("分判商骏业棚架" for 骏业棚架工程有限公司)."""
    if body in roles:
        return _named_as(roles[body], body, "zh")
    for role, name in roles.items():
        rest = body[len(role):] if body.startswith(role) else None
        if rest and len(rest) >= 2 and name.startswith(rest):
            return _named_as(name, role, "zh")
    return body


def _named_as(name: str, said: str, lang: str) -> str:
    """The party's name with the words the item names it by: "X有限公司（监理单位）", "Y Ltd (you)"."""
    if said == name:
        return name
    return f"{name}（{said}）" if lang == "zh" else f"{name} ({said})"


def _addressed(items: list[Measure], lines: list[tuple[int, str]], lang: str, base: _dt.date | None = None) -> list[Measure]:
    """Items whose body is the addressee ("你单位", "you") or a role the header names ("监理单位") given the
    party's name; in an English notice, order or coroner's report, an item that names no body is the
    addressee's; a notice's one term ("… remedy … by 30 June 2026") is the deadline of its items that give none."""
    from dataclasses import replace

    parties = _parties(lines, lang)
    roles = _role_names(lines) if lang == "zh" else {}
    if not parties and not roles:
        return items
    roles.update(dict(parties))
    first = parties[0][1] if parties else None
    notice = bool(parties) and any(_NOTICE_TITLE.search(ln) for _, ln in lines[:15])
    addressees = [n for r, n in parties if r == "sent to"] or [first]
    # the notice's one term for all its requirements: "I hereby require you to remedy … by 30 June 2026",
    # "请于文到后10日内改善完毕"
    term = None
    if notice:
        rx = _EN_REMEDY if lang == "en" else _ZH_NOTICE_TERM
        hit = next((ln for _, ln in lines if rx.search(ln)), None)
        term = deadline_of(hit[rx.search(hit).start():], lang, base) if hit else None
    out = []
    for m in items:
        named = [_named_as(first, b, lang) if first and _DEICTIC.fullmatch(b) else _by_role(b, roles) if lang == "zh" else b
                 for b in m.bodies]
        if not named and notice and lang == "en":  # a schedule's steps, a coroner's concerns (Chinese orders name
            named = list(addressees)                # the addressee in their lead: 现责令你单位：)
        elif notice and lang == "zh" and len(parties) == 1:
            # a letter to one body (a procuratorate's or a court's suggestion): an entry that opens with what is to be
            # done is the addressee's, and so is one that acts "together with" another body
            if not named and _ZH_IMPERATIVE.match(m.measure):
                named = [first]
            elif named and re.match(r"会同|联合|配合|协同", m.measure):
                named = [first] + named
        named = list(dict.fromkeys(named))
        m = m if tuple(named) == m.bodies else replace(m, bodies=tuple(named), body="; ".join(named) or None)
        out.append(replace(m, deadline=term[0], due=term[1]) if term and term[0] and not m.deadline else m)
    return out


# a line of an order, a citation or an action table that states one requirement after its label: "Order 1: The
# employer must …", "Action to terminate: The operator shall …", "Action 3 - Site Director to …"
_EN_LABELLED = re.compile(r"^\s*(?:(?:Order|Direction|Requirement|Action)\s*(?:No\.?\s*)?\d{1,3}\s*(?:[:.]|\s[-–—])|"
                          r"(?:Action|Steps?|Measures?)\s+(?:to\s+terminate|to\s+abate|required)\s*:|"
                          r"(?:Abatement|Required|Remedial)\s+actions?\s*:|Corrective\s+actions?\s+required\s*:)\s*")
_EN_DUE_LABEL = re.compile(r"(?i)\s*(?:termination |completion |target |compliance |abatement )?(?:due(?: date)?|date|deadline)\s*:")
_EN_PARTY_MODAL = re.compile(r"(?i)\b(?:shall|must|is required to|are required to|will be required to)\b")


def _labelled_requirements(lines: list[tuple[int, str]], base: _dt.date | None) -> tuple[list[Measure], set[int]]:
    """The labelled requirement lines outside any measures part (English): (their items, the indexes of the lines
    read). The requirement is a party's duty ("The operator shall …", "The employer must …"), an action row's
    ("Site Director to …"), or an instruction; the line's "Due: DATE" its deadline, left out of the item."""
    out: list[Measure] = []
    used: set[int] = set()
    for k, (page, line) in enumerate(lines):
        label = _EN_LABELLED.match(line)
        if not label:
            continue
        rest = line[label.end():].strip()
        kept = "".join(rest[a:z] + " " for a, z in _sentences(rest, "en") if not _EN_DUE_LABEL.match(rest[a:z])).strip()
        first = kept[:_sentences(kept, "en")[0][1]] if kept else ""
        named = bodies(first, "en")
        duty = bool(named) and _EN_PARTY_MODAL.search(first) and first.lower().startswith(named[0].lower())
        if not (duty or en_role_to(first) or _EN_IMPERATIVE.match(first)) or _EN_SANCTION.search(kept) \
                or _REPLY.search(kept):
            continue
        b = _Builder("en", base, line, [page] * len(line))
        b.add(kept, label.end(), lead=rest, passage=line)
        out.extend(b.items)
        used.add(k)
    return out, used


def extract_measures(pages: Sequence[Page], lang: str) -> list[Measure]:
    """The rectification measures of a document (report or decision), in document order: the rules' items,
    combined with the learned item reader's (nlp/measures_learned.py) where DUTYTRACE_MEASURES turns it on
    for the document's language (by default for Chinese)."""
    from dutytrace.nlp import measures_learned

    items = rule_measures(pages, lang)
    if measures_learned.uses_learned(lang):
        return measures_learned.learned_items(items, pages, lang, document_date(pages, lang))
    return items


def rule_measures(pages: Sequence[Page], lang: str) -> list[Measure]:
    """The rules' rectification measures of a document, in document order."""
    lines = [(p.number, ln) for p in pages for ln in p.text.splitlines()]
    base = document_date(pages, lang)
    out: list[Measure] = []
    sections = _sections(lines, lang)
    found: list[list[Measure]] = []
    for sec, kind in sections:
        items = _section_items(sec, lang, base, plans=kind == "plans", listed_only=kind in ("concerns", "listed"))
        items = _requirements_only(items, lang) if kind == "handling" else items
        found.append([m for m in items if not _holds_to_account(m.measure, lang)])
    # a coroner's matters of concern are the items only where the report states no actions of its own ("ACTION
    # SHOULD BE TAKEN … (a) X should …"): then they are the reasons for those actions
    if any(k != "concerns" and f for (_, k), f in zip(sections, found)):
        found = [[] if k == "concerns" else f for (_, k), f in zip(sections, found)]
    from dataclasses import replace

    for i, items in enumerate(found):  # a summary list that another section states again in full is read once
        for j, other in enumerate(found):
            pairs = _pairing(items, other) if j != i else None
            if pairs is not None and not (j > i and _repeats(other, items)):
                # the summary's lead may name whom it addresses ("employers should:"); the full list's items
                # that name no body are theirs
                for a, k in zip(items, pairs):
                    if a.bodies and not other[k].bodies:
                        other[k] = replace(other[k], bodies=a.bodies, body=a.body)
                break
    for i, items in enumerate(found):
        if not any(j != i and _repeats(items, other) and not (j > i and _repeats(other, items))
                   for j, other in enumerate(found)):
            out.extend(items)
    if lang == "en":  # the labelled requirements of an order or an action table outside the measures parts
        inside = {pair for sec, _ in sections for pair in sec}
        labelled, used = _labelled_requirements([(p, ln) if (p, ln) not in inside else (p, "") for p, ln in lines], base)
        out.extend(labelled)
        lines = [(p, "") if k in used else (p, ln) for k, (p, ln) in enumerate(lines)]
    if not sections:  # no measures section: requirements stated where a notice, a decision or news puts them
        out.extend(_cued_requirements(lines, lang, base))
    out = _addressed(out, lines, lang, base)
    if lang == "en":
        out.extend(_corrective_actions(pages, base))
    return out


def in_original_script(measures: list[Measure], original: str) -> list[Measure]:
    """Measures read from the simplified twin of a traditional-script text (dutytrace/script.py), given
    back in the original's characters: the twin has the same length, so each simplified character
    maps to the original character at its place."""
    from dataclasses import replace

    from dutytrace.script import to_simplified

    twin = to_simplified(original)
    chars: dict[str, str] = {}
    for s, o in zip(twin, original):
        if s != o:
            chars.setdefault(s, o)

    def back(x: str | None) -> str | None:
        """The original's characters at the place the string stands in the twin (a text may write 雇 and
        僱 both); character by character where it cannot be found as it is (a cleaned-up item)."""
        if not x:
            return x
        at = twin.find(x)
        if at >= 0:
            return original[at:at + len(x)]
        return "".join(chars.get(c, c) for c in x)
    return [replace(m, measure=back(m.measure), body=back(m.body), bodies=tuple(back(b) for b in m.bodies),
                    deadline=back(m.deadline), passage=back(m.passage)) for m in measures]
