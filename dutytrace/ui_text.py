"""Display helpers shared by the Streamlit pages: escaping and highlighting (no heavy imports)."""

from __future__ import annotations

import html
import re

from dutytrace.lang import detect_language

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}|[\u4e00-\u9fff]{2,}")
_STOP = {"the", "and", "for", "with", "without", "was", "were", "that", "this", "from", "into", "not", "are", "who",
         "what", "where", "when", "which", "cases", "case", "went", "down", "had", "has", "have", "been", "they",
         "their", "there", "after", "before", "any", "all", "did", "does", "about", "our", "his", "her", "its"}


def query_terms(query: str) -> list[str]:
    terms = []
    for m in _WORD.finditer(query):
        t = m.group(0)
        if t.lower() in _STOP:
            continue
        if detect_language(t) == "zh" and len(t) > 2:
            # Chinese queries have no spaces: highlight overlapping 2-character pieces
            terms.extend(t[i:i + 2] for i in range(len(t) - 1))
        else:
            terms.append(t)
    return sorted(set(terms), key=len, reverse=True)


def highlight(text: str, query: str) -> str:
    """HTML-escape `text` and mark the query's terms with <mark>. Safe to render as HTML."""
    terms = query_terms(query)
    escaped = html.escape(text)
    if not terms:
        return escaped
    pat = re.compile("|".join(re.escape(html.escape(t)) for t in terms), re.I)
    return pat.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)


def reflow(text: str) -> str:
    """Join lines that a PDF wrapped, keep paragraph breaks."""
    return re.sub(r"(?<!\n)\n(?!\n)", " ", text)
