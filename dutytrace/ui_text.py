"""Display helpers shared by the Streamlit pages: escaping and highlighting (no heavy imports)."""

from __future__ import annotations

import re

from dutytrace.lang import detect_language
from dutytrace.nlp.codebook import term_pattern
from dutytrace.values import industry_words  # the one table of industries in words (the brief reads it too)

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


def query_terms(query: str, concept_terms: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The words of a query worth marking. A Chinese run has no spaces: the codebook terms it contains
    (`concept_terms`, e.g. 有限空间) are kept whole, and only the rest is marked by 2-character pieces."""
    terms = []
    zh_known = sorted({w for w in concept_terms if re.search(r"[\u4e00-\u9fff]", w)}, key=len, reverse=True)
    for m in _WORD.finditer(query):
        t = m.group(0)
        if t.lower() in _STOP:
            continue
        if detect_language(t) == "zh" and len(t) > 2:
            rest = t
            for w in zh_known:
                if w in rest:
                    terms.append(w)
                    rest = rest.replace(w, "\x00")
            for piece in rest.split("\x00"):
                terms.extend(piece[i:i + 2] for i in range(len(piece) - 1))
        else:
            terms.append(t)
    # longest first, then in the query's order: the same marks every time (2-character pieces that
    # overlap, 有限 限公 公司, leave the first and the last)
    return sorted(dict.fromkeys(terms), key=lambda w: (-len(w), query.find(w)))


# a query's word inside a company's legal form is not the query's word: 有限 of 有限空间 in 某某有限公司
_LEGAL_FORM = re.compile(r"(?:股份)?有限(?:责任)?公司|(?:集团)?股份公司|Co\.,? Ltd\.?|Limited|Ltd\.?", re.I)
# what an entity recogniser may glue before a Chinese body's name: a date or its tail, a verb of sending
_ZH_ENTITY_LEAD = re.compile(r"^(?:.*(?:[\d一二三四五六七八九十〇零]+[年月日号]|[发送交报转呈]给))(?=[\u4e00-\u9fff]{3,}$)")


def clean_entity(name: str) -> str:
    """An entity name as it should be marked: "月发给区城管局" -> "区城管局" (the recogniser's span took the
    words before the body's name); other names unchanged."""
    name = " ".join(str(name).split())
    if re.search(r"[\u4e00-\u9fff]", name):
        cut = _ZH_ENTITY_LEAD.sub("", name)
        return cut if len(cut) >= 3 else name
    return name


def highlight(text: str, query: str, entities: list[str] | tuple[str, ...] = (), cues: list[dict] | tuple = (),
              codebook=None, reading=None) -> str:
    """Escape `text` (`safe`) and mark responsibility cues (`cues`: [{start, end, tag}] offsets into `text`,
    as search hits carry them) with <mark class="dt-cue">, the query's terms with <mark>, the terms of the
    codebook concepts the query names in the other language and their synonyms (`reading`, a
    highlight.QueryReading; read from the query with `codebook`, or the service's codebook, when not
    given) with <mark class="dt-trans">, and the given entity names with <mark class="dt-ent">. Safe to
    render as HTML: every piece of document text goes through `safe`, and marks never nest (an earlier
    kind wins an overlap). A query word inside a company's legal form (有限 in 有限公司) is not marked."""
    return mark_spans(text, highlight_spans(text, query, entities, cues, codebook, reading))


def highlight_spans(text: str, query: str, entities=(), cues=(), codebook=None, reading=None) -> list[tuple[int, int, str]]:
    """The (start, end, css class) marks `highlight` draws, for pages that draw them with a target
    (the document viewer)."""
    if reading is None and query:
        from dutytrace.highlight import read_query

        try:
            reading = read_query(query, codebook)
        except Exception:  # a broken user codebook must not break the page: the query's words still mark
            reading = None
    concept_terms = [w for c in (reading.concepts if reading else []) for lg in ("en", "zh") for w in c["terms"][lg]]
    protected = [] if _LEGAL_FORM.search(query or "") else [(m.start(), m.end()) for m in _LEGAL_FORM.finditer(text)]
    spans: list[tuple[int, int, str]] = [(int(c["start"]), int(c["end"]), "dt-cue") for c in cues
                                         if 0 <= int(c["start"]) < int(c["end"]) <= len(text)]
    words_by_kind = (("", query_terms(query, concept_terms)), ("dt-trans", reading.marks() if reading else []),
                     ("dt-ent", [clean_entity(e) for e in entities]))
    for cls, words in words_by_kind:
        for w in sorted(dict.fromkeys(w for w in words if w and len(w.strip()) >= 2), key=len, reverse=True):
            # English words whole, with a plural or verb ending (not "off" in "office"), as concept terms match
            for m in term_pattern(w, "en" if re.search(r"[A-Za-z]$", w) else "zh").finditer(text):
                if cls != "dt-ent" and any(a <= m.start() and m.end() <= b for a, b in protected):
                    continue
                spans.append((m.start(), m.end(), cls))
    return spans


LEGEND = (("", "mark.query"), ("dt-trans", "mark.translated"), ("dt-cue", "mark.cue"), ("dt-ent", "mark.ent"),
          ("dt-target", "mark.target"))


def legend_html(lang: str, kinds: tuple[str, ...] = ("", "dt-trans", "dt-cue", "dt-ent")) -> str:
    """A line that says what each kind of mark means, each drawn as it is drawn in the passages."""
    from dutytrace.ui_i18n import t

    items = [f"<mark{f' class={chr(34)}{cls}{chr(34)}' if cls else ''}>{safe(t(key, lang))}</mark>"
             for cls, key in LEGEND if cls in kinds]
    return f"<div class='dt-legend'>{safe(t('mark.legend', lang))} " + " · ".join(items) + "</div>"


def explain_query(reading, lang: str) -> str:
    """The query explanation in words: the concepts the query was read as (names in `lang`) and the
    terms it was also searched by in the other language. Empty when the query names no concept."""
    from dutytrace.ui_i18n import t

    if reading is None or not reading.concepts:
        return ""
    sep = "、" if lang == "zh" else ", "
    names = sep.join(c["name"]["zh" if lang == "zh" else "en"] for c in reading.concepts)
    other = "en" if reading.language == "zh" else "zh"
    out = t("q.read_as", lang, concepts=names)
    if reading.translated:
        lang_name = {"en": ("English", "英文"), "zh": ("Chinese", "中文")}[other][1 if lang == "zh" else 0]
        out += " " + t("q.translated", lang, language=lang_name, terms=sep.join(reading.translated[:12]))
    return out


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


def ui_message(error: Exception, lang: str) -> str:
    """An error as the UI says it, in the interface language: what happened and what to do, in the
    user's words — never the command line's wording ("run dutytrace reindex", "--case"), a server path or
    a traceback. The original message goes to the server log with a reference shown to the user."""
    import logging
    import uuid
    from pathlib import PurePath

    from dutytrace import errors
    from dutytrace.ui_i18n import t

    if isinstance(error, errors.UnreadableDocument):
        from dutytrace.ingest.report import reason_of

        code = reason_of(str(getattr(error, "reason", "") or error))
        why = t(f"why.{code}", lang)
        return t("err.unreadable", lang, name=PurePath(str(error.path)).name,
                 reason=why if why != f"why.{code}" else t("why.no_text", lang))
    simple = [(errors.NotFound, "err.not_found"), (errors.IndexLocked, "err.busy"), (errors.DiskFull, "err.disk_full"),
              (errors.HomeNotWritable, "err.read_only"), (errors.IndexOutdated, "err.outdated"),
              (errors.ConfigError, "err.config")]
    try:
        from dutytrace.security import AccessDenied

        simple.insert(0, (AccessDenied, "denied"))
    except ImportError:  # pragma: no cover - security is part of the package
        pass
    for cls, key in simple:
        if isinstance(error, cls):
            logging.getLogger("dutytrace.ui").info("%s: %s", type(error).__name__, error)
            return t(key, lang)
    ref = uuid.uuid4().hex[:8]
    logging.getLogger("dutytrace.ui").error("[%s] %s: %s", ref, type(error).__name__, error)
    return t("err.other", lang, ref=ref)


# -- raw values in words ----------------------------------------------------------------------------

_CURRENCY = [  # (pattern, code): the currency written beside an amount
    (re.compile(r"(?:人民币|元|RMB|CNY|yuan)", re.I), "CNY"), (re.compile(r"(?:US\$|USD|\$|dollars?)", re.I), "USD"),
    (re.compile(r"(?:£|GBP|pounds?(?: sterling)?)", re.I), "GBP"), (re.compile(r"(?:€|EUR|euros?)", re.I), "EUR"),
    (re.compile(r"(?:HK\$|HKD)", re.I), "HKD"), (re.compile(r"(?:A\$|AUD)", re.I), "AUD"),
]
_LOSS = re.compile(r"直接经济损失|direct (?:economic |financial )?loss(?:es)?", re.I)
_CURRENCY_WORDS = {"CNY": ("yuan", "元"), "USD": ("US dollars", "美元"), "GBP": ("pounds", "英镑"), "EUR": ("euros", "欧元"),
                   "HKD": ("Hong Kong dollars", "港元"), "AUD": ("Australian dollars", "澳元")}


def loss_currency(texts, language: str | None = None) -> str | None:
    """The currency of the direct loss: the one written within 80 characters after "direct economic
    loss" / 直接经济损失 in the documents' text; yuan for a Chinese document that names none."""
    for text in texts:
        for m in _LOSS.finditer(text or ""):
            window = text[m.end():m.end() + 80]
            found = [(mm.start(), code) for pat, code in _CURRENCY for mm in [pat.search(window)] if mm]
            if found:
                return min(found)[1]
    return "CNY" if language == "zh" else None


def money_words(amount, currency: str | None, lang: str) -> str:
    """3968000.0 -> "3,968,000 yuan" / "396.8万元": no ".0", the currency named."""
    if not isinstance(amount, (int, float)):
        return "" if amount is None else str(amount)
    whole = float(amount).is_integer()
    unit = _CURRENCY_WORDS.get(currency or "", ("", ""))[1 if lang == "zh" else 0]
    if lang == "zh" and abs(amount) >= 10_000:
        wan = amount / 10_000
        num = f"{wan:.2f}".rstrip("0").rstrip(".")
        return f"{num}万{unit or ''}".rstrip()
    num = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    if not unit:
        return num
    return f"{num}{unit}" if lang == "zh" else f"{num} {unit}"


# -- people held accountable ------------------------------------------------------------------------

def people_rows(accountability: list[dict], documents: list[dict], lang: str, codebook) -> list[dict]:
    """The People tab's rows: one per person and document (the most severe sanction kept, the post and
    organisation the fullest given), sanction and level in words in `lang` (codebook names, never codes),
    no "None", and where the sentence that states the sanction is: doc_id, document name, page, text."""
    from dutytrace.nlp.accountability import SEVERITY

    def rank(code):
        return SEVERITY.index(code) if code in SEVERITY else len(SEVERITY)

    def words(section, code):
        if not code:
            return ""
        e = codebook.get(section, code)
        return e.label(lang) if e else str(code).replace("_", " ")

    ids = {d["name"]: d["doc_id"] for d in documents}
    merged: dict[tuple, dict] = {}
    for a in accountability:
        person = " ".join(str(a.get("person") or "").split())
        if not person:
            continue
        key = (a.get("doc"), person)
        old = merged.get(key)
        if old is None:
            merged[key] = dict(a, person=person)
            continue
        if rank(a.get("sanction")) < rank(old.get("sanction")):
            old.update(sanction=a.get("sanction"), evidence=a.get("evidence"), page=a.get("page"))
        for f in ("role", "organisation", "level"):
            if len(str(a.get(f) or "")) > len(str(old.get(f) or "")):
                old[f] = a[f]
    rows = []
    for a in merged.values():
        clean = {f: ("" if a.get(f) in (None, "None", "none", "null") else str(a[f])) for f in ("role", "organisation")}
        rows.append({"person": a["person"], "role": clean["role"], "organisation": clean["organisation"],
                     "level": words("responsibility_levels", a.get("level")),
                     "sanction": words("sanctions", a.get("sanction")), "sanction_code": a.get("sanction"),
                     "doc": a.get("doc") or "", "doc_id": ids.get(a.get("doc")), "page": a.get("page"),
                     "evidence": a.get("evidence") or ""})
    return rows


def fact_words(field: str, value, lang: str, codebook) -> str:
    """A case fact's coded value in words in `lang`: accident type (codebook name), grade, industry;
    other values as they are."""
    from dutytrace.ui_i18n import t

    if value in (None, ""):
        return ""
    if field == "accident_type":
        e = codebook.get("accident_types", value)
        return e.label(lang) if e else str(value).replace("_", " ")
    if field == "grade":
        words = t(f"grade.{value}", lang)
        return words if words != f"grade.{value}" else str(value)
    if field == "industry":
        return industry_words(value, lang)
    return str(value)
