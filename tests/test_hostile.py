"""Hostile input: every file is built here, for real (a zip whose directory declares gigabytes, a tar
with links and absolute paths, a PDF whose tiny content stream takes minutes to parse, a DOCX with an
entity bomb). Each is refused or contained with a message naming the file, the rest of the batch is
ingested, and nothing already stored changes.

The slow PDF is a real construct, not a patched parser: one page whose compressed content stream
(2 KB) shows a two-letter string 100,000 times; pdfminer needs about 16 s for it (measured on the
development machine). The test runs it under a small time limit (a setting)."""

from __future__ import annotations

import io
import random
import struct
import tarfile
import threading
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.conftest import pdf_bytes

from dutytrace.config import Settings
from dutytrace.errors import UnreadableDocument, UnsupportedFormat
from dutytrace.ingest import limits
from dutytrace.ingest.limits import ParseTimeout
from dutytrace.ingest.reader import read_document
from dutytrace.ingest.sources import MAX_RATIO, Source, SourceError, SourceSkipped, iter_sources
from dutytrace.ui_text import highlight, mark_spans
from tests.conftest import make_docx

GOOD = ("Investigation report on the boiler explosion at Dongfeng Textile Mill. The boiler operator had no "
        "certificate and the pressure gauge had not been calibrated for three years. Two workers died.")
SCRIPT = ("Interview notes <script>alert('owned')</script> The foreman said <img src=x onerror=alert(1)> "
          "that the <b>valve</b> was never inspected & the log was forged.")


# -- builders -------------------------------------------------------------------------------------------
def zip_bytes(entries: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buf.getvalue()


def sparse_payload(size: int = 2 * 2**20, gap: int = 300) -> bytes:
    """Bytes that deflate about 80 times: under the per-entry ratio limit, so only the total gives it away."""
    rnd, out = random.Random(7), bytearray(size)
    for i in range(0, size, gap):
        out[i] = rnd.randrange(256)
    return bytes(out)


def overlapping_zip(name: str, payload: bytes, copies: int) -> bytes:
    """A non-recursive zip bomb: one compressed entry, and a central directory that lists it `copies`
    times (every record points at the same local header), so the archive declares copies x len(payload)."""
    one = zip_bytes({name: payload})
    cd_at, eocd_at = one.index(b"PK\x01\x02"), one.rindex(b"PK\x05\x06")
    central = one[cd_at:eocd_at] * copies
    eocd = one[eocd_at:eocd_at + 8] + struct.pack("<HHII", copies, copies, len(central), cd_at) + one[eocd_at + 20:]
    return one[:cd_at] + central + eocd


def tar_bytes(members: list[tuple[tarfile.TarInfo, bytes | None]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def tinfo(name: str, kind=tarfile.REGTYPE, target: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info


SLOW_SHOWS = 100_000  # 200,000 glyphs, under budget.MAX_STREAM_GLYPHS: a slow page, not a refused one


def slow_pdf(shows: int = SLOW_SHOWS) -> bytes:
    """A valid one-page PDF whose content stream shows "(ab)" `shows` times; deflated it is a few KB."""
    content = zlib.compress(b"BT /F1 1 Tf 10 10 Td " + b"(ab) Tj " * shows + b"ET", 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 850] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    return pdf_bytes(objects)


def docx_with(tmp_path: Path, doctype: str, body_text: str) -> bytes:
    """A real DOCX (python-docx) whose document.xml gets a DOCTYPE and `body_text` in its paragraph."""
    base = make_docx(tmp_path / "base.docx", ["PLACEHOLDER"])
    out = io.BytesIO()
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                head, rest = data.decode("utf-8").split("?>", 1)
                data = (head + "?>" + doctype + rest.replace("PLACEHOLDER", body_text)).encode("utf-8")
            zout.writestr(info, data)
    return out.getvalue()


BILLION_LAUGHS = ('<!DOCTYPE w:document [<!ENTITY l0 "lol">'
                  + "".join(f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10)) + "]>")


def sources_of(path: Path, **kw) -> tuple[dict[str, Source], dict[str, str]]:
    ok, bad = {}, {}
    for item in iter_sources([path], **kw):
        if isinstance(item, Source):
            ok[item.path] = item
        elif isinstance(item, SourceError):
            bad[item.path] = item.error
    return ok, bad


# -- archives -------------------------------------------------------------------------------------------
def test_zip_slip_and_absolute_entries_are_refused(tmp_path):
    z = tmp_path / "slip.zip"
    z.write_bytes(zip_bytes({"../evil.txt": b"x" * 50, "case/../../evil2.txt": b"x" * 50,
                             "case\\..\\..\\windows.txt": b"x" * 50, "/etc/cron.d/evil": b"x" * 50,
                             "C:/Windows/evil.txt": b"x" * 50, "case-ok/report.txt": GOOD.encode()}))
    ok, bad = sources_of(z)
    assert list(ok) == [f"{z}!case-ok/report.txt"] and ok[f"{z}!case-ok/report.txt"].case_id == "case-ok"
    assert "zip-slip" in bad[f"{z}!../evil.txt"] and "zip-slip" in bad[f"{z}!case/../../evil2.txt"]
    assert "zip-slip" in bad[f"{z}!case\\..\\..\\windows.txt"]
    assert "absolute" in bad[f"{z}!/etc/cron.d/evil"] and "absolute" in bad[f"{z}!C:/Windows/evil.txt"]


def test_tar_with_symlink_hardlink_and_absolute_path(tmp_path):
    t = tmp_path / "links.tar"
    t.write_bytes(tar_bytes([
        (tinfo("case/passwd", tarfile.SYMTYPE, "/etc/passwd"), None),
        (tinfo("case/shadow", tarfile.LNKTYPE, "/etc/shadow"), None),
        (tinfo("/etc/evil.txt"), b"absolute " * 10),
        (tinfo("case/../../up.txt"), b"up " * 10),
        (tinfo("case/report.txt"), GOOD.encode()),
    ]))
    ok, bad = sources_of(t)
    assert list(ok) == [f"{t}!case/report.txt"]
    assert bad[f"{t}!case/passwd"] == "link in archive; skipped"
    assert bad[f"{t}!case/shadow"] == "link in archive; skipped"
    assert "absolute" in bad[f"{t}!/etc/evil.txt"] and "zip-slip" in bad[f"{t}!case/../../up.txt"]


def test_zip_entry_made_from_a_symlink_is_refused(tmp_path):
    info = zipfile.ZipInfo("case/passwd")
    info.external_attr = (0o120777 << 16)  # a symbolic link, as `zip --symlinks` stores it
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(info, "/etc/passwd")
        zf.writestr("case/report.txt", GOOD)
    (tmp_path / "l.zip").write_bytes(buf.getvalue())
    ok, bad = sources_of(tmp_path / "l.zip")
    assert list(ok) == [f"{tmp_path}/l.zip!case/report.txt"]
    assert bad == {f"{tmp_path}/l.zip!case/passwd": "link in archive; skipped"}


def test_symlink_in_a_folder_is_not_followed_outside_it(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("server secret: hunter2 " * 5)
    root = tmp_path / "cases"
    (root / "case-a").mkdir(parents=True)
    (root / "case-a" / "report.txt").write_text(GOOD)
    (root / "case-a" / "leak.txt").symlink_to(secret)
    (root / "case-a" / "alias.txt").symlink_to(root / "case-a" / "report.txt")  # inside: the file is read once
    (root / "case-b").mkdir()
    (root / "case-b" / "filed-too.txt").symlink_to(root / "case-a" / "report.txt")  # filed in another case too
    ok, bad = sources_of(root)
    assert set(ok) == {str(root / "case-a" / "report.txt"), str(root / "case-b" / "filed-too.txt")}
    skipped = [(i.path, i.reason) for i in iter_sources([root]) if isinstance(i, SourceSkipped)]
    assert skipped == [(str(root / "case-a" / "alias.txt"), "skipped_same_file")]
    assert bad == {str(root / "case-a" / "leak.txt"): "symbolic link to outside the ingested folder; not followed"}


def test_zip_bomb_high_ratio_entry_is_refused_unread(tmp_path):
    z = tmp_path / "ratio.zip"
    z.write_bytes(zip_bytes({"case/zeros.txt": bytes(50 * 2**20), "case/report.txt": GOOD.encode()}))
    assert z.stat().st_size < 200_000  # 50 MiB in ~50 KB
    ok, bad = sources_of(z)
    assert list(ok) == [f"{z}!case/report.txt"]
    assert "compression ratio too high" in bad[f"{z}!case/zeros.txt"]


def test_zip_bomb_declaring_gigabytes_is_refused_before_reading(tmp_path):
    payload = sparse_payload()
    assert len(payload) / len(zlib.compress(payload)) < MAX_RATIO  # each entry passes the ratio check
    z = tmp_path / "bomb.zip"
    z.write_bytes(overlapping_zip("case/data.txt", payload, 5000))
    with zipfile.ZipFile(z) as zf:
        declared = sum(i.file_size for i in zf.infolist())
    assert z.stat().st_size < 1_000_000 and declared > 2 * limits.MAX_EXPANDED_BYTES
    ok, bad = sources_of(z)
    assert ok == {}
    assert list(bad) == [str(z)] and "declares 9.8 GiB" in bad[str(z)] and "zip bomb" in bad[str(z)]


def test_nested_archives_share_one_budget_and_depth_is_limited(tmp_path, monkeypatch):
    # depth: a zip in a zip in a zip ... five levels
    inner = zip_bytes({"deep/report.txt": GOOD.encode()})
    for level in range(5):
        inner = zip_bytes({f"level{level}.zip": inner}, zipfile.ZIP_STORED)
    (tmp_path / "deep.zip").write_bytes(inner)
    ok, bad = sources_of(tmp_path / "deep.zip")
    assert ok == {} and any("nested more than 3 deep" in e for e in bad.values())
    # budget: two inner archives of 6 MiB each fit alone under a 10 MiB limit, not together
    monkeypatch.setattr(limits, "MAX_EXPANDED_BYTES", 10 * 2**20)
    part = zip_bytes({f"case/part{i}.txt": sparse_payload() for i in range(3)})
    (tmp_path / "nest.zip").write_bytes(zip_bytes({"case/a.zip": part, "case/b.zip": part},
                                                  zipfile.ZIP_STORED))
    ok, bad = sources_of(tmp_path / "nest.zip")
    assert sorted(ok) == [f"{tmp_path}/nest.zip!case/a.zip!case/part{i}.txt" for i in range(3)]
    assert "declares" in bad[f"{tmp_path}/nest.zip!case/b.zip"]


def test_archive_entry_count_is_limited(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ENTRIES", 100)
    many = {f"case/{i}.txt": b"note %d" % i for i in range(150)}
    (tmp_path / "many.zip").write_bytes(zip_bytes(many))
    ok, bad = sources_of(tmp_path / "many.zip")
    assert ok == {} and "150 entries (the limit is 100" in bad[f"{tmp_path}/many.zip"]
    (tmp_path / "many.tar").write_bytes(tar_bytes([(tinfo(n), d) for n, d in many.items()]))
    ok, bad = sources_of(tmp_path / "many.tar")  # a tar stream has no directory: stops at the limit
    assert len(ok) == 100 and "more than 100 entries" in bad[f"{tmp_path}/many.tar"]


def test_oversized_files_on_disk_and_in_archives(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"word " * 300_000)  # 1.4 MiB
    (tmp_path / "big.zip").write_bytes(zip_bytes({"case/big.txt": sparse_payload()}))
    ok, bad = sources_of(tmp_path / "big.txt", max_bytes=2**20)
    assert ok == {} and bad[str(tmp_path / "big.txt")].startswith("file too large")
    ok, bad = sources_of(tmp_path / "big.zip", max_bytes=2**20)
    assert ok == {} and "file too large" in bad[f"{tmp_path}/big.zip!case/big.txt"]


# -- documents ------------------------------------------------------------------------------------------
def test_slow_pdf_is_stopped_at_the_time_limit(tmp_path):
    data = slow_pdf()
    assert len(data) < 20_000 and zlib.decompress(data.split(b"stream\n")[1].split(b"\nendstream")[0]).count(
        b"(ab) Tj") == SLOW_SHOWS
    with pytest.raises(ParseTimeout) as err:
        read_document(data, "case/slow.pdf", "case", "slow.pdf", time_limit=1)
    assert str(err.value) == ("case/slow.pdf: took longer than 1 s to parse; skipped (the limit is "
                              "DUTYTRACE_PARSE_TIMEOUT)")
    # the limit is disarmed afterwards: the next file parses normally
    assert read_document(GOOD.encode(), "ok.txt", "c", "ok.txt", time_limit=1).pages[0].text == GOOD


def test_slow_pdf_is_stopped_off_the_main_thread_too():
    """A UI thread cannot take signals: the parse runs in a helper process that applies the limit."""
    out: dict = {}

    def run():
        try:
            read_document(slow_pdf(), "slow.pdf", "c", "slow.pdf", time_limit=1)
        except UnreadableDocument as e:
            out["error"] = e
        out["next"] = read_document(GOOD.encode(), "ok.txt", "c", "ok.txt", time_limit=5)

    th = threading.Thread(target=run)
    th.start()
    th.join(120)
    assert isinstance(out["error"], ParseTimeout) and "took longer than 1 s to parse" in str(out["error"])
    assert out["next"].pages[0].text == GOOD


def test_malformed_docx(tmp_path):
    not_xml = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00\x01 not xml"})
    with pytest.raises(UnreadableDocument, match=r"^x/bad\.docx: malformed DOCX"):
        read_document(not_xml, "x/bad.docx", "x", "bad.docx")
    good = make_docx(tmp_path / "ok.docx", [GOOD]).read_bytes()
    truncated = good[: len(good) // 2]  # the central directory is gone: not a zip at all
    with pytest.raises(UnreadableDocument, match=r"^x/cut\.docx: corrupt zip container"):
        read_document(truncated, "x/cut.docx", "x", "cut.docx")
    plain_zip = zip_bytes({"notes.txt": GOOD.encode()})  # a zip named .docx
    with pytest.raises(UnsupportedFormat, match="zip archive where a document was expected"):
        read_document(plain_zip, "x/fake.docx", "x", "fake.docx")


def test_docx_entity_bombs_and_external_entities(tmp_path):
    """python-docx parses with lxml, resolve_entities=False; libxml2 (2.14) also caps entity
    amplification. Verified here: a billion-laughs DOCX is refused at once, an external entity is never
    read, a zip-bomb part is refused before python-docx inflates it."""
    laughs = docx_with(tmp_path, BILLION_LAUGHS, "&l9;")
    with pytest.raises(UnreadableDocument, match=r"^laughs\.docx: malformed DOCX .*amplification"):
        read_document(laughs, "laughs.docx", "c", "laughs.docx", time_limit=30)
    quadratic = docx_with(tmp_path, '<!DOCTYPE w:document [<!ENTITY q "' + "q" * 50_000 + '">]>',
                          "&q;" * 20_000 + " trailing words")  # 1 GB if expanded
    try:
        doc = read_document(quadratic, "quad.docx", "c", "quad.docx", time_limit=30)
        assert len(doc.pages[0].text) < 100_000  # the entity was not expanded
    except UnreadableDocument as e:
        assert e.path == "quad.docx" and "malformed DOCX" in e.reason
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-42")
    xxe = docx_with(tmp_path, f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file://{secret}">]>', "Visible &x; text")
    try:
        text = read_document(xxe, "xxe.docx", "c", "xxe.docx").pages[0].text
        assert "TOP-SECRET" not in text and "Visible" in text
    except UnreadableDocument as e:
        assert "TOP-SECRET" not in str(e)
    bomb = make_docx(tmp_path / "b.docx", [GOOD]).read_bytes()
    with zipfile.ZipFile(io.BytesIO(bomb)) as zin:
        parts = {i.filename: zin.read(i) for i in zin.infolist()}
    parts["word/media/zeros.bin"] = bytes(300 * 2**20)
    with pytest.raises(UnreadableDocument, match=r"^b\.docx: malformed DOCX: part word/media/zeros\.bin expands "
                                                 r"\d+ times.*zip bomb"):
        read_document(zip_bytes(parts), "b.docx", "c", "b.docx")


def test_binary_junk_named_pdf():
    junk = random.Random(3).randbytes(50_000)
    with pytest.raises(UnsupportedFormat, match=r"^case/report\.pdf: unsupported file type"):
        read_document(junk, "case/report.pdf", "case", "report.pdf")
    fake = b"%PDF-1.7\n" + junk
    with pytest.raises(UnreadableDocument, match=r"^case/fake\.pdf: corrupt PDF"):
        read_document(fake, "case/fake.pdf", "case", "fake.pdf")


def test_html_inside_documents_is_text_and_escaped_in_rendering():
    doc = read_document(SCRIPT.encode(), "notes.txt", "c", "notes.txt")
    assert doc.pages[0].text == SCRIPT  # stored as the text it is, not stripped or interpreted
    for rendered in (highlight(SCRIPT, "valve inspected", ["foreman"]), mark_spans(SCRIPT, [], target=(0, 15))):
        assert "<script" not in rendered and "<img" not in rendered and "<b>" not in rendered
        assert "&#60;script&#62;alert&#40;&#39;owned&#39;&#41;&#60;/script&#62;" in rendered
        assert "&#60;img src=x onerror=alert&#40;1&#41;&#62;" in rendered and "&#38; the log" in rendered


# -- a whole batch through the real service -------------------------------------------------------------
def _snapshot(catalog) -> dict:
    return {d["doc_id"]: (d["case_id"], d["path"], [(c["chunk_id"], c["text"]) for c in catalog.chunks(d["doc_id"])])
            for d in catalog.documents()}


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory):
    from dutytrace.service import Dutytrace

    home = tmp_path_factory.mktemp("hostile-home")
    base = tmp_path_factory.mktemp("baseline")
    (base / "case-base").mkdir()
    (base / "case-base" / "report.txt").write_text(GOOD)
    svc = Dutytrace(Settings(home=home, parse_timeout_s=2, max_file_mb=1))
    assert svc.ingest([base]).failed == []
    yield svc, _snapshot(svc.catalog)
    svc.close()


def test_hostile_batch_is_contained_and_the_rest_goes_on(hostile_home, tmp_path):
    svc, before = hostile_home
    b = tmp_path / "batch"
    b.mkdir()
    (b / "slip.zip").write_bytes(zip_bytes({"../evil.txt": GOOD.encode(), "zipcase/ok.txt": (GOOD + " zip").encode()}))
    (b / "links.tar").write_bytes(tar_bytes([(tinfo("tarcase/passwd", tarfile.SYMTYPE, "/etc/passwd"), None),
                                             (tinfo("/etc/evil.txt"), b"abs " * 20),
                                             (tinfo("tarcase/ok.txt"), (GOOD + " tar").encode())]))
    (b / "bomb.zip").write_bytes(overlapping_zip("c/data.txt", sparse_payload(), 5000))
    (b / "ratio.zip").write_bytes(zip_bytes({"c/zeros.txt": bytes(900_000)}))
    (b / "big.txt").write_bytes(b"word " * 300_000)
    (b / "slow.pdf").write_bytes(slow_pdf())
    (b / "laughs.docx").write_bytes(docx_with(tmp_path, BILLION_LAUGHS, "&l9;"))
    (b / "junk.pdf").write_bytes(random.Random(5).randbytes(30_000))
    (b / "script.txt").write_text(SCRIPT)
    (b / "good.txt").write_text(GOOD + " Second copy with a new sentence.")
    report = svc.ingest([b])
    failed = {f["path"]: f["error"] for f in report.failed}
    expected = {f"{b}/slip.zip!../evil.txt": "zip-slip", f"{b}/links.tar!tarcase/passwd": "link in archive",
                f"{b}/links.tar!/etc/evil.txt": "absolute path", f"{b}/bomb.zip": "refused as a zip bomb",
                f"{b}/ratio.zip!c/zeros.txt": "compression ratio too high", f"{b}/big.txt": "file too large",
                f"{b}/slow.pdf": "took longer than 2 s to parse", f"{b}/laughs.docx": "malformed DOCX",
                f"{b}/junk.pdf": "unsupported file type"}
    assert set(failed) == set(expected), failed
    for path, words in expected.items():
        assert words in failed[path], (path, failed[path])
    assert report.ingested == 4  # slip.zip!zipcase/ok.txt, links.tar!tarcase/ok.txt, script.txt, good.txt
    after = _snapshot(svc.catalog)
    assert {k: after[k] for k in before} == before  # nothing stored before changed
    assert {v[1] for k, v in after.items() if k not in before} == {
        f"{b}/slip.zip!zipcase/ok.txt", f"{b}/links.tar!tarcase/ok.txt", f"{b}/script.txt", f"{b}/good.txt"}
    hit = next(h for h in svc.search("foreman valve never inspected log forged", limit=5) if h.name == "script.txt")
    assert "<script>alert('owned')</script>" in hit.text  # stored and returned as text


def test_time_limit_holds_in_the_worker_pool(hostile_home, tmp_path):
    svc, before = hostile_home
    (tmp_path / "slow.pdf").write_bytes(slow_pdf(SLOW_SHOWS + 1))  # other bytes than the batch test's
    (tmp_path / "fine.txt").write_text(GOOD + " Pool run.")
    report = svc.ingest([tmp_path], workers=2)
    assert [(f["path"], f["error"]) for f in report.failed] == [
        (str(tmp_path / "slow.pdf"), "took longer than 2 s to parse; skipped (the limit is DUTYTRACE_PARSE_TIMEOUT)")]
    assert report.ingested == 1
    after = _snapshot(svc.catalog)
    assert {k: after[k] for k in before} == before
