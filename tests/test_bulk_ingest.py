"""Bulk ingestion: archives (zip, tar.gz, nested), streaming sources, error reasons and the report
file, and crash safety: `kill -9` of a real `dutytrace ingest` mid-run (and at each named point of the
write order), then the same command again, compared with a clean ingest of the same files."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from dutytrace.config import Settings
from dutytrace.ingest.sources import Source, SourceError, count_files, iter_sources
from dutytrace.service import Dutytrace
from tests.conftest import CASE_A_REPORT, CASE_B_REPORT, CASE_C_REPORT, TRANSCRIPT_A, TRANSCRIPT_C, make_pdf

EXE = shutil.which("dutytrace", path=os.path.dirname(sys.executable)) or "dutytrace"


def _report_text(i: int) -> str:
    base = [CASE_A_REPORT, CASE_B_REPORT, CASE_C_REPORT][i % 3]
    return f"Case file {i}. " + "\n".join(base) + f"\nRecorded under number {1000 + i}."


def build_archive(root: Path, cases: int) -> Path:
    """Folders of cases (text reports, transcripts, some PDFs), a zip of cases, a tar.gz holding a
    nested zip, and a broken PDF."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(cases):
        case = root / f"case-{i:02d}"
        case.mkdir()
        (case / "report.txt").write_text(_report_text(i), encoding="utf-8")
        t = TRANSCRIPT_C if i % 3 == 2 else TRANSCRIPT_A
        (case / "interview.txt").write_bytes((t + f"\n{i}\n").encode("gbk" if i % 3 == 2 else "utf-8"))
        if i % 4 == 0:
            make_pdf(case / "scan-of-report.pdf", [f"Appendix {i}"] + CASE_B_REPORT)
    (root / "case-00" / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage\n")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for j in range(3):
            zf.writestr(f"zipped-{j}/report.txt", _report_text(100 + j))
    (root / "bundle.zip").write_bytes(buf.getvalue())
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("notes.txt", _report_text(200))
    with tarfile.open(root / "old.tar.gz", "w:gz") as tf:
        for name, data in [("tarred/report.txt", _report_text(201).encode()), ("tarred/more.zip", inner.getvalue())]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return root


def snapshot(svc: Dutytrace) -> dict:
    """Everything that must agree between an interrupted-and-resumed ingest and a clean one."""
    cat = svc.catalog
    assert cat.unindexed() == [] and cat.tombstones() == [] and cat.stale_cases() == []
    chunk_ids = {c["chunk_id"] for c in cat.chunks()}
    index_ids = svc.index.ids()
    assert index_ids == chunk_ids  # the index holds exactly the catalog's passages
    files = {p.name for p in (svc.settings.home / "files").rglob("*") if p.is_file() and not p.name.startswith(".")}
    return {"documents": sorted((d["doc_id"], d["case_id"], d["path"]) for d in cat.documents()),
            "chunks": sorted(chunk_ids), "index": sorted(index_ids), "count": svc.index.count(),
            "files": sorted(files), "cases": cat.case_ids(),
            "case_tags": sorted(svc.index.facet("case_tags", limit=200)),
            "per_case": sorted(svc.index.facet("case_id", limit=500))}


def clean_snapshot(root: Path, settings_factory) -> dict:
    with Dutytrace(settings_factory()) as svc:
        svc.ingest([root])
        return snapshot(svc)


def run_ingest(home: Path, root: Path, *extra: str, env_extra: dict | None = None, wait: bool = True):
    env = {**os.environ, "DUTYTRACE_HOME": str(home), "HF_HUB_OFFLINE": "1", "DUTYTRACE_EMBED_BATCH_CHUNKS": "16",
           **(env_extra or {})}
    cmd = [EXE, "ingest", str(root), "--json", *extra]
    if not wait:
        return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)


# -- sources ---------------------------------------------------------------------------------------
def test_sources_stream_archives_and_detect_types_by_content(tmp_path):
    root = build_archive(tmp_path / "a", 2)
    (root / "case-01" / "renamed.txt").write_bytes((root / "case-00" / "scan-of-report.pdf").read_bytes())
    items = list(iter_sources([root], max_bytes=10_000))
    sources = {s.path: s for s in items if isinstance(s, Source)}
    assert f"{root}/old.tar.gz!tarred/more.zip!notes.txt" in sources  # a zip inside a tar.gz
    assert sources[f"{root}/old.tar.gz!tarred/more.zip!notes.txt"].case_id == "tarred"
    assert {sources[f"{root}/bundle.zip!zipped-{j}/report.txt"].case_id for j in range(3)} == {"zipped-0", "zipped-1", "zipped-2"}
    on_disk = sources[str(root / "case-01" / "report.txt")]
    assert on_disk.stamp and on_disk.stamp[0] == (root / "case-01" / "report.txt").stat().st_size
    assert on_disk.read() == (root / "case-01" / "report.txt").read_bytes()  # read lazily, on demand
    assert sources[str(root / "case-01" / "renamed.txt")].read()[:5] == b"%PDF-"
    errors = {e.path: e.error for e in items if isinstance(e, SourceError)}
    assert not errors or all("too large" in e for e in errors.values())
    assert count_files([root]) == sum(1 for _ in sources) - 1  # the tar counts as one, its two members


def test_error_reasons_and_report_file(tmp_path, settings_factory):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    from tests.test_ocr import SCAN_EN, make_scanned_pdf

    root = tmp_path / "bad"
    (root / "c").mkdir(parents=True)
    (root / "c" / "ok.txt").write_text(_report_text(1), encoding="utf-8")
    (root / "c" / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage\n")
    c = canvas.Canvas(str(root / "c" / "locked.pdf"), encrypt=pdfencrypt.StandardEncryption("pw", canPrint=0))
    c.drawString(50, 800, "Confidential notes")
    c.save()
    (root / "c" / "empty.txt").write_bytes(b"")
    (root / "c" / "big.txt").write_bytes(b"word " * 300_000)  # 1.5 MB, over the 1 MB limit below
    (root / "c" / "program.bin").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(400))
    make_scanned_pdf(root / "c" / "scan.pdf", [SCAN_EN])
    with Dutytrace(settings_factory(max_file_mb=1)) as svc:
        old_path = os.environ["PATH"]
        os.environ["PATH"] = str(tmp_path / "no-tesseract-here")
        try:
            report = svc.ingest([root])
        finally:
            os.environ["PATH"] = old_path
        reasons = {Path(f["path"]).name: f["reason"] for f in report.failed}
        assert reasons == {"broken.pdf": "corrupt", "locked.pdf": "encrypted", "empty.txt": "empty",
                           "big.txt": "too_large", "program.bin": "unsupported", "scan.pdf": "no_text_ocr_unavailable"}
        assert report.ingested == 1
        saved = json.loads(Path(report.report_file).read_text(encoding="utf-8"))
        assert Path(report.report_file).parent == svc.settings.home / "reports"
        assert {Path(f["path"]).name: f["reason"] for f in saved["failed"]} == reasons
        assert all(f["error"] for f in saved["failed"])
        assert svc.catalog.journal_counts(report.run_id) == {"failed": 6, "stored": 1, "indexed": 1}


def test_cli_summary_json_and_report_option(tmp_path):
    root = build_archive(tmp_path / "a", 2)
    home, extra = tmp_path / "home", tmp_path / "copy.json"
    p = run_ingest(home, root, "--report", str(extra), "--workers", "2")
    assert p.returncode == 1, p.stderr  # the broken PDF
    r = json.loads(p.stdout)
    assert set(r) >= {"ingested", "unchanged", "failed", "cases", "chunks", "seconds", "files_per_s", "chunks_per_s",
                      "report_file", "failures_by_reason"}
    assert r["failures_by_reason"] == {"corrupt": 1} and r["ingested"] == r["files"] - 1 == 10
    assert json.loads(extra.read_text(encoding="utf-8"))["failed"] == r["failed"]
    p = subprocess.run([EXE, "ingest", str(root)], capture_output=True, text=True, timeout=600,
                       env={**os.environ, "DUTYTRACE_HOME": str(home), "HF_HUB_OFFLINE": "1"})
    assert p.returncode == 1
    assert "unchanged (skipped)" in p.stdout and "report with every failure:" in p.stdout and "broken.pdf" in p.stdout
    assert "failed /" in p.stderr or "failed " in p.stderr  # named as it happened


# -- crash safety -----------------------------------------------------------------------------------
@pytest.mark.slow
def test_kill_9_mid_run_then_resume_equals_clean_ingest(tmp_path, settings_factory):
    root = build_archive(tmp_path / "archive", 16)
    home = tmp_path / "home"
    proc = run_ingest(home, root, "--workers", "2", wait=False)
    deadline = time.time() + 600
    indexed = 0
    while time.time() < deadline and proc.poll() is None:  # wait for real progress, then kill
        if (home / "catalog.sqlite3").exists():
            try:
                with sqlite3.connect(f"file:{home / 'catalog.sqlite3'}?mode=ro", uri=True, timeout=5) as db:
                    indexed = db.execute("SELECT COUNT(*) FROM documents WHERE indexed=1").fetchone()[0]
            except sqlite3.OperationalError:
                indexed = 0
        if indexed >= 4:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the ingest finished before it could be killed: make the archive bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL and indexed >= 4
    again = run_ingest(home, root, "--workers", "2")
    assert again.returncode == 1, again.stderr  # the broken PDF, named again
    r = json.loads(again.stdout)
    assert r["unchanged"] >= 4 and r["ingested"] + r["resumed_documents"] > 0  # it had work left to finish
    assert [Path(f["path"]).name for f in r["failed"]] == ["broken.pdf"]
    with Dutytrace(Settings(home=home)) as svc:
        resumed = snapshot(svc)
    assert resumed == clean_snapshot(root, settings_factory)


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("small") / "archive", 6)


@pytest.fixture(scope="module")
def small_clean(small_archive, settings_factory):
    return clean_snapshot(small_archive, settings_factory)


@pytest.mark.slow
@pytest.mark.parametrize("failpoint", ["stored:2", "upsert_slice:1", "upserted:2", "before_refresh:1"])
def test_crash_at_each_write_point_then_resume(failpoint, small_archive, small_clean, tmp_path):
    home = tmp_path / "home"
    p = run_ingest(home, small_archive, "--workers", "1", env_extra={"DUTYTRACE_FAILPOINT": failpoint})
    assert p.returncode == -signal.SIGKILL, (p.returncode, p.stderr[-2000:])
    with Dutytrace(Settings(home=home)) as svc:
        r = svc.ingest([small_archive])
        assert len(r.failed) == 1
        assert snapshot(svc) == small_clean


@pytest.mark.slow
@pytest.mark.parametrize("failpoint", ["swapped:1", "tombstones_deleted:1"])
def test_crash_while_replacing_changed_files_then_resume(failpoint, small_archive, tmp_path, settings_factory):
    v1 = tmp_path / "v1"
    shutil.copytree(small_archive, v1)
    home = tmp_path / "home"
    with Dutytrace(Settings(home=home)) as svc:
        svc.ingest([v1])
        old_ids = {d["doc_id"] for d in svc.catalog.documents()}
    (v1 / "case-01" / "report.txt").write_text("A rewritten report: a forklift overturned in the yard.", encoding="utf-8")
    (v1 / "case-03" / "interview.txt").write_text(TRANSCRIPT_A + "\nQ: Anything else?\nA: No.\n", encoding="utf-8")
    p = run_ingest(home, v1, "--workers", "1", env_extra={"DUTYTRACE_FAILPOINT": failpoint})
    assert p.returncode == -signal.SIGKILL, (p.returncode, p.stderr[-2000:])
    with Dutytrace(Settings(home=home)) as svc:
        r = svc.ingest([v1])
        resumed = snapshot(svc)
        # nothing re-parsed but the changed files the crashed run had not stored yet
        assert r.ingested + r.unchanged == len(old_ids) and r.ingested <= 2
        assert "forklift" in svc.search("forklift overturned", limit=1)[0].text
    clean = clean_snapshot(v1, settings_factory)
    assert resumed == clean
    assert len(old_ids - {d[0] for d in clean["documents"]}) == 2  # both old versions are gone, files too


def test_changed_file_stamp_and_unchanged_skip(tmp_path, settings_factory):
    root = build_archive(tmp_path / "a", 2)
    with Dutytrace(settings_factory()) as svc:
        first = svc.ingest([root])
        again = svc.ingest([root])
        assert again.unchanged == first.ingested and again.ingested == 0 and again.replaced == 0
        f = root / "case-01" / "report.txt"
        f.write_text(f.read_text(encoding="utf-8") + "\nAddendum: the crane was unlicensed.", encoding="utf-8")
        third = svc.ingest([root])
        assert third.ingested == 1 and third.replaced == 1 and third.unchanged == first.ingested - 1
        assert svc.index.ids() == {c["chunk_id"] for c in svc.catalog.chunks()}


def test_retag_after_codebook_change_without_reparsing(tmp_path, settings_factory):
    root = tmp_path / "a"
    shutil.copytree(build_archive(tmp_path / "src", 3), root)
    book = tmp_path / "my-codebook.yaml"
    book.write_text("tags:\n  - id: guardrail_failure\n    name: {en: Guardrail failure, zh: 护栏失效}\n"
                    "    description: {en: A guardrail gave way, zh: 护栏失效}\n"
                    "    cues: {en: ['guardrail gave way'], zh: ['护栏(?:断裂|失效)']}\n", encoding="utf-8")
    settings = settings_factory()
    with Dutytrace(settings) as svc:
        svc.ingest([root])
        before = snapshot(svc)
        assert svc.search("guardrail", limit=5, filters={"chunk_tag": "guardrail_failure"}) == []
        state = svc.reader_state()  # every document read by the reader set now
        assert not state["retag_needed"] and state["current_documents"] == state["documents"] == len(before["documents"])
        old = state["current"]
    shutil.rmtree(root)  # the originals are gone: re-tagging must work from the catalog alone
    with Dutytrace(Settings(home=settings.home, codebook=book)) as svc:
        state = svc.reader_state()  # another codebook: every document was read by another reader
        assert state["retag_needed"] and state["current"] != old and state["current_documents"] == 0
        assert state["others"] == {old: len(before["documents"])} and state["unknown"] == 0
        res = svc.retag()
        state = svc.reader_state()
        assert not state["retag_needed"] and state["current_documents"] == len(before["documents"])
        assert res["failed"] == [] and res["documents"] == len(before["documents"]) and res["reindexed"] >= 1
        hits = _tagged(svc, "guardrail_failure")
        texts = svc.catalog.passages([h.payload["chunk_id"] for h in hits])  # payloads hold no text
        assert hits and all("guardrail gave way" in texts[h.payload["chunk_id"]]["text"] for h in hits)
        assert "guardrail_failure" in {t["tag"] for t in svc.case(hits[0].payload["case_id"])["tags"]}
        after = snapshot(svc)
        assert {k: v for k, v in after.items() if k != "case_tags"} == {k: v for k, v in before.items() if k != "case_tags"}


def _tagged(svc, tag: str) -> list:
    """Index points whose passage tags include tag (straight from the index payload)."""
    from dutytrace.store.vectors import sparse_query

    return svc.index.query("lexical", None, sparse_query("guardrail"), 10, filters={"tags": tag})
