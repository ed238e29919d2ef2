"""Responsibility-issue tagging from the codebook's cue patterns, with evidence and negation.

Each sentence of each chunk is matched against every tag's cues in the document's language (and the
other language's cues too, since reports quote both). A cue inside a denial ("denied that the checks
were a formality", "否认检查走过场") or a cleared finding ("no evidence of concealment") is not
evidence. A tag's score grows with the number of distinct supporting sentences and saturates."""

from __future__ import annotations

import math
import re
from collections import defaultdict

from dutytrace.lang import split_sentences
from dutytrace.models import Chunk, Evidence, TagResult
from dutytrace.nlp.codebook import Codebook

_DENIAL = re.compile(
    r"\b(?:den(?:y|ied|ies)|disputed?|rejects?|rejected|refuted?|it is not true|there (?:is|was) no (?:evidence|indication|sign)|"
    r"no evidence|found no|not (?:established|substantiated|supported)|was cleared|were cleared|ruled out|insist(?:ed|s)? that)\b"
    r"|否认|不承认|并非|不存在|没有证据|未发现.{0,4}(?:问题|证据)|排除", re.I)
MAX_EVIDENCE = 5


def tag_chunks(chunks: list[Chunk], lang: str, codebook: Codebook) -> tuple[list[TagResult], dict[int, list[str]]]:
    """Return document-level tags (best first) and the tag ids found in each chunk (by seq)."""
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    per_chunk: dict[int, list[str]] = {}
    langs = [lang] + [x for x in ("en", "zh") if x != lang]
    for ch in chunks:
        found: list[str] = []
        for s, e in split_sentences(ch.text):
            sentence = ch.text[s:e]
            for tag in codebook.tags:
                cue = _first_cue(tag.cues, langs, sentence)
                if cue is None or _denied(sentence, cue):
                    continue
                if tag.id not in found:
                    found.append(tag.id)
                if len(evidence[tag.id]) < 50:
                    evidence[tag.id].append(Evidence(sentence.strip(), ch.page, ch.speaker, cue.group(0)))
        if found:
            per_chunk[ch.seq] = found
    results = []
    for tag_id, ev in evidence.items():
        distinct = list({x.text: x for x in ev}.values())
        score = 1.0 - math.exp(-0.55 * len(distinct))
        results.append(TagResult(tag_id, score, tuple(distinct[:MAX_EVIDENCE])))
    results.sort(key=lambda t: -t.score)
    return results, per_chunk


def _first_cue(cues: dict, langs: list[str], sentence: str):
    for lang in langs:
        for pat in cues.get(lang, ()):
            m = pat.search(sentence)
            if m:
                return m
    return None


def _denied(sentence: str, cue) -> bool:
    m = _DENIAL.search(sentence)
    return bool(m and m.start() < cue.start())
