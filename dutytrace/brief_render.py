"""The precedent brief (brief.py's content model) as DOCX (python-docx) and PDF (reportlab, with a
TrueType CJK font from the system: WenQuanYi Zen Hei from the Debian package fonts-wqy-zenhei, or
another of CJK_FONTS). Both render the same model, section by section; neither adds content."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

# TrueType (glyf) CJK fonts reportlab can embed; the first one present is used. Noto CJK ships as CFF
# (PostScript outlines), which reportlab cannot embed, so it is not on the list.
CJK_FONTS = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # Debian: fonts-wqy-zenhei
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),  # Debian: fonts-wqy-microhei
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # Debian: fonts-arphic-uming
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", None),  # Debian: fonts-droid-fallback
)
FONT = "DutytraceCJK"
DOCX_EAST_ASIA = "SimSun"  # the East Asian font a DOCX asks for (Word and LibreOffice substitute their own)


class NoCJKFont(RuntimeError):
    pass


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT
    for path, index in CJK_FONTS:
        if Path(path).is_file():
            kw = {"subfontIndex": index} if index is not None else {}
            pdfmetrics.registerFont(TTFont(FONT, path, **kw))
            return FONT
    raise NoCJKFont("no TrueType CJK font for the PDF brief: install the Debian package fonts-wqy-zenhei "
                    "(scripts/setup.sh does), or write the brief as .docx")


# -- DOCX ------------------------------------------------------------------------------------------------
def to_docx(model: dict) -> bytes:
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOCX_EAST_ASIA)
    d.add_heading(model["title"], level=0)
    d.add_paragraph(model["subtitle"]).runs[0].bold = True
    d.add_paragraph(model["generated"]).runs[0].italic = True
    s = model["sections"]

    d.add_heading(s["read"], level=1)
    for f in model["read"]["facts"]:
        p = d.add_paragraph(style="List Bullet")
        p.add_run(f["label"] + ": ").bold = True
        p.add_run(f["value"])
    p = d.add_paragraph()
    p.add_run(model["read"]["issues_label"] + ": ").bold = True
    p.add_run("; ".join(model["read"]["issues"]))

    d.add_heading(s["precedents"], level=1)
    if not model["precedents"]:
        d.add_paragraph(model["empty"]["precedents"])
    for c in model["precedents"]:
        h = d.add_paragraph()
        h.add_run(f"{c['rank']}. {c['title']}").bold = True
        h.add_run(f"  ({c['case_id']} · {c['score']})")
        if c["facts"]:
            d.add_paragraph(c["facts"])
        for r in c["reasons"]:
            d.add_paragraph(r, style="List Bullet")

    d.add_heading(s["issues"], level=1)
    if not model["issues"]:
        d.add_paragraph(model["empty"]["issues"])
    for issue in model["issues"]:
        d.add_heading(issue["name"], level=2)
        for q in issue["yours"]:
            _docx_quote(d, None, q)
        for c in issue["cases"]:
            for q in c["quotes"]:
                _docx_quote(d, f"{c['case_id']} · {c['title']}", q)

    cols = model["columns"]
    d.add_heading(s["people"], level=1)
    if not model["people"]:
        d.add_paragraph(model["empty"]["people"])
    for group in model["people"]:
        d.add_heading(f"{group['case_id']} · {group['title']}", level=2)
        _docx_table(d, [cols["person"], cols["post"], cols["org"], cols["level"], cols["sanction"], cols["source"]],
                    [[r["person"], r["post"], r["organisation"], r["level"], r["sanction"], r["source"]] for r in group["rows"]])

    d.add_heading(s["measures"], level=1)
    if not model["measures"]:
        d.add_paragraph(model["empty"]["measures"])
    for group in model["measures"]:
        d.add_heading(f"{group['case_id']} · {group['title']}", level=2)
        _docx_table(d, [cols["measure"], cols["body"], cols["deadline"], cols["status"], cols["source"]],
                    [[r["measure"], r["body"], r["deadline"], r["status"], r["source"]] for r in group["rows"]])
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _docx_quote(d, who: str | None, q: dict) -> None:
    p = d.add_paragraph(style="Quote")
    p.add_run(f"“{q['text']}”")
    p.add_run(f" — {who}, {q['cite']}" if who else f" — {q['cite']}").italic = True


def _docx_table(d, header: list[str], rows: list[list[str]]) -> None:
    table = d.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = str(text or "")


# -- PDF -------------------------------------------------------------------------------------------------
def to_pdf(model: dict) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _register_font()
    wrap = "CJK" if model["lang"] == "zh" else None
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=13.5, wordWrap=wrap)
    st = {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, spaceAfter=4),
        "sub": ParagraphStyle("sub", parent=base, fontSize=11, leading=15),
        "meta": ParagraphStyle("meta", parent=base, fontSize=8.5, textColor=colors.HexColor("#555555"), spaceAfter=6),
        "h1": ParagraphStyle("h1", parent=base, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4, keepWithNext=1,
                             textColor=colors.HexColor("#7a1f12")),
        "h2": ParagraphStyle("h2", parent=base, fontSize=10.5, leading=15, spaceBefore=6, spaceAfter=2, keepWithNext=1),
        "p": base,
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=10, bulletIndent=2),
        "quote": ParagraphStyle("quote", parent=base, leftIndent=12, borderPadding=(2, 4, 2, 6), spaceBefore=2,
                                spaceAfter=3, backColor=colors.HexColor("#f4f1ec")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11.5, wordWrap="CJK"),
    }

    def para(text, style="p", bullet=None):
        return Paragraph(escape(str(text)), st[style], bulletText=bullet)

    def table(header, rows, widths):
        data = [[Paragraph("<b>" + escape(h) + "</b>", st["cell"]) for h in header]]
        data += [[Paragraph(escape(str(v or "")), st["cell"]) for v in row] for row in rows]
        t = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#ece6dc")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return t

    s, cols = model["sections"], model["columns"]
    flow = [para(model["title"], "title"), para(model["subtitle"], "sub"), para(model["generated"], "meta"),
            para(s["read"], "h1")]
    flow += [Paragraph(f"<b>{escape(f['label'])}</b>: {escape(f['value'])}", st["bullet"], bulletText="–")
             for f in model["read"]["facts"]]
    flow.append(Paragraph(f"<b>{escape(model['read']['issues_label'])}</b>: "
                          + escape("; ".join(model["read"]["issues"])), st["p"]))
    flow.append(para(s["precedents"], "h1"))
    if not model["precedents"]:
        flow.append(para(model["empty"]["precedents"]))
    for c in model["precedents"]:
        flow.append(Paragraph(f"<b>{c['rank']}. {escape(c['title'])}</b> ({escape(c['case_id'])} · {escape(c['score'])})",
                              st["h2"]))
        if c["facts"]:
            flow.append(para(c["facts"]))
        flow += [para(r, "bullet", "–") for r in c["reasons"]]
    flow.append(para(s["issues"], "h1"))
    if not model["issues"]:
        flow.append(para(model["empty"]["issues"]))
    for issue in model["issues"]:
        flow.append(para(issue["name"], "h2"))
        for who, q in [(None, q) for q in issue["yours"]] + \
                      [(f"{c['case_id']} · {c['title']}", q) for c in issue["cases"] for q in c["quotes"]]:
            source = f"{who}, {q['cite']}" if who else q["cite"]
            flow.append(Paragraph(f"“{escape(q['text'])}” <i>— {escape(source)}</i>", st["quote"]))
    flow.append(para(s["people"], "h1"))
    if not model["people"]:
        flow.append(para(model["empty"]["people"]))
    for g in model["people"]:
        flow.append(para(f"{g['case_id']} · {g['title']}", "h2"))
        flow.append(table([cols["person"], cols["post"], cols["org"], cols["level"], cols["sanction"], cols["source"]],
                          [[r["person"], r["post"], r["organisation"], r["level"], r["sanction"], r["source"]]
                           for r in g["rows"]], (26, 30, 38, 26, 28, 30)))
    flow.append(para(s["measures"], "h1"))
    if not model["measures"]:
        flow.append(para(model["empty"]["measures"]))
    for g in model["measures"]:
        flow.append(para(f"{g['case_id']} · {g['title']}", "h2"))
        flow.append(table([cols["measure"], cols["body"], cols["deadline"], cols["status"], cols["source"]],
                          [[r["measure"], r["body"], r["deadline"], r["status"], r["source"]] for r in g["rows"]],
                          (80, 34, 22, 16, 26)))
        flow.append(Spacer(1, 4))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm,
                      bottomMargin=16 * mm, title=model["title"], author="Dutytrace", invariant=1).build(flow)
    return buf.getvalue()


def render(model: dict, fmt: str) -> bytes:
    """`fmt` "docx" or "pdf"."""
    if fmt == "docx":
        return to_docx(model)
    if fmt == "pdf":
        return to_pdf(model)
    raise ValueError(f"a brief is written as .docx or .pdf, not .{fmt}")
