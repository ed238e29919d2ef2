"""Deadlines of rectification measures (nlp/measures.py): a date ("by 31 March 2017", "2017年3月31日前")
as an ISO date; a period ("within 60 days", "一个月内", "年底前") as written, with the date it falls due
counted from the document's date; a condition ("before resuming production", "复产前") as written.
Periods of hours or minutes are standing rules ("verified within 48 hours"), not deadlines."""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from collections.abc import Sequence

from dutytrace.models import Page

_ZH_NUM = "一二三四五六七八九十"


def zh_int(s: str) -> int:
    if s.isdigit():
        return int(s)
    v = {c: i + 1 for i, c in enumerate(_ZH_NUM)}
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + v.get(s[1:], 0)
    if s.endswith("十"):
        return v.get(s[0], 0) * 10
    if "十" in s:
        a, b = s.split("十")
        return v.get(a, 0) * 10 + v.get(b, 0)
    return v.get(s, 0)



_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_EN_NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "thirty": 30, "sixty": 60, "ninety": 90, "a": 1,
           "an": 1}
_EN_DATE = r"(?:(\d{1,2})\s+([A-Z][a-z]+)\s+(\d{4})|([A-Z][a-z]+)\s+(\d{1,2}),?\s+(\d{4}))"
_EN_ABS = re.compile(rf"\b(?i:by|before|no later than|not later than|until|on or before|by the end of)\s+{_EN_DATE}")
# an action table's or a citation's own date column: "Due: 31 May 2026", "Termination due: 04/14/2026",
# "Compliance date: July 20, 2026" (a numeric date read month first when the day says so, else as written)
_EN_DUE = re.compile(rf"\b(?i:(?:termination |completion |target |compliance |abatement )?due(?: date)?|(?:termination|completion|target|compliance|abatement) date|deadline)\s*:\s*"
                     rf"(?:{_EN_DATE}|(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}))")
_EN_END_YEAR = re.compile(r"\bby the end of (?:(\d{4})|(?:the|this) year)\b", re.I)
# "by the end of June 2026": the month's last day
_EN_END_MONTH = re.compile(r"\b(?i:by|before) the end of ([A-Z][a-z]+),?\s+(\d{4})\b")
_EN_REL = re.compile(r"\bwithin\s+(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
                     r"thirty|sixty|ninety|a|an)\s+(?:calendar\s+|working\s+)?(day|week|month|year)s?\b", re.I)
_EN_COND = re.compile(r"\b(?:before (?:resuming|restarting|restart|reopening)(?: (?:production|operations?|work))?|"
                      r"before (?:it|they|the \w+) (?:restarts?|resumes?|reopens?)|not restart \w+ \w+ until)\b", re.I)
_ZH_DATE = r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日|底)?"
_ZH_ABS = re.compile(rf"(?:于|在)?{_ZH_DATE}(?:或?(?:前|之前|以前)|底前)")  # "2026年5月31日或之前" (Hong Kong usage)
# a date of the Republic of China calendar (Taiwan): "民国115年3月31日前" is 2026-03-31
_ZH_ROC = re.compile(r"(?:民国)?(?<!\d)(\d{2,3})年(\d{1,2})月(?:(\d{1,2})日|底)?(?:前|之前|以前|底前)")
_ZH_YEAR_END = re.compile(r"(?:(\d{4})年)?(?:年底|年末)前|(?:(\d{4})年)?年内")
_ZH_REL = re.compile(r"([一两二三四五六七八九十\d]+)(?:个)?(月|日|天|周|个工作日|工作日)内")
# a month (and day) without its year: "12月15日前", "九月底前"; given as written, due in the document's year
# (the next one when that month has passed)
_ZH_MONTH_DAY = re.compile(r"(?<![\d年一二三四五六七八九十〇零])([一二三四五六七八九十]{1,2}|\d{1,2})月(?:(\d{1,2})日|底)(?:前|之前|以前)")
# a quarter: "2026年第二季度", "二〇二六年第二季" (Hong Kong usage), as written; due at the quarter's end
_ZH_QUARTER = re.compile(r"(?:(\d{4}|[〇零一二三四五六七八九]{4})年)?(?:第([一二三四1-4])季度?|([上下])半年)(?:前|之前|内|末|底)?")
# a date written in Chinese numerals: "二〇二六年三月三十一日前"
_ZH_CN_DATE = re.compile(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月(?:([一二三四五六七八九十]{1,3})日|底)?"
                         r"(?:前|之前|以前|底前)")
# a month of the year named relatively: "明年3月底前", "今年九月底前"
_ZH_REL_YEAR_MONTH = re.compile(r"(今年|明年|次年)([一二三四五六七八九十]{1,2}|\d{1,2})月(?:(\d{1,2}|[一二三四五六七八九十]{1,3})日|底)?"
                                r"(?:前|之前|以前)")
# a date a term runs to: "限期至2026年1月20日", "整改期限截至2026年5月31日"
_ZH_UNTIL = re.compile(r"(?:限期|期限)(?:至|截至|为|到)\s*(\d{4})年(\d{1,2})月(\d{1,2})日")
# the end of the document's month: "本月底前", "月底前"
_ZH_MONTH_END = re.compile(r"(?<![\d一二三四五六七八九十])(?:本月|当月)?月?底前")
_ZH_COND = re.compile(r"(?:复产|复工|恢复生产|投入使用|投用|重新开业)(?:前|之前)")


def _cn_year(s: str) -> int:
    """A year in digits or in Chinese numerals written digit by digit ("二〇二六")."""
    if s.isdigit():
        return int(s)
    return int("".join(str("〇一二三四五六七八九".index(c if c != "零" else "〇")) for c in s))


def _iso(y: int, m: int, d: int | None) -> str | None:
    try:
        if d is None:
            d = calendar.monthrange(y, m)[1]
        return _dt.date(y, m, d).isoformat()
    except (ValueError, TypeError):
        return None


def _en_date(g: tuple) -> str | None:
    if g[0]:
        d, mon, y = g[0], g[1], g[2]
    else:
        mon, d, y = g[3], g[4], g[5]
    m = _MONTHS.get(mon.lower())
    return _iso(int(y), m, int(d)) if m else None


def _add(base: _dt.date, n: int, unit: str) -> _dt.date:
    if unit in ("day", "日", "天", "工作日", "个工作日"):
        return base + _dt.timedelta(days=n * (7 / 5 if "工作" in unit else 1))
    if unit in ("week", "周"):
        return base + _dt.timedelta(weeks=n)
    months = n * (12 if unit == "year" else 1)
    y, m = divmod(base.month - 1 + months, 12)
    y, m = base.year + y, m + 1
    return _dt.date(y, m, min(base.day, calendar.monthrange(y, m)[1]))


def deadline_of(text: str, lang: str, base: _dt.date | None = None) -> tuple[str | None, str | None]:
    """(deadline, due): the first deadline the text gives, as an ISO date or as the phrase, and the
    ISO date it falls due (None when it cannot be worked out)."""
    found: list[tuple[int, str, str | None]] = []
    if lang == "en":
        for m in _EN_ABS.finditer(text):
            iso = _en_date(m.groups())
            found.append((m.start(), iso or m.group(0), iso))
        for m in _EN_DUE.finditer(text):
            a, b, y = m.group(7), m.group(8), m.group(9)
            if a:
                mm, dd = (int(a), int(b)) if int(b) > 12 or a == b else (int(b), int(a)) if int(a) > 12 else (0, 0)
                iso = _iso(int(y), mm, dd) if mm else None
            else:
                iso = _en_date(m.groups()[:6])
            found.append((m.start(), iso or m.group(0), iso))
        for m in _EN_END_MONTH.finditer(text):
            month = _MONTHS.get(m.group(1).lower())
            if month:
                iso = _iso(int(m.group(2)), month, None)
                found.append((m.start(), iso or m.group(0), iso))
        for m in _EN_END_YEAR.finditer(text):
            y = int(m.group(1)) if m.group(1) else (base.year if base else None)
            found.append((m.start(), m.group(0), _iso(y, 12, 31) if y else None))
        for m in _EN_REL.finditer(text):
            raw = m.group(1).lower()
            n = int(raw) if raw.isdigit() else _EN_NUM[raw]
            found.append((m.start(), m.group(0), _add(base, n, m.group(2).lower()).isoformat() if base else None))
        cond = _EN_COND
    else:
        for m in _ZH_ABS.finditer(text):
            iso = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
            found.append((m.start(), iso or m.group(0), iso))
        for m in _ZH_UNTIL.finditer(text):
            iso = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            found.append((m.start(), iso or m.group(0), iso))
        for m in _ZH_MONTH_END.finditer(text):
            if m.group(0) in ("底前",):
                continue
            found.append((m.start(), m.group(0), _iso(base.year, base.month, None) if base else None))
        for m in _ZH_ROC.finditer(text):
            iso = _iso(int(m.group(1)) + 1911, int(m.group(2)), int(m.group(3)) if m.group(3) else None)
            found.append((m.start(), iso or m.group(0), iso))
        for m in _ZH_CN_DATE.finditer(text):
            iso = _iso(_cn_year(m.group(1)), zh_int(m.group(2)), zh_int(m.group(3)) if m.group(3) else None)
            found.append((m.start(), iso or m.group(0), iso))
        for m in _ZH_REL_YEAR_MONTH.finditer(text):
            month = zh_int(m.group(2))
            day = zh_int(m.group(3)) if m.group(3) else None
            y = (base.year + (0 if m.group(1) == "今年" else 1)) if base else None
            found.append((m.start(), m.group(0), _iso(y, month, day) if y and 1 <= month <= 12 else None))
        for m in _ZH_QUARTER.finditer(text):
            if not (m.group(1) or m.group(0).endswith(("前", "内", "末", "底"))):
                continue  # "第二季度" alone names a time, not a deadline
            y = _cn_year(m.group(1)) if m.group(1) else (base.year if base else None)
            end_month = zh_int(m.group(2)) * 3 if m.group(2) else (6 if m.group(3) == "上" else 12)
            found.append((m.start(), m.group(0), _iso(y, end_month, None) if y else None))
        for m in _ZH_YEAR_END.finditer(text):
            digits = m.group(1) or m.group(2)
            y = int(digits) if digits else (base.year if base else None)
            found.append((m.start(), m.group(0), _iso(y, 12, 31) if y else None))
        for m in _ZH_MONTH_DAY.finditer(text):
            month, day = zh_int(m.group(1)), int(m.group(2)) if m.group(2) else None
            due = None
            if base and 1 <= month <= 12:
                year = base.year + (1 if month < base.month else 0)
                due = _iso(year, month, day)
            found.append((m.start(), m.group(0), due))
        for m in _ZH_REL.finditer(text):
            n, unit = zh_int(m.group(1).replace("两", "二")), m.group(2)
            due = _add(base, n, {"月": "month"}.get(unit, unit)).isoformat() if base and n else None
            found.append((m.start(), m.group(0), due))
        cond = _ZH_COND
    if found:
        _, deadline, due = min(found, key=lambda f: f[0])
        return deadline, due
    hit = cond.search(text)
    return (hit.group(0), None) if hit else (None, None)


def document_date(pages: Sequence[Page], lang: str) -> _dt.date | None:
    """The date the document bears: the latest date that ends one of the first lines of its first page
    (a title page's date line)."""
    if not pages:
        return None
    head = "\n".join(pages[0].text.splitlines()[:10])
    read: list[str | None] = []
    if lang == "zh":
        read = [_iso(int(y), int(m), int(d))
                for y, m, d in re.findall(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*$", head, re.M)]
    else:
        read = [_en_date(g) for g in re.findall(_EN_DATE + r"\s*$", head, re.M)]
    found = [f for f in read if f]
    return _dt.date.fromisoformat(max(found)) if found else None
