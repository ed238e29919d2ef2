"""Display helpers shared by the Streamlit pages: escaping and highlighting (no heavy imports)."""

from __future__ import annotations

import re

from dutytrace.lang import detect_language
from dutytrace.nlp.codebook import term_pattern

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}|[\u4e00-\u9fff]{2,}")
_STOP = {"the", "and", "for", "with", "without", "was", "were", "that", "this", "from", "into", "not", "are", "who",
         "what", "where", "when", "which", "cases", "case", "went", "down", "had", "has", "have", "been", "they",
         "their", "there", "after", "before", "any", "all", "did", "does", "about", "our", "his", "her", "its"}


# Streamlit renders st.markdown text as Markdown around the HTML: after a blank line, document text such as
# `![](http://host/x.png)` would become an image (a request to that host) and `$...$` a formula. Escaping
# these characters as entities and keeping line breaks as <br> leaves document text inert.
_SAFE = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'[]()!*_`#~|\\$:{}"})  # one pass: no double escaping


def safe(text: str) -> str:
    """Document text made safe to put inside st.markdown(..., unsafe_allow_html=True): HTML-escaped,
    Markdown and formula characters neutralised, line breaks kept as <br>."""
    return text.translate(_SAFE).replace("\r\n", "\n").replace("\n", "<br>")


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


def highlight(text: str, query: str, entities: list[str] | tuple[str, ...] = (), cues: list[dict] | tuple = ()) -> str:
    """Escape `text` (`safe`) and mark responsibility cues (`cues`: [{start, end, tag}] offsets into `text`,
    as search hits carry them) with <mark class="dt-cue">, the query's terms with <mark> and the given
    entity names with <mark class="dt-ent">. Safe to render as HTML: every piece of document text goes
    through `safe`, and marks never nest (an earlier kind wins an overlap)."""
    spans: list[tuple[int, int, str]] = [(int(c["start"]), int(c["end"]), "dt-cue") for c in cues
                                         if 0 <= int(c["start"]) < int(c["end"]) <= len(text)]
    for cls, words in (("", query_terms(query)), ("dt-ent", entities)):
        for w in sorted({w for w in words if w and len(w.strip()) >= 2}, key=len, reverse=True):
            # English words whole, with a plural or verb ending (not "off" in "office"), as concept terms match
            for m in term_pattern(w, "en" if re.search(r"[A-Za-z]$", w) else "zh").finditer(text):
                spans.append((m.start(), m.end(), cls))
    return mark_spans(text, spans)


def mark_spans(text: str, spans: list[tuple[int, int, str]], target: tuple[int, int] | None = None) -> str:
    """Escape `text`, wrapping each (start, end, css class) span in <mark>; overlapping spans are dropped
    in favour of the earlier-listed one. `target` (start, end) is wrapped in <mark id="dt-target">."""
    taken: list[tuple[int, int, str]] = []
    for s, e, cls in spans:
        if s < e and all(e <= a or s >= b for a, b, _ in taken):
            taken.append((s, e, cls))
    taken.sort()
    out, pos = [], 0
    tstart, tend = target if target else (-1, -1)
    for s, e, cls in taken:
        out.append(safe(text[pos:s]))
        attr = f' class="{cls}"' if cls else ""
        out.append(f"<mark{attr}>{safe(text[s:e])}</mark>")
        pos = e
    out.append(safe(text[pos:]))
    body = "".join(out)
    if target is None:
        return body
    # the target passage is marked by splitting the text around it (inner marks stay inside it)
    return (mark_spans(text[:tstart], [(s, e, c) for s, e, c in taken if e <= tstart])
            + '<mark id="dt-target" class="dt-target">'
            + mark_spans(text[tstart:tend], [(s - tstart, e - tstart, c) for s, e, c in taken if s >= tstart and e <= tend])
            + "</mark>"
            + mark_spans(text[tend:], [(s - tend, e - tend, c) for s, e, c in taken if s >= tend]))


def reflow(text: str) -> str:
    """Join lines that a PDF wrapped, keep paragraph breaks."""
    return re.sub(r"(?<!\n)\n(?!\n)", " ", text)


def draw_boxes(png: bytes, boxes: list[tuple[float, float, float, float]]) -> bytes:
    """Mark regions of a page image: `boxes` are (x0, top, x1, bottom) as fractions of the page's width
    and height. Returns a new PNG with a translucent highlight and an outline around each box."""
    import io

    from PIL import Image, ImageDraw

    img = Image.open(io.BytesIO(png)).convert("RGBA")
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    w, h = img.size
    for x0, top, x1, bottom in boxes:
        rect = (x0 * w - 3, top * h - 2, x1 * w + 3, bottom * h + 2)
        draw.rectangle(rect, fill=(255, 214, 0, 70), outline=(224, 90, 43, 255), width=2)
    out = io.BytesIO()
    Image.alpha_composite(img, layer).convert("RGB").save(out, format="PNG")
    return out.getvalue()
