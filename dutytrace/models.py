"""The data types that flow through the pipeline: files become Documents, Documents become Chunks,
analysis adds tags, entities, facts and accountability; search returns Hits grouped into CaseHits."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# A document's tag counts for its case at this calibrated score (or when a reviewer accepted it). Chosen
# on the tuning cases of the corpus gold (benchmarks/measure_tagging.py --threshold): at 0.6 a lone
# interviewee's statement (about 0.5) no longer tags a case on its own; a finding of the report does.
CASE_TAG_MIN = 0.6

DOC_KINDS = ("report", "transcript", "decision", "other")

# Which document speaks for a case first: the report, then a decision, then anything else, then a
# transcript (case profiles fill facts in this order and cite tag evidence in it among equal scores;
# the trainer and the tagging benchmark read a case's facts the same way).
KIND_ORDER = {"report": 0, "decision": 1, "other": 2, "transcript": 3}


def kind_rank(kind: str | None) -> int:
    return KIND_ORDER.get(kind or "", len(KIND_ORDER))


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    text: str
    ocr: bool = False


@dataclass(frozen=True)
class Turn:
    """One speaker turn of a transcript, with its position in the page text."""

    speaker: str
    text: str
    page: int
    start: int  # character offset in the page text
    end: int


@dataclass(frozen=True)
class Document:
    doc_id: str  # SHA-256 of the case id and the file bytes (identity.py): a document per case
    case_id: str
    path: str  # where it came from (archive members as archive.zip!member)
    name: str  # file name
    kind: str  # one of DOC_KINDS
    language: str  # "en" | "zh"
    pages: tuple[Page, ...]
    fmt: str  # pdf | docx | txt
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages)


@dataclass(frozen=True)
class Chunk:
    chunk_id: str  # UUID derived from doc_id and position
    doc_id: str
    case_id: str
    seq: int
    page: int
    start: int  # character offsets in the page text
    end: int
    text: str
    speaker: str | None = None
    section: str | None = None
    ocr: bool = False


@dataclass(frozen=True)
class Evidence:
    text: str
    page: int
    speaker: str | None = None
    cue: str | None = None


@dataclass(frozen=True)
class TagResult:
    tag: str
    score: float
    evidence: tuple[Evidence, ...]

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "score": round(self.score, 3), "evidence": [
            {k: v for k, v in asdict(e).items() if v is not None} for e in self.evidence]}


@dataclass(frozen=True)
class Entity:
    text: str
    label: str
    page: int


@dataclass(frozen=True)
class Accountability:
    person: str
    role: str | None
    organisation: str | None
    sanction: str | None
    level: str | None = None
    evidence: str | None = None  # the sentence that states the sanction (else the one that names the person)
    page: int | None = None  # the page of that sentence


@dataclass(frozen=True)
class Measure:
    """One rectification measure of a report or decision (nlp/measures.py)."""

    measure: str  # the text of the item, without its numbering
    body: str | None = None  # the body responsible ("; " between several), when the text names one
    bodies: tuple[str, ...] = ()
    deadline: str | None = None  # an ISO date when a date is given, else the phrase ("within 60 days", "年底前")
    due: str | None = None  # the ISO date it falls due, when it can be worked out
    passage: str = ""  # the source passage
    page: int | None = None


@dataclass
class Analysis:
    """What NLP found in one document."""

    language: str
    kind: str
    entities: list[Entity]
    tags: list[TagResult]
    facts: dict[str, Any]
    accountability: list[Accountability]
    chunk_tags: dict[int, list[str]] = field(default_factory=dict)  # chunk seq -> tag ids
    # rectification measures (reports, decisions); None: not read (a file only compared, never stored or shown
    # in full: Dutytrace.similar), and then left out of the JSON rather than said to be none
    measures: list[Measure] | None = field(default_factory=list)
    # which reader made it (nlp.analyze.reader_stamp: tagger, models, measures reader, codebook); kept
    # beside the analysis in the catalog (documents.reader), not in its JSON
    reader: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = {
            "language": self.language,
            "kind": self.kind,
            "entities": [asdict(e) for e in self.entities],
            "tags": [t.to_json() for t in self.tags],
            "facts": self.facts,
            "accountability": [asdict(a) for a in self.accountability],
        }
        if self.measures is not None:
            out["measures"] = [{**asdict(m), "bodies": list(m.bodies)} for m in self.measures]
        return out


@dataclass
class Hit:
    case_id: str
    doc_id: str
    path: str
    name: str
    page: int
    score: float
    text: str
    tags: list[str]
    speaker: str | None = None
    kind: str | None = None
    chunk_id: str | None = None
    cues: list[dict] = field(default_factory=list)  # [{start, end, tag}] spans of responsibility cues in text

    def to_json(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "doc_id": self.doc_id, "path": self.path, "name": self.name,
                "page": self.page, "score": round(self.score, 6), "text": self.text, "tags": self.tags,
                "speaker": self.speaker, "kind": self.kind, "cues": self.cues}


@dataclass
class CaseHit:
    case_id: str
    score: float
    title: str
    passages: list[Hit]
    facts: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"case_id": self.case_id, "score": round(self.score, 6), "title": self.title,
                "facts": self.facts, "tags": self.tags,
                "passages": [p.to_json() for p in self.passages]}
