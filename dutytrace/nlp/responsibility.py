"""Responsibility-issue tagging: a spaCy component finds the codebook's cues, the document's structure
and the cue's polarity weigh each sentence, similarity to the tags' descriptions adds what cues miss,
and a calibrated score says how likely the document shows the issue.

The component (`dutytrace_responsibility`, registered with `@Language.factory`, so it shows in the
pipeline config) marks cue matches on each Doc: the codebook's regular expressions on the text (both
languages, since reports quote both) and, for English, on the lemmas too, plus a PhraseMatcher on
LEMMA for plain-phrase cues ("toolbox talk" also finds "toolbox talks"). `tag_chunks` weighs every supporting sentence by
where it stands (tag_context: a finding of the report outweighs an interviewee's statement; titles,
tables, questions and header lines are no evidence) and how (polarity: denied and rejected claims are
no evidence; a denial in the report's findings counts against the tag), then calibrates."""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from dutytrace.lang import split_sentences
from dutytrace.models import CASE_TAG_MIN, Chunk, Evidence, TagResult
from dutytrace.nlp.accountability import extract_accountability
from dutytrace.nlp.actors import ActorIndex
from dutytrace.nlp.codebook import Codebook, load_codebook
from dutytrace.nlp.polarity import ASSERTED, DENIED, REPORTED, disclaims_previous, polarity
from dutytrace.nlp.tag_context import Context, DocumentContext
from dutytrace.nlp.textfold import Folded

COMPONENT = "dutytrace_responsibility"
MAX_EVIDENCE = 5
if not Doc.has_extension("dutytrace_cues"):
    Doc.set_extension("dutytrace_cues", default=None)

# Evidence weight of a sentence by where it stands. Reports: by section (the cause analysis names the case's
# issues; the accountability section restates them per person in set phrases, "failed to perform his duties",
# so it weighs less: 0.75 was chosen on corpus/dev, the tuning cases being indifferent); decisions state findings;
# transcripts: a statement of the interviewee is weaker evidence than a finding, a question weaker still.
SECTION_WEIGHT = {"findings": 1.0, "accountability": 0.75, "direct": 0.75, "rescue": 0.6, "facts": 0.45, "measures": 0.15, None: 0.5}
ROLE_WEIGHT = {"answer": 0.3}
KIND_WEIGHT = {"report": 1.0, "decision": 0.9, "other": 0.6, "transcript": 0.35}
REPORTED_FACTOR = 0.45
SIMILARITY_MIN_WEIGHT = 0.9  # findings of reports, decisions
SIMILARITY_MAX_SENTENCES = 80  # per document: embedding is the costly part of tagging
# Calibration: P(tag) = sigmoid(A * log1p(support) - B * against + C * similarity + D), fitted with
# benchmarks/measure_tagging.py --fit on the tuning cases only (see the report in that script's doc).
CAL_A, CAL_B, CAL_C, CAL_D = 6.24, 2.05, 0.57, -1.66


_POLARITY_RANK = {ASSERTED: 0, REPORTED: 1, DENIED: 2}


@dataclass(frozen=True)
class CueHit:
    start: int
    end: int
    tag: str
    cue: str


@Language.factory(COMPONENT, default_config={"codebook_path": None, "lemmas": True})
def make_responsibility_tagger(nlp: Language, name: str, codebook_path: str | None, lemmas: bool):
    return ResponsibilityTagger(nlp, name, codebook_path, lemmas)


class ResponsibilityTagger:
    """Sets `doc._.dutytrace_cues`: the codebook cue matches in the Doc (char offsets)."""

    def __init__(self, nlp: Language, name: str, codebook_path: str | None = None, lemmas: bool = True):
        self.nlp, self.name, self.lemmas = nlp, name, lemmas
        self.codebook: Codebook | None = None
        self._phrases: PhraseMatcher | None = None
        self._phrase_codebook: Codebook | None = None
        self.use(load_codebook(Path(codebook_path) if codebook_path else None))

    def use(self, codebook: Codebook) -> None:
        """Switch to another (e.g. user-merged) codebook; takes effect on the next Doc."""
        if codebook is not self.codebook:
            self.codebook = codebook
            self._phrases = None

    def _phrase_matcher(self) -> PhraseMatcher:
        """Plain-phrase English cues as lemma patterns (built lazily: it needs the pipeline's lemmatizer)."""
        if self._phrases is None or self._phrase_codebook is not self.codebook:
            pm = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
            names = [p for p in self.nlp.pipe_names if p in ("tok2vec", "tagger", "attribute_ruler", "lemmatizer")]
            for tag in self.codebook.tags:
                plain = [p.pattern for p in tag.cues.get("en", ()) if re.fullmatch(r"[A-Za-z][A-Za-z' -]*[a-z]", p.pattern)]
                if plain and names:
                    pm.add(tag.id, list(self.nlp.pipe(plain, disable=[n for n in self.nlp.pipe_names if n not in names])))
            self._phrases, self._phrase_codebook = pm, self.codebook
        return self._phrases

    def __call__(self, doc: Doc) -> Doc:
        doc._.dutytrace_cues = self.find(doc)
        return doc

    def find(self, doc: Doc) -> list[CueHit]:
        text = doc.text
        folded = Folded(text)
        hits: dict[tuple[int, str], CueHit] = {}
        for tag in self.codebook.tags:
            for lang in ("en", "zh"):
                for pat in tag.cues.get(lang, ()):
                    for m in folded.finditer(pat):
                        if m.end() > m.start():
                            end = _word_end(text, m.end())
                            hits.setdefault((m.start(), tag.id), CueHit(m.start(), end, tag.id, text[m.start():end]))
        if self.lemmas and self.nlp.lang == "en" and len(doc) and doc.has_annotation("LEMMA"):
            for h in self._lemma_hits(doc):
                hits.setdefault((h.start, h.tag), h)
        return sorted(hits.values(), key=lambda h: (h.start, h.tag))

    def _lemma_hits(self, doc: Doc) -> list[CueHit]:
        out = []
        for match_id, s, e in self._phrase_matcher()(doc):
            span = doc[s:e]
            out.append(CueHit(span.start_char, span.end_char, self.nlp.vocab.strings[match_id], span.text))
        # the regular expressions once more over the lemma text ("inspections were not carried out" ->
        # "inspection be not carry out"), mapped back to the words they came from
        parts, starts, pos = [], [], 0
        for tok in doc:
            starts.append(pos)
            lemma = (tok.lemma_ or tok.text).lower()
            parts.append(lemma + tok.whitespace_)
            pos += len(lemma) + len(tok.whitespace_)
        lemma_text = Folded("".join(parts))
        for tag in self.codebook.tags:
            for pat in tag.cues.get("en", ()):
                for m in lemma_text.finditer(pat):
                    i = bisect.bisect_right(starts, m.start()) - 1
                    j = max(i, bisect.bisect_left(starts, m.end()) - 1)
                    out.append(CueHit(doc[i].idx, doc[j].idx + len(doc[j]), tag.id, doc[i:j + 1].text))
        return out


def _word_end(text: str, end: int) -> int:
    """A cue written as a stem ("brib", "conceal") marks the whole word it ends in ("bribes", "concealed")."""
    if 0 < end < len(text) and text[end - 1].isascii() and text[end - 1].isalpha():
        while end < len(text) and text[end].isascii() and text[end].isalpha():
            end += 1
    return end


def sentence_units(chunk: Chunk, ctx: DocumentContext):
    """(start, end, Context) of every sentence of a chunk that could be evidence: sentences are split
    within runs of lines of one context, so a title, a question or a table row stays apart."""
    lines = ctx.lines(chunk)
    runs: list[list] = []
    for start, end, c in lines:
        if runs and runs[-1][2] == c and c.role in ("text", "answer", "question"):
            runs[-1][1] = end
        else:
            runs.append([start, end, c])
    for start, end, c in runs:
        if c.role in ("title", "table", "header", "question"):  # an interviewer's question asserts nothing
            continue
        for s, e in split_sentences(chunk.text[start:end]):
            yield start + s, start + e, c


def weight_of(kind: str, c: Context, tag: str) -> float:
    if c.role in ROLE_WEIGHT:
        return ROLE_WEIGHT[c.role]
    if kind in ("report",):
        w = SECTION_WEIGHT.get(c.section, 0.5)
        if tag == "emergency_response_failure" and c.section == "rescue":
            w = 1.0
        return w
    return KIND_WEIGHT.get(kind, 0.6)


def calibrate(support: float, against: float, similarity: float = 0.0) -> float:
    z = CAL_A * math.log1p(support) - CAL_B * against + CAL_C * similarity + CAL_D
    return 1.0 / (1.0 + math.exp(-z))


def tag_chunks(chunks: list[Chunk], lang: str, codebook: Codebook, kind: str = "report", docs: list | None = None,
               similarity=None, people: list | None = None, readings: list | None = None,
               ) -> tuple[list[TagResult], dict[int, list[str]]]:
    """Document-level tags (best first) and the tag ids found in each chunk (by seq). `docs` are the
    chunks' spaCy Docs (already through the pipeline); without them the pipeline runs here.
    `similarity(sentences, lang) -> {tag: [(sentence index, similarity)]}` adds semantic evidence;
    `readings`: the document's sentence_readings when already made."""
    features, per_chunk = tag_evidence(chunks, lang, codebook, kind, docs, similarity, people, readings)
    results = [TagResult(tag, calibrate(f["support"], f["against"], f["similarity"]), tuple(f["evidence"]))
               for tag, f in features.items() if f["support"] > 0 or f["similarity"] > 0]
    results.sort(key=lambda t: (-t.score, t.tag))
    return results, per_chunk


FINDINGS_HEADING = {"en": "4. Causes of the accident\n", "zh": "四、事故原因\n"}


def finding_tags(sentence: str, lang: str, codebook: Codebook, similarity=None) -> set[str]:
    """The tags one sentence gives a case when it stands as a finding of a report (under a "causes of
    the accident" heading): those whose calibrated score reaches CASE_TAG_MIN."""
    body = FINDINGS_HEADING[lang] + sentence
    chunk = Chunk("s", "s", "s", 0, 1, 0, len(body), body)
    features, _ = tag_evidence([chunk], lang, codebook, "report", None, similarity)
    return {t for t, f in features.items() if calibrate(f["support"], f["against"], f["similarity"]) >= CASE_TAG_MIN}


@dataclass(frozen=True)
class Reading:
    """One sentence of a document as the cues read it: where it stands, and per tag the polarity, cue and
    weight of its strongest cue (asserted before reported before denied). `remark`: the next sentence
    says it had no bearing on the accident. The cue tagger sums these; the learned tagger takes them as
    features."""

    seq: int  # the chunk's seq
    start: int  # offsets in the chunk's text
    end: int
    sentence: str
    context: Context
    weight: float  # the sentence's evidence weight by where it stands, for no tag in particular
    evidence: Evidence
    cues: dict  # tag -> (polarity, CueHit, weight)
    remark: bool


def sentence_readings(chunks: list[Chunk], lang: str, codebook: Codebook, kind: str = "report", docs: list | None = None,
                      people: list | None = None):
    """Every sentence that could be evidence, in document order, with its cue readings (Reading).
    `docs` are the chunks' spaCy Docs (already through the pipeline); without them the pipeline runs here."""
    if docs is None:
        from dutytrace.nlp.pipeline import get_nlp, use_codebook

        nlp = get_nlp(lang)
        use_codebook(nlp, codebook)
        docs = list(nlp.pipe([c.text.replace("\n", " ") for c in chunks], batch_size=64,
                             disable=[p for p in nlp.pipe_names if p in ("parser", "ner")]))
    ctx = DocumentContext(chunks, kind)
    actor_of = {t.id: t.actor for t in codebook.tags if t.actor}
    actors = None
    if actor_of:
        if people is None:  # the document's accountability entries: who holds which post (actors.py)
            people = extract_accountability(chunks, lang, codebook) if kind != "transcript" else []
        actors = ActorIndex("\n".join(c.text for c in chunks), lang, people)
    for ch, sd in zip(chunks, docs):
        hits = sd._.dutytrace_cues or []
        units = list(sentence_units(ch, ctx))
        for i, (s, e, c) in enumerate(units):
            sentence = ch.text[s:e]
            ev = Evidence(re.sub(r"\s+", " ", sentence).strip(), ch.page, c.speaker or ch.speaker, None)
            here = [h for h in hits if s <= h.start < e]
            cues: dict[str, tuple] = {}
            remark = False
            if here:
                # "The emergency plan had not been revised. Neither point bore on the accident.": a remark, not an issue
                remark = i + 1 < len(units) and disclaims_previous(ch.text[units[i + 1][0]:units[i + 1][1]])
                for tag in dict.fromkeys(h.tag for h in here):
                    readings = [(polarity(sentence, h.start - s, h.end - s, tag), h) for h in here if h.tag == tag
                                # another kind of actor's failing ("the company did not inspect its scaffold") is no evidence; the actor is
                                # the one of the cue's verb, at its end ("大队责令改正后，…，但调查组未发现": the investigators)
                                and not (tag in actor_of and actors.actor_before(sentence, h.end - s) not in (None, actor_of[tag]))]
                    if readings:
                        # the sentence shows the issue where any of its cues is asserted ("... was denied, but the team found ...")
                        pol, cue = min(readings, key=lambda r: _POLARITY_RANK.get(r[0], 9))
                        cues[tag] = (pol, cue, weight_of(kind, c, tag))
            yield Reading(ch.seq, s, e, sentence, c, weight_of(kind, c, ""), ev, cues, remark)


def tag_evidence(chunks: list[Chunk], lang: str, codebook: Codebook, kind: str = "report", docs: list | None = None,
                 similarity=None, people: list | None = None, readings: list | None = None,
                 ) -> tuple[dict[str, dict], dict[int, list[str]]]:
    """Per tag: support (weighted distinct sentences), against (weighted denials in findings),
    similarity (best weighted similarity of a sentence to the tag) and the evidence, best first."""
    support: dict[str, dict[str, tuple[float, Evidence]]] = defaultdict(dict)
    against: dict[str, float] = defaultdict(float)
    per_chunk: dict[int, list[str]] = {}
    candidates: list[tuple[str, float, Evidence]] = []
    if readings is None:
        readings = sentence_readings(chunks, lang, codebook, kind, docs, people)
    for r in readings:
        candidates.append((r.sentence, r.weight, r.evidence))
        for tag, (pol, cue, w) in r.cues.items():
            if pol == DENIED and r.context.role == "text" and kind in ("report", "decision"):
                against[tag] += w
            if pol not in (ASSERTED, REPORTED) or r.remark:
                continue
            if pol == REPORTED:
                w *= REPORTED_FACTOR
            ev = r.evidence
            old = support[tag].get(ev.text)
            if old is None or old[0] < w:
                support[tag][ev.text] = (w, Evidence(ev.text, ev.page, ev.speaker, cue.cue))
            found = per_chunk.setdefault(r.seq, [])
            if w >= 0.3 and tag not in found:
                found.append(tag)
    per_chunk = {seq: tags for seq, tags in per_chunk.items() if tags}
    best_sim: dict[str, float] = {}
    sim_ev: dict[str, Evidence] = {}
    pool = [x for x in candidates if x[1] >= SIMILARITY_MIN_WEIGHT and len(x[0]) >= 12][:SIMILARITY_MAX_SENTENCES]
    if similarity is not None and pool:
        for tag, pairs in similarity([x[0] for x in pool], lang).items():
            for i, sim in pairs:
                w = sim * pool[i][1]
                if w > best_sim.get(tag, 0.0):
                    best_sim[tag] = w
                    if not support.get(tag):
                        sim_ev[tag] = Evidence(pool[i][2].text, pool[i][2].page, pool[i][2].speaker, "~description")
    out = {}
    for tag in {*support, *best_sim, *against}:
        items = sorted(support.get(tag, {}).values(), key=lambda x: -x[0])
        out[tag] = {"support": sum(w for w, _ in items), "against": against.get(tag, 0.0),
                    "similarity": best_sim.get(tag, 0.0), "evidence": [ev for _, ev in items[:MAX_EVIDENCE]] or ([sim_ev[tag]] if tag in sim_ev else [])}
    return out, per_chunk
