"""Red-team findings of issue 16 on files, names and transcripts, each rebuilt here for real and shown
refused or handled: a PDF stream bomb, a huge-page PDF sent to OCR, a tar.gz bomb member, a 20 MB
one-line text in a batch, GBK-named and invalid-UTF-8 names in a zip and on disk, Big5 and UTF-16
text without BOM, transcript answers that recur on every page, OCR temp files. The peak memory of
each hostile file is measured by benchmarks/bench_hostile.py, not asserted here."""

from __future__ import annotations

import gzip
import io
import os
import stat
import subprocess
import tarfile
import zipfile
import zlib
from pathlib import Path

import pytest

from dutytrace.config import Settings
from dutytrace.errors import UnreadableDocument
from dutytrace.ingest import budget, ocr
from dutytrace.ingest.names import decode_name, display, display_path, zip_name
from dutytrace.ingest.reader import read_document
from dutytrace.ingest.report import reason_of
from dutytrace.ingest.sources import Source, SourceError, iter_sources
from tests.conftest import pdf_bytes

GOOD = ("Investigation report on the boiler explosion at Dongfeng Textile Mill. The boiler operator had no "
        "certificate and the pressure gauge had not been calibrated for three years. Two workers died.")
ZH = "清江县红岩煤矿瓦斯爆炸事故调查报告。该矿超层越界开采，通风系统不合理，瓦斯检查员脱岗。矿长隐瞒事故，迟报事故四小时。"
ZH_TRAD = "清江縣紅岩煤礦瓦斯爆炸事故調查報告。該礦超層越界開採，通風系統不合理，瓦斯檢查員脫崗。礦長隱瞞事故，遲報事故四小時。"


# -- builders -------------------------------------------------------------------------------------------


def stream(body: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n" % (len(body), extra) + body + b"\nendstream"


def one_page_pdf(content: bytes, media: bytes = b"0 0 600 850", resources: bytes = b"", more: list[bytes] = ()) -> bytes:
    return pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                      b"<< /Type /Page /Parent 2 0 R /MediaBox [%s] /Contents 4 0 R /Resources << %s >> >>"
                      % (media, resources), stream(zlib.compress(content, 9)), *more])


def stream_bomb_pdf() -> bytes:
    """About 1 MB: one page whose content stream inflates to a gigabyte of blanks."""
    d = zlib.compressobj(9)
    body = b"".join(d.compress(b" " * 2**20) for _ in range(1024)) + d.flush()
    return pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                      b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 850] /Contents 4 0 R >>", stream(body)])


def shows_bomb_pdf(shows: int = 3_000_000) -> bytes:
    """A small PDF whose one page shows a two-letter string millions of times (pdfplumber would build a
    layout object per character: gigabytes)."""
    return one_page_pdf(b"BT /F1 1 Tf 10 10 Td " + b"(ab) Tj " * shows + b"ET",
                        resources=b"/Font << /F1 5 0 R >>",
                        more=[b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


def huge_page_pdf(side: int = 14400) -> bytes:
    """A 1-2 KB PDF: a page of side x side points (200 inches, the most PDF allows) covered by a small
    scanned image (no text layer), so the page goes to OCR."""
    image = zlib.compress(bytes([255]) * 64 * 64)
    return one_page_pdf(b"q %d 0 0 %d 0 0 cm /Im1 Do Q" % (side, side), media=b"0 0 %d %d" % (side, side),
                        resources=b"/XObject << /Im1 5 0 R >>",
                        more=[stream(image, b"/Type /XObject /Subtype /Image /Width 64 /Height 64 "
                                            b"/ColorSpace /DeviceGray /BitsPerComponent 8 ")])


def scanned_text_pdf(words: str = "BOILER EXPLOSION") -> bytes:
    """A one-page scan: the words drawn into a grayscale image, the image placed on an A4 page."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1200, 200), 255)
    ImageDraw.Draw(img).text((40, 40), words, fill=0, font=ImageFont.load_default(size=80))
    return one_page_pdf(b"q 595 0 0 99 0 700 cm /Im1 Do Q", media=b"0 0 595 842",
                        resources=b"/XObject << /Im1 5 0 R >>",
                        more=[stream(zlib.compress(img.tobytes()), b"/Type /XObject /Subtype /Image /Width 1200 "
                                     b"/Height 200 /ColorSpace /DeviceGray /BitsPerComponent 8 ")])


def tar_gz(members: list[tuple[str, bytes]]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tf:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), 9)


def zip_with_raw_names(entries: dict[bytes, bytes]) -> bytes:
    """A zip whose entry names are the given bytes, without the UTF-8 flag: what a Windows zip tool
    writes for GBK names. zipfile would write UTF-8, so names are written as placeholders and swapped."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data) in enumerate(entries.items()):
            zf.writestr(zipfile.ZipInfo(f"{i:0{len(name)}d}"), data)
    out = buf.getvalue()
    for i, name in enumerate(entries):
        placeholder = f"{i:0{len(name)}d}".encode()
        assert out.count(placeholder) == 2  # the local header and the central directory
        out = out.replace(placeholder, name)
    return out


def valid_unicode(s: str) -> bool:
    try:
        s.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


# -- PDF bombs, huge pages ---------------------------------------------------------------------------------
def test_pdf_stream_bomb_is_refused_before_it_is_inflated():
    data = stream_bomb_pdf()
    assert len(data) < 1_200_000
    with pytest.raises(UnreadableDocument) as err:
        read_document(data, "c/bomb.pdf", "c", "bomb.pdf", time_limit=60)
    assert err.value.path == "c/bomb.pdf" and "decompression bomb" in err.value.reason
    assert reason_of(err.value.reason) == "bomb"


def test_pdf_with_millions_of_text_operations_is_refused():
    data = shows_bomb_pdf()
    assert len(data) < 100_000
    with pytest.raises(UnreadableDocument) as err:
        read_document(data, "c/shows.pdf", "c", "shows.pdf", time_limit=60)
    assert "characters of text in one stream" in err.value.reason and reason_of(err.value.reason) == "bomb"
    one_string = one_page_pdf(b"BT /F1 1 Tf 10 10 Td (" + b"a" * 2_000_000 + b") Tj ET", resources=b"/Font << /F1 5 0 R >>",
                              more=[b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])
    with pytest.raises(UnreadableDocument, match="characters of text in one stream"):  # one Tj, 2 million glyphs
        read_document(one_string, "c/one.pdf", "c", "one.pdf", time_limit=60)


def test_pdf_image_declaring_gigapixels_is_refused():
    image = stream(zlib.compress(b"\x00" * 1000), b"/Type /XObject /Subtype /Image /Width 100000 /Height 100000 "
                                                    b"/ColorSpace /DeviceGray /BitsPerComponent 8 ")
    data = one_page_pdf(b"q 600 0 0 850 0 0 cm /Im1 Do Q", resources=b"/XObject << /Im1 5 0 R >>", more=[image])
    with pytest.raises(UnreadableDocument, match="100000 x 100000 pixels.*decompression bomb"):
        read_document(data, "c/img.pdf", "c", "img.pdf")


def test_huge_page_is_rendered_for_ocr_within_the_pixel_cap(monkeypatch):
    data = huge_page_pdf()
    assert len(data) < 2_000
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    w, h = pdf[0].get_size()
    pdf.close()
    assert (w, h) == (14400, 14400)
    assert w * h * (300 / 72) ** 2 > 3e9  # what the page would be at OCR's 300 dpi: 3.6 gigapixels
    scale = budget.render_scale(w, h, ocr.OCR_DPI)
    assert w * h * scale * scale <= budget.MAX_RENDER_PIXELS * 1.0001
    rendered = []
    real_render = pdfium.PdfPage.render

    def spy(page, **kw):  # records the size of the real rendering
        bitmap = real_render(page, **kw)
        rendered.append(bitmap.width * bitmap.height)
        return bitmap

    monkeypatch.setattr(pdfium.PdfPage, "render", spy)
    monkeypatch.setattr(budget, "MAX_RENDER_PIXELS", 4_000_000)  # a smaller cap: a quicker Tesseract run
    try:
        read_document(data, "c/huge.pdf", "c", "huge.pdf", time_limit=120)
    except UnreadableDocument as e:  # a blank scan: no text; refused for that, not for memory
        assert reason_of(e.reason) == "no_text", e.reason
    assert rendered and max(rendered) <= 4_000_000 * 1.001


def test_page_count_over_the_budget_is_refused(monkeypatch):
    from tests.conftest import make_pdf

    monkeypatch.setattr(budget, "MAX_PDF_PAGES", 2)
    path = make_pdf(Path(os.environ.get("TMPDIR", "/tmp")) / f"pages-{os.getpid()}.pdf", ["one", "two", "three"])
    try:
        with pytest.raises(UnreadableDocument, match=r"PDF too large \(3 pages; the limit is 2\)"):
            read_document(path.read_bytes(), "c/pages.pdf", "c", "pages.pdf")
    finally:
        path.unlink()


def test_the_parse_helper_runs_under_a_memory_cap():
    """A thread that cannot take signals (the UI) parses in the helper process: it has RLIMIT_AS set,
    and an allocation past the cap fails there as MemoryError (reported as this file's error)."""
    import sys
    import threading

    from dutytrace.ingest import limits

    out = {}
    th = threading.Thread(target=lambda: out.setdefault("doc", read_document(GOOD.encode(), "ok.txt", "c", "ok.txt", 30)))
    th.start()
    th.join(120)
    assert out["doc"].pages[0].text == GOOD
    helper = limits._helper[0]
    with open(f"/proc/{helper.pid}/limits") as f:
        row = next(line for line in f if line.startswith("Max address space"))
    assert row.split()[3] == str(budget.MAX_PARSE_MEMORY)  # the soft limit, in bytes
    probe = subprocess.run([sys.executable, "-c", "from dutytrace.ingest.limits import cap_memory\n"
                            "cap_memory(512 * 2**20)\ntry:\n    bytearray(2**30)\nexcept MemoryError:\n    print('refused')"],
                           capture_output=True, text=True, timeout=120)
    assert probe.stdout.strip() == "refused", probe.stderr


# -- OCR temp files ------------------------------------------------------------------------------------
def test_ocr_temp_folder_is_private_and_removed_also_on_error(tmp_path, monkeypatch):
    if ocr.ocr_status():
        pytest.skip(ocr.ocr_status())
    seen = []
    real_run = subprocess.run

    def watch(cmd, **kw):  # the real Tesseract run; records the folder it works in while it runs
        folder = os.path.dirname(cmd[1])
        seen.append((folder, stat.S_IMODE(os.stat(folder).st_mode), sorted(os.listdir(folder))))
        return real_run(cmd, **kw)

    monkeypatch.setattr(ocr.subprocess, "run", watch)
    texts = ocr.ocr_pages(scanned_text_pdf(), [1], temp_root=str(tmp_path))
    assert "BOILER" in texts[1].upper()
    (folder, mode, files), = seen
    assert Path(folder).parent == tmp_path and Path(folder).name.startswith(ocr.TEMP_PREFIX)
    assert mode == 0o700 and files == ["page-1.png"]
    assert list(tmp_path.iterdir()) == []  # removed after use
    with pytest.raises(Exception, match="Failed to load page"):  # a page the PDF lacks: fails after the folder is made
        ocr.ocr_pages(scanned_text_pdf(), [1, 5], temp_root=str(tmp_path))
    assert list(tmp_path.iterdir()) == []  # removed on error too


def test_ocr_of_one_document_stops_at_its_time_budget(monkeypatch):
    if ocr.ocr_status():
        pytest.skip(ocr.ocr_status())
    monkeypatch.setattr(budget, "MAX_OCR_SECONDS", 0.0)  # spent after the first page
    with pytest.raises(ocr.OcrOverBudget) as err:
        ocr.ocr_pages(scanned_text_pdf(), [1, 1])
    assert str(err.value) == "took longer than 0 s to read by OCR (1 of 2 scanned pages done); skipped"
    assert reason_of(str(err.value)) == "timeout"


# -- archives and text ------------------------------------------------------------------------------------
def test_tar_gz_bomb_member_is_refused_while_streaming_and_the_rest_is_read(tmp_path):
    data = tar_gz([("case/bomb.txt", b"\x00" * (150 * 2**20)), ("case/ok.txt", GOOD.encode())])
    assert len(data) < 900_000
    (tmp_path / "bomb.tar.gz").write_bytes(data)
    items = list(iter_sources([tmp_path / "bomb.tar.gz"]))
    errors = {i.path: i.error for i in items if isinstance(i, SourceError)}
    ok = {i.path: i.read() for i in items if isinstance(i, Source)}
    label = str(tmp_path / "bomb.tar.gz")
    assert errors == {f"{label}!case/bomb.txt": "entry too large: compression ratio too high (a zip bomb?)"}
    assert reason_of(errors[f"{label}!case/bomb.txt"]) == "bomb"
    assert ok == {f"{label}!case/ok.txt": GOOD.encode()}


def test_text_over_the_size_budget_is_refused_before_decoding():
    with pytest.raises(UnreadableDocument, match=r"text file too large \(20\.0 MiB; the limit is 12 MiB"):
        read_document(b"word " * (4 * 2**20), "c/line.txt", "c", "line.txt")


def test_document_characters_over_the_budget_are_refused(monkeypatch):
    monkeypatch.setattr(budget, "MAX_DOC_CHARS", 10_000)
    with pytest.raises(UnreadableDocument, match=r"document text too large \(20,000 characters; the limit is 10,000"):
        read_document(b"abcd " * 4000, "c/long.txt", "c", "long.txt")
    assert reason_of("document text too large (20,000 characters; the limit is 10,000 per document)") == "too_large"


@pytest.mark.parametrize("encoding,text", [("big5", ZH_TRAD), ("utf-16-le", ZH), ("utf-16-be", ZH),
                                           ("utf-16-le", GOOD), ("utf-16-be", GOOD), ("gbk", ZH)])
def test_big5_and_utf16_without_bom_are_read_right(encoding, text):
    data = (text + "\n").encode(encoding)
    assert not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    doc = read_document(data, f"c/{encoding}.txt", "c", f"{encoding}.txt")
    assert doc.pages[0].text.strip() == text
    assert doc.meta["encoding"] == {"gbk": "gb18030"}.get(encoding, encoding)


def test_binary_is_not_taken_for_utf16():
    import random

    junk = bytes(random.Random(4).randrange(256) for _ in range(4000)).replace(b"\x00", b"\x01")
    junk = b"".join(junk[i:i + 1] + b"\x00" for i in range(0, 4000, 7)) + junk  # NULs, but no text
    with pytest.raises(UnreadableDocument):
        read_document(junk, "c/junk.bin", "c", "junk.bin")


# -- names ------------------------------------------------------------------------------------------------
def test_the_name_rule():
    assert decode_name("事故报告.pdf".encode("utf-8")) == "事故报告.pdf"
    assert decode_name("事故报告.pdf".encode("gbk")) == "事故报告.pdf"
    assert decode_name(b"bad\xff.txt") == "bad\ufffd.txt"
    assert display(os.fsdecode("询问笔录".encode("gbk"))) == "询问笔录"  # surrogate-escaped, as os.walk gives it
    assert display("plain.txt") == "plain.txt"
    assert display_path(os.fsdecode("/tmp/红岩".encode("gbk") + b"/nothere\xff")) == "/tmp/红岩/nothere\ufffd"
    info = zipfile.ZipInfo("x")
    info.filename, info.flag_bits = "报告".encode("gbk").decode("cp437"), 0  # as zipfile reads a GBK name
    assert zip_name(info) == "报告"


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    from dutytrace.service import Dutytrace

    s = Dutytrace(Settings(home=tmp_path_factory.mktemp("redteam-home")))
    yield s
    s.close()


def test_gbk_and_invalid_utf8_names_on_disk_and_in_a_zip_are_ingested(svc, tmp_path):
    root = os.fsencode(tmp_path / "batch")
    case = root + b"/" + "红岩煤矿事故".encode("gbk")
    os.makedirs(case)
    with open(case + b"/" + "调查报告.txt".encode("gbk"), "wb") as f:
        f.write(ZH.encode("utf-8"))
    os.makedirs(root + b"/case-\xff\xfe")
    with open(root + b"/case-\xff\xfe/report-\x80.txt", "wb") as f:
        f.write(GOOD.encode())
    with open(root + b"/windows.zip", "wb") as f:
        f.write(zip_with_raw_names({"询问笔录案".encode("gbk") + b"/" + "笔录.txt".encode("gbk"):
                                    (ZH + "矿井通风").encode("utf-8")}))
    for _ in range(2):  # the rerun too: the red team saw the crash on every rerun
        report = svc.ingest([Path(os.fsdecode(root))])
        assert report.failed == []
    assert report.unchanged == 3 and report.ingested == 0
    docs = {d["case_id"]: d for d in svc.catalog.documents()}
    assert {"红岩煤矿事故", "case-\ufffd\ufffd", "询问笔录案"} <= set(docs)
    assert docs["红岩煤矿事故"]["name"] == "调查报告.txt" and docs["case-\ufffd\ufffd"]["name"] == "report-\ufffd.txt"
    assert all(valid_unicode(d["path"]) and valid_unicode(d["name"]) for d in docs.values())
    hit = svc.search("瓦斯检查员脱岗 矿长隐瞒事故", limit=5)[0]
    assert hit.case_id in ("红岩煤矿事故", "询问笔录案")
    # the GBK-named folder itself given as the path to ingest (as from a shell), and a missing one
    report = svc.ingest([Path(os.fsdecode(case)), Path(os.fsdecode(case + b"-\xff"))])
    assert [(f["path"], f["error"]) for f in report.failed] == [
        (f"{tmp_path}/batch/红岩煤矿事故-\ufffd", "no such file or folder")]
    assert all(valid_unicode(d["path"]) for d in svc.catalog.documents())


def test_hidden_files_are_skipped_with_a_report_line_and_no_failure(svc, tmp_path):
    (tmp_path / "case-h" / ".git").mkdir(parents=True)
    (tmp_path / "case-h" / ".git" / "config").write_text("[core]")
    (tmp_path / "case-h" / ".~lock.report.txt#").write_text("lock")
    (tmp_path / "case-h" / "report.txt").write_text(GOOD + " Hidden test.")
    report = svc.ingest([tmp_path])
    assert report.failed == [] and report.ingested == 1
    assert sorted((s["path"], s["reason"]) for s in report.skipped) == [
        (str(tmp_path / "case-h" / ".git"), "skipped_hidden"),
        (str(tmp_path / "case-h" / ".~lock.report.txt#"), "skipped_hidden")]
    assert report.to_json()["skipped"] == report.skipped


def test_the_same_file_through_other_spellings_is_stored_once(svc, tmp_path):
    real = tmp_path / "real"
    (real / "case-spell").mkdir(parents=True)
    (real / "case-spell" / "report.txt").write_text(GOOD + " Spelling test.")
    (tmp_path / "linked").symlink_to(real, target_is_directory=True)
    first = svc.ingest([real])
    assert first.ingested == 1
    again = svc.ingest([tmp_path / "linked", Path(f"{real}/./case-spell/.."), Path(f"{tmp_path}/linked/.")])
    assert again.ingested == 0 and again.unchanged == 1 and again.failed == []
    assert [s["reason"] for s in again.skipped] == ["skipped_same_file"] * 2  # read once in the run
    paths = [d["path"] for d in svc.catalog.documents() if d["case_id"] == "case-spell"]
    assert paths == [str(real / "case-spell" / "report.txt")]
    # a hard link in the same case is the same file; in another case it is filed there too
    os.link(real / "case-spell" / "report.txt", real / "case-spell" / "copy.txt")
    (real / "case-other").mkdir()
    os.link(real / "case-spell" / "report.txt", real / "case-other" / "regulation.txt")
    third = svc.ingest([real])
    assert [(s["path"], s["reason"]) for s in third.skipped] == [(str(real / "case-spell" / "report.txt"),
                                                                   "skipped_same_file")]
    assert third.failed == [] and [d["path"] for d in svc.catalog.documents() if d["case_id"] == "case-other"] == [
        str(real / "case-other" / "regulation.txt")]


def test_one_line_20mb_text_is_refused_and_the_batch_goes_on(svc, tmp_path):
    (tmp_path / "case-line").mkdir()
    (tmp_path / "case-line" / "line.txt").write_bytes(b"word " * (4 * 2**20))  # 20 MiB, no newline
    (tmp_path / "case-line" / "report.txt").write_text(GOOD + " One-line test.")
    (tmp_path / "case-other").mkdir()
    (tmp_path / "case-other" / "report.txt").write_text(GOOD + " Other case.")
    report = svc.ingest([tmp_path])
    assert [(f["path"], f["reason"]) for f in report.failed] == [(str(tmp_path / "case-line" / "line.txt"), "too_large")]
    assert report.ingested == 2


def test_chunking_and_nlp_are_under_a_time_limit_that_grows_with_the_text(monkeypatch, tmp_path):
    from dutytrace.indexing import prepare
    from dutytrace.ingest.limits import ParseTimeout

    assert budget.nlp_seconds(120, 1_000_000) == 620 and budget.nlp_seconds(2, 0) == 120
    assert budget.nlp_seconds(0, 10**6) == 0
    settings = Settings(home=tmp_path, parse_timeout_s=2)
    prepare(GOOD.encode(), "c/warm.txt", "c", "warm.txt", settings)  # models loaded (within the 120 s floor)
    monkeypatch.setattr(budget, "NLP_MIN_SECONDS", 0)
    monkeypatch.setattr(budget, "NLP_CHARS_PER_SECOND", 10**12)  # the limit is the parse limit alone: 2 s
    text = (GOOD + " ") * 3000  # 600 KB on one line: parsed at once, analysed in far more than 2 s
    with pytest.raises(ParseTimeout) as err:
        prepare(text.encode(), "c/long.txt", "c", "long.txt", settings)
    assert err.value.reason.startswith("took longer than 2 s to chunk and analyse; skipped (the limit is "
                                       "DUTYTRACE_PARSE_TIMEOUT (at least 120 s) plus 1 s per 2,000 characters)")
    assert reason_of(err.value.reason) == "timeout"


# -- transcripts ------------------------------------------------------------------------------------------
def test_transcript_answers_recurring_on_every_page_are_kept(tmp_path):
    from tests.conftest import make_pdf

    pages = [f"Record of Interview\nQ: Did you test the air in shaft {n}?\nA: No.\nQ: Was the fan on?\nA: Yes.\n"
             f"Page {n}" for n in range(1, 6)]
    doc = read_document(make_pdf(tmp_path / "t.pdf", pages).read_bytes(), "c/t.pdf", "c", "t.pdf")
    for page in doc.pages:
        lines = page.text.split("\n")
        assert lines[-1] == "A: Yes." and "A: No." in lines, page.text  # every turn kept
        assert "Record of Interview" not in lines and not lines[-1].startswith("Page")  # running lines go
    zh = [f"询问笔录\n问：你第{n}次下井前检测气体了吗？\n答：没有。\n问：风机开了吗？\n答：开了。\n第 {n} 页" for n in range(1, 5)]
    doc = read_document(make_pdf(tmp_path / "z.pdf", zh).read_bytes(), "c/z.pdf", "c", "z.pdf")
    assert all(p.text.split("\n")[-1] == "答：开了。" and "答：没有。" in p.text for p in doc.pages)
    assert doc.kind == "transcript"
