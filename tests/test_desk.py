"""The investigator's desk (store/desk.py, desk.py, the service's thin methods, the CLI): tag reviews
listed with reviewer and time and taken back; evidence reviewed one piece at a time with the tag
decision following; working sets per user; notes on a case or a passage — with access control (a
user not cleared for a case reads neither its notes nor its pins) and the audit rows each change
writes."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from typer.testing import CliRunner

from dutytrace.cli import app
from dutytrace.errors import NotFound
from dutytrace.profile import case_tags
from dutytrace.security import AccessDenied
from dutytrace.service import Dutytrace
from dutytrace.store.desk import DeskError
from tests.test_postgres import pg_url  # noqa: F401 - the PostgreSQL server fixture

SECRET = "case-mine"  # restricted
SEWER = "case-sewer"


@pytest.fixture(scope="module")
def world(archive, settings_factory, tmp_path_factory):
    root = tmp_path_factory.mktemp("desk") / "arch"
    shutil.copytree(archive, root)
    (root / SECRET / "case.yaml").write_text("title: Hongyan mine gas explosion\nclearance: restricted\n",
                                             encoding="utf-8")
    settings = settings_factory()
    svc = Dutytrace(settings)
    assert not svc.ingest([root]).failed
    svc.users.add("boss", "boss-password", "admin", "open")
    svc.users.add("olga", "olga-password", "investigator", "open")
    svc.users.add("rita", "rita-password", "investigator", "restricted")
    svc.users.add("gina", "gina-password", "viewer", "open")
    yield svc, settings
    svc.close()


def as_user(world, name):
    svc, _ = world
    return svc.for_user(svc.users.principal(name))


def audit_rows(world, action, target=None):
    svc, _ = world
    return [e for e in svc.audit.entries(action=action) if target is None or e["target"] == target]


def tag_of(u, case_id, tag):
    return next((t for t in u.case(case_id)["tags"] if t["tag"] == tag), None)


def test_rejected_tag_is_listed_and_restored(world):
    rita = as_user(world, "rita")
    tag = case_tags(rita.case(SECRET))[0]
    rita.review_tag(SECRET, None, tag, "rejected")
    assert tag not in case_tags(rita.case(SECRET))
    listed = rita.review_decisions(SECRET)
    mine = [d for d in listed if d["tag"] == tag and d["kind"] == "tag"]
    assert len(mine) == 1 and mine[0]["decision"] == "rejected" and mine[0]["reviewer"] == "rita"
    assert mine[0]["document"] is None and len(mine[0]["time"]) == 16  # YYYY-MM-DD HH:MM
    # the filter follows the decision both ways (the index payload is rewritten)
    assert SECRET not in {h.case_id for h in rita.search("瓦斯", limit=20, filters={"case_tags": tag})}

    ch = rita.undo_review(SECRET, tag)
    assert ch["before"]["decision"] == "rejected" and ch["after"] is None
    assert tag in case_tags(rita.case(SECRET))
    assert not [d for d in rita.review_decisions(SECRET) if d["tag"] == tag]
    assert SECRET in {h.case_id for h in rita.search("瓦斯", limit=20, filters={"case_tags": tag})}
    rows = audit_rows(world, "review_undo", SECRET)
    assert rows and rows[0]["user"] == "rita" and rows[0]["detail"]["before"]["decision"] == "rejected"
    assert rows[0]["detail"]["after"] is None
    rej = [r for r in audit_rows(world, "review_tag", SECRET) if r["detail"]["tag"] == tag]
    assert rej[0]["detail"]["before"] is None and rej[0]["detail"]["after"]["decision"] == "rejected"
    with pytest.raises(NotFound, match="no decision"):  # nothing left to undo
        rita.undo_review(SECRET, tag)


def test_undo_walks_back_one_decision_at_a_time(world):
    olga = as_user(world, "olga")
    tag = "dereliction_of_duty"
    olga.review_tag(SEWER, "report.pdf", tag, "accepted")
    olga.review_tag(SEWER, "report.pdf", tag, "rejected")
    other = next(t for t in case_tags(olga.case(SEWER)) if t != tag)
    olga.review_tag(SEWER, "interview-zhao.txt", other, "accepted")  # the latest review is another one
    assert tag_of(olga, SEWER, tag) is None or not tag_of(olga, SEWER, tag)["accepted"]
    assert [d["decision"] for d in olga.review_decisions(SEWER) if d["tag"] == tag] == ["rejected"]
    ch = olga.undo_review(SEWER, tag, "report.pdf")
    assert ch["after"]["decision"] == "accepted" and ch["after"]["reviewer"] == "olga"
    # the older decision is back (the stored profile was rebuilt though the reviews' count and latest
    # time did not change)
    assert tag_of(olga, SEWER, tag)["accepted"] is True
    olga.undo_review(SEWER, other, "interview-zhao.txt")
    assert [d["document"] for d in olga.review_decisions(SEWER) if d["tag"] == tag] == ["report.pdf"]
    olga.undo_review(SEWER, tag, "report.pdf")
    assert not [d for d in olga.review_decisions(SEWER) if d["tag"] == tag]


def test_evidence_review_moves_the_tag_decision_and_undo_puts_it_back(world):
    olga = as_user(world, "olga")
    tags = {t["tag"]: t for t in olga.case(SEWER)["tags"]}
    # a tag of the report with the fewest pieces of evidence
    tag = min((t for t in tags), key=lambda t: len(olga.tag_evidence(SEWER, t)) or 99)
    evidence = [e for e in olga.tag_evidence(SEWER, tag)]
    doc = evidence[0]["name"]
    mine = [e for e in evidence if e["name"] == doc]
    assert mine and len({e["id"] for e in evidence}) == len(evidence)
    for e in mine[:-1]:  # some pieces rejected: the tag stays
        olga.review_evidence(SEWER, tag, e["id"], "rejected")
    assert [e["decision"] for e in olga.tag_evidence(SEWER, tag) if e["name"] == doc].count("rejected") == len(mine) - 1
    others = [e for e in evidence if e["name"] != doc]
    olga.review_evidence(SEWER, tag, mine[-1]["id"], "rejected")  # every piece of this document rejected
    t = tag_of(olga, SEWER, tag)
    assert t is None or all(ev["name"] != doc for ev in t["evidence"])
    if not others:
        assert tag not in case_tags(olga.case(SEWER))
    row = audit_rows(world, "review_evidence", SEWER)[0]
    assert row["detail"]["evidence"] == mine[-1]["id"] and row["detail"]["tag_after"]["decision"] == "rejected"
    assert row["detail"]["before"] is None and row["detail"]["after"]["reviewer"] == "olga"

    ch = olga.undo_review(SEWER, tag, evidence_id=mine[-1]["id"])  # the tag of the document comes back
    assert ch["tag_before"]["decision"] == "rejected" and ch["tag_after"] is None
    assert any(ev["name"] == doc for ev in tag_of(olga, SEWER, tag)["evidence"])
    # accepting one piece accepts the tag on its document
    olga.review_evidence(SEWER, tag, mine[-1]["id"], "accepted")
    assert tag_of(olga, SEWER, tag)["accepted"] is True
    kinds = {(d["kind"], d["decision"]) for d in olga.review_decisions(SEWER) if d["tag"] == tag}
    assert ("evidence", "accepted") in kinds and ("tag", "accepted") in kinds
    with pytest.raises(NotFound):
        olga.review_evidence(SEWER, tag, "e000000000000", "rejected")


def test_viewer_and_uncleared_users_cannot_review_or_read(world):
    gina, olga, rita = as_user(world, "gina"), as_user(world, "olga"), as_user(world, "rita")
    tag = case_tags(rita.case(SECRET))[0]
    with pytest.raises(AccessDenied):
        gina.review_tag(SEWER, None, tag, "rejected")
    with pytest.raises(AccessDenied):
        gina.undo_review(SEWER, tag)
    with pytest.raises(NotFound, match="no case"):  # the same words as for a case that does not exist
        olga.review_decisions(SECRET)
    with pytest.raises(NotFound, match="no case"):
        olga.tag_evidence(SECRET, tag)
    with pytest.raises(NotFound, match="no case"):
        olga.undo_review(SECRET, tag)
    assert any(r["detail"].get("action") == "review_decisions" for r in audit_rows(world, "denied", SECRET))


def test_notes_on_case_and_passage(world):
    rita, olga, gina, boss = (as_user(world, n) for n in ("rita", "olga", "gina", "boss"))
    n1 = rita.add_note(SECRET, "Compare with the 2016 Jiaozuo case: the same concealment.")
    chunk = rita.catalog.chunks_of_case(SECRET)[1]
    n2 = rita.add_note(SECRET, "=HYPERLINK(\"x\") the foreman's account differs", chunk_id=chunk["chunk_id"])
    assert n1["author"] == "rita" and len(n1["time"]) == 16 and n2["page"] == chunk["page"]
    notes = boss.notes(SECRET)
    assert [n["text"] for n in notes][:2] == [n1["text"], n2["text"]]
    assert [n["id"] for n in boss.notes(SECRET, chunk_id=chunk["chunk_id"])] == [n2["id"]]
    assert list(boss.document_notes(chunk["doc_id"])) == [chunk["chunk_id"]]
    for u in (olga, gina):  # not cleared for the restricted case: no notes, nothing about it
        with pytest.raises(NotFound, match="no case"):
            u.notes(SECRET)
        with pytest.raises(NotFound):
            u.document_notes(chunk["doc_id"])
        with pytest.raises((NotFound, AccessDenied)):
            u.add_note(SECRET, "fishing")
    with pytest.raises(AccessDenied):  # a viewer reads notes but writes none
        gina.add_note(SEWER, "a viewer's note")
    with pytest.raises(DeskError):
        rita.add_note(SECRET, "   ")
    other = olga.catalog.chunks_of_case(SEWER)[0]["chunk_id"]
    with pytest.raises(NotFound, match="no passage"):
        rita.add_note(SECRET, "on a passage of another case", chunk_id=other)
    row = audit_rows(world, "note", SECRET)[0]
    assert row["user"] == "rita" and row["detail"]["before"] is None and row["detail"]["after"]["text"] == n2["text"]
    assert len(boss.notes(SECRET)) == 2


def test_worksets_per_user_export_and_lost_clearance(world):
    svc, _ = world
    svc.users.add("ivy", "ivy-password", "investigator", "restricted")
    ivy, olga = as_user(world, "ivy"), as_user(world, "olga")
    assert ivy.pin(SECRET, "Mine cases") and ivy.pin(SEWER, "Mine cases") and ivy.pin(SEWER)
    assert not ivy.pin(SEWER)  # pinned already
    assert ivy.worksets() == {"Mine cases": 2, "default": 1}
    assert ivy.pinned_in(SEWER) == ["Mine cases", "default"]
    assert ivy.pinned_cases("Mine cases") == {SECRET, SEWER} and olga.pinned_cases("Mine cases") == set()
    rows = ivy.workset("Mine cases")
    assert [r["case_id"] for r in rows] == [SECRET, SEWER]
    assert rows[0]["title"] == "Hongyan mine gas explosion" and rows[0]["fatalities"] == 7
    assert rows[0]["tag_ids"] == case_tags(ivy.case(SECRET))
    assert olga.worksets() == {} and olga.workset("Mine cases") == []  # per user
    with pytest.raises(NotFound):
        olga.pin(SECRET)
    data = ivy.workset_csv("Mine cases").decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(data)))
    assert table[0][:2] == ["case_id", "title"] and [r[0] for r in table[1:]] == [SECRET, SEWER]
    assert audit_rows(world, "export")[0]["detail"]["what"] == "workset CSV"
    assert [r["detail"]["workset"] for r in audit_rows(world, "pin", SECRET)] == ["Mine cases"]

    svc.users.set("ivy", clearance="open")  # ivy loses her clearance for the restricted case
    ivy = as_user(world, "ivy")
    assert [r["case_id"] for r in ivy.workset("Mine cases")] == [SEWER]
    assert ivy.worksets() == {"Mine cases": 1, "default": 1}
    assert ivy.pinned_cases("Mine cases") == {SEWER}
    assert SECRET not in ivy.workset_csv("Mine cases").decode("utf-8-sig")
    with pytest.raises(NotFound):
        ivy.pinned_in(SECRET)
    assert ivy.pin(SEWER, "Mine cases", pinned=False)
    assert [r["detail"]["after"] for r in audit_rows(world, "unpin", SEWER)] == [False]
    gina = as_user(world, "gina")
    assert gina.pin(SEWER, "g") and [r["case_id"] for r in gina.workset("g")] == [SEWER]
    with pytest.raises(AccessDenied):  # a viewer may keep a shortlist but not export it
        gina.workset_csv("g")


def test_formula_cells_are_escaped_in_the_workset_csv():
    from dutytrace.desk import workset_csv

    data = workset_csv([{"case_id": "c1", "title": "=cmd|' /C calc'!A0", "tags": "+x", "region": "@SUM(1)"}])
    row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1]
    assert row[1] == "'=cmd|' /C calc'!A0" and row[4] == "'@SUM(1)" and row[11] == "'+x"


def test_cli_review_list_undo_and_notes(tmp_path, archive):
    env = {"DUTYTRACE_HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1"}

    def run(*args):
        return CliRunner().invoke(app, list(args), env=env)

    root = tmp_path / "arch"
    shutil.copytree(archive / SEWER, root / SEWER)
    assert run("ingest", str(root), "--json").exit_code == 0
    r = run("show", SEWER, "--json")
    tag = case_tags(json.loads(r.stdout))[0]
    assert run("review", SEWER, tag, "--reject", "--doc", "report.pdf").exit_code == 0
    r = run("review", SEWER, "--list", "--json")
    assert r.exit_code == 0, r.output
    listed = json.loads(r.stdout)
    assert listed["case_id"] == SEWER and listed["decisions"][0]["tag"] == tag
    assert listed["decisions"][0]["decision"] == "rejected" and listed["decisions"][0]["document"] == "report.pdf"
    r = run("review", SEWER, tag, "--list", "--json")  # the tag's evidence with ids
    ev = json.loads(r.stdout)["evidence"]
    assert ev and all(e["id"].startswith("e") for e in ev)
    r = run("review", SEWER, tag, "--undo", "--doc", "report.pdf", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["undone"]["before"]["decision"] == "rejected" and tag in out["case_tags"]
    assert json.loads(run("review", SEWER, "--list", "--json").stdout)["decisions"] == []
    assert run("review", SEWER, tag, "--undo").exit_code == 2  # nothing to undo
    r = run("review", SEWER, tag, "--reject", "--evidence", ev[0]["id"], "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["evidence"] == ev[0]["id"], r.output
    assert run("review", SEWER, tag, "--undo", "--evidence", ev[0]["id"]).exit_code == 0
    assert run("review", SEWER, "--accept").exit_code == 2  # a decision needs a tag

    r = run("notes", SEWER, "--add", "Gas detector broken: check the maintenance log.", "--json")
    assert r.exit_code == 0, r.output
    note = json.loads(r.stdout)["note"]
    assert note["author"] == "local" or note["author"]
    r = run("notes", SEWER, "--json")
    got = json.loads(r.stdout)
    assert got["case_id"] == SEWER and [n["text"] for n in got["notes"]] == [note["text"]]
    r = run("notes", SEWER)
    assert "Gas detector broken" in r.stdout and note["time"] in r.stdout
    assert run("notes", SEWER, "--add", "x", "--passage", "nope").exit_code == 2
    assert run("notes", "no-such-case").exit_code == 2


@pytest.fixture(scope="module")
def app_home(archive, tmp_path_factory):
    import streamlit as st

    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("desk-app-home")
    mp.setenv("DUTYTRACE_HOME", str(home))
    from dutytrace.config import Settings

    with Dutytrace(Settings.from_env()) as svc:
        assert not svc.ingest([archive]).failed
    st.cache_resource.clear()  # the app's service is made for this home
    yield home
    from ui_pages.common import shared

    shared().close()
    st.cache_resource.clear()
    mp.undo()


def test_case_desk_and_shortlist_pages_under_apptest(app_home):
    """The Case page's desk section and the Shortlist page, run by AppTest: evidence rejected one by one
    and the decision listed and undone, a note added, the case pinned and listed, in both languages."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from ui_pages.common import service

    app = str(Path(__file__).resolve().parent.parent / "search_app.py")
    at = AppTest.from_file(app, default_timeout=180)
    at.query_params["case"] = SEWER
    at.switch_page("ui_pages/case.py").run()
    assert not at.exception, at.exception
    tag = at.selectbox(key=f"ev-tag-{SEWER}").value
    n_ev = len(service().tag_evidence(SEWER, tag))
    at.button(key="ev-rejected-0").click().run()
    assert not at.exception, at.exception
    listed = service().review_decisions(SEWER)
    assert [(d["kind"], d["decision"]) for d in listed][:1] == [("evidence", "rejected")]
    assert any("by local" in m.value for m in at.markdown)
    at.button(key="undo-0").click().run()
    assert not at.exception, at.exception
    assert not [d for d in service().review_decisions(SEWER) if d["kind"] == "evidence"]
    assert len(service().tag_evidence(SEWER, tag)) == n_ev

    at.text_area(key="case-note-text").input("Check the contractor's training records.")
    next(b for b in at.button if b.label == "Add note").click().run()
    assert not at.exception, at.exception
    assert [n["text"] for n in service().notes(SEWER)] == ["Check the contractor's training records."]
    assert any("training records." in m.value and "local" in m.value for m in at.markdown)

    at.button(key="case-pin").click().run()
    assert service().pinned_in(SEWER) == ["default"]
    at.switch_page("ui_pages/worksets.py").run()
    assert not at.exception, at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert SEWER in text and "1 case" in text
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, at.exception
    assert any("1 个案件" in m.value for m in at.markdown)
    at.button(key="ws-unpin-0").click().run()
    assert service().pinned_in(SEWER) == []



def test_desk_tables_on_postgresql(pg_url):
    """The desk's SQL in PostgreSQL's dialect (store/db.py translates it): a tag decision, a second
    one and their undo, pins, notes."""
    from dutytrace.store.catalog import Catalog
    from dutytrace.store.desk import DeskStore

    cat = Catalog(pg_url)
    try:
        desk = DeskStore(cat)
        desk.decide_tag("c1", "*", "dereliction_of_duty", "accepted", "olga", "olga")
        desk.decide_tag("c1", "*", "dereliction_of_duty", "rejected", "ivan", "ivan")
        assert cat.reviews("c1") == {("*", "dereliction_of_duty"): "rejected"}
        assert desk.undo("c1", "dereliction_of_duty", "*", by="ivan")["after"]["reviewer"] == "olga"
        assert cat.reviews("c1") == {("*", "dereliction_of_duty"): "accepted"}
        desk.undo("c1", "dereliction_of_duty", "*", by="ivan")
        assert cat.reviews("c1") == {} and [d["decision"] for d in desk.decisions("c1")] == []
        assert len(desk.history("c1")) == 4
        assert desk.pin("olga", "w", "c1") and not desk.pin("olga", "w", "c1")
        assert [p["case_id"] for p in desk.pins("olga", "w")] == ["c1"] and desk.unpin("olga", "w", "c1")
        note = desk.add_note("c1", "olga", "100% sure: it's the foreman", chunk_id="k1", doc_id="d1", page=2)
        assert [n["text"] for n in desk.notes("c1", chunk_id="k1")] == [note["text"]]
    finally:
        cat.close()
