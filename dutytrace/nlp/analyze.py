"""One call that runs all of NLP on a document's chunks.

English chunks go through the spaCy pipeline once (without the parser, which nothing here uses):
the responsibility tagger reads the lemmas and the entity extractor the NER of the same Docs."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from functools import lru_cache

from dutytrace.models import CASE_TAG_MIN, Analysis, Chunk, Document, Entity, Measure, TagResult
from dutytrace.nlp.accountability import extract_accountability
from dutytrace.nlp.codebook import Codebook
from dutytrace.nlp.entities import extract_entities
from dutytrace.nlp.facts import document_facts
from dutytrace.nlp.pipeline import get_nlp, use_codebook
from dutytrace.nlp.learned import packaged_tagger, reads, rows_from_readings
from dutytrace.nlp.measures import extract_measures, in_original_script
from dutytrace.nlp.responsibility import sentence_readings, tag_chunks
from dutytrace.nlp.tag_semantics import tag_similarity


class _Parsed:
    """A view of a pipeline that has already run on the chunks: `pipe` hands back the Docs made once."""

    def __init__(self, nlp, docs: dict[str, object]):
        self._nlp, self._docs, self.pipe_names = nlp, docs, nlp.pipe_names

    def pipe(self, texts, **kw):
        for t in texts:
            yield self._docs[t] if t in self._docs else self._nlp(t)

    def __call__(self, text):
        return self._docs.get(text) or self._nlp(text)


def parse_chunks(chunks: list[Chunk], lang: str, codebook: Codebook, en_model: str):
    nlp = get_nlp("en", en_model) if lang == "en" else get_nlp("zh")
    use_codebook(nlp, codebook)
    texts = [c.text.replace("\n", " ") for c in chunks]
    docs = list(nlp.pipe(texts, batch_size=64, disable=[p for p in nlp.pipe_names if p == "parser"]))
    return nlp, texts, docs


def analyze(doc: Document, chunks: list[Chunk], codebook: Codebook, en_model: str, tagger: str = "cues",
            measures: bool = True) -> Analysis:
    """Everything NLP reads from a document (its rectification measures only with `measures`: a file
    that is only compared with the archive needs none; `document_measures` reads them later). A Chinese
    document in traditional script is read in its simplified twin (dutytrace/script.py) and what was
    read is given back in the original's characters."""
    simplified = _simplified_pages(doc)
    if simplified is not None:
        out = _analyze_traditional(doc, simplified, chunks, codebook, en_model, tagger)
    else:
        out = _analyze(doc, chunks, codebook, en_model, tagger)
    return replace(out, measures=_measures(doc, simplified) if measures else None, reader=reader_stamp(tagger, codebook))


def reader_stamp(tagger: str, codebook: Codebook) -> str:
    """What reads a document's tags, type and measures, in a few words: the tagger (and its trained
    model's digest where it uses one), the accident-type model's, the measures reader (and its model's)
    and the codebook's digest. Two documents with the same stamp were read by the same rules; a home
    whose documents carry other stamps than the one the settings give now mixes decisions made by
    different readers until `dutytrace retag` (service: reader_state)."""
    from dutytrace.nlp import measures_learned, type_model
    from dutytrace.nlp.learned import MODEL_PATH

    parts = [f"tagger={tagger}" + (f"@{_file_digest(MODEL_PATH)}" if tagger != "cues" else ""),
             f"type@{_file_digest(type_model.MODEL_PATH)}"]
    mode = measures_learned.mode()
    parts.append(f"measures={mode}" + (f"@{_file_digest(measures_learned.MODEL_PATH)}" if mode != "rules" else ""))
    parts.append(f"codebook@{codebook.digest}")
    return " ".join(parts)


@lru_cache(maxsize=8)
def _file_digest(path) -> str:
    """The first 8 hex digits of a packaged model file's SHA-256 ("none" when it is absent)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:8]
    except OSError:
        return "none"


def document_measures(doc: Document) -> list[Measure]:
    """The document's rectification measures, as `analyze` reads them."""
    return _measures(doc, _simplified_pages(doc))


def _simplified_pages(doc: Document) -> tuple | None:
    """The pages in simplified script of a Chinese document written in traditional script; None for any other."""
    if doc.language != "zh":
        return None
    from dutytrace.script import is_traditional, to_simplified

    if not is_traditional(doc.text):
        return None
    return tuple(replace(p, text=to_simplified(p.text)) for p in doc.pages)


def _measures(doc: Document, simplified: tuple | None) -> list[Measure]:
    """No measure in a transcript; a document in traditional script read in its simplified pages and its measures
    given back in its own characters."""
    if doc.kind == "transcript":
        return []
    if simplified is not None:
        return in_original_script(extract_measures(simplified, "zh"), doc.text)
    return extract_measures(doc.pages, doc.language)


def _analyze_traditional(doc: Document, pages: tuple, chunks: list[Chunk], codebook: Codebook, en_model: str,
                         tagger: str) -> Analysis:
    from dutytrace.script import Simplified, to_simplified

    # the section headings and speaker labels too: the tagger weighs a finding by its section
    simple = _analyze(replace(doc, pages=pages),
                      [replace(c, text=to_simplified(c.text), section=c.section and to_simplified(c.section),
                               speaker=c.speaker and to_simplified(c.speaker)) for c in chunks],
                      codebook, en_model, tagger)
    back = Simplified(doc.text).original
    return replace(
        simple,
        tags=[TagResult(t.tag, t.score, tuple(replace(e, text=back(e.text)) for e in t.evidence)) for t in simple.tags],
        entities=[Entity(back(e.text), e.label, e.page) for e in simple.entities],
        accountability=[replace(a, person=back(a.person), role=back(a.role), organisation=back(a.organisation),
                                evidence=back(a.evidence)) for a in simple.accountability],
        facts={k: back(v) if k in ("location", "enterprise", "title") and isinstance(v, str) else v
               for k, v in simple.facts.items()},
    )


def _analyze(doc: Document, chunks: list[Chunk], codebook: Codebook, en_model: str, tagger: str = "cues") -> Analysis:
    """All but the measures (`analyze` adds them)."""
    lang = doc.language
    nlp, texts, docs = parse_chunks(chunks, lang, codebook, en_model)
    accountability = extract_accountability(chunks, lang, codebook) if doc.kind != "transcript" else []
    tags, chunk_tags = tag_document(chunks, lang, codebook, doc.kind, docs, accountability, tagger)
    facts = document_facts(doc.text, lang, codebook, doc.kind)  # an interview record's by its own reader
    facts.update(accident_type_of(doc.text, lang, codebook, facts.get("accident_type")))
    return Analysis(
        language=lang,
        kind=doc.kind,
        entities=extract_entities(chunks, lang, _Parsed(nlp, dict(zip(texts, docs))) if lang == "en" else None),
        tags=tags,
        facts=facts,
        accountability=accountability,
        chunk_tags=chunk_tags,
    )


def accident_type_of(text: str, lang: str, codebook: Codebook, rule: str | None = None) -> dict:
    """The accident type, always answered, with its confidence: the cue rules' type (facts.accident_type)
    where they find one, with the classifier's probability for it; otherwise the classifier's type
    (nlp/type_model.py), "other" when no type fits. Measured leave-one-genre-out, the rules are the more
    accurate where they answer (a title's named type, the opening's cues) and the classifier answers where
    they find nothing (transcripts, news). {} without a shipped classifier."""
    from dutytrace.nlp.type_model import packaged_classifier

    model = packaged_classifier()
    if model is None or not text.strip():
        return {}
    if rule in model.types:
        p = model.probabilities(text, lang, codebook, rule)
        return {"accident_type": rule, "accident_type_confidence": round(float(p[model.types.index(rule)]), 3),
                "accident_type_source": "rules"}
    kind, p = model.predict(text, lang, codebook, rule)
    return {"accident_type": kind, "accident_type_confidence": round(p, 3), "accident_type_source": "classifier"}


TAGGERS = ("cues", "learned", "chosen")
# the score of a classifier's tag that no sentence carries and no cue supports: below the case decision
UNSUPPORTED_SCORE = round(CASE_TAG_MIN - 0.05, 2)


def check_tagger(tagger: str) -> None:
    """Refuse a tagger setting that names no tagger (DUTYTRACE_TAGGER)."""
    if tagger not in TAGGERS:
        from dutytrace.errors import ConfigError

        raise ConfigError(f"DUTYTRACE_TAGGER is '{tagger}'; it must be one of: {', '.join(TAGGERS)}")


def tag_document(chunks: list[Chunk], lang: str, codebook: Codebook, kind: str, docs: list, people: list,
                 tagger: str = "cues"):
    """The document's responsibility tags and each chunk's tags.

    `chosen` (the default, Settings.tagger): see below. `cues`: the calibrated cue rules (responsibility.py) alone.
    `learned` (DUTYTRACE_TAGGER=learned): a tag is decided when the trained sentence classifier (nlp/learned.py) or
    the cue rules decide it — each tag's score is the higher of the two, both on the CASE_TAG_MIN scale,
    with that one's evidence.
    `chosen` (DUTYTRACE_TAGGER=chosen): each tag decided by the source the training run chose for it
    (the cue rules, the classifier, or either; the model's `tag_sources`, chosen on held-out decisions by
    `python -m dutytrace.nlp.train --logo --house`, a reader only where its held-out precision reaches
    train.PRECISION_FLOOR), with that source's evidence and passage tags; a tag without a choice (a user
    codebook's) by its cues.
    Tags of a user codebook that the classifier was not trained on are decided by their cues alone."""
    check_tagger(tagger)
    readings = list(sentence_readings(chunks, lang, codebook, kind, docs, people))
    cue_tags, per_chunk = tag_chunks(chunks, lang, codebook, kind, docs, tag_similarity(codebook), people, readings)
    model = packaged_tagger() if tagger != "cues" else None
    if model is None:
        return cue_tags, per_chunk
    learned = model.tag(rows_from_readings(readings, lang, kind), cues={t.tag: t.score for t in cue_tags})
    known = set(codebook.tag_ids())
    sources = (model.meta.get("tag_sources") or {}) if tagger == "chosen" else {}

    def source(tag: str) -> str:
        return "either" if tagger == "learned" else sources.get(tag, "cues") if tag in known else "cues"
    cue_by_tag = {t.tag: t for t in cue_tags}
    best = {t.tag: t for t in cue_tags if reads(source(t.tag), "cues")}
    unsupported: set[str] = set()
    for t in learned.tags:
        if reads(source(t.tag), "classifier") and (t.tag not in best or t.score > best[t.tag].score):
            cue = cue_by_tag.get(t.tag)
            if t.tag in learned.uncarried:
                if cue is not None and cue.evidence:
                    # decided on the cue rules' score, not on a sentence of its own: the cue rules' evidence
                    # shows it
                    t = TagResult(t.tag, t.score, cue.evidence)
                elif t.score >= CASE_TAG_MIN:
                    # no sentence carries it and no cue says it: shown as possible, never as decided (the
                    # best "sentence" can be a page footer, which is no finding)
                    t = TagResult(t.tag, UNSUPPORTED_SCORE, t.evidence)
                    unsupported.add(t.tag)
            best[t.tag] = t
    chunk_tags: dict[int, list[str]] = {}
    for seq, ids in per_chunk.items():
        chunk_tags[seq] = [t for t in ids if reads(source(t), "cues")]
    for seq, ids in learned.chunk_tags.items():
        found = chunk_tags.setdefault(seq, [])
        found.extend(t for t in ids if reads(source(t), "classifier") and t not in unsupported and t not in found)
    return sorted(best.values(), key=lambda t: (-t.score, t.tag)), chunk_tags
