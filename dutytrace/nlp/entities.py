"""Entities: spaCy's statistical NER for English plus domain rules for both languages (government
bodies, enterprises, posts, laws cited, anonymised names in Chinese)."""

from __future__ import annotations

import re

from dutytrace.models import Chunk, Entity

_ZH_RULES = [
    ("ORG", re.compile(r"[\u4e00-\u9fff]{2,20}?(?:有限责任公司|股份有限公司|有限公司|集团|公司|厂|矿)")),
    ("GOV", re.compile(r"[\u4e00-\u9fff]{1,12}?(?:应急管理局|住房和城乡建设局|住建局|市场监督管理局|交通运输局|自然资源局|局|委员会|办公室|人民政府|街道办事处|镇政府|乡政府)")),
    ("POST", re.compile(r"(?:副?(?:总经理|董事长|局长|县长|区长|镇长|乡长|市长|书记|主任|科长|所长|队长|矿长|厂长)|安全员|项目经理|班组长|安全总监|监理工程师|技术负责人)")),
    ("PERSON", re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]某{1,2}(?:某)?|[\u4e00-\u9fff]{1,2}某某")),
    ("LAW", re.compile(r"《[^》]{2,40}》(?:第[一二三四五六七八九十百零\d]+条)?")),
]
_EN_RULES = [
    ("POST", re.compile(r"\b(?:deputy |vice[- ])?(?:general manager|plant manager|project manager|safety officer|safety manager|site manager|foreman|party secretary|deputy mayor|mayor|county head|director|inspector|chairman|shift leader|team leader)\b", re.I)),
    ("LAW", re.compile(r"\b(?:Article \d+ of )?the (?:[A-Z][a-z]+ )+(?:Law|Regulations?|Act|Code|Measures)(?: of the [A-Z][A-Za-z' ]+)?")),
    ("GOV", re.compile(r"\b(?:[A-Z][a-z]+ )*(?:Emergency Management Bureau|Bureau of [A-Z][a-z]+(?: [A-Za-z]+){0,4}|[A-Z][a-z]+ Bureau|Discipline Inspection Commission|People's Government|Township Government|County Government|District Government|Safety Committee)\b")),
]
_EN_LABELS = {"ORG": "ORG", "PERSON": "PERSON", "GPE": "GPE", "LOC": "LOC", "LAW": "LAW", "DATE": "DATE", "FAC": "FAC"}


def extract_entities(chunks: list[Chunk], lang: str, nlp=None) -> list[Entity]:
    out: list[Entity] = []
    seen: set[tuple[str, str]] = set()

    def add(text: str, label: str, page: int):
        text = text.strip()
        if len(text) < 2 or (text, label) in seen:
            return
        seen.add((text, label))
        out.append(Entity(text, label, page))

    rules = _ZH_RULES if lang == "zh" else _EN_RULES
    for ch in chunks:
        for label, pat in rules:
            for m in pat.finditer(ch.text):
                add(m.group(0), label, ch.page)
    if lang == "en" and nlp is not None:
        texts = [c.text for c in chunks]
        for ch, doc in zip(chunks, nlp.pipe(texts, batch_size=64)):
            for ent in doc.ents:
                if ent.label_ in _EN_LABELS:
                    add(ent.text, _EN_LABELS[ent.label_], ch.page)
    return out
