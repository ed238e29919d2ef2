#!/usr/bin/env python3
"""Render the Dutytrace sample archive from its hand-written YAML sources.

    python corpus/render.py                 # validate, render, check, write
    python corpus/render.py --no-verify     # skip the read-back and determinism checks
    python corpus/render.py --corpus DIR    # another corpus folder (DIR/src -> DIR/archive ...)

Sources (see src/FORMAT.md):
    src/<case_id>.yaml         one past case each
    src/new_cases/<name>.yaml  first document of a new case, with `expected` past cases
Outputs:
    archive/<case_id>/         report PDF, transcripts and decisions (PDF/DOCX/TXT), case.yaml
    new_cases/<name>.<ext>     the new-case documents
    gold/cases.jsonl           gold labels per past case (with "split": test|tune when src/splits.yaml exists)
    gold/new_cases.jsonl       expected similar cases per new-case document

Every source is validated before anything is written; a bad source stops the render (exit 1)
with a message naming the file and the field. Output is deterministic: rendering twice gives
byte-identical files (checked in a second process unless --no-verify). Files under archive/ and
new_cases/ that no source produces are removed. Exit status: 0 ok, 1 bad source or failed check.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import yaml

# --------------------------------------------------------------------------------------------
# vocabulary of the format (src/FORMAT.md)

LANGUAGES = ("en", "zh")
INDUSTRIES = ("mining", "construction", "chemicals", "manufacturing", "transport", "gas_supply",
              "warehousing", "power", "municipal", "food", "agriculture", "fishery",
              "shipbuilding", "textile", "logistics", "other")
CLEARANCES = ("open", "internal", "restricted")
ACCIDENT_TYPES = ("fall_from_height", "struck_by_object", "mechanical_injury", "electrocution",
                  "asphyxiation_poisoning", "explosion", "fire", "collapse", "vehicle", "drowning",
                  "other")
TAGS = ("enterprise_primary_responsibility", "inadequate_inspection", "unclear_regulatory_division",
        "formalism_bureaucratism", "dereliction_of_duty", "abuse_of_power_or_corruption",
        "illegal_subcontracting_or_unlicensed", "weak_safety_training_awareness",
        "hazard_not_rectified", "concealment_or_false_reporting", "emergency_response_failure")
LEVELS = ("local_management", "industry_supervision", "comprehensive_supervision", "enterprise",
          "leadership")
GRADES = ("general", "larger", "major", "especially_major")
SANCTIONS = ("warning", "serious_warning", "demerit", "major_demerit", "removal", "dismissal",
             "expulsion_from_party", "transfer_to_judicial_organs", "fine", "other")
DOC_FORMATS = ("pdf", "docx", "txt")
ENCODINGS = ("utf-8", "gbk", "utf-16")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
FILE_RE = re.compile(r'^[^/\\:*?"<>|\s.]([^/\\:*?"<>|\t\n\r]*[^/\\:*?"<>|\s])?\.(pdf|docx|txt)$')  # any script

FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)  # docx core properties; reportlab invariant uses 2000-01-01 too


class SourceError(Exception):
    """A source file does not follow the format."""


# --------------------------------------------------------------------------------------------
# text normalisation

_CJK_RE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def join_lines(text: str, language: str) -> list[str]:
    """A YAML string -> paragraphs: blank lines separate paragraphs, single line breaks are
    soft (a space in English, nothing between two CJK characters)."""
    paras = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        out = lines[0]
        for ln in lines[1:]:
            if language == "zh" and (_CJK_RE.match(out[-1]) or _CJK_RE.match(ln[0])):
                out += ln
            else:
                out += " " + ln
        paras.append(out)
    return paras


def one_line(text: str, language: str) -> str:
    return " ".join(join_lines(text, language)) if language == "en" else "".join(join_lines(text, language))


# --------------------------------------------------------------------------------------------
# validation

@dataclass
class Doc:
    """One document to render."""
    kind: str            # report | transcript | decision
    format: str          # pdf | docx | txt
    file: str            # output file name
    title: str
    encoding: str = "utf-8"
    # report
    issuer: str = ""
    date: str = ""
    short_title: str = ""
    sections: list = field(default_factory=list)       # [(heading, [paragraph])]
    table: dict | None = None                           # {after_section, header, rows}
    # transcript
    header: list = field(default_factory=list)          # [line]
    turns: list = field(default_factory=list)           # [(speaker, utterance)]
    # decision
    paragraphs: list = field(default_factory=list)

    def texts(self) -> list[str]:
        """All running text of the document (for checks)."""
        out = [self.title, self.issuer]
        for heading, paras in self.sections:
            out.append(heading)
            out.extend(paras)
        out.extend(self.header)
        out.extend(u for _, u in self.turns)
        out.extend(self.paragraphs)
        return [t for t in out if t]


@dataclass
class Source:
    path: Path
    name: str            # case id or new-case name
    language: str
    new_case: bool
    meta: dict | None
    docs: list[Doc]
    gold: dict | None = None
    expected: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class V:
    """Small helpers that raise SourceError naming the file and field."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, msg: str):
        raise SourceError(f"{self.path}: {where}: {msg}")

    def mapping(self, obj, where, required=(), optional=()):
        if not isinstance(obj, dict):
            self.fail(where, f"expected a mapping, got {type(obj).__name__}")
        unknown = [k for k in obj if k not in required and k not in optional]
        if unknown:
            self.fail(where, f"unknown key(s) {', '.join(map(str, unknown))} "
                             f"(allowed: {', '.join(list(required) + list(optional))})")
        missing = [k for k in required if k not in obj or obj[k] is None]
        if missing:
            self.fail(where, f"missing required key(s) {', '.join(missing)}")
        return obj

    def string(self, obj, where, allow_empty=False):
        if isinstance(obj, dict):
            self.fail(where, "expected a string, got a mapping (a line like `Time: 09:10` must be quoted)")
        if not isinstance(obj, str):
            self.fail(where, f"expected a string, got {type(obj).__name__} ({obj!r}); quote it")
        if not allow_empty and not obj.strip():
            self.fail(where, "empty string")
        bad = [c for c in obj if unicodedata.category(c) == "Cc" and c not in "\n\t"]
        if bad:
            self.fail(where, f"control character {bad[0]!r} in text")
        if any(ord(c) > 0xFFFF for c in obj):
            self.fail(where, "character outside the Basic Multilingual Plane (cannot be rendered)")
        return obj

    def cell(self, obj, where):
        if isinstance(obj, bool) or obj is None:
            self.fail(where, f"expected text, got {obj!r}")
        if isinstance(obj, (int, float)):
            return str(obj)
        return self.string(obj, where, allow_empty=True)

    def choice(self, obj, where, choices):
        if obj not in choices:
            self.fail(where, f"{obj!r} is not one of: {', '.join(choices)}")
        return obj

    def iso_date(self, obj, where):
        if isinstance(obj, dt.datetime):
            obj = obj.date()
        if isinstance(obj, dt.date):
            return obj.isoformat()
        s = self.string(obj, where)
        try:
            return dt.date.fromisoformat(s.strip()).isoformat()
        except ValueError:
            self.fail(where, f"{s!r} is not an ISO date (YYYY-MM-DD)")

    def str_list(self, obj, where, nonempty=True):
        if not isinstance(obj, list):
            self.fail(where, f"expected a list, got {type(obj).__name__}")
        if nonempty and not obj:
            self.fail(where, "empty list")
        return [self.string(x, f"{where}[{i}]") for i, x in enumerate(obj)]

    def integer(self, obj, where, minimum=0):
        if isinstance(obj, bool) or not isinstance(obj, int):
            self.fail(where, f"expected a whole number, got {obj!r}")
        if obj < minimum:
            self.fail(where, f"must be >= {minimum}, got {obj}")
        return obj

    def number(self, obj, where):
        if isinstance(obj, bool) or not isinstance(obj, (int, float)):
            self.fail(where, f"expected a number, got {obj!r} (write 4120000, not \"4.12 million\")")
        if obj < 0:
            self.fail(where, f"must be >= 0, got {obj}")
        return int(obj) if float(obj).is_integer() else obj


def _paras(v: V, obj, where, language) -> list[str]:
    out = []
    for i, p in enumerate(v.str_list(obj, where)):
        out.extend(join_lines(p, language))
    return out


def _doc_common(v: V, d: dict, where: str, kind: str, new_case: bool) -> tuple[str, str, str]:
    fmt = v.choice(d.get("format"), f"{where}.format", ("pdf",) if kind == "report" else DOC_FORMATS)
    enc = "utf-8"
    if "encoding" in d and d["encoding"] is not None:
        if fmt != "txt":
            v.fail(f"{where}.encoding", f"encoding is only for txt files (this one is {fmt})")
        enc = v.choice(d["encoding"], f"{where}.encoding", ENCODINGS)
    if new_case and d.get("file") is None:
        return fmt, enc, ""
    fname = v.string(d.get("file"), f"{where}.file")
    if not FILE_RE.match(fname):
        v.fail(f"{where}.file", f"{fname!r} is not a plain file name ending in .pdf/.docx/.txt "
                                   "(no folders, no leading dot, none of \\ : * ? \" < > |)")
    if fname.rsplit(".", 1)[1] != fmt:
        v.fail(f"{where}.file", f"{fname!r} does not end in .{fmt} (format: {fmt})")
    return fmt, enc, fname


def parse_report(v: V, r, language, short_title, new_case) -> Doc:
    where = "report"
    v.mapping(r, where, required=("format", "title", "issuer", "date", "sections") + (() if new_case else ("file",)),
              optional=("casualty_table",) + (("file",) if new_case else ()))
    fmt, _, fname = _doc_common(v, r, where, "report", new_case)
    sections = r["sections"]
    if not isinstance(sections, list) or not sections:
        v.fail(f"{where}.sections", "expected a non-empty list of sections")
    secs = []
    for i, s in enumerate(sections):
        w = f"{where}.sections[{i}]"
        v.mapping(s, w, required=("heading", "paragraphs"))
        secs.append((one_line(v.string(s["heading"], f"{w}.heading"), language),
                     _paras(v, s["paragraphs"], f"{w}.paragraphs", language)))
    table = None
    if r.get("casualty_table") is not None:
        w = f"{where}.casualty_table"
        t = v.mapping(r["casualty_table"], w, required=("after_section", "header", "rows"))
        number = v.integer(t["after_section"], f"{w}.after_section", minimum=1)
        # the section *named* by the number in its heading ("4. Casualties", "IV.", "Part Four",
        # "四、"); without such a heading, the number counts sections from 1
        named = [i for i, (h, _) in enumerate(secs, start=1) if heading_number(h) == number]
        if len(named) == 1:
            after = named[0]
        elif len(named) > 1:
            v.fail(f"{w}.after_section", f"{number}: several section headings carry that number")
        elif number <= len(secs):
            after = number
        else:
            v.fail(f"{w}.after_section", f"{number}: no heading is numbered {number} and the report has "
                                         f"{len(secs)} sections")
        header = [v.cell(c, f"{w}.header[{j}]") for j, c in enumerate(t["header"] or [])]
        if not header:
            v.fail(f"{w}.header", "empty header")
        rows = t["rows"]
        if not isinstance(rows, list) or not rows:
            v.fail(f"{w}.rows", "expected a non-empty list of rows")
        out_rows = []
        for k, row in enumerate(rows):
            if not isinstance(row, list):
                v.fail(f"{w}.rows[{k}]", f"expected a list of cells, got {type(row).__name__}")
            if len(row) != len(header):
                v.fail(f"{w}.rows[{k}]", f"{len(row)} cells but the header has {len(header)}")
            out_rows.append([v.cell(c, f"{w}.rows[{k}][{j}]") for j, c in enumerate(row)])
        table = {"after_section": after, "header": header, "rows": out_rows}
    return Doc(kind="report", format=fmt, file=fname,
               title=one_line(v.string(r["title"], f"{where}.title"), language),
               issuer=one_line(v.string(r["issuer"], f"{where}.issuer"), language),
               date=v.iso_date(r["date"], f"{where}.date"), short_title=short_title,
               sections=secs, table=table)


_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen twenty").split()
_ZH_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}


def _roman(s: str) -> int | None:
    vals = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for i, c in enumerate(s):
        v = vals[c]
        total += -v if i + 1 < len(s) and vals[s[i + 1]] > v else v
    return total or None


def _zh_number(s: str) -> int | None:
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_ZH_DIGITS.get(tens, 0) if tens else 1) * 10 + (_ZH_DIGITS.get(ones, 0) if ones else 0)
    return _ZH_DIGITS.get(s) if len(s) == 1 else None


def heading_number(h: str) -> int | None:
    """The number a section heading carries: "4. Casualties", "4 Casualties", "IV. ...",
    "Part Four. ...", "Section 4 ...", "四、..." or "第四章 ..."; None for an unnumbered heading."""
    h = h.strip()
    m = re.match(r"(\d+)(?:[.、．)]|\s|$)(?!\d)", h)
    if m:
        return int(m.group(1))
    m = re.match(r"(?:Part|Chapter|Section)\s+([A-Za-z]+|\d+)\b", h, re.I)
    if m:
        w = m.group(1)
        if w.isdigit():
            return int(w)
        if w.lower() in _WORDS:
            return _WORDS.index(w.lower())
        return _roman(w) if re.fullmatch(r"[IVXLC]+", w) else None
    m = re.match(r"([IVXLC]+)(?:[.)]|\s)", h)
    if m:
        return _roman(m.group(1))
    m = re.match(r"第?([〇一二三四五六七八九十]+)(?:[、．.]|[章部节]|\s)", h)
    if m:
        return _zh_number(m.group(1))
    return None


def parse_transcript(v: V, t, where, language, new_case) -> Doc:
    v.mapping(t, where, required=("format", "title", "turns") + (() if new_case else ("file",)),
              optional=("encoding", "header") + (("file",) if new_case else ()))
    fmt, enc, fname = _doc_common(v, t, where, "transcript", new_case)
    header = [one_line(x, language) for x in v.str_list(t.get("header") or [], f"{where}.header", nonempty=False)]
    turns = t["turns"]
    if not isinstance(turns, list) or not turns:
        v.fail(f"{where}.turns", "expected a non-empty list of [speaker, utterance]")
    out = []
    for i, turn in enumerate(turns):
        w = f"{where}.turns[{i}]"
        if isinstance(turn, dict) and len(turn) == 1:
            v.fail(w, "got a mapping (`Q: ...`); write [\"Q\", \"...\"]")
        if not isinstance(turn, list) or len(turn) != 2:
            v.fail(w, f"expected [speaker, utterance], got {turn!r}"[:200])
        out.append((one_line(v.string(turn[0], f"{w}[0]"), language),
                    one_line(v.string(turn[1], f"{w}[1]"), language)))
    return Doc(kind="transcript", format=fmt, file=fname, encoding=enc,
               title=one_line(v.string(t["title"], f"{where}.title"), language), header=header, turns=out)


def parse_decision(v: V, d, where, language) -> Doc:
    v.mapping(d, where, required=("format", "file", "title", "paragraphs"), optional=("encoding",))
    fmt, enc, fname = _doc_common(v, d, where, "decision", False)
    return Doc(kind="decision", format=fmt, file=fname, encoding=enc,
               title=one_line(v.string(d["title"], f"{where}.title"), language),
               paragraphs=_paras(v, d["paragraphs"], f"{where}.paragraphs", language))


def _distinct_choices(v: V, items, where: str, allowed, what: str) -> list:
    """A non-empty list of distinct values, each one of `allowed`."""
    if not isinstance(items, list) or not items:
        v.fail(where, "expected a non-empty list")
    for i, x in enumerate(items):
        v.choice(x, f"{where}[{i}]", allowed)
    if len(set(items)) != len(items):
        v.fail(where, f"duplicate {what}")
    return items


def parse_gold(v: V, g, language) -> dict:
    v.mapping(g, "gold", required=("accident_type", "tags", "responsibility_levels", "facts", "accountability"))
    at = v.choice(g["accident_type"], "gold.accident_type", ACCIDENT_TYPES)
    tags = _distinct_choices(v, g["tags"], "gold.tags", TAGS, "tag")
    levels = _distinct_choices(v, g["responsibility_levels"], "gold.responsibility_levels", LEVELS, "level")
    f = v.mapping(g["facts"], "gold.facts",
                  required=("date", "location", "enterprise", "fatalities", "injuries", "direct_loss", "grade"))
    facts = {
        "date": v.iso_date(f["date"], "gold.facts.date"),
        "location": one_line(v.string(f["location"], "gold.facts.location"), language),
        "enterprise": one_line(v.string(f["enterprise"], "gold.facts.enterprise"), language),
        "fatalities": v.integer(f["fatalities"], "gold.facts.fatalities"),
        "injuries": v.integer(f["injuries"], "gold.facts.injuries"),
        "direct_loss": v.number(f["direct_loss"], "gold.facts.direct_loss"),
        "grade": v.choice(f["grade"], "gold.facts.grade", GRADES),
    }
    acc = g["accountability"]
    if not isinstance(acc, list):
        v.fail("gold.accountability", "expected a list")
    accountability = []
    for i, a in enumerate(acc):
        w = f"gold.accountability[{i}]"
        v.mapping(a, w, required=("person", "role", "organisation", "level", "sanction"))
        accountability.append({
            "person": one_line(v.string(a["person"], f"{w}.person"), language),
            "role": one_line(v.string(a["role"], f"{w}.role"), language),
            "organisation": one_line(v.string(a["organisation"], f"{w}.organisation"), language),
            "level": v.choice(a["level"], f"{w}.level", LEVELS),
            "sanction": v.choice(a["sanction"], f"{w}.sanction", SANCTIONS),
        })
    return {"accident_type": at, "tags": list(tags), "responsibility_levels": list(levels),
            "facts": facts, "accountability": accountability}


def load_yaml(path: Path):
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as e:
        raise SourceError(f"{path}: not UTF-8 text ({e})")
    except yaml.YAMLError as e:
        raise SourceError(f"{path}: YAML syntax error: {e}")
    return data


def is_case_source(path: Path) -> bool:
    """A YAML file in src/ is a case unless it has neither `id` nor `report` (e.g. splits.yaml)."""
    data = load_yaml(path)
    return not (isinstance(data, dict) and "id" not in data and "report" not in data)


def parse_case(path: Path) -> Source:
    v = V(path)
    data = load_yaml(path)
    v.mapping(data, "top level", required=("id", "language", "meta", "report", "transcripts", "gold"),
              optional=("decisions",))
    cid = v.string(data["id"], "id")
    if not isinstance(data["id"], str) or cid != path.stem:
        v.fail("id", f"{cid!r} must equal the file name {path.stem!r}")
    if not NAME_RE.match(cid):
        v.fail("id", f"{cid!r}: use letters, digits, - and _ only")
    lang = v.choice(data["language"], "language", LANGUAGES)
    m = v.mapping(data["meta"], "meta", required=("title", "region", "industry", "clearance"))
    meta = {"title": one_line(v.string(m["title"], "meta.title"), lang),
            "region": one_line(v.string(m["region"], "meta.region"), lang),
            "industry": v.choice(m["industry"], "meta.industry", INDUSTRIES),
            "clearance": v.choice(m["clearance"], "meta.clearance", CLEARANCES)}
    docs = [parse_report(v, data["report"], lang, meta["title"], False)]
    tr = data["transcripts"]
    if not isinstance(tr, list) or not 1 <= len(tr) <= 4:
        v.fail("transcripts", "expected a list of one to four transcripts")
    docs += [parse_transcript(v, t, f"transcripts[{i}]", lang, False) for i, t in enumerate(tr)]
    dec = data.get("decisions") or []
    if not isinstance(dec, list):
        v.fail("decisions", "expected a list")
    docs += [parse_decision(v, d, f"decisions[{i}]", lang) for i, d in enumerate(dec)]
    seen = {}
    for d in docs:
        if d.file in seen or d.file == "case.yaml":
            v.fail(f"{d.kind}.file", f"file name {d.file!r} used twice in the case")
        seen[d.file] = d
    src = Source(path=path, name=cid, language=lang, new_case=False, meta=meta, docs=docs,
                 gold=parse_gold(v, data["gold"], lang))
    check_encodable(v, src)
    return src


def parse_new_case(path: Path) -> Source:
    v = V(path)
    data = load_yaml(path)
    v.mapping(data, "top level", required=("language", "expected"),
              optional=("id", "name", "meta", "report", "transcripts", "transcript"))
    name = path.stem
    if not NAME_RE.match(name):
        v.fail("file name", f"{name!r}: use letters, digits, - and _ only")
    for key in ("id", "name"):
        if data.get(key) is not None and data[key] != name:
            v.fail(key, f"{data[key]!r} must equal the file name {name!r}")
    lang = v.choice(data["language"], "language", LANGUAGES)
    present = [k for k in ("report", "transcripts", "transcript") if data.get(k) is not None]
    if len(present) != 1:
        v.fail("top level", "a new case has exactly one document: `report` or a single transcript")
    if present[0] == "report":
        doc = parse_report(v, data["report"], lang, name, True)
    else:
        t = data[present[0]]
        if present[0] == "transcripts":
            if not isinstance(t, list) or len(t) != 1:
                v.fail("transcripts", "a new case has a single transcript")
            t = t[0]
        doc = parse_transcript(v, t, present[0], lang, True)
    doc.file = f"{name}.{doc.format}"
    meta = None
    if data.get("meta") is not None:
        m = v.mapping(data["meta"], "meta", optional=("title", "region", "industry", "clearance"))
        meta = dict(m)
    if meta and meta.get("title"):
        doc.short_title = one_line(v.string(meta["title"], "meta.title"), lang)
    exp = data["expected"]
    if not isinstance(exp, list) or not exp:
        v.fail("expected", "expected a non-empty list of past case ids, best first")
    for i, e in enumerate(exp):
        v.string(e, f"expected[{i}]")
        if not NAME_RE.match(e):
            v.fail(f"expected[{i}]", f"{e!r} is not a case id")
    if len(set(exp)) != len(exp):
        v.fail("expected", "duplicate case id")
    src = Source(path=path, name=name, language=lang, new_case=True, meta=meta, docs=[doc], expected=list(exp))
    check_encodable(v, src)
    return src


def check_encodable(v: V, src: Source):
    for d in src.docs:
        if d.format != "txt" or d.encoding != "gbk":
            continue
        for text in d.texts() + [s for s, _ in d.turns]:
            for c in text:
                try:
                    c.encode("gbk")
                except UnicodeEncodeError:
                    v.fail(d.file, f"character {c!r} (U+{ord(c):04X}) cannot be written in GBK: "
                                   f"...{text[max(0, text.index(c) - 20):text.index(c) + 5]}...")


def consistency_warnings(src: Source) -> list[str]:
    """Non-fatal checks of the gold against the texts."""
    out = []
    g = src.gold
    if not g:
        return out
    f = g["facts"]
    report = src.docs[0]
    report_text = squash(" ".join(report.texts()))
    if report.table:
        report_text += squash(" ".join(c for row in report.table["rows"] for c in row))
    all_text = report_text + squash(" ".join(t for d in src.docs[1:] for t in d.texts()))
    for key in ("location", "enterprise"):
        if squash(f[key]) not in report_text:
            out.append(f"gold.facts.{key} {f[key]!r} is not written as such in the report")
    if f["date"][:4] not in report_text and f["date"] not in report_text:
        out.append(f"gold.facts.date {f['date']}: the year does not appear in the report")
    if report.date < f["date"]:
        out.append(f"report.date {report.date} is before the accident date {f['date']}")
    by_deaths = ("general" if f["fatalities"] < 3 else "larger" if f["fatalities"] < 10
                 else "major" if f["fatalities"] < 30 else "especially_major")
    if GRADES.index(f["grade"]) < GRADES.index(by_deaths):
        out.append(f"gold.facts.grade {f['grade']!r} but {f['fatalities']} deaths make it at least {by_deaths!r}")
    loss = f["direct_loss"]
    by_loss = ("general" if loss < 10_000_000 else "larger" if loss < 50_000_000
               else "major" if loss < 100_000_000 else "especially_major")
    if GRADES.index(f["grade"]) < GRADES.index(by_loss) and "GBP" not in report_text and "USD" not in report_text:
        out.append(f"gold.facts.grade {f['grade']!r} but a direct loss of {loss:,} (CNY) makes it at least {by_loss!r}")
    for i, a in enumerate(g["accountability"]):
        if squash(a["person"]) not in all_text:
            out.append(f"gold.accountability[{i}].person {a['person']!r} does not appear in the documents")
        if a["level"] not in g["responsibility_levels"]:
            out.append(f"gold.accountability[{i}].level {a['level']!r} is not in gold.responsibility_levels")
    return out


def squash(s: str) -> str:
    """Text without whitespace, with the substitutions the PDF fonts make (for comparisons)."""
    s = s.translate(_READBACK)
    return re.sub(r"\s+", "", s)


# --------------------------------------------------------------------------------------------
# fonts and inline markup

_FONTS_READY = False
SONG = "STSong-Light"
_SUB = {chr(0x2080 + i): str(i) for i in range(10)}
_SUP = {"\u2070": "0", "\u00b9": "1", "\u2074": "4", "\u2075": "5", "\u2076": "6", "\u2077": "7",
        "\u2078": "8", "\u2079": "9"}
# what pdfplumber reads back for characters that are drawn differently
_READBACK = str.maketrans({**_SUB, **_SUP, "\u2022": "\u00b7", "\u30fb": "\u00b7", "\u3000": " ", "\u00a0": " "})
# Latin-1 characters that STSong-Light renders and reads back (the rest are lost)
_SONG_LATIN1 = set("¤§¨°±×÷àáèéêìíòóùúü")


def setup_fonts():
    global _FONTS_READY
    if _FONTS_READY:
        return
    from reportlab import rl_config
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    rl_config.invariant = 1
    pdfmetrics.registerFont(UnicodeCIDFont(SONG))
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(SONG, bold, italic, SONG)
    _FONTS_READY = True


def latin_ok(c: str) -> bool:
    """Rendered and read back with the standard Type 1 fonts (WinAnsi)."""
    if c == "\u2022":
        return False
    try:
        c.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return False


def song_ok(c: str) -> bool:
    """Rendered and read back with STSong-Light (measured with pdfplumber)."""
    o = ord(c)
    if o < 0x80:
        return True
    if o <= 0xFF:
        return c in _SONG_LATIN1
    if c == "\u30fb":
        return True
    if c in "ńňɑɡ" or 0xFE30 <= o <= 0xFE4F:
        return False
    try:
        c.encode("gbk")
        return True
    except UnicodeEncodeError:
        return False


def markup(text: str, language: str, unrenderable: set | None = None) -> str:
    """Plain text -> reportlab Paragraph markup with per-run font fallback."""
    primary_ok, other_ok = (song_ok, latin_ok) if language == "zh" else (latin_ok, song_ok)
    other_font = "Times-Roman" if language == "zh" else SONG
    out, run, run_other = [], [], False

    def flush():
        if run:
            s = xml_escape("".join(run))
            out.append(f'<font name="{other_font}">{s}</font>' if run_other else s)
            run.clear()

    for c in text:
        if c == "\u00b7" and language == "zh":
            c = "\u30fb"  # STSong loses U+00B7; U+30FB draws a middle dot and reads back as U+00B7
        # sub/superscript digits as plain digits: a raised or lowered glyph reads back out of line
        c = _SUB.get(c) or _SUP.get(c) or c
        if c == "\u2022":
            c = "\u00b7"
        if primary_ok(c) or c in "\n\t":
            use_other = False
        elif other_ok(c):
            use_other = True
        else:
            use_other = False
            if unrenderable is not None:
                unrenderable.add(c)
        if use_other != run_other:
            flush()
            run_other = use_other
        run.append(c)
    flush()
    return "".join(out)


# --------------------------------------------------------------------------------------------
# PDF

def _styles(language: str):
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle
    if language == "zh":
        body = dict(fontName=SONG, wordWrap="CJK")
        return {
            "title": ParagraphStyle("title", fontSize=22, leading=34, alignment=TA_CENTER, **body),
            "issuer": ParagraphStyle("issuer", fontSize=15, leading=24, alignment=TA_CENTER, **body),
            "date": ParagraphStyle("date", fontSize=13, leading=20, alignment=TA_CENTER, **body),
            "heading": ParagraphStyle("heading", fontSize=14, leading=22, spaceBefore=10, spaceAfter=6,
                                      keepWithNext=1, **body),
            "body": ParagraphStyle("body", fontSize=12, leading=21, firstLineIndent=24, spaceAfter=4,
                                   alignment=TA_JUSTIFY, **body),
            "doctitle": ParagraphStyle("doctitle", fontSize=17, leading=26, alignment=TA_CENTER,
                                       spaceAfter=12, **body),
            "meta": ParagraphStyle("meta", fontSize=11, leading=18, alignment=TA_LEFT, **body),
            "turn": ParagraphStyle("turn", fontSize=12, leading=21, spaceAfter=5, alignment=TA_LEFT, **body),
            "cell": ParagraphStyle("cell", fontSize=10, leading=14, **body),
            "small": (SONG, 9),
        }
    return {
        "title": ParagraphStyle("title", fontName="Times-Bold", fontSize=22, leading=28, alignment=TA_CENTER),
        "issuer": ParagraphStyle("issuer", fontName="Times-Roman", fontSize=15, leading=20, alignment=TA_CENTER),
        "date": ParagraphStyle("date", fontName="Times-Roman", fontSize=13, leading=18, alignment=TA_CENTER),
        "heading": ParagraphStyle("heading", fontName="Helvetica-Bold", fontSize=12.5, leading=16,
                                  spaceBefore=10, spaceAfter=5, keepWithNext=1),
        "body": ParagraphStyle("body", fontName="Times-Roman", fontSize=11.5, leading=15.5, spaceAfter=6,
                               alignment=TA_JUSTIFY),
        "doctitle": ParagraphStyle("doctitle", fontName="Times-Bold", fontSize=16, leading=21,
                                   alignment=TA_CENTER, spaceAfter=12),
        "meta": ParagraphStyle("meta", fontName="Times-Roman", fontSize=11, leading=14.5),
        "turn": ParagraphStyle("turn", fontName="Times-Roman", fontSize=11.5, leading=15.5, spaceAfter=6),
        "cell": ParagraphStyle("cell", fontName="Times-Roman", fontSize=10, leading=12.5),
        "small": ("Helvetica", 8.5),
    }


def _long_date(iso: str, language: str) -> str:
    d = dt.date.fromisoformat(iso)
    if language == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.day} {d.strftime('%B')} {d.year}"


def _page_label(n: int, language: str) -> str:
    return f"第 {n} 页" if language == "zh" else f"Page {n}"


def _fit(text: str, font: str, size: float, width: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _header_text(doc: Doc, language: str, width: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    font, size = _styles(language)["small"]
    ok = song_ok if language == "zh" else latin_ok
    cands = [c.replace("\u00b7", "\u30fb") if language == "zh" else c for c in (doc.issuer, doc.short_title)]
    for cand in cands:
        # header text is drawn with a single font; keep it if every character survives
        if cand and stringWidth(cand, font, size) <= width and all(map(ok, cand)):
            return cand
    cand = cands[0] or cands[1]
    return _fit("".join(c for c in cand if ok(c)), font, size, width)


def render_pdf(doc: Doc, language: str, unrenderable: set) -> bytes:
    setup_fonts()
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    st = _styles(language)
    small_font, small_size = st["small"]
    page_w, page_h = A4
    margin = 25 * mm
    frame_w = page_w - 2 * margin
    header = _header_text(doc, language, frame_w) if doc.kind == "report" else ""

    def P(text, style):
        return Paragraph(markup(text, language, unrenderable), style)

    def decorate(canvas, d):
        canvas.saveState()
        canvas.setFont(small_font, small_size)
        if header:
            canvas.drawString(margin, page_h - 15 * mm, header)
            canvas.setLineWidth(0.4)
            canvas.line(margin, page_h - 16.5 * mm, page_w - margin, page_h - 16.5 * mm)
        canvas.drawCentredString(page_w / 2, 13 * mm, _page_label(d.page, language))
        canvas.restoreState()

    buf = io.BytesIO()
    tpl = SimpleDocTemplate(buf, pagesize=A4, leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=margin, invariant=1,
                            title=doc.title, author=doc.issuer or "", subject="", creator="Dutytrace sample archive",
                            lang="zh-CN" if language == "zh" else "en")
    story = []
    if doc.kind == "report":
        story += [Spacer(1, 62 * mm), P(doc.title, st["title"]), Spacer(1, 28 * mm),
                  P(doc.issuer, st["issuer"]), Spacer(1, 8 * mm),
                  P(_long_date(doc.date, language), st["date"]), PageBreak()]
        for i, (heading, paras) in enumerate(doc.sections, start=1):
            story.append(P(heading, st["heading"]))
            story += [P(p, st["body"]) for p in paras]
            if doc.table and doc.table["after_section"] == i:
                story += [Spacer(1, 3 * mm), _table(doc.table, st["cell"], frame_w, language, unrenderable),
                          Spacer(1, 4 * mm)]
        tpl.build(story, onFirstPage=lambda c, d: None, onLaterPages=decorate)
    else:
        story.append(P(doc.title, st["doctitle"]))
        story += [P(line, st["meta"]) for line in doc.header]
        if doc.header:
            story.append(Spacer(1, 5 * mm))
        sep = "：" if language == "zh" else ": "
        for speaker, utt in doc.turns:
            label = markup(speaker + sep, language, unrenderable)
            story.append(Paragraph((f"<b>{label}</b>" if language == "en" else label)
                                   + markup(utt, language, unrenderable), st["turn"]))
        story += [P(p, st["body"]) for p in doc.paragraphs]
        tpl.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buf.getvalue()


def _table(t: dict, cell_style, width: float, language: str, unrenderable: set):
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph, Table, TableStyle
    head_style = ParagraphStyle("cellhead", parent=cell_style,
                                fontName="Times-Bold" if language == "en" else SONG)
    n = len(t["header"])
    font = cell_style.fontName
    natural = []
    for j in range(n):
        col = [t["header"][j]] + [r[j] for r in t["rows"]]
        natural.append(max(stringWidth(c, SONG if language == "zh" or not all(map(latin_ok, c)) else font,
                                       cell_style.fontSize) for c in col) + 10)
    # give each column its natural width, capped, and share the rest of the page by need
    floor = min(width / n, 40)
    widths = [max(floor, min(w, width * 0.45)) for w in natural]
    total = sum(widths)
    widths = [w * width / total for w in widths]
    data = [[Paragraph(markup(c, language, unrenderable), head_style) for c in t["header"]]]
    data += [[Paragraph(markup(c, language, unrenderable), cell_style) for c in row] for row in t["rows"]]
    tbl = Table(data, colWidths=widths, repeatRows=1, hAlign="CENTER")
    tbl.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return tbl


# --------------------------------------------------------------------------------------------
# DOCX

def render_docx(doc: Doc, language: str) -> bytes:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = Document()
    for style_name in ("Normal", "Heading 1"):
        s = d.styles[style_name]
        if style_name == "Normal":
            s.font.name = "Times New Roman"
            s.font.size = Pt(12 if language == "zh" else 11.5)
        # East Asian text (all of a Chinese document, names in an English one) in SimSun
        s.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    cp = d.core_properties
    cp.author = doc.issuer or ""
    cp.title = doc.title
    cp.subject = ""
    cp.keywords = ""
    cp.comments = ""
    cp.category = ""
    cp.last_modified_by = ""
    cp.revision = 1
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME
    cp.last_printed = FIXED_TIME

    d.add_heading(doc.title, level=1)
    for line in doc.header:
        d.add_paragraph(line)
    sep = "：" if language == "zh" else ": "
    for speaker, utt in doc.turns:
        p = d.add_paragraph()
        p.add_run(speaker + sep).bold = True
        p.add_run(utt)
    for para in doc.paragraphs:
        p = d.add_paragraph(para)
        if language == "zh":
            p.paragraph_format.first_line_indent = Pt(24)
    buf = io.BytesIO()
    d.save(buf)
    return _fixed_zip(buf.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps (python-docx stamps the current time)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 3
            zi.external_attr = 0o644 << 16
            z.writestr(zi, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# TXT

def render_txt(doc: Doc, language: str) -> bytes:
    lines = [doc.title, ""]
    if doc.header:
        lines += doc.header + [""]
    sep = "：" if language == "zh" else ": "
    for speaker, utt in doc.turns:
        lines += [f"{speaker}{sep}{utt}", ""]
    for para in doc.paragraphs:
        lines += [("　　" + para) if language == "zh" else para, ""]
    while lines and lines[-1] == "":
        lines.pop()
    if doc.encoding == "utf-8":
        return ("\n".join(lines) + "\n").encode("utf-8")
    text = "\r\n".join(lines) + "\r\n"  # GBK and UTF-16 files come from Windows machines
    if doc.encoding == "gbk":
        return text.encode("gbk")
    return b"\xff\xfe" + text.encode("utf-16-le")


def decode_txt(data: bytes, encoding: str) -> str:
    if encoding == "utf-16":
        assert data[:2] == b"\xff\xfe", "missing BOM"
        return data[2:].decode("utf-16-le")
    return data.decode(encoding)


# --------------------------------------------------------------------------------------------
# the render

@dataclass
class Output:
    rel: str           # path relative to the corpus folder
    data: bytes
    source: Source | None = None
    doc: Doc | None = None


def render_all(corpus: Path) -> tuple[list[Source], list[Source], dict[str, Output]]:
    """Validate every source and render every output in memory; SourceError if a source is bad."""
    src_dir = corpus / "src"
    errors, cases, news = [], [], []
    for p in sorted(src_dir.glob("*.yaml")):
        try:
            if is_case_source(p):
                cases.append(parse_case(p))
        except SourceError as e:
            errors.append(str(e))
    for p in sorted((src_dir / "new_cases").glob("*.yaml")):
        try:
            news.append(parse_new_case(p))
        except SourceError as e:
            errors.append(str(e))
    if errors:
        raise SourceError("\n".join(errors))

    ids = {c.name for c in cases}
    for c in cases:
        c.warnings += consistency_warnings(c)
    for n in news:
        missing = [e for e in n.expected if e not in ids]
        if missing:
            n.warnings.append(f"expected case(s) not in the archive (yet): {', '.join(missing)}")

    outputs: dict[str, Output] = {}
    for s in cases + news:
        for d in s.docs:
            rel = f"new_cases/{d.file}" if s.new_case else f"archive/{s.name}/{d.file}"
            unrenderable: set = set()
            if d.format == "pdf":
                data = render_pdf(d, s.language, unrenderable)
            elif d.format == "docx":
                data = render_docx(d, s.language)
            else:
                data = render_txt(d, s.language)
            for c in sorted(unrenderable):
                ctx = next((t for t in d.texts() + [x for row in (d.table or {}).get("rows", []) for x in row]
                            if c in t), "")
                i = ctx.find(c)
                errors.append(f"{s.path}: {d.file}: character {c!r} (U+{ord(c):04X}) has no glyph in the PDF "
                              f"fonts; replace it: ...{ctx[max(0, i - 25):i + 5]}...")
            outputs[rel] = Output(rel, data, s, d)
        if not s.new_case:
            meta_yaml = yaml.safe_dump(s.meta, allow_unicode=True, sort_keys=False, width=1000)
            outputs[f"archive/{s.name}/case.yaml"] = Output(f"archive/{s.name}/case.yaml", meta_yaml.encode("utf-8"), s)

    test_split = load_split(src_dir / "splits.yaml", ids, errors)
    if errors:
        raise SourceError("\n".join(errors))
    gold = []
    for c in sorted(cases, key=lambda c: c.name):
        g = c.gold
        row = {"case_id": c.name, "language": c.language, "accident_type": g["accident_type"],
               "tags": g["tags"], "responsibility_levels": g["responsibility_levels"],
               "facts": g["facts"], "accountability": g["accountability"],
               "documents": [d.file for d in c.docs]}
        if test_split is not None:
            row["split"] = "test" if c.name in test_split else "tune"
        gold.append(json.dumps(row, ensure_ascii=False))
    outputs["gold/cases.jsonl"] = Output("gold/cases.jsonl", "".join(x + "\n" for x in gold).encode("utf-8"))
    ng = [json.dumps({"name": n.name, "file": n.docs[0].file, "language": n.language, "expected": n.expected},
                     ensure_ascii=False) for n in sorted(news, key=lambda n: n.name)]
    outputs["gold/new_cases.jsonl"] = Output("gold/new_cases.jsonl", "".join(x + "\n" for x in ng).encode("utf-8"))
    return cases, news, outputs


def load_split(path: Path, ids: set, errors: list) -> set | None:
    """src/splits.yaml (optional): `test: [case ids]` held back from tuning; the rest are `tune`."""
    if not path.is_file():
        return None
    try:
        data = load_yaml(path)
        v = V(path)
        v.mapping(data, "top level", required=("test",))
        test = v.str_list(data["test"], "test")
        unknown = [t for t in test if t not in ids]
        if unknown:
            v.fail("test", f"unknown case id(s) {', '.join(unknown)}")
        return set(test)
    except SourceError as e:
        errors.append(str(e))
        return None


def write_outputs(corpus: Path, outputs: dict[str, Output]) -> tuple[int, int, list[str]]:
    written = unchanged = 0
    for rel, o in sorted(outputs.items()):
        path = corpus / rel
        if path.is_file() and path.read_bytes() == o.data:
            unchanged += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(o.data)
        os.replace(tmp, path)
        written += 1
    removed = []
    wanted = {corpus / rel for rel in outputs}
    for top in ("archive", "new_cases"):
        root = corpus / top
        if not root.is_dir():
            continue
        for p in sorted(root.rglob("*"), reverse=True):  # files before their folders
            if p.is_dir():
                if not any(p.iterdir()):
                    p.rmdir()
                    removed.append(str(p.relative_to(corpus)) + "/")
            elif p not in wanted:
                p.unlink()
                removed.append(str(p.relative_to(corpus)))
    return written, unchanged, removed


# --------------------------------------------------------------------------------------------
# checks

def read_back(o: Output) -> tuple[int, str, str]:
    """(pages, text, body text) of a rendered document, read back the way ingestion would;
    for PDFs the body text leaves out the page header and footer."""
    d = o.doc
    if d.format == "pdf":
        import pdfplumber
        from reportlab.lib.units import mm
        with pdfplumber.open(io.BytesIO(o.data)) as pdf:
            text = "\n".join(pg.extract_text() or "" for pg in pdf.pages)
            body = "\n".join(pg.crop((0, 20 * mm, pg.width, pg.height - 20 * mm)).extract_text() or ""
                             for pg in pdf.pages)
            return len(pdf.pages), text, body
    if d.format == "docx":
        from docx import Document
        text = "\n".join(p.text for p in Document(io.BytesIO(o.data)).paragraphs)
    else:
        text = decode_txt(o.data, d.encoding)
    return 0, text, text


def check_outputs(outputs: dict[str, Output]) -> tuple[list[list], list[str], list[str]]:
    """Read every document back; returns (rows per source, errors, notes)."""
    errors, notes, rows = [], [], {}
    for rel, o in sorted(outputs.items()):
        if o.doc is None:
            continue
        s, d = o.source, o.doc
        pages, text, body = read_back(o)
        got = squash(body)
        missing = []
        sep = "：" if s.language == "zh" else ":"
        expected = [d.title] + [h for h, _ in d.sections] + [p for _, ps in d.sections for p in ps] \
            + d.header + [sp + sep + u for sp, u in d.turns] + d.paragraphs
        for t in expected:  # every passage reads back whole, in order of its characters
            if squash(t) not in got:
                missing.append(t[:40])
        if d.table:  # cells wrap inside a row, so only their beginnings are compared
            for c in d.table["header"] + [c for row in d.table["rows"] for c in row]:
                if squash(c)[:3] not in got:
                    missing.append(c)
        if missing:
            errors.append(f"{rel}: {len(missing)} passage(s) do not read back, e.g. {missing[0]!r}")
        if d.format == "pdf":
            if pages < 2:
                (errors if d.kind == "report" else notes).append(f"{rel}: {pages} page(s)")
        key = ("new case " if s.new_case else "") + s.name
        r = rows.setdefault(key, {"lang": s.language, "files": 0, "report_pages": 0, "pdf_pages": 0,
                                  "chars": 0, "formats": []})
        r["files"] += 1
        r["pdf_pages"] += pages
        if d.kind == "report":
            r["report_pages"] = pages
        r["chars"] += len(text)
        r["formats"].append(d.format if d.format != "txt" else f"txt/{d.encoding}")
    table = [[k, v["lang"], v["files"], v["report_pages"], v["pdf_pages"], v["chars"], " ".join(v["formats"])]
             for k, v in rows.items()]
    return table, errors, notes


def print_table(rows: list[list]):
    head = ["case", "lang", "files", "report pp", "pdf pp", "chars", "formats"]
    allrows = [head] + [[str(x) for x in r] for r in rows]
    if rows:
        allrows.append(["total", "", str(sum(r[2] for r in rows)), str(sum(r[3] for r in rows)),
                        str(sum(r[4] for r in rows)), str(sum(r[5] for r in rows)), ""])
    widths = [max(len(r[i]) for r in allrows) for i in range(len(head))]
    for k, r in enumerate(allrows):
        print("  ".join(c.rjust(w) if 2 <= i <= 5 else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip())
        if k == 0 or (rows and k == len(allrows) - 2):
            print("  ".join("-" * w for w in widths))


def hashes(outputs: dict[str, Output]) -> dict[str, str]:
    return {rel: hashlib.sha256(o.data).hexdigest() for rel, o in sorted(outputs.items())}


def check_determinism(corpus: Path, outputs: dict[str, Output]) -> list[str]:
    """Render again in a fresh process (other hash seed) and compare every byte."""
    env = dict(os.environ, PYTHONHASHSEED="12345")
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--corpus", str(corpus), "--hashes"],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        return [f"second render failed: {proc.stderr.strip()[-500:]}"]
    other = json.loads(proc.stdout)
    mine = hashes(outputs)
    diff = sorted(k for k in set(mine) | set(other) if mine.get(k) != other.get(k))
    return [f"not deterministic: {k}" for k in diff]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parent,
                    help="corpus folder holding src/ (default: the folder of this script)")
    ap.add_argument("--no-verify", action="store_true", help="skip the read-back and determinism checks")
    ap.add_argument("--hashes", action="store_true", help=argparse.SUPPRESS)  # used by the determinism check
    args = ap.parse_args(argv)
    corpus = args.corpus.resolve()

    try:
        cases, news, outputs = render_all(corpus)
    except SourceError as e:
        print(f"render: bad source(s), nothing written:\n{e}", file=sys.stderr)
        return 1
    if args.hashes:
        print(json.dumps(hashes(outputs)))
        return 0

    written, unchanged, removed = write_outputs(corpus, outputs)
    print(f"rendered {len(cases)} case(s) and {len(news)} new-case document(s) into {corpus}: "
          f"{written} file(s) written, {unchanged} unchanged, {len(removed)} stale removed")
    for r in removed:
        print(f"  removed {r}")
    for s in cases + news:
        for w in s.warnings:
            print(f"warning: {s.path.name}: {w}")
    if args.no_verify:
        return 0

    rows, errors, notes = check_outputs(outputs)
    print()
    print_table(rows)
    for n in notes:
        print(f"note: {n}")
    errors += check_determinism(corpus, outputs)
    if errors:
        for e in errors:
            print(f"check failed: {e}", file=sys.stderr)
        return 1
    print(f"\nchecks passed: every document reads back; a second render in a fresh process gave "
          f"byte-identical files ({len(outputs)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
