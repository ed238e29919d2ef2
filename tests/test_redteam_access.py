"""The red team's access and audit findings (issue 16), each replayed through the real CLI (and the
service where the UI is the way in), each now refused or handled:

- declassifying or planting by ingest: a folder named after a case the caller cannot see, or a
  case.yaml lowering a clearance without an admin;
- hostile and ordinary case.yaml files: an alias bomb, an unquoted date, a typo in a key;
- `eval` outside the caller's scope, and its "not ingested" message as an existence oracle;
- commands outside the audit log (eval, analyze, retag, index migrate, search --csv, killed ingests,
  denied attempts) and `review --reviewer` recording someone else;
- the UI's "folder on the server" reading any path;
- document text printed as Rich markup, and CSV cells run as spreadsheet formulas;
- the last admin demoting or disabling itself.

One home, a few small text cases made here; users are added with `dutytrace users add`."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dutytrace.cli import app
from dutytrace.config import Settings
from dutytrace.errors import ConfigError
from dutytrace.ingest.case_meta import CaseMetaError, parse_case_meta
from dutytrace.security import AccessDenied
from dutytrace.service import Dutytrace

SECRET_TEXT = ("Investigation report on the gas explosion at the Hongyan coal mine. Methane accumulated in the "
               "3102 working face after the ventilation fan was stopped. The mine manager concealed the accident "
               "and reported it four hours late. Seven miners died.")
INTERNAL_TEXT = ("Investigation report on the warehouse fire at Dongsheng Logistics. The sprinkler system had been "
                 "switched off for repairs and two fire exits were locked from outside. Two workers died.")
OPEN_TEXT = ("Investigation report on the scaffold fall at the Riverside Tower project. A guardrail on the twelfth "
             "floor gave way and the scaffolder wore no safety harness. The county housing bureau's inspection "
             "was a mere formality. One worker died.")
PASSWORD = "long-enough-password"
USERS = (("boss", "admin", "open"), ("olga", "investigator", "open"), ("ivan", "investigator", "internal"),
         ("rita", "investigator", "restricted"), ("vera", "viewer", "open"))
SECRET, INTERNAL, OPEN = "secret-case", "internal-case", "open-case"
SECRET_META = {"title": "Hongyan mine gas explosion", "clearance": "restricted"}
BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
        'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n'
        'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n'
        'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n'
        'title: [*i,*i,*i,*i,*i,*i,*i,*i,*i]\n')


def make_case(root: Path, case_id: str, files: dict[str, str], meta: str | None = None) -> Path:
    folder = root / case_id
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    if meta is not None:
        (folder / "case.yaml").write_text(meta, encoding="utf-8")
    return folder


def cli(home: Path, *args: str, user: str | None = None, env: dict | None = None):
    argv = (["--user", user] if user else []) + list(args)
    return CliRunner().invoke(app, argv, env={"DUTYTRACE_HOME": str(home), "DUTYTRACE_USER": None, **(env or {})})


def catalog(home: Path) -> Dutytrace:
    """A service on the home for reading the catalog and the audit log (it never opens the index)."""
    return Dutytrace(Settings(home=home))


def meta_of(home: Path, case_id: str) -> dict | None:
    with catalog(home) as svc:
        row = svc.catalog.case_row(case_id)
    return row and row["meta"]


def doc_names(home: Path, case_id: str) -> set[str]:
    with catalog(home) as svc:
        return {d["name"] for d in svc.catalog.documents(case_id)}


def audit_rows(home: Path, after: int = 0, **where) -> list[dict]:
    with catalog(home) as svc:
        rows = [r for r in reversed(svc.audit.entries(limit=100_000)) if r["id"] > after]
    return [r for r in rows if all(r.get(k) == v for k, v in where.items())]


def last_audit_id(home: Path) -> int:
    with catalog(home) as svc:
        return svc.catalog.db.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0]


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("redteam-home")
    arch = tmp_path_factory.mktemp("redteam-arch")
    make_case(arch, SECRET, {"report.txt": SECRET_TEXT}, "title: Hongyan mine gas explosion\nclearance: restricted\n")
    make_case(arch, INTERNAL, {"report.txt": INTERNAL_TEXT}, "title: Dongsheng warehouse fire\nclearance: internal\n")
    make_case(arch, OPEN, {"report.txt": OPEN_TEXT}, "title: Riverside Tower scaffold fall\n")
    r = cli(home, "ingest", str(arch), "--json", "--workers", "1")
    assert r.exit_code == 0, r.output
    for name, role, clearance in USERS:  # the first (an admin) in single-user mode, the rest by that admin
        r = cli(home, "users", "add", name, "--role", role, "--clearance", clearance, "--password", PASSWORD,
                user=None if name == "boss" else "boss")
        assert r.exit_code == 0, r.output
    return home


# -- 1. Critical: declassify or plant by ingest -----------------------------------------------------------
def test_investigator_cannot_declassify_or_plant_into_a_case_they_cannot_see(home, tmp_path):
    evil = tmp_path / "evil"
    make_case(evil, SECRET, {"planted.txt": "A planted statement: nobody was to blame for the Hongyan explosion."},
              "title: Nothing happened here\nclearance: open\n")
    make_case(evil, INTERNAL, {"planted.txt": "A planted memo: the Dongsheng exits were never locked."})
    make_case(evil, "olga-new", {"visit.txt": "Notes of a site visit to the Dongfeng quarry after the blast. "
                                              "The blasting foreman had no permit and no warning was sounded."})
    start = last_audit_id(home)
    r = cli(home, "ingest", str(evil), "--json", user="olga")
    assert r.exit_code == 1, r.output  # some files refused; the rest of the batch went on
    rep = json.loads(r.stdout)
    assert rep["ingested"] == 1 and doc_names(home, "olga-new") == {"visit.txt"}
    refused = rep["failed"]
    assert sorted(f["path"] for f in refused) == sorted([f"{SECRET}/case.yaml", str(evil / SECRET / "planted.txt"),
                                                          str(evil / INTERNAL / "planted.txt")])
    assert all(f["reason"] == "denied" for f in refused) and rep["failures_by_reason"] == {"denied": 3}
    # nothing of either case changed: metadata, clearance, documents
    assert meta_of(home, SECRET) == SECRET_META
    assert doc_names(home, SECRET) == {"report.txt"} and doc_names(home, INTERNAL) == {"report.txt"}
    # the refusal says the id is taken and nothing more: the same words for an internal and a restricted
    # case, no title, no clearance, no document count
    words = {f["error"].replace(SECRET, "<case>").replace(INTERNAL, "<case>") for f in refused}
    assert len(words) == 1
    said = words.pop()
    assert "denied" in said and not any(w in said.lower() for w in ("restricted", "internal", "hongyan", "dongsheng"))
    # audited: the start before any work, a `denied` row per refused case, the end with what was refused
    rows = audit_rows(home, start, user="olga")
    actions = [r["action"] for r in rows]
    assert actions[0] == "ingest_start" and actions[-1] == "ingest"
    denied = {r["target"]: r["detail"] for r in rows if r["action"] == "denied"}
    assert set(denied) == {SECRET, INTERNAL} and all(d["action"] == "ingest" for d in denied.values())
    assert rows[-1]["detail"]["denied"] == [INTERNAL, SECRET] and rows[-1]["detail"]["status"] == "done"


def test_a_visible_case_is_writable_but_its_clearance_is_lowered_only_by_an_admin(home, tmp_path):
    fix = tmp_path / "fix"
    make_case(fix, SECRET, {"addendum.txt": "Addendum to the Hongyan report: the gas monitor of the 3102 face "
                                            "had been covered with a plastic bag."},
              "title: Hongyan mine gas explosion (revised)\nclearance: open\n")
    start = last_audit_id(home)
    r = cli(home, "ingest", str(fix), "--json", user="rita")  # an investigator cleared for restricted cases
    assert r.exit_code == 1, r.output
    rep = json.loads(r.stdout)
    assert [(f["path"], f["reason"]) for f in rep["failed"]] == [(f"{SECRET}/case.yaml", "denied")]
    assert "needs an admin" in rep["failed"][0]["error"] and "restricted -> open" in rep["failed"][0]["error"]
    assert meta_of(home, SECRET) == SECRET_META  # the whole file refused: the title did not change either
    assert doc_names(home, SECRET) == {"report.txt", "addendum.txt"}  # rita may add to a case she can see
    assert audit_rows(home, start, user="rita", action="denied")[0]["target"] == SECRET

    # a case.yaml that does not mention the clearance keeps it; the change is audited with before/after
    (fix / SECRET / "case.yaml").write_text("title: Hongyan mine gas explosion (revised)\n", encoding="utf-8")
    r = cli(home, "ingest", str(fix), "--json", user="rita")
    assert r.exit_code == 0, r.output
    assert meta_of(home, SECRET) == {"title": "Hongyan mine gas explosion (revised)", "clearance": "restricted"}
    change = audit_rows(home, start, user="rita", action="case_meta")[-1]
    assert change["target"] == SECRET
    assert change["detail"] == {"before": {"title": "Hongyan mine gas explosion"},
                                "after": {"title": "Hongyan mine gas explosion (revised)"}}

    # an admin may lower it (recorded), and raises it back
    for level in ("internal", "restricted"):
        (fix / SECRET / "case.yaml").write_text(f"title: Hongyan mine gas explosion\nclearance: {level}\n", encoding="utf-8")
        r = cli(home, "ingest", str(fix), "--json", user="boss")
        assert r.exit_code == 0, r.output
        assert meta_of(home, SECRET)["clearance"] == level
    changes = [r["detail"] for r in audit_rows(home, start, user="boss", action="case_meta")]
    assert changes[0]["before"]["clearance"] == "restricted" and changes[0]["after"]["clearance"] == "internal"
    assert changes[1]["before"] == {"clearance": "internal"} and changes[1]["after"] == {"clearance": "restricted"}
    assert meta_of(home, SECRET) == SECRET_META


# -- 4. case.yaml: bombs, dates, typos --------------------------------------------------------------------
def test_hostile_and_ordinary_case_yaml(home, tmp_path):
    batch = tmp_path / "batch"
    make_case(batch, "bomb-case", {"report.txt": "Report on a boiler explosion at the Xinyuan dye works."}, BOMB)
    make_case(batch, "dated-case", {"report.txt": "Report on a tower crane collapse at the Jinhe port."},
              "title: Jinhe crane collapse\ndate: 2024-11-02\n")  # an unquoted date: a TypeError before
    make_case(batch, "year-case", {"report.txt": "Report on a silo engulfment at the Huafeng feed mill."},
              "title: Huafeng silo\ndate: 2024\n")
    make_case(batch, "typo-case", {"report.txt": "Report on a chlorine leak at the Beitang water plant."},
              "title: Beitang chlorine leak\nclearence: restricted\n")  # a typo must not leave the case open
    make_case(batch, OPEN, {"extra.txt": "Supplement on the Riverside Tower guardrail bolts."},
              "title: Riverside Tower scaffold fall\ndate: 2021-13-01\n")  # an existing case, a wrong date
    before_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.time()
    r = cli(home, "ingest", str(batch), "--json", user="boss")
    assert r.exit_code == 1, r.output
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before_rss < 300 * 1024  # KiB: no 6.6 GB bomb
    assert time.time() - t0 < 120
    rep = json.loads(r.stdout)
    errors = {f["path"]: f["error"] for f in rep["failed"] if f["path"].endswith("case.yaml")}
    assert errors["bomb-case/case.yaml"].startswith("bomb-case/case.yaml: ") and "aliases" in errors["bomb-case/case.yaml"]
    assert errors["typo-case/case.yaml"].startswith("typo-case/case.yaml: clearence: unknown key")
    assert errors[f"{OPEN}/case.yaml"].startswith(f"{OPEN}/case.yaml: date: not a date")
    assert all(f["reason"] == "case_meta" for f in rep["failed"])
    # a case whose case.yaml is refused changes in nothing: no metadata, none of its documents
    refused_docs = {Path(f["path"]).parent.name for f in rep["failed"] if not f["path"].endswith("case.yaml")}
    assert refused_docs == {"bomb-case", "typo-case", OPEN}
    assert meta_of(home, "bomb-case") is None and meta_of(home, "typo-case") is None
    assert not doc_names(home, "typo-case") and doc_names(home, OPEN) == {"report.txt"}
    assert meta_of(home, OPEN) == {"title": "Riverside Tower scaffold fall"}
    # the batch went on: dates in their YAML forms are stored as ISO text
    assert meta_of(home, "dated-case") == {"title": "Jinhe crane collapse", "date": "2024-11-02"}
    assert meta_of(home, "year-case")["date"] == "2024"
    assert rep["ingested"] == 2


def test_case_meta_parser_forms_and_limits():
    def parsed(text: str | bytes) -> dict:
        return parse_case_meta(text.encode("utf-8") if isinstance(text, str) else text, "c")

    for text, date in (("date: 2024-11-02", "2024-11-02"), ("date: 2024-11-02 08:30:00", "2024-11-02"),
                       ("date: 2024-11-02T08:30:00+08:00", "2024-11-02"), ("date: 2024", "2024"),
                       ("date: '2024-11'", "2024-11"), ("date: 20241102", "2024-11-02"),
                       ("date: 2024/11/2", "2024-11-02"), ("date: 2024年11月2日", "2024-11-02"),
                       ("date: 2 November 2024", "2024-11-02"), ("date: Nov 2, 2024", "2024-11-02")):
        assert parsed(text) == {"date": date}, text
    assert parsed('{"title": "Fire", "clearance": "Internal"}') == {"title": "Fire", "clearance": "internal"}
    assert parsed("title: 2024-11-02\nregion: 42\n") == {"title": "2024-11-02", "region": "42"}
    assert parsed("title: 云岫县铅锌矿\n".encode("gbk")) == {"title": "云岫县铅锌矿"}
    assert parsed("") == {} and parsed("title:\n") == {}
    for text, words in ((BOMB, "aliases"), ("a: &x 1\ntitle: *x\n", "aliases"), ("title: a\ntitle: b\n", "twice"),
                        ("clearance: secret\n", "clearance: must be one of"), ("date: 2024-02-30\n", "date: not a date"),
                        ("date: yes\n", "date: not a date"), ("- a\n- b\n", "mapping"), ("[" * 5000, "nested"),
                        ("title: !!python/object/apply:os.system ['true']\n", "not valid YAML"),
                        ("title: [a, b]\n", "title: must be text"), ("x" * 70_000, "too large")):
        t0 = time.time()
        with pytest.raises(CaseMetaError) as e:
            parsed(text)
        assert words in str(e.value) and str(e.value).startswith("c/case.yaml: "), (text[:30], str(e.value))
        assert time.time() - t0 < 1.0


# -- 2. eval under the caller's scope ----------------------------------------------------------------------
def write_gold(folder: Path, case_ids: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cases.jsonl").write_text("".join(json.dumps(
        {"case_id": c, "tags": [], "accident_type": "other", "facts": {}, "split": "tune"}) + "\n" for c in case_ids))
    queries = [{"id": "q-secret", "query": "Hongyan coal mine gas explosion methane concealed", "language": "en",
                "split": "tune", "relevance": {SECRET: 2}},
               {"id": "q-open", "query": "Riverside Tower scaffold guardrail harness", "language": "en",
                "split": "tune", "relevance": {OPEN: 2}}]
    (folder / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in queries))
    return folder


def test_eval_runs_in_the_callers_scope_and_is_no_existence_oracle(home, tmp_path):
    gold = write_gold(tmp_path / "gold", [OPEN])
    args = ("eval", "--gold", str(gold), "--mode", "lexical", "--per-query", "--json")
    r = cli(home, *args)  # no user: refused before the gold or the catalog is looked at
    assert r.exit_code == 1 and "users are defined" in r.output and "not ingested" not in r.output
    mrr = {}
    for user in ("olga", "rita"):
        r = cli(home, *args, user=user)
        assert r.exit_code == 0, r.output
        mrr[user] = {q["id"]: q["mrr"] for q in json.loads(r.stdout)["per_query"]}
    assert mrr["rita"]["q-secret"] == 1.0 and mrr["olga"]["q-secret"] == 0.0  # never ranked for olga
    assert mrr["olga"]["q-open"] == mrr["rita"]["q-open"] == 1.0
    # a gold naming a case olga cannot see gets the words of a gold naming a case that does not exist
    said = {}
    for case_id in (SECRET, "no-such-case"):
        r = cli(home, "eval", "--gold", str(write_gold(tmp_path / case_id, [OPEN, case_id])), "--json", user="olga")
        assert r.exit_code == 1
        said[case_id] = r.output.replace(case_id, "<case>")
    assert said[SECRET] == said["no-such-case"] and "not ingested" in said[SECRET]
    rows = audit_rows(home, 0, action="eval")
    assert {r["user"] for r in rows} >= {"olga", "rita"}
    assert any(r["action"] == "denied" and r["detail"]["action"] == "eval" for r in audit_rows(home, 0, user="(no user)"))


# -- 3. every command runs as the caller and is audited, denials included ------------------------------
def test_every_command_is_audited_and_denials_are_recorded(home, tmp_path):
    start = last_audit_id(home)
    note = tmp_path / "note.txt"
    note.write_text("The crane operator had no licence and the load limiter was disconnected.", encoding="utf-8")
    assert cli(home, "analyze", str(note), "--json", user="olga").exit_code == 0
    r = cli(home, "retag", "--json", user="boss")
    assert r.exit_code == 0, r.output
    r = cli(home, "search", "scaffold guardrail", "--csv", str(tmp_path / "olga.csv"), user="olga")
    assert r.exit_code == 0, r.output
    # viewers may search but not export; nobody but an admin reads the audit log
    for user, args, action in (("vera", ["search", "scaffold", "--csv", str(tmp_path / "vera.csv")], "export"),
                               ("vera", ["audit", "--csv", str(tmp_path / "vera-audit.csv")], "audit"),
                               ("olga", ["audit", "--csv", str(tmp_path / "olga-audit.csv")], "audit"),
                               ("vera", ["ingest", str(note)], "ingest"), ("vera", ["users", "list"], "user_change"),
                               ("olga", ["reindex"], "reindex"), ("olga", ["retag"], "retag"),
                               ("olga", ["index", "migrate", "--to", "http://127.0.0.1:9"], "index_migrate")):
        r = cli(home, *args, user=user)
        assert r.exit_code == 1 and "may not" in r.output, (user, args, r.output)
        assert audit_rows(home, start, user=user, action="denied")[-1]["detail"]["action"] == action, (user, args)
    assert not (tmp_path / "vera.csv").exists() and not (tmp_path / "vera-audit.csv").exists()
    # a case olga cannot see: the words of a case that does not exist, and a `denied` row
    shown = {c: cli(home, "show", c, user="olga").output.replace(c, "<case>") for c in (SECRET, "no-such-case")}
    assert shown[SECRET] == shown["no-such-case"] and "no case" in shown[SECRET]
    assert audit_rows(home, start, user="olga", action="denied", target=SECRET)[-1]["detail"]["action"] == "view_case"
    # an unknown or disabled user acting is recorded too
    assert cli(home, "search", "x", user="mallory").exit_code == 1
    assert audit_rows(home, start, user="mallory", action="denied")[0]["detail"]["action"] == "act_as"
    actions = {(r["user"], r["action"]) for r in audit_rows(home, start)}
    assert {("olga", "analyze"), ("boss", "retag_start"), ("boss", "retag"), ("olga", "search"),
            ("olga", "export")} <= actions
    export = audit_rows(home, start, user="olga", action="export")[-1]["detail"]
    assert export["what"] == "search results CSV" and export["rows"] >= 1


def test_index_migrate_is_audited_before_it_runs(home):
    start = last_audit_id(home)
    r = cli(home, "index", "migrate", "--to", "http://127.0.0.1:9", user="boss")  # nothing listens there
    assert r.exit_code != 0
    assert audit_rows(home, start, user="boss", action="index_migrate")[0]["target"] == "http://127.0.0.1:9"


def test_a_killed_ingest_shows_in_the_audit_log(home, tmp_path):
    folder = tmp_path / "killed"
    make_case(folder, "killed-case", {"a.txt": "Report on a forklift that overturned at the Tianlu depot.",
                                      "b.txt": "Statement of the depot manager on the forklift training."})
    start = last_audit_id(home)
    env = {**os.environ, "DUTYTRACE_HOME": str(home), "DUTYTRACE_FAILPOINT": "stored", "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1"}
    env.pop("DUTYTRACE_USER", None)
    proc = subprocess.run([sys.executable, "-m", "dutytrace.cli", "--user", "olga", "ingest", str(folder), "--workers", "1"],
                          env=env, capture_output=True, timeout=300)
    assert proc.returncode == -9, proc.stderr[-2000:]  # killed (SIGKILL) after its first document was stored
    rows = audit_rows(home, start, user="olga")
    assert [r["action"] for r in rows] == ["ingest_start"] and rows[0]["target"] == str(folder)
    # the next run finishes the job and closes its own record
    r = cli(home, "ingest", str(folder), "--json", user="olga")
    assert r.exit_code == 0, r.output
    assert [r["action"] for r in audit_rows(home, start, user="olga")] == ["ingest_start", "ingest_start", "ingest"]


def test_the_reviewer_recorded_is_the_caller(home):
    tag = "inadequate_inspection"
    start = last_audit_id(home)
    r = cli(home, "review", OPEN, tag, "--accept", "--reviewer", "boss", user="olga")
    assert r.exit_code == 1 and "may not record a decision as 'boss'" in r.output
    assert audit_rows(home, start, user="olga", action="denied")[-1]["detail"]["reviewer"] == "boss"
    assert cli(home, "review", OPEN, tag, "--accept", user="olga").exit_code == 0
    with catalog(home) as svc:
        reviewer = lambda: svc.catalog.db.execute(  # noqa: E731
            "SELECT reviewer FROM tag_reviews WHERE case_id=? AND tag=?", (OPEN, tag)).fetchone()[0]
        assert reviewer() == "olga"
    # an admin may enter a paper decision in another's name; both are recorded
    assert cli(home, "review", OPEN, tag, "--reject", "--reviewer", "chief-engineer", user="boss").exit_code == 0
    with catalog(home) as svc:
        row = svc.catalog.db.execute("SELECT reviewer FROM tag_reviews WHERE case_id=? AND tag=?", (OPEN, tag)).fetchone()
        assert row[0] == "chief-engineer (entered by boss)"
    rec = audit_rows(home, start, action="review_tag")[-1]
    assert rec["user"] == "boss" and rec["detail"]["reviewer"] == "chief-engineer (entered by boss)"


# -- 5. the UI's "folder on the server" ---------------------------------------------------------------
def test_server_folder_ingest_is_for_admins_under_allowed_roots_only(home, tmp_path, monkeypatch):
    monkeypatch.setenv("DUTYTRACE_INGEST_ROOTS", f"{tmp_path / 'srv'}{os.pathsep}{tmp_path / 'other'}")
    assert Settings.from_env().ingest_roots == (str(tmp_path / "srv"), str(tmp_path / "other"))
    srv = tmp_path / "srv"
    make_case(srv / "incoming", "served-case", {"memo.txt": "Memo on the Dongfeng quarry blast: the permit had expired."})
    (srv / "etc-link").symlink_to("/etc")
    start = last_audit_id(home)
    with Dutytrace(Settings(home=home)) as base:
        boss, olga = (base.for_user(base.users.principal(n)) for n in ("boss", "olga"))
        with pytest.raises(ConfigError, match="DUTYTRACE_INGEST_ROOTS"):  # no roots: the option is off
            boss.ingest_server_folder("/etc")
        base.settings = dataclasses.replace(base.settings, ingest_roots=(str(srv),))
        boss, olga = (base.for_user(base.users.principal(n)) for n in ("boss", "olga"))
        with pytest.raises(AccessDenied, match="may not ingest a folder on the server"):
            olga.ingest_server_folder(srv / "incoming")
        for path in ("/etc", "/etc/passwd", f"{srv}/../../../../etc", srv / "etc-link", srv / "no-such-folder"):
            with pytest.raises(AccessDenied, match="not a folder under the ingest roots"):
                boss.ingest_server_folder(path)
        report = boss.ingest_server_folder(srv / "incoming")
        assert report.ingested == 1 and not report.failed
        assert "served-case" in base.catalog.case_ids() and not any("passwd" in c for c in base.catalog.case_ids())
    denied = audit_rows(home, start, action="denied")
    assert {r["user"] for r in denied} == {"boss", "olga"} and len(denied) == 7
    assert all(r["detail"]["origin"] == "server folder" for r in denied)


# -- 6. output escaping: Rich markup, spreadsheet formulas -------------------------------------------------
def test_document_text_is_printed_literally_and_csv_cells_are_defused(home, tmp_path):
    folder = tmp_path / "markup"
    make_case(folder, "markup-case", meta="title: Hangar [/bold] crane [redacted]\n", files={
        "log.txt": "Zeppelin hangar crane collapse log. The foreman wrote [/bold] in the book and the operator's "
                   "name was [redacted] by the clerk before the hangar crane inspection.",
        "form.txt": "=HYPERLINK(\"http://example.invalid\",\"open\") zeppelin hangar crane inspection form, "
                    "never filled in."})
    (folder / "markup-case" / "[bold]broken.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    r = cli(home, "ingest", str(folder), user="olga")  # the failure line names a file with markup in its name
    assert r.exit_code == 1 and "[bold]broken.pdf" in r.output, r.output
    for args in (["search", "zeppelin hangar crane", "--mode", "lexical", "--filter", "case=markup-case"],
                 ["search", "zeppelin hangar crane", "--by-case", "--mode", "lexical", "--filter", "case=markup-case"],
                 ["show", "markup-case"]):
        r = cli(home, *args, user="olga")
        assert r.exit_code == 0, (args, r.output)
        assert "[redacted]" in r.output and "[/bold]" in r.output, (args, r.output)
    assert "Hangar [/bold] crane [redacted]" in cli(home, "show", "markup-case", user="olga").output
    out = tmp_path / "hits.csv"
    r = cli(home, "search", "zeppelin hangar crane", "--mode", "lexical", "--filter", "case=markup-case",
            "--csv", str(out), user="olga")
    assert r.exit_code == 0, r.output
    cells = [c for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))) for c in row]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in cells)
    # the audit CSV: a user name (or any other cell) that a spreadsheet would run
    assert cli(home, "search", "x", user="=HYPERLINK(\"http://example.invalid\")").exit_code == 1
    out = tmp_path / "audit.csv"
    r = cli(home, "audit", "--csv", str(out), "-n", "100000", user="boss")
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert any(row[2].startswith("'=HYPERLINK") for row in rows)
    assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for row in rows for c in row)


def test_audit_csv_escapes_every_formula_start():
    from dutytrace.audit import Audit

    rows = [{"id": i, "time": "2024-01-01 00:00:00", "user": lead + "cmd", "action": "search", "target": lead + "x",
             "detail": {}} for i, lead in enumerate(("=", "+", "-", "@", "\t", "\r"))]
    text = Audit.to_csv(None, rows)
    parsed = list(csv.reader(io.StringIO(text)))[1:]
    assert all(r[2].startswith("'") and r[4].startswith("'") for r in parsed)


# -- 7. the last admin ----------------------------------------------------------------------------------
def test_the_last_admin_cannot_demote_or_disable_itself(tmp_path):
    home = tmp_path / "users-home"
    assert cli(home, "users", "add", "boss", "--role", "admin", "--password", PASSWORD).exit_code == 0
    for args in (["users", "set", "boss", "--role", "viewer"], ["users", "disable", "boss"]):
        r = cli(home, *args, user="boss")
        assert r.exit_code == 1 and "last active admin" in r.output, r.output
    assert cli(home, "users", "add", "ann", "--role", "admin", "--password", PASSWORD, user="boss").exit_code == 0
    assert cli(home, "users", "set", "boss", "--role", "investigator", user="ann").exit_code == 0  # not the last
    for args in (["users", "set", "ann", "--role", "viewer"], ["users", "disable", "ann"]):
        r = cli(home, *args, user="ann")
        assert r.exit_code == 1 and "last active admin" in r.output, r.output
    with Dutytrace(Settings(home=home)) as svc:
        assert [u["name"] for u in svc.users.list() if u["role"] == "admin" and not u["disabled"]] == ["ann"]
        with pytest.raises(AccessDenied):
            svc.users.disable("ann")
        denied = [r for r in svc.audit.entries(action="denied") if r["detail"].get("action") == "user_change"]
        assert len(denied) == 4
