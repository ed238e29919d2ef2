"""Access control on every surface: a restricted case never reaches an uncleared user — not its
passages, facets, counts, similar-case results, case page, documents, page images, downloads,
exports, analytics or statements — while a cleared user (by clearance or by a grant) sees it. And
every audited action writes its record."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from dutytrace.cli import app
from dutytrace.errors import NotFound
from dutytrace.security import AccessDenied, AuthRequired
from dutytrace.service import Dutytrace

SECRET = "case-mine"  # restricted
INTERNAL = "case-sewer"


@pytest.fixture(scope="module")
def world(archive, settings_factory, tmp_path_factory):
    root = tmp_path_factory.mktemp("secure") / "arch"
    shutil.copytree(archive, root)
    (root / SECRET / "case.yaml").write_text("title: Hongyan mine gas explosion\nclearance: restricted\n", encoding="utf-8")
    (root / INTERNAL / "case.yaml").write_text("title: Sewer poisoning\nclearance: internal\n", encoding="utf-8")
    settings = settings_factory()
    svc = Dutytrace(settings)
    assert not svc.ingest([root]).failed  # single-user mode before any user exists
    svc.users.add("boss", "boss-password", "admin", "open")
    svc.users.add("olga", "olga-password", "investigator", "open")
    svc.users.add("ivan", "ivan-password", "investigator", "internal")
    svc.users.add("gina", "gina-password", "viewer", "open")
    svc.users.grant("gina", SECRET)
    svc.users.add("rita", "rita-password", "investigator", "restricted")
    yield svc, root, settings
    svc.close()


def as_user(world, name):
    svc, _, _ = world
    return svc.for_user(svc.users.principal(name))


def world_docs(u, case_id):
    return u.catalog.documents(case_id)


def visible_surfaces(u, doc_id, new_doc) -> dict[str, bool]:
    """For each surface: does the restricted case show through it?"""
    seen = {}
    seen["search"] = any(h.case_id == SECRET for h in u.search("瓦斯爆炸 隐瞒事故", limit=50))
    seen["search_cases"] = any(c.case_id == SECRET for c in u.search_cases("瓦斯爆炸 隐瞒事故", limit=50))
    seen["explicit_filter"] = bool(u.search("瓦斯", limit=10, filters={"case_id": SECRET}))
    seen["facets_query"] = "zh" in dict(u.facets("瓦斯爆炸")["language"])
    seen["facets_all"] = "zh" in dict(u.facets()["language"])
    others = [c for c in u.case_ids() if c != SECRET]
    others_docs = sum(len(world_docs(u, c)) for c in others)
    seen["stats"] = u.stats()["cases"] > len(others) or u.stats()["documents"] > others_docs
    seen["similar_file"] = SECRET in [c["case_id"] for c in u.similar(path=new_doc, limit=10)]
    seen["case_ids"] = SECRET in u.case_ids()
    seen["analytics"] = SECRET in [p["case_id"] for p in u.case_profiles()]
    for name, call in (("case_page", lambda: u.case(SECRET)), ("document", lambda: u.document(doc_id)),
                       ("page_text", lambda: u.page_text(doc_id, 1)), ("page_image", lambda: u.page_image(doc_id, 1)),
                       ("download", lambda: u.document_bytes(doc_id)), ("pages", lambda: u.pages(doc_id)),
                       ("statements", lambda: u.statements(SECRET)),
                       ("similar_case", lambda: u.similar(case_id=SECRET))):
        try:
            call()
            seen[name] = True
        except NotFound as e:
            assert "no case" in str(e) or "no document" in str(e)  # the same words as for what does not exist
            seen[name] = False
    return seen


def test_restricted_case_never_leaks_to_uncleared_users(world, tmp_path):
    svc = world[0]
    doc_id = next(d["doc_id"] for d in svc.catalog.documents(SECRET) if d["name"] == "report.pdf")
    new_doc = tmp_path / "新报告.txt"
    new_doc.write_text("煤矿井下发生瓦斯爆炸，矿长隐瞒事故，迟报4小时，超层越界开采。", encoding="utf-8")
    for name in ("olga", "ivan"):
        seen = visible_surfaces(as_user(world, name), doc_id, new_doc)
        assert not any(seen.values()), (name, {k: v for k, v in seen.items() if v})
    for name in ("boss", "rita", "gina"):  # admin, restricted clearance, and a per-case grant
        seen = visible_surfaces(as_user(world, name), doc_id, new_doc)
        assert all(seen.values()), (name, {k: v for k, v in seen.items() if not v})


def test_internal_case_needs_internal_clearance(world):
    assert INTERNAL not in as_user(world, "olga").case_ids()
    assert INTERNAL in as_user(world, "ivan").case_ids()
    assert all(h.case_id != INTERNAL for h in as_user(world, "olga").search("sewer gas detector", limit=30))


def test_roles_limit_actions(world):
    gina = as_user(world, "gina")
    with pytest.raises(AccessDenied):
        gina.record_export("search results")
    with pytest.raises(AccessDenied):
        gina.review_tag(SECRET, None, "concealment_or_false_reporting", "rejected")
    with pytest.raises(AccessDenied):
        gina.ingest([world[1]])
    with pytest.raises(AccessDenied):
        as_user(world, "olga").reindex()
    with pytest.raises(NotFound):  # an investigator cannot review a case they cannot see
        as_user(world, "olga").review_tag(SECRET, None, "concealment_or_false_reporting", "rejected")


def release_index(svc):
    """The embedded index has one owner at a time: let the CLI (in this process) open it."""
    if svc._index is not None:
        svc._index.close()
        svc._index = None


def test_cli_acts_as_the_user(world):
    svc, _, settings = world
    release_index(svc)
    env = {"DUTYTRACE_HOME": str(settings.home)}
    r = CliRunner().invoke(app, ["search", "瓦斯爆炸", "--json", "-n", "50"], env=env)
    assert r.exit_code == 1 and "users are defined" in r.output  # no anonymous access once users exist
    for user, sees in (("olga", False), ("rita", True)):
        r = CliRunner().invoke(app, ["--user", user, "search", "瓦斯爆炸", "--json", "-n", "50"], env=env)
        assert r.exit_code == 0, r.output
        assert any(h["case_id"] == SECRET for h in json.loads(r.stdout)["hits"]) is sees
    r = CliRunner().invoke(app, ["search", "瓦斯爆炸", "--json"], env={**env, "DUTYTRACE_USER": "olga"})
    assert r.exit_code == 0 and SECRET not in r.stdout
    r = CliRunner().invoke(app, ["--user", "olga", "show", SECRET], env=env)
    assert r.exit_code == 1 and "no case" in r.output
    r = CliRunner().invoke(app, ["--user", "olga", "users", "list"], env=env)
    assert r.exit_code == 1 and "may not users" in r.output


def test_login_and_disabled_users(world, settings_factory):
    svc = world[0]
    assert svc.login("olga", "olga-password").name == "olga"
    assert svc.login("olga", "wrong") is None and svc.login("nobody", "x" * 8) is None
    svc.users.add("temp", "temp-password", "viewer")
    svc.users.disable("temp")
    assert svc.login("temp", "temp-password") is None
    with pytest.raises(AccessDenied):
        Dutytrace(svc.settings, user="temp")
    with pytest.raises(AuthRequired):
        Dutytrace(svc.settings).search("x")
    stored = svc.catalog.db.execute("SELECT password_hash FROM users WHERE name='olga'").fetchone()[0]
    assert stored.startswith("$argon2id$") and "olga-password" not in stored


def test_every_audited_action_writes_its_record(world, tmp_path):
    svc, root, settings = world
    boss = as_user(world, "boss")
    start = svc.catalog.db.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0]
    doc_id = next(d["doc_id"] for d in svc.catalog.documents(SECRET) if d["name"] == "report.pdf")
    svc.login("boss", "boss-password")
    svc.login("boss", "bad-password")
    boss.search("gas", limit=3, filters={"language": "en"})
    boss.search_cases("gas", limit=3)
    boss.case(SECRET)
    boss.document(doc_id)
    boss.document_bytes(doc_id)
    boss.record_export("case evidence", case_id=SECRET, rows=4)
    boss.ingest([root])
    boss.review_tag(SECRET, None, "concealment_or_false_reporting", "accepted")
    boss.similar(case_id=SECRET, limit=2)
    boss.case_profiles()
    release_index(svc)
    r = CliRunner().invoke(app, ["--user", "boss", "users", "grant", "olga", INTERNAL],
                           env={"DUTYTRACE_HOME": str(settings.home)})
    assert r.exit_code == 0, r.output
    rows = [r for r in svc.audit.entries(limit=100) if r["id"] > start]
    actions = [(r["user"], r["action"]) for r in reversed(rows)]
    for expected in [("boss", "login"), ("boss", "login_failed"), ("boss", "search"), ("boss", "view_case"),
                     ("boss", "view_document"), ("boss", "export"), ("boss", "ingest"), ("boss", "review_tag"),
                     ("boss", "similar"), ("boss", "analytics"), ("boss", "user_change")]:
        assert expected in actions, expected
    search = next(r for r in rows if r["action"] == "search" and r["detail"]["what"] == "passages")
    assert search["detail"]["query"] == "gas" and search["detail"]["filters"] == {"language": "en"}
    with pytest.raises(Exception, match="append-only"):
        with svc.catalog.db:
            svc.catalog.db.execute("DELETE FROM audit")
    with pytest.raises(Exception, match="append-only"):
        with svc.catalog.db:
            svc.catalog.db.execute("UPDATE audit SET user='nobody'")


def test_serving_beyond_localhost_needs_users(tmp_path):
    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"], env={"DUTYTRACE_HOME": str(tmp_path)})
    assert r.exit_code == 2 and "no users are defined" in r.output
