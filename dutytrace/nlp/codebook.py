"""The responsibility codebook: built-in `codebook.yaml` merged with an optional user codebook."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from dutytrace.errors import ConfigError
from dutytrace.nlp.textfold import folded

BUILTIN = Path(__file__).with_name("codebook.yaml")
SECTIONS = ("tags", "accident_types", "responsibility_levels", "sanctions", "concepts")


@dataclass(frozen=True)
class Entry:
    id: str
    name: dict
    description: dict
    cues: dict  # language -> tuple of compiled patterns
    terms: dict = field(default_factory=dict)  # concepts only: language -> tuple of plain terms
    weak: dict = field(default_factory=dict)  # concepts only: language -> patterns of ambiguous terms
    actor: str | None = None  # tags only: "government" or "enterprise" when only that kind of actor has the issue
    # concepts only: language -> (the needle of each pattern of `cues`, ... of each of `weak`): `_needle`
    needles: dict = field(default_factory=dict)

    def named_in(self, text: str, langs=("en", "zh")) -> bool:
        """Whether a text names this concept: one of its plain terms, or two of its ambiguous ones
        ("~" terms such as "press" or "alarm", which name the concept only in its company)."""
        return self.named_in_folded(text, folded(text), langs)

    def named_in_folded(self, text: str, low: str | None, langs=("en", "zh")) -> bool:
        """`named_in` with `low` = `folded(text)` made once by the caller. A term's pattern is tried only
        where the text can hold the term (`_may_hold`: much cheaper than the pattern, which adds word edges
        and endings)."""
        for lang in langs:
            strong = self.cues.get(lang, ())
            needles = self.needles.get(lang, ((), ()))[0] or (_ANY,) * len(strong)
            if any(_may_hold(text, low, n) and p.search(text) for n, p in zip(needles, strong)):
                return True
        found = 0
        for lang in langs:
            weak = self.weak.get(lang, ())
            needles = self.needles.get(lang, ((), ()))[1] or (_ANY,) * len(weak)
            found += sum(bool(_may_hold(text, low, n) and p.search(text)) for n, p in zip(needles, weak))
        return found >= 2

    def label(self, lang: str = "en") -> str:
        return self.name.get(lang) or self.name.get("en") or self.id


@dataclass(frozen=True)
class Codebook:
    tags: tuple[Entry, ...]
    accident_types: tuple[Entry, ...]
    responsibility_levels: tuple[Entry, ...]
    sanctions: tuple[Entry, ...]
    concepts: tuple[Entry, ...] = ()
    digest: str = ""  # of the merged codebook's text (load_codebook): a document's reader stamp names it

    def tag_ids(self) -> list[str]:
        return [t.id for t in self.tags]

    def get(self, section: str, id_: str) -> Entry | None:
        return next((e for e in getattr(self, section) if e.id == id_), None)

    def concepts_named_in(self, text: str, langs=("en", "zh")) -> list[Entry]:
        """The concepts a text names (Entry.named_in), the text lower-cased once for all of them."""
        low = folded(text)
        return [c for c in self.concepts if c.named_in_folded(text, low, langs)]


def _merge(base: dict, extra: dict) -> dict:
    out = {k: [dict(e) for e in base.get(k, [])] for k in SECTIONS}
    for section in SECTIONS:
        for e in extra.get(section, []) or []:
            if "id" not in e:
                raise ConfigError(f"user codebook: an entry in '{section}' has no id")
            old = next((o for o in out[section] if o["id"] == e["id"]), None)
            if old is None:
                out[section].append(e)
                continue
            cues = {lang: list((old.get("cues") or {}).get(lang, [])) for lang in ("en", "zh")}
            for lang, pats in (e.get("cues") or {}).items():
                cues.setdefault(lang, []).extend(pats)
            old.update({k: v for k, v in e.items() if k != "cues"})
            old["cues"] = cues
    return out


_ALWAYS, _UNCASED, _ASCII = 0, 1, 2
_ANY = (_ALWAYS, "")  # no needle: the pattern decides


def _needle(term: str) -> tuple[int, str]:
    """What a plain term's pattern needs in a text: an uncased term (Chinese, figures) as written; an ASCII
    term lower-cased, in lower-cased ASCII text; any other term is left to its pattern (case folding ties
    some letters to others: ſ to s)."""
    if not term:
        return _ANY
    if term.lower() == term.upper():
        return _UNCASED, term
    if term.isascii():
        return _ASCII, term.lower()
    return _ANY


def _may_hold(text: str, low: str | None, needle: tuple[int, str]) -> bool:
    """False only where a case-insensitive match of a pattern that needs the needle cannot be in the text."""
    mode, s = needle
    if mode == _UNCASED:
        return s in text
    if mode == _ASCII and low is not None:
        return s in low
    return True


def term_pattern(word: str, lang: str) -> re.Pattern:
    """English terms match whole words with a plural or verb ending ("inspector" also names "inspectors")."""
    if lang == "en":
        return re.compile(r"(?<![A-Za-z])" + re.escape(word) + r"(?:s|es|d|ed|ing)?(?![A-Za-z])", re.I)
    return re.compile(re.escape(word), re.I)


def _compile_terms(e: dict) -> Entry:
    """Concept terms are plain text: escaped, and English ones bounded by word edges. A term written
    with a leading "~" is ambiguous on its own: it is still a translation of the concept, but names
    it in a text only together with another of its ambiguous terms (Entry.named_in)."""
    cues, terms, weak, needles = {}, {}, {}, {}
    for lang, words in (e.get("cues") or {}).items():
        words = [str(w) for w in words]
        terms[lang] = tuple(w.lstrip("~") for w in words)
        cues[lang] = tuple(term_pattern(w, lang) for w in words if not w.startswith("~"))
        weak[lang] = tuple(term_pattern(w[1:], lang) for w in words if w.startswith("~"))
        needles[lang] = (tuple(_needle(w) for w in words if not w.startswith("~")),
                         tuple(_needle(w[1:]) for w in words if w.startswith("~")))
    return Entry(e["id"], e.get("name") or {}, e.get("description") or {}, cues, terms, weak, needles=needles)


def _compile(e: dict, where: str) -> Entry:
    cues = {}
    for lang, pats in (e.get("cues") or {}).items():
        try:
            cues[lang] = tuple(re.compile(p, re.I) for p in pats)
        except re.error as err:
            raise ConfigError(f"{where}: bad cue pattern for '{e['id']}' ({lang}): {err}") from None
    actor = e.get("actor")
    if actor not in (None, "government", "enterprise"):
        raise ConfigError(f"{where}: '{e['id']}': actor must be government or enterprise, not {actor!r}")
    return Entry(e["id"], e.get("name") or {}, e.get("description") or {}, cues, actor=actor)


@lru_cache(maxsize=8)
def load_codebook(user_path: Path | None = None) -> Codebook:
    data = yaml.safe_load(BUILTIN.read_text(encoding="utf-8"))
    where = str(BUILTIN)
    if user_path:
        if not Path(user_path).exists():
            raise ConfigError(f"user codebook {user_path} does not exist; fix DUTYTRACE_CODEBOOK")
        try:
            extra = yaml.safe_load(Path(user_path).read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as e:
            raise ConfigError(f"user codebook {user_path} is not valid YAML: {e}") from None
        data = _merge(data, extra)
        where = str(user_path)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:12]
    tags, types, levels, sanctions, concepts = (
        tuple((_compile_terms(e) if s == "concepts" else _compile(e, where)) for e in data.get(s, [])) for s in SECTIONS)
    return Codebook(tags, types, levels, sanctions, concepts, digest)
