"""Reviewer control: a rejected tag stays rejected through re-ingestion (same files and a changed
file), and `search --filter tag=...` stops returning the case."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from dutytrace.cli import app

REPORT = ("Report on the Boiler Room Fire at Tongda Laundry\n\n"
          "4. Indirect causes\nThe owner concealed the accident for six hours and falsified the boiler logs. "
          "The laundry had no written operating procedure for the boiler.\n")


def run(env, *args):
    r = CliRunner().invoke(app, list(args), env=env)
    return r


def case_ids(env, tag):
    r = run(env, "search", "boiler laundry fire", "--filter", f"tag={tag}", "--json")
    assert r.exit_code == 0, r.output
    return {h["case_id"] for h in json.loads(r.stdout)["hits"]}


def test_rejection_survives_reingest(tmp_path):
    root = tmp_path / "arch"
    (root / "case-laundry").mkdir(parents=True)
    report = root / "case-laundry" / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    (root / "case-laundry" / "notes.txt").write_text("Boiler room notes: the boiler fire started at night.",
                                                     encoding="utf-8")
    env = {"DUTYTRACE_HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1"}
    tag = "concealment_or_false_reporting"
    assert run(env, "ingest", str(root), "--json").exit_code == 0
    assert case_ids(env, tag) == {"case-laundry"}

    r = run(env, "review", "case-laundry", tag, "--reject", "--json")
    assert r.exit_code == 0, r.output
    assert tag not in json.loads(r.stdout)["case_tags"]
    assert case_ids(env, tag) == set()

    # the same files again, then a changed report: the decision holds, the other tags come back
    r = run(env, "ingest", str(root), "--json")
    assert json.loads(r.stdout)["unchanged"] == 2
    report.write_text(REPORT + "The owner also hid the injured worker's records from the bureau.\n", encoding="utf-8")
    r = run(env, "ingest", str(root), "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["ingested"] == 1, r.output
    assert case_ids(env, tag) == set()
    assert case_ids(env, "enterprise_primary_responsibility") == {"case-laundry"}
    r = run(env, "show", "case-laundry", "--json")
    assert tag not in {t["tag"] for t in json.loads(r.stdout)["tags"]}


def test_document_decision_and_usage_errors(tmp_path):
    root = tmp_path / "arch"
    (root / "case-laundry").mkdir(parents=True)
    (root / "case-laundry" / "report.txt").write_text(REPORT, encoding="utf-8")
    env = {"DUTYTRACE_HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1"}
    assert run(env, "ingest", str(root), "--json").exit_code == 0
    r = run(env, "review", "case-laundry", "enterprise_primary_responsibility", "--reject", "--doc", "report.txt",
            "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["document"] == "report.txt"
    assert case_ids(env, "enterprise_primary_responsibility") == set()
    r = run(env, "review", "case-laundry", "dereliction_of_duty", "--accept", "--json")
    assert r.exit_code == 0 and "dereliction_of_duty" in json.loads(r.stdout)["case_tags"]
    assert case_ids(env, "dereliction_of_duty") == {"case-laundry"}
    assert run(env, "review", "case-laundry", "no_such_tag", "--reject").exit_code == 2
    assert run(env, "review", "case-laundry", "dereliction_of_duty").exit_code == 2
    assert run(env, "review", "no-such-case", "dereliction_of_duty", "--reject").exit_code == 2
    assert run(env, "review", "case-laundry", "dereliction_of_duty", "--reject", "--doc", "nope.pdf").exit_code == 2
