"""Shared fixtures: documents made by the tests (real PDFs via reportlab, DOCX via python-docx, text in
several encodings) and a real Dutytrace service over them (real spaCy, real MiniLM, real Qdrant)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from dutytrace.config import Settings  # noqa: E402

# The PostgreSQL pass (`make test-postgres`, DUTYTRACE_TEST_POSTGRES=1): one PostgreSQL server for the
# session (tests/pg_server.py), and every catalog a test opens (a home's catalog file, in this process or
# one it starts) in a fresh database of its own on it (store/db.py, DUTYTRACE_TEST_DATABASE_SERVER), so
# the tests stay independent of each other as on SQLite.
_PG_SERVER = None


def pytest_configure(config):
    global _PG_SERVER
    if os.environ.get("DUTYTRACE_TEST_POSTGRES") == "1" and _PG_SERVER is None:
        from dutytrace.store.db import TEST_SERVER_ENV
        from tests.pg_server import PgServer

        _PG_SERVER = PgServer()  # no server here is an error in this pass, not a skip
        os.environ[TEST_SERVER_ENV] = _PG_SERVER.server_url()


def pytest_unconfigure(config):
    global _PG_SERVER
    if _PG_SERVER is not None:
        from dutytrace.store.db import TEST_SERVER_ENV

        os.environ.pop(TEST_SERVER_ENV, None)
        _PG_SERVER.stop()
        _PG_SERVER = None


# Tests of the SQLite catalog file itself, which the PostgreSQL pass cannot run: they copy a home's
# folder as a second home with the same catalog (on PostgreSQL the catalog is not in the folder), or read
# the file with sqlite3 while an ingest writes it. Skipped in that pass, with the reason.
_COPIES_A_HOME = "copies a home's folder as another home: on PostgreSQL its catalog is a database, not a file in the folder"
_READS_THE_FILE = "watches the ingest through the SQLite catalog file (sqlite3), which the PostgreSQL pass does not write"
SQLITE_FILE_ONLY = {
    "test_concurrency.py::test_ingest_while_searching_and_the_ui_holds_the_home": _COPIES_A_HOME,
    "test_browser_state.py::test_sessions_links_saved_searches_and_pages_in_chromium": _COPIES_A_HOME,
    "test_bulk_ingest.py::test_kill_9_mid_run_then_resume_equals_clean_ingest": _READS_THE_FILE,
    "test_processes.py::test_kill_9_of_an_ingest_leaves_no_worker_behind": _READS_THE_FILE,
}


def pytest_collection_modifyitems(config, items):
    if _PG_SERVER is None:
        return
    for item in items:
        key = f"{item.path.name}::{item.originalname}"
        reason = SQLITE_FILE_ONLY.get(key) or (_COPIES_A_HOME if "apptest" in getattr(item, "fixturenames", ())
                                               and item.path.name == "test_browser_state.py" else None)
        if reason:
            item.add_marker(pytest.mark.skip(reason=f"PostgreSQL pass: {reason}"))


def pytest_report_header(config):
    if _PG_SERVER is not None:
        return f"catalogs on PostgreSQL: {_PG_SERVER.url} (a database per catalog)"
    return None

CASE_A_REPORT = [
    "Investigation Report on the Sewer Poisoning Accident at Pumping Station No. 3\n"
    "Linjiang District Accident Investigation Team\n12 September 2019",
    "1. Basic facts\nOn 14 July 2019 at about 10:20, three workers of Hexin Pipeline Maintenance Co., Ltd. "
    "entered the inspection well of the Xinhe Road sewer to clear a blockage. No gas test was carried out "
    "before entry and no forced ventilation was provided. The first worker collapsed at the bottom of the well. "
    "Two colleagues went down after him without breathing apparatus and were overcome by hydrogen sulphide. "
    "The accident killed three people.\n2. Causes\nThe company had no written procedure for confined space "
    "work. The workers had never received confined space training. The district water bureau had not "
    "inspected the contractor in the two years before the accident.",
]
CASE_B_REPORT = [
    "Investigation Report on the Scaffold Fall at the Riverside Tower Project\nHuaxi County Investigation Team",
    "1. Course of the accident\nOn 3 March 2021 a scaffolder fell 18 metres from the twelfth-floor working "
    "platform when a guardrail gave way. He was not wearing a safety harness. One person died.\n"
    "2. Causes\nThe labour team was an unlicensed subcontractor. The general contractor did not check the "
    "scaffold after the storm of 1 March. The county housing bureau's inspection was a mere formality.",
]
CASE_C_REPORT = [
    "清江县红岩煤矿“11·6”瓦斯爆炸事故调查报告\n清江县人民政府事故调查组",
    "一、事故基本情况\n2018年11月6日14时20分，清江县红岩煤业有限公司井下3102工作面发生瓦斯爆炸事故，造成7人死亡、2人受伤，"
    "直接经济损失1830万元。\n二、事故原因\n该矿超层越界开采，通风系统不合理，瓦斯检查员脱岗。矿长隐瞒事故，迟报事故4小时。"
    "县应急管理局监督检查不到位，对该矿长期存在的重大隐患未督促整改。",
]
TRANSCRIPT_C = ("询问笔录\n时间：2018年11月8日\n被询问人：刘某某\n"
                "问：你在矿上做什么工作？\n答：我是瓦斯检查员。\n"
                "问：事故当天你在哪里？\n答：我在地面休息，没有下井检查。\n"
                "问：矿长有没有让你们不要报告事故？\n答：矿长说先不要往上报，等他处理。\n")
TRANSCRIPT_A = ("Record of Interview\nTime: 16 July 2019\nInterviewee: Zhao Ming, foreman\n"
                "Q: Did anyone test the air before the men went down?\n"
                "A: No. The gas detector was broken and we were in a hurry to finish.\n"
                "Q: Who told them to go down?\nA: I did. The manager wanted the line cleared by noon.\n"
                "Q: Had the workers been trained for confined spaces?\nA: Not really. We never had that training.\n")


def make_pdf(path: Path, pages: list[str]) -> Path:
    """A real PDF with one text page per entry; Chinese through reportlab's built-in CID font."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for text in pages:
        zh = any("\u4e00" <= ch <= "\u9fff" for ch in text)
        c.setFont("STSong-Light" if zh else "Helvetica", 10)
        y = 800
        for para in text.split("\n"):
            width = 40 if zh else 95
            for k in range(0, max(1, len(para)), width):
                c.drawString(40, y, para[k:k + width])
                y -= 14
        c.showPage()
    c.save()
    return path


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    d.save(str(path))
    return path


@pytest.fixture(scope="session")
def archive(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("archive")
    a = root / "case-sewer"
    a.mkdir()
    make_pdf(a / "report.pdf", CASE_A_REPORT)
    (a / "interview-zhao.txt").write_text(TRANSCRIPT_A, encoding="utf-16")
    (a / "case.yaml").write_text("title: Sewer poisoning at Pumping Station No. 3\nregion: Linjiang\n"
                                 "industry: municipal\n", encoding="utf-8")
    b = root / "case-scaffold"
    b.mkdir()
    make_pdf(b / "report.pdf", CASE_B_REPORT)
    make_docx(b / "decision.docx", ["Decision on Disciplinary Sanctions",
                                    "Wu Gang, deputy director of the county housing bureau, is given a serious "
                                    "warning within the Party for dereliction of duty."])
    c = root / "case-mine"
    c.mkdir()
    make_pdf(c / "report.pdf", CASE_C_REPORT)
    (c / "询问笔录-刘某某.txt").write_bytes(TRANSCRIPT_C.encode("gbk"))
    return root


@pytest.fixture(scope="session")
def settings_factory(tmp_path_factory):
    def make(**kw) -> Settings:
        return Settings(home=tmp_path_factory.mktemp("home"), **kw)
    return make


@pytest.fixture(scope="session")
def service(archive, settings_factory):
    from dutytrace.service import Dutytrace

    svc = Dutytrace(settings_factory())
    report = svc.ingest([archive])
    assert report.failed == [], report.failed
    yield svc
    svc.close()


def pdf_bytes(objects: list[bytes]) -> bytes:
    """A PDF from its objects (1: catalog, ...), with a correct cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
