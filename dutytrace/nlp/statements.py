"""Line up what different interviewees of a case said about the same fact.

Every answer in the case's transcripts becomes a statement (speaker and post from transcript_roles,
document, page, text, the question it answers). Two statements of different speakers are linked when
their embeddings are close, or moderately close and they share an anchor: a number, a clock time, a
date or a name. Linked statements form groups (connected components, one statement per speaker, the
most central kept); a group's topic is the anchor or the question they have in common."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from dutytrace.nlp.transcript_roles import line_role, looks_like_transcript, read_header

STRONG, WEAK = 0.72, 0.5  # cosine for a link without / with a shared anchor
_ANCHOR = re.compile(r"\d{1,2}[:：]\d{2}|\d+(?:\.\d+)?|[\u4e00-\u9fff][某]{1,2}|\b[A-Z][a-z]+ [A-Z][a-z]+\b|"
                     r"[一二三四五六七八九十]+点(?:多|半)?")


@dataclass
class Statement:
    speaker: str
    role: str | None
    doc: str
    page: int
    text: str
    question: str = ""

    def anchors(self) -> set[str]:
        return {a for a in _ANCHOR.findall(self.text) if not re.fullmatch(r"[01]", a)}

    def to_json(self) -> dict:
        return {"speaker": self.speaker, "role": self.role, "doc": self.doc, "page": self.page, "text": self.text}


def transcript_statements(name: str, pages: list[dict]) -> list[Statement]:
    """The answers of a transcript (pages as stored: {"page", "text"}), each with its speaker and post."""
    if not pages:
        return []
    first = pages[0]["text"]
    header = read_header(first)
    out: list[Statement] = []
    question, cur = "", None
    for p in pages:
        for line in p["text"].splitlines():
            role, speaker, post = line_role(line, header)
            body = re.sub(r"^[^:：\n]{0,32}[:：]\s*", "", line).strip() if role else line.strip()
            if role == "header" or not body:
                continue
            if role == "question":
                question, cur = body, None
            elif role == "answer":
                cur = Statement(speaker, post or (header.role if speaker == header.interviewee else None), name,
                                p["page"], body, question)
                out.append(cur)
            elif cur is not None:  # a wrapped line continues the answer
                cur.text += ("" if re.search(r"[\u4e00-\u9fff]$", cur.text) else " ") + body
            elif question:
                question += " " + body
    return [s for s in out if len(s.text) >= 6]


def group_statements(docs: list[dict], pages: dict[str, list[dict]], encode, min_speakers: int = 2,
                     limit: int = 30) -> list[dict]:
    """Groups of statements by different speakers about the same fact, most speakers first."""
    stmts: list[Statement] = []
    for d in docs:
        text = "\n".join(p["text"] for p in pages.get(d["doc_id"], [])[:1])
        if d["kind"] == "transcript" or looks_like_transcript(text):
            stmts.extend(transcript_statements(d["name"], pages.get(d["doc_id"], [])))
    if len({s.speaker for s in stmts}) < min_speakers:
        return []
    vecs = np.asarray(encode([(s.question + " " + s.text).strip() for s in stmts]))
    sims = vecs @ vecs.T
    anchors = [s.anchors() for s in stmts]
    parent = list(range(len(stmts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(stmts)):
        for j in range(i + 1, len(stmts)):
            if stmts[i].speaker == stmts[j].speaker:
                continue
            if sims[i, j] >= STRONG or (sims[i, j] >= WEAK and anchors[i] & anchors[j]):
                parent[find(i)] = find(j)
    comps: dict[int, list[int]] = {}
    for i in range(len(stmts)):
        comps.setdefault(find(i), []).append(i)
    groups = []
    for members in comps.values():
        best: dict[str, tuple[int, float]] = {}
        for i in members:  # one statement per speaker: the one closest to the rest of the group
            c = float(np.mean([sims[i, j] for j in members if j != i])) if len(members) > 1 else 0.0
            if stmts[i].speaker not in best or c > best[stmts[i].speaker][1]:
                best[stmts[i].speaker] = (i, c)
        chosen = [i for i, _ in best.values()]
        if len(chosen) < min_speakers:
            continue
        shared = Counter(a for i in chosen for a in anchors[i])
        common = [a for a, n in shared.most_common() if n >= 2]
        central = max(chosen, key=lambda i: float(np.mean([sims[i, j] for j in chosen if j != i])))
        topic = stmts[central].question or stmts[central].text
        if common:
            topic = f"{topic} [{', '.join(common[:3])}]"
        groups.append({"topic": topic[:160], "score": round(float(np.mean([sims[i, j] for i in chosen for j in chosen
                                                                              if i < j])), 3),
                       "statements": [stmts[i].to_json() for i in sorted(chosen, key=lambda i: stmts[i].doc)]})
    groups.sort(key=lambda g: (-len(g["statements"]), -g["score"]))
    return groups[:limit]
