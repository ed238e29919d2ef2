"""The learned item reader for rectification measures: a logistic regression over a document's candidate
units, beside the rules of nlp/measures.py.

The rules read measures parts and cued requirements well in the formats they were written from and
less well in others. This reader looks at every unit of a document — its sentences, cut again at
numbered lines, headings and paragraph breaks, and at semicolons where each clause requires something
(the rules' own clause cut) — and gives P(unit is a measure item) from:

- the unit's MiniLM embedding (the packaged model, nlp/embed.py; one batch per document);
- cue features, apart per language: a deontic or imperative word (the rules' _has_modal, the strict
  modals), numbering, a heading, inside a measures part as the rules find them, just after a requiring
  lead (要求 / recommend / "the following:"), position in the document, sanction, finding, work-done and
  quoting words, a question, length.

It is trained by `python -m dutytrace.nlp.train_measures` on all the measures tuning material (gold items
are the positives, the other units of the same documents the negatives) and stored as a small .npz
(measures_model.npz). extract_measures combines it with the rules (`combine`): the rules' items, and a
unit the rules do not already hold when its probability is at least the stored threshold; a rule item
every overlapping unit of which scores under a veto may be dropped (the stored model's veto is 0: the rules'
items are all kept, see train_measures.USE_VETO). Only candidate units (`candidate`) are embedded. The body and
deadline of a unit's item are read as the rules read them (measure_bodies.py, deadlines.py).
DUTYTRACE_MEASURES chooses (`uses_learned`): learned (both languages, the default), learned-zh (the learned
reader for Chinese documents, the rules alone for English) or rules. Pooled over six sets nobody tuned on (504
gold items), it raised recall from 0.360 to 0.565 in English and from 0.538 to 0.757 in Chinese with precision
level (0.740 -> 0.745, 0.754 -> 0.760; README, Measuring quality)."""

from __future__ import annotations

import datetime as _dt
import difflib
import json
import math
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from dutytrace.models import Measure, Page

MODEL_PATH = Path(__file__).with_name("measures_model.npz")
DEFAULT_MODE = "learned"  # see README (DUTYTRACE_MEASURES): on where sets never tuned on showed it better
MODES = ("rules", "learned", "learned-zh")

_ZH_NUM = "一二三四五六七八九十"
_NUMBERED = re.compile(rf"^\s*(?:[（(][{_ZH_NUM}\d]{{1,3}}[)）]|\d{{1,2}}(?:\.\d{{1,2}})*\s*[.、．)]|[{_ZH_NUM}]{{1,3}}\s*[、.．]|"
                       rf"[①-⑫]|[-•●▪‧◆■*]\s|第[{_ZH_NUM}]+[，,、]|[{_ZH_NUM}][是要](?=[^求素点害闻])|\(?[a-j]\)\s|"
                       r"(?:First|Second|Third|Fourth|Fifth|Sixth|Finally|Lastly)\b|Recommendation\s*(?:#|No\.?\s*)?\d)")
_ZH_CUE = re.compile(r"要求|强调|提醒|建议|责令|督促|提出(?:如下|以下)|如下|以下|下一步|以案为鉴|举一反三")
_EN_CUE = re.compile(r"(?i)\b(?:recommend|require|direct|order|urge|advise|following|should:|must:|shall:|"
                     r"lessons?|prevent (?:a )?recurrence)\w*")
_ZH_FINDING = re.compile(r"未|没有|不到位|不力|不严|违反|违规|导致|造成|缺失|不足|存在")
_EN_FINDING = re.compile(r"(?i)\bfail(?:ed|ure)? to\b|\bdid not\b|\bwas not\b|\bwere not\b|\black(?:ed)? of\b|\bcaused?\b|"
                         r"\bcontribut\w+|\bviolat\w+|\bno\b")
_ZH_DONE = re.compile(r"已(?:经)?|完成|业已|截至")
_EN_DONE = re.compile(r"(?i)\b(?:has|have|had) been\b|\b(?:has|have|had) (?:\w+ed)\b|\bwas\b|\bwere\b|\bcompleted\b")
_ZH_FUTURE = re.compile(r"将|拟|计划")
_EN_FUTURE = re.compile(r"(?i)\bwill\b|\bplans? to\b|\bintends? to\b")
_HEAD_WORD = re.compile(r"(?i)措施|建议|整改|要求|防范|recommend|measure|lesson|corrective|prevent|action")
CUES = ("modal", "strict", "imperative", "numbered", "in_part", "heading", "after_cue", "position", "sanction",
        "finding", "done", "future", "quoted", "question", "holds_to_account", "head_word", "colon_end", "length",
        "subjunctive", "prev_modal", "next_modal", "prev_numbered", "next_numbered", "bias")
# a short label before an entry ("Order 2: …", "Action 1 - …", "Action to terminate: …"): not part of the item
_LABEL = re.compile(r"^(?:[A-Z][A-Za-z]+(?: [A-Za-z]+){0,3} (?:No\.\s*)?\d{1,3}\s*[:.–—-]\s+|"
                    r"[A-Z][a-z]+(?: [a-z]+){0,3}\s*:\s+)(?=[A-Z])")


@dataclass
class Unit:
    text: str  # cleaned of its numbering
    raw: str
    page: int | None
    cues: list[float]
    blocked: bool = False  # under a heading of responsibility or handling (责任认定及处理建议): never an item


def _norm(s: str | None) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", s or "")).lower()


def units(pages: Sequence[Page], lang: str) -> list[Unit]:
    """The candidate units of a document, in order, with their cue features."""
    from dutytrace.nlp import measures as M

    lines = [(p.number, ln) for p in pages for ln in p.text.splitlines()]
    part = {ln.strip() for sec, _ in M._sections([x for x in lines if x[1].strip()], lang) for _, ln in sec}
    blocks: list[tuple[list[tuple[int, str]], bool, bool, bool]] = []  # (lines, heading, in a measures part, blocked)
    cur: list[tuple[int, str]] = []
    under_measures = under_handling = False

    def flush():
        if cur:
            blocks.append((list(cur), False, under_measures or cur[0][1].strip() in part, under_handling))
            cur.clear()
    for page, line in lines:
        s = line.strip()
        if not s or re.fullmatch(r"[-—–]?\s*\d{1,3}\s*[-—–]?", s):
            flush()
            continue
        h = M._heading(s, lang) if len(s) < 60 else None
        if h is not None and not re.search(r"[。；;]", s[:-1]):
            flush()
            under_measures = M._is_measure_title(h[1], lang)
            under_handling = not under_measures and bool((M._ZH_NOT_MEASURE if lang == "zh" else M._EN_NOT_MEASURE)
                                                         .search(h[1]))
            blocks.append(([(page, s)], True, under_measures, under_handling))
            continue
        if lang == "en" and (re.fullmatch(r"To [A-Z][^.:;]{2,118}:?", s) or re.fullmatch(
                r"(?:Recommendation\s+(?:No\.\s*)?)?(?=[\w-]*\d)[A-Z0-9]+(?:-[A-Z0-9]+)+", s)):
            flush()  # a recipient ("To the Association") or a reference number on its own line
            blocks.append(([(page, s)], True, under_measures, under_handling))
            continue
        if _NUMBERED.match(s):
            flush()
        cur.append((page, s))
    flush()
    out: list[Unit] = []
    n_blocks = max(1, len(blocks))
    prev_cue = False
    for b, (blines, heading, in_part, blocked) in enumerate(blocks):
        text, chars, _ = M._flatten(blines, lang)
        numbered = bool(_NUMBERED.match(text))
        sents = M._sentences(text, lang) if not heading else [(0, len(text))]
        for k, (start, end) in enumerate(sents):
            seg = text[start:end]
            clauses = M._split_clauses(seg, lang) if not heading else [seg]
            off = start
            for c in clauses:
                found = text.find(c, off)
                pos = found if found >= 0 else off
                off = pos + len(c)
                clean = M._clean(re.sub(r"^\s*[\"“”]\s*", "", c), lang)
                if lang == "en":
                    clean = M._clean(_LABEL.sub("", clean), lang)
                if len(_norm(clean)) < (4 if lang == "zh" else 12):
                    continue
                at_page = chars[min(pos + len(c) - len(c.lstrip()), len(chars) - 1)] if chars else None
                cues = _cues(clean, c, lang, numbered=numbered and k == 0, heading=heading, in_part=in_part,
                             after_cue=prev_cue, position=b / n_blocks)
                out.append(Unit(clean, c.strip(), at_page, cues, blocked or heading))
                prev_cue = bool((_ZH_CUE if lang == "zh" else _EN_CUE).search(c)) and \
                    (heading or bool(re.search(r"[:：]\s*$", c.strip())) or len(c) < 80)
    col = {k: i for i, k in enumerate(CUES)}
    for i, u in enumerate(out):  # items come in runs: the neighbours' modal and numbering
        for side, j in (("prev", i - 1), ("next", i + 1)):
            if 0 <= j < len(out):
                u.cues[col[f"{side}_modal"]] = out[j].cues[col["modal"]]
                u.cues[col[f"{side}_numbered"]] = out[j].cues[col["numbered"]]
    return out


def _cues(clean: str, raw: str, lang: str, numbered: bool, heading: bool, in_part: bool, after_cue: bool,
          position: float) -> list[float]:
    from dutytrace.nlp import measures as M
    from dutytrace.nlp.measure_bodies import _EN_THAT

    zh = lang == "zh"
    f = {
        "modal": M._has_modal(clean, lang),
        "strict": bool((M._ZH_STRICT if zh else M._EN_STRICT).search(clean)) or (not zh and bool(
            re.search(r"(?i)\bshould\b|\bmust\b|\bneeds? to\b", clean))),
        "imperative": bool(M._ZH_IMPERATIVE.match(clean)) if zh else bool(M._EN_IMPERATIVE.match(clean)),
        "numbered": numbered, "in_part": in_part, "heading": heading, "after_cue": after_cue, "position": position,
        "sanction": bool((M._ZH_SANCTION if zh else M._EN_SANCTION).search(clean)),
        "finding": bool((_ZH_FINDING if zh else _EN_FINDING).search(clean)),
        "done": bool((_ZH_DONE if zh else _EN_DONE).search(clean)),
        "future": bool((_ZH_FUTURE if zh else _EN_FUTURE).search(clean)),
        "quoted": bool((M._ZH_QUOTED if zh else M._EN_QUOTED).search(clean)),
        "question": "?" in clean or "？" in clean,
        "holds_to_account": M._holds_to_account(clean, lang),
        "head_word": bool(_HEAD_WORD.search(clean)) and len(clean) < 40,
        "colon_end": bool(re.search(r"[:：]\s*$", raw)),
        "length": min(1.0, math.log1p(len(clean)) / 7.0),
        "subjunctive": (not zh) and bool(_EN_THAT.match(clean)),
        "bias": 1.0,
    }
    f.update({"prev_modal": 0.0, "next_modal": 0.0, "prev_numbered": 0.0, "next_numbered": 0.0})
    return [float(f[k]) for k in CUES]


def features(us: list[Unit], emb: np.ndarray, lang: str) -> np.ndarray:
    """[embedding | cues if zh | cues if en]: the cue weights are learned apart per language."""
    cues = np.array([u.cues for u in us], dtype=np.float32).reshape(len(us), len(CUES))
    zh = np.float32(lang == "zh")
    return np.hstack([emb.astype(np.float32), cues * zh, cues * (1 - zh)])


# -- the model ---------------------------------------------------------------------------------------
@dataclass
class MeasuresModel:
    coef: np.ndarray
    intercept: float
    threshold: dict  # per language: a unit the rules do not hold becomes an item at this probability or more
    veto: dict  # per language: a rule item every overlapping unit of which scores under this is dropped
    meta: dict

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(x @ self.coef + self.intercept)))

    def save(self, path: Path = MODEL_PATH) -> None:
        np.savez_compressed(path, coef=self.coef.astype(np.float32), intercept=np.float32(self.intercept),
                            meta=np.array(json.dumps({**self.meta, "threshold": self.threshold, "veto": self.veto},
                                                     ensure_ascii=False)))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "MeasuresModel | None":
        if not Path(path).exists():
            return None
        z = np.load(path, allow_pickle=False)
        meta = json.loads(str(z["meta"]))
        if meta.get("cues") != list(CUES):
            return None  # a model of another feature version
        return cls(z["coef"].astype(np.float32), float(z["intercept"]), meta["threshold"], meta["veto"], meta)


@lru_cache(maxsize=1)
def packaged_model() -> MeasuresModel | None:
    return MeasuresModel.load(MODEL_PATH)


def mode() -> str:
    m = os.environ.get("DUTYTRACE_MEASURES", DEFAULT_MODE).strip().lower() or DEFAULT_MODE
    if m not in MODES:
        from dutytrace.errors import ConfigError

        raise ConfigError(f"DUTYTRACE_MEASURES is '{m}'; it must be one of: {', '.join(MODES)}")
    return m


def uses_learned(lang: str) -> bool:
    """Whether extract_measures combines the learned reader with the rules for a document in `lang`."""
    m = mode()
    return m == "learned" or (m == "learned-zh" and lang == "zh")


def embed(texts: list[str]) -> np.ndarray | None:
    """The units' vectors from the process's shared MiniLM (the one the tagger uses); None when it cannot load."""
    from dutytrace.errors import ConfigError
    from dutytrace.nlp.embed import get_embedder

    try:
        return get_embedder(None, None, 32).encode(texts)
    except ConfigError:
        return None


def overlaps(a: str, b: str) -> bool:
    """Two item texts that say the same thing: one holds the other, or difflib finds them half alike."""
    na, nb = _norm(a), _norm(b)
    if not na or not nb:
        return False
    if na in nb or nb in na:
        return True
    sm = difflib.SequenceMatcher(None, na, nb, autojunk=False)
    return sm.real_quick_ratio() >= 0.5 and sm.quick_ratio() >= 0.5 and sm.ratio() >= 0.5


_APPEAL = re.compile(r"(?i)呼吁|提醒|倡议|\bremind|\burges?\b|\bappeal|\bencourag|\bfor more information\b|\bvisit\b|\bcall\b")


def excluded(text: str, lang: str) -> bool:
    """What the rules hold is never an item, whoever reads it: a sentence that holds people to account, asks
    only for a reply to the document, is a coroner's set words, says how actions will be tracked ("Actions will
    be tracked in the register until closed"), is an appeal to the public or the trade; and
    a unit too short to be a measure on its own (a summary line that a full list states again)."""
    from dutytrace.nlp import measures as M

    if not M._has_modal(text, lang) and len(_norm(text)) < (16 if lang == "zh" else 40):
        return True  # a title over the entries that follow it ("（一）强化建设单位首要责任。")
    return (len(_norm(text)) < (8 if lang == "zh" else 30) or M._holds_to_account(text, lang)
            or M._accountability_only(text, lang) or bool(M._REPLY.search(text)) or bool(M._EN_BOILERPLATE.search(text))
            or (lang == "en" and bool(M._EN_TRACKING.match(text))) or bool(_APPEAL.search(text)))


def nearby(rule_items: list[Measure], us: list[Unit]) -> list[list[int]]:
    """For each rule item, the units that overlap it."""
    return [[i for i, u in enumerate(us) if overlaps(u.text, m.measure)] for m in rule_items]


def combine(rule_items: list[Measure], us: list[Unit], probs: np.ndarray, lang: str, base: _dt.date | None,
            threshold: float, veto: float, near: list[list[int]] | None = None) -> list[Measure]:
    """The rules' items (less those every overlapping unit scores under `veto`) and an item for each unit
    scoring at least `threshold` that no rule item holds, in document order of pages."""
    from dutytrace.nlp.deadlines import deadline_of
    from dutytrace.nlp.measure_bodies import bodies

    kept: list[Measure] = []
    held = [False] * len(us)
    near = near if near is not None else nearby(rule_items, us)
    for m, close in zip(rule_items, near):
        for i in close:
            held[i] = True
        if veto > 0 and close and max(float(probs[i]) for i in close) < veto:
            continue
        kept.append(m)
    added: list[tuple[float, Measure]] = []
    for i, u in enumerate(us):
        if held[i] or not candidate(u, lang) or probs[i] < threshold:
            continue
        bs = tuple(bodies(u.text, lang))
        deadline, due = deadline_of(u.text, lang, base)
        added.append((i + 0.5, Measure(measure=u.text, body="; ".join(bs) or None, bodies=bs, deadline=deadline,
                                       due=due, passage=u.raw, page=u.page)))
    if not added:
        return kept
    # document order: a rule item stands where its first overlapping unit stands (else just after the one before)
    placed: list[tuple[float, Measure]] = []
    last = -1.0
    for m, close in zip(rule_items, near):
        last = max(last + 1e-3, float(min(close))) if close else last + 1e-3  # the rules' own order is kept
        if any(m is k for k in kept):
            placed.append((last, m))
    return [m for _, m in sorted(placed + added, key=lambda x: x[0])]


_GATE = ("modal", "strict", "imperative", "subjunctive", "future", "in_part", "after_cue")


def candidate(u: Unit, lang: str) -> bool:
    """A unit that may become an item: one with a deontic, imperative or future word, or inside a measures part, or
    just after a requiring lead, and nothing the rules hold out (excluded, a title, a handling part). Only these
    are embedded: on the tuning material they are 0.12 of the units and hold 31 of the 39 gold items the rules
    miss (the other 8 the classifier scored under its threshold anyway)."""
    at = {k: i for i, k in enumerate(CUES)}
    return (not u.blocked and any(u.cues[at[k]] for k in _GATE) and not _title(u, lang)
            and not excluded(u.text, lang))


def _title(u: Unit, lang: str) -> bool:
    """A short numbered entry over numbered entries that follow it ("（一）强化建设单位首要责任。"): a title, whose
    entries are the items."""
    at = {k: i for i, k in enumerate(CUES)}
    return bool(u.cues[at["numbered"]] and u.cues[at["next_numbered"]]) and len(_norm(u.text)) < (16 if lang == "zh" else 40)


def learned_items(rule_items: list[Measure], pages: Sequence[Page], lang: str, base: _dt.date | None) -> list[Measure]:
    """What extract_measures gives when the learned reader is on: the rules' items combined with the
    classifier's, or the rules' items alone without a model or an embedder."""
    model = packaged_model()
    if model is None:
        return rule_items
    us = units(pages, lang)
    # the veto is off, so only candidate units can change the result: the rule items are compared with those
    # first (about one unit in eight), and with every unit (for the order of the combined list, `combine`) only
    # when one of them becomes an item; comparing every pair up front was most of the reader's time
    cands = [i for i, u in enumerate(us) if candidate(u, lang)]
    held = {cands[j] for close in nearby(rule_items, [us[i] for i in cands]) for j in close}
    todo = [i for i in cands if i not in held]
    if not todo:
        return rule_items
    emb = embed([us[i].text for i in todo])
    if emb is None:
        return rule_items
    probs = np.zeros(len(us), dtype=np.float32)
    probs[todo] = model.probabilities(features([us[i] for i in todo], emb, lang))
    threshold = model.threshold.get(lang, 1.01)
    if not any(probs[i] >= threshold for i in todo):
        return rule_items  # what combine gives when it adds nothing
    return combine(rule_items, us, probs, lang, base, threshold, 0.0, nearby(rule_items, us))
