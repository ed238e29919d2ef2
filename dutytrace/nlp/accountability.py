"""Accountability: who was held responsible (person, post, organisation, sanction). A first cut by
rules: a sentence that names a sanction is read for the person, the post and the organisation."""

from __future__ import annotations

import re

from dutytrace.lang import split_sentences
from dutytrace.models import Accountability, Chunk
from dutytrace.nlp.codebook import Codebook
from dutytrace.nlp.entities import _EN_RULES, _ZH_RULES

_ZH_PERSON = re.compile(r"([\u4e00-\u9fff]某{1,2}|[\u4e00-\u9fff]{1,2}某某|(?<=，)[\u4e00-\u9fff]{2,3}(?=，))")
_EN_PERSON = re.compile(r"\b((?:Mr\.|Ms\.|Mrs\.)\s+[A-Z][a-z]+|[A-Z][a-z]+ [A-Z][a-z]+(?:[- ][A-Z][a-z]+)?)\b")
_EN_NOT_NAMES = re.compile(r"^(?:The|This|Article|Section|Party|County|District|City|Safety|Emergency|Bureau|Company|Law|Work|People|Discipline|Investigation|Team|Department)\b")


def extract_accountability(chunks: list[Chunk], lang: str, codebook: Codebook) -> list[Accountability]:
    rules = dict(_ZH_RULES if lang == "zh" else _EN_RULES)
    out: list[Accountability] = []
    seen: set[str] = set()
    for ch in chunks:
        for s, e in split_sentences(ch.text):
            sent = ch.text[s:e]
            sanction = _sanction(sent, lang, codebook)
            if not sanction:
                continue
            person = _person(sent, lang)
            if not person or person in seen:
                continue
            seen.add(person)
            post = rules.get("POST").search(sent) if rules.get("POST") else None
            org = (rules.get("ORG") or rules.get("GOV"))
            org_m = org.search(sent) if org else None
            if not org_m and rules.get("GOV"):
                org_m = rules["GOV"].search(sent)
            out.append(Accountability(person, post.group(0) if post else None,
                                      org_m.group(0) if org_m else None, sanction))
    return out


def _sanction(sent: str, lang: str, codebook: Codebook) -> str | None:
    # most severe first: the order of the codebook's sanctions runs from mild to severe
    for entry in reversed(codebook.sanctions):
        for pat in entry.cues.get(lang, ()):
            if pat.search(sent):
                return entry.id
    return None


def _person(sent: str, lang: str) -> str | None:
    if lang == "zh":
        m = _ZH_PERSON.search(sent)
        return m.group(1) if m else None
    for m in _EN_PERSON.finditer(sent):
        if not _EN_NOT_NAMES.match(m.group(1)):
            return m.group(1)
    return None
