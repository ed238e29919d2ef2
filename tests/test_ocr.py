"""Scanned (image-only) PDFs, English and Chinese: read by Tesseract, marked as OCR, found by search."""

from __future__ import annotations

from pathlib import Path

import pytest

from dutytrace.service import Dutytrace

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # Debian fonts-noto-cjk (setup.sh)

SCAN_EN = ["Investigation Report on the Tower Crane Collapse",
           "On 5 May 2020 the jib of a tower crane collapsed onto",
           "the warehouse roof at the Donghai logistics park.",
           "The crane operator had no licence and the anchor bolts",
           "had not been inspected for two years. Two workers died."]
SCAN_ZH = ["东海物流园塔吊倒塌事故调查报告",
           "2020年5月5日，塔吊吊臂倒塌砸中仓库屋顶，造成2人死亡。",
           "塔吊司机无证上岗，地脚螺栓两年未检查。",
           "区住建局监督检查流于形式，未发现重大隐患。"]


def make_scanned_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF whose pages are only images of text (as a scanner makes them): no text layer at all."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(CJK_FONT), 40)
    images = []
    for lines in pages:
        img = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
        draw = ImageDraw.Draw(img)
        for i, line in enumerate(lines):
            draw.text((120, 150 + 70 * i), line, font=font, fill=0)
        images.append(img.convert("RGB"))
    images[0].save(path, "PDF", resolution=200, save_all=True, append_images=images[1:])
    return path


def test_scanned_pdf_has_no_text_layer(tmp_path):
    import pdfplumber

    pdf = make_scanned_pdf(tmp_path / "s.pdf", [SCAN_EN])
    with pdfplumber.open(pdf) as p:
        assert (p.pages[0].extract_text() or "").strip() == "" and p.pages[0].images


@pytest.fixture(scope="module")
def scanned_service(tmp_path_factory, settings_factory):
    root = tmp_path_factory.mktemp("scans")
    (root / "crane-en").mkdir()
    (root / "crane-zh").mkdir()
    make_scanned_pdf(root / "crane-en" / "scan.pdf", [SCAN_EN])
    make_scanned_pdf(root / "crane-zh" / "扫描件.pdf", [SCAN_ZH])
    svc = Dutytrace(settings_factory())
    report = svc.ingest([root])
    yield svc, report
    svc.close()


def test_scans_are_read_by_ocr_and_marked(scanned_service):
    svc, report = scanned_service
    assert report.failed == [] and report.ingested == 2 and report.ocr_pages == 2
    docs = {d["case_id"]: d for d in svc.catalog.documents()}
    assert docs["crane-en"]["language"] == "en" and docs["crane-zh"]["language"] == "zh"
    for d in docs.values():
        assert all(p["ocr"] == 1 for p in svc.catalog.pages(d["doc_id"]))
        chunks = svc.catalog.chunks(d["doc_id"])
        assert chunks and all(c["ocr"] == 1 for c in chunks)
    assert "anchor bolts" in svc.page_text(docs["crane-en"]["doc_id"], 1)
    assert "无证上岗" in svc.page_text(docs["crane-zh"]["doc_id"], 1)  # no spaces between the characters


@pytest.mark.parametrize("query,mode,case", [
    ("crane operator had no licence", "hybrid", "crane-en"),
    ("anchor bolts not inspected", "lexical", "crane-en"),
    ("塔吊司机无证上岗", "hybrid", "crane-zh"),
    ("地脚螺栓", "lexical", "crane-zh"),
])
def test_scans_are_found_by_search(scanned_service, query, mode, case):
    svc, _ = scanned_service
    hits = svc.search(query, limit=3, mode=mode)
    assert hits and hits[0].case_id == case and hits[0].page == 1
    assert svc.index.query(mode="lexical", dense=None, sparse=_sparse(query), limit=1,
                           filters={"case_id": case})[0].payload["ocr"] is True


def _sparse(text):
    from dutytrace.store.vectors import sparse_query

    return sparse_query(text)


def test_without_tesseract_a_scan_fails_with_that_reason(tmp_path, settings_factory, monkeypatch):
    (tmp_path / "a").mkdir()
    make_scanned_pdf(tmp_path / "a" / "scan.pdf", [SCAN_EN])
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))  # Tesseract cannot be found
    with Dutytrace(settings_factory()) as svc:
        report = svc.ingest([tmp_path / "a"])
    assert report.ingested == 0 and len(report.failed) == 1
    f = report.failed[0]
    assert f["reason"] == "no_text_ocr_unavailable" and "Tesseract is not installed" in f["error"]
    assert f["path"].endswith("scan.pdf")
