"""Where in a passage its responsibility cues are, so the UI and exports can mark them."""

from __future__ import annotations

from dutytrace.nlp.codebook import Codebook


def cue_spans(text: str, tags: list[str], codebook: Codebook) -> list[dict]:
    """Non-overlapping spans [{start, end, tag}] of the cue patterns of the given tags, in order."""
    spans = []
    for tag in tags:
        entry = codebook.get("tags", tag)
        if entry is None:
            continue
        for pats in entry.cues.values():
            for p in pats:
                for m in p.finditer(text):
                    if m.end() > m.start():
                        spans.append((m.start(), m.end(), tag))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0]), s[2]))  # ties by tag id: the same marks every time
    out, last = [], -1
    for start, end, tag in spans:
        if start >= last:
            out.append({"start": start, "end": end, "tag": tag})
            last = end
    return out
