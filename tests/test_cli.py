"""The command-line contract of DESIGN.md: JSON shapes, exit codes, batch search."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from dutytrace.cli import app


@pytest.fixture(scope="module")
def home(archive, tmp_path_factory):
    h = tmp_path_factory.mktemp("cli-home")
    env = {"DUTYTRACE_HOME": str(h)}
    r = CliRunner().invoke(app, ["ingest", str(archive), "--json"], env=env)
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["ingested"] == 6 and report["failed"] == [] and report["cases"] == 3 and report["chunks"] > 0
    assert set(report) >= {"ingested", "unchanged", "failed", "cases", "chunks", "seconds"}
    return env


def run(env, *args):
    return CliRunner().invoke(app, list(args), env=env)


def test_search_json_shape(home):
    r = run(home, "search", "toxic gas in a sewer well", "--json", "-n", "3")
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)
    assert res["query"] == "toxic gas in a sewer well" and len(res["hits"]) == 3
    assert set(res["hits"][0]) >= {"case_id", "doc_id", "path", "page", "score", "text", "tags"}


def test_search_by_case_and_filters(home):
    r = run(home, "search", "事故", "--by-case", "--json", "--filter", "language=zh")
    res = json.loads(r.stdout)
    assert [c["case_id"] for c in res["cases"]] == ["case-mine"] and res["total"] == 1
    assert set(res["cases"][0]) >= {"case_id", "score", "title", "passages"}
    # an English word no Chinese passage holds: no matching case, said plainly, exit 0
    r = run(home, "search", "accident", "--by-case", "--json", "--filter", "language=zh")
    assert r.exit_code == 0 and json.loads(r.stdout)["cases"] == [] and json.loads(r.stdout)["total"] == 0


def test_bad_filter_is_a_usage_error(home):
    r = run(home, "search", "x", "--filter", "colour=red")
    assert r.exit_code == 2 and "unknown filter key" in r.output
    assert run(home, "search", "x", "--mode", "fuzzy").exit_code == 2


def test_batch_search_one_line_per_query_with_id(home, tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text('{"id": "q1", "query": "scaffold fall"}\n{"id": "q2", "query": "瓦斯爆炸"}\n', encoding="utf-8")
    r = run(home, "search", "--batch", str(f), "--by-case", "-n", "1")
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [(x["id"], x["cases"][0]["case_id"]) for x in lines] == [("q1", "case-scaffold"), ("q2", "case-mine")]
    c = tmp_path / "q.csv"
    c.write_text("id,query\na,harness\n", encoding="utf-8")
    assert json.loads(run(home, "search", "--batch", str(c)).stdout)["id"] == "a"


def test_analyze_one_json_per_file_in_order(home, archive):
    files = [archive / "case-mine" / "report.pdf", archive / "case-sewer" / "report.pdf"]
    r = run(home, "analyze", *map(str, files), "--json")
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [o["path"] for o in out] == list(map(str, files))
    assert out[0]["language"] == "zh" and out[1]["language"] == "en"
    for o in out:
        assert set(o) >= {"language", "kind", "entities", "tags", "facts", "accountability"}
    assert out[0]["facts"]["fatalities"] == 7
    tag = next(t for t in out[0]["tags"] if t["tag"] == "concealment_or_false_reporting")
    assert tag["evidence"][0]["page"] == 2 and "隐瞒" in tag["evidence"][0]["text"]


def test_show_and_similar(home, archive):
    r = run(home, "show", "case-mine", "--json")
    prof = json.loads(r.stdout)
    assert prof["case_id"] == "case-mine" and prof["facts"]["accident_type"] == "explosion"
    assert run(home, "show", "no-such-case").exit_code == 1
    r = run(home, "similar", str(archive / "case-sewer" / "report.pdf"), "--json")
    cases = json.loads(r.stdout)["cases"]
    assert cases[0]["case_id"] == "case-sewer"
    assert set(cases[0]) >= {"case_id", "score", "shared_tags", "shared_entities", "passages"}
    # the reasons in words beside the raw keys, and what was read from the file
    import re

    assert all(c["reasons"] and all(r["text"] and not re.search(r"\b[a-z]+_[a-z_]+\b", r["text"]) for r in c["reasons"])
               for c in cases[:2])
    assert json.loads(r.stdout)["read"]["text"].startswith("Read from report.pdf: an investigation report in English")
    text = run(home, "similar", "--case", "case-sewer", "--lang", "zh").stdout
    assert "均" in text and "shared issues:" not in text


def test_ingest_exit_1_names_the_corrupt_pdf(archive, tmp_path):
    """As a user runs it: the installed command in a fresh process."""
    root = tmp_path / "batch"
    shutil.copytree(archive / "case-scaffold", root / "case-scaffold")
    (root / "case-scaffold" / "broken.pdf").write_bytes(b"%PDF-1.5\n%%garbage\n" + os.urandom(400))
    env = {**os.environ, "DUTYTRACE_HOME": str(tmp_path / "home")}
    exe = shutil.which("dutytrace", path=os.path.dirname(sys.executable)) or "dutytrace"
    p = subprocess.run([exe, "ingest", str(root), "--json"], capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 1, p.stderr
    report = json.loads(p.stdout)
    assert report["ingested"] == 2
    assert [f["path"] for f in report["failed"]] == [str(root / "case-scaffold" / "broken.pdf")]
    assert "PDF" in report["failed"][0]["error"]
    p = subprocess.run([exe, "ingest"], capture_output=True, text=True, env=env)
    assert p.returncode == 2


def test_batch_results_export_as_csv(home, tmp_path):
    import csv as csvmod

    f = tmp_path / "q.jsonl"
    f.write_text('{"id": "q1", "query": "scaffold fall"}\n{"id": "q2", "query": "瓦斯爆炸"}\n', encoding="utf-8")
    out = tmp_path / "results.csv"
    r = run(home, "search", "--batch", str(f), "--by-case", "-n", "2", "--csv", str(out))
    assert r.exit_code == 0, r.output
    rows = list(csvmod.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert {row["query_id"] for row in rows} == {"q1", "q2"}
    first = next(row for row in rows if row["query_id"] == "q2")
    assert first["case_id"] == "case-mine" and first["rank"] == "1" and first["document"] and first["page"]


def test_retag_check_says_whether_every_document_was_read_by_todays_reader(home):
    """`dutytrace retag --check`: exit 0 when every stored document was analysed by the reader the settings
    give now; exit 1, naming the other reader and how many documents it read, when they differ (here the
    cue rules alone are set, while the home was ingested with the default chosen tagger). Changes nothing."""
    r = run(home, "retag", "--check", "--json")
    assert r.exit_code == 0, r.output
    state = json.loads(r.stdout)
    assert state["retag_needed"] is False and state["documents"] == state["current_documents"] == 6
    assert state["current"].startswith("tagger=chosen@")
    r = run({**home, "DUTYTRACE_TAGGER": "cues"}, "retag", "--check")
    assert r.exit_code == 1, r.output
    assert "0 of 6 documents" in r.output and f"6 by another reader: {state['current']}" in r.output
    assert "dutytrace retag" in r.output
    assert json.loads(run(home, "retag", "--check", "--json").stdout) == state  # the check wrote nothing
