"""Many processes and threads on one home: an ingest, CLI searches in a loop and a process that holds
the home through the service (as the UI does) all run at once, every search answers and the result
equals an undisturbed ingest; the embedded index passes from owner to owner without losing a call;
threads share the catalog. Real processes, the real packaged model, a real Qdrant Edge index."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import uuid
from pathlib import Path

import pytest

from dutytrace.config import Settings
from dutytrace.store.catalog import Catalog
from dutytrace.store.index_owner import SharedIndex
from dutytrace.store.vectors import IndexPoint

EXE = shutil.which("dutytrace", path=os.path.dirname(sys.executable)) or "dutytrace"
CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "archive"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


# -- threads share the catalog ---------------------------------------------------------------------
def test_threads_share_the_catalog(tmp_path):
    """Eight threads write (each in its own transaction) and read one catalog at once, as the UI's
    sessions do; no call fails and every write is there (one shared sqlite3 connection failed here)."""
    cat = Catalog(tmp_path / "catalog.sqlite3")
    errors: list[str] = []

    def session(i: int) -> None:
        try:
            for j in range(150):
                cat.set_case_meta(f"case-{i}-{j}", {"title": f"case {i} {j}", "region": "r"})
                row = cat.case_row(f"case-{i}-{j}")
                assert row is not None and row["meta"]["title"] == f"case {i} {j}", row
                cat.case_ids()
                cat.documents()
        except Exception as e:  # recorded, then asserted in the main thread
            errors.append(f"{type(e).__name__}: {e}")

    threads = [threading.Thread(target=session, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert cat.db.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 8 * 150
    cat.close()


# -- the index's owner changes under its users ------------------------------------------------------
OWNER_SCRIPT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from dutytrace.store.index_owner import SharedIndex
    idx = SharedIndex(Path(sys.argv[1]), 4, home=Path(sys.argv[1]).parent)
    print("owner" if idx.owner else "user", flush=True)
    if sys.argv[2] == "hold":
        sys.stdin.read()  # until the test closes our stdin
    else:  # query in a loop while the owner changes under us
        for _ in range(int(sys.argv[2])):
            assert len(idx.query("dense", [1.0, 0.0, 0.0, 0.0], None, 3)) == 3
            idx.count()
            time.sleep(0.02)
        print("owner" if idx.owner else "user", idx.count(), flush=True)
    idx.close()
""")


def _points(tag: str, n: int) -> list[IndexPoint]:
    return [IndexPoint(str(uuid.uuid5(uuid.NAMESPACE_URL, f"{tag}-{i}")), [1.0, 0.1 * i, 0.0, 1.0],
                       ([1, 2 + i % 5], [1.0, 0.5]), {"case_id": tag, "page": i}) for i in range(n)]


def _start(path: Path, arg: str) -> tuple[subprocess.Popen, str]:
    p = subprocess.Popen([sys.executable, "-c", OWNER_SCRIPT, str(path), arg], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    role = p.stdout.readline().strip()
    assert role in ("owner", "user"), p.stderr.read()
    return p, role


def test_the_index_passes_between_owners_without_losing_a_call(tmp_path):
    path = tmp_path / "home" / "index"
    holder, role = _start(path, "hold")
    assert role == "owner"
    idx = SharedIndex(path, 4, home=path.parent)
    assert not idx.owner  # the shard is held: this process never opened it
    idx.upsert(_points("a", 50))
    assert idx.count() == 50

    holder.stdin.close()  # the owner closes (after its calls in flight): the next call takes over
    assert holder.wait(60) == 0, holder.stderr.read()
    idx.upsert(_points("b", 50))
    assert idx.owner and idx.count() == 100

    reader, role = _start(path, "200")  # a user that queries in a loop...
    assert role == "user"
    idx.upsert(_points("c", 50))
    idx.close()  # ...while its owner goes away: it takes over and goes on
    out, err = reader.communicate(timeout=120)
    assert reader.returncode == 0, err
    assert out.split() == ["owner", "150"]

    holder, role = _start(path, "hold")  # kill -9 of an owner: its users go on
    assert role == "owner"
    idx = SharedIndex(path, 4, home=path.parent)
    assert not idx.owner
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    idx.upsert(_points("d", 50))
    assert idx.owner and idx.count() == 200
    assert idx.ids() == {p.id for tag in "abcd" for p in _points(tag, 50)}
    assert sum(len(b) for b in idx.scroll(64)) == 200
    idx.close()


# -- ingest, CLI searches and a UI-like holder at once ------------------------------------------------
HOLDER_SCRIPT = textwrap.dedent("""
    import sys, time
    from dutytrace.config import Settings
    from dutytrace.service import Dutytrace
    svc = Dutytrace(Settings.from_env())
    n = 0
    svc.search("gas test before entry", limit=3)  # opens the index, as the UI's first search does
    print("ready", flush=True)
    stop = sys.argv[1]
    import os
    while not os.path.exists(stop):
        svc.search("no safety training", limit=3)
        svc.facets("scaffold")
        n += 1
        time.sleep(0.2)
    print(n, flush=True)
    svc.close()
""")

SEARCHER_SCRIPT = textwrap.dedent("""
    import json, os, subprocess, sys
    exe, stop = sys.argv[1], sys.argv[2]
    queries = ["confined space gas", "瓦斯 爆炸", "scaffold guardrail", "unlicensed subcontractor"]
    results = []
    i = 0
    while not os.path.exists(stop) or i < 2:
        p = subprocess.run([exe, "search", queries[i % 4], "--json", "--limit", "5"], capture_output=True, text=True)
        ok = p.returncode == 0
        try:
            hits = len(json.loads(p.stdout)["hits"]) if ok else None
        except ValueError:
            ok, hits = False, None
        results.append({"rc": p.returncode, "ok": ok, "hits": hits, "err": p.stderr[-400:] if not ok else ""})
        i += 1
    print(json.dumps(results))
""")

CASES = ("en01",)


def _snapshot(home: Path) -> dict:
    from dutytrace.service import Dutytrace

    with Dutytrace(Settings(home=home)) as svc:
        cat = svc.catalog
        assert cat.unindexed() == [] and cat.tombstones() == [] and cat.stale_cases() == []
        chunk_ids = {c["chunk_id"] for c in cat.chunks()}
        return {"documents": sorted((d["doc_id"], d["case_id"], d["path"]) for d in cat.documents()),
                "cases": sorted(cat.case_ids()), "chunks": sorted(chunk_ids), "index": sorted(svc.index.ids()),
                "count": svc.index.count(), "per_case": sorted(svc.index.facet("case_id", limit=100))}


@pytest.mark.slow
def test_ingest_while_searching_and_the_ui_holds_the_home(tmp_path):
    root = tmp_path / "archive"
    for case in CASES:
        shutil.copytree(CORPUS / case, root / case)
    seed = tmp_path / "seed"  # something to find from the first search on
    shutil.copytree(CORPUS / "en03", seed / "en03")
    home, calm = tmp_path / "home", tmp_path / "calm"
    # small embedding batches: many index writes, interleaved with the searches; no wall-clock parse limit
    # (this test loads the machine with its own processes: a file slowed past the limit is not what it tests)
    env = {**ENV, "DUTYTRACE_HOME": str(home), "DUTYTRACE_EMBED_BATCH_CHUNKS": "16", "DUTYTRACE_PARSE_TIMEOUT": "0"}
    p = subprocess.run([EXE, "ingest", str(seed), "--json"], env=env, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr
    shutil.copytree(home, calm, ignore=shutil.ignore_patterns("index.lock", "index.sock", "index.key"))

    stop = tmp_path / "stop"
    searchers = [subprocess.Popen([sys.executable, "-c", SEARCHER_SCRIPT, EXE, str(stop)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    holder = subprocess.Popen([sys.executable, "-c", HOLDER_SCRIPT, str(stop)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready", holder.stderr.read()
        ingest = subprocess.run([EXE, "ingest", str(root), "--json", "--workers", "1"], env=env,
                                capture_output=True, text=True, timeout=1200)
    finally:
        stop.touch()
    outs = [s.communicate(timeout=600) for s in searchers]
    held, held_err = holder.communicate(timeout=600)
    report = json.loads(ingest.stdout) if ingest.stdout.strip() else {}
    assert ingest.returncode == 0, (report.get("failed"), ingest.stderr[-2000:])
    assert report["ingested"] > 0 and report["failed"] == []
    assert holder.returncode == 0, held_err
    assert int(held.strip()) > 0
    runs = []
    for s, (out, err) in zip(searchers, outs):
        assert s.returncode == 0, err
        runs.extend(json.loads(out))
    failed = [r for r in runs if not r["ok"]]
    assert failed == [], failed
    assert len(runs) >= 8 and all(isinstance(r["hits"], int) for r in runs) and any(r["hits"] for r in runs)

    p = subprocess.run([EXE, "ingest", str(root), "--json", "--workers", "1"],  # the same ingest, undisturbed
                       env={**env, "DUTYTRACE_HOME": str(calm)}, capture_output=True, text=True, timeout=1200)
    assert p.returncode == 0, p.stderr
    assert _snapshot(home) == _snapshot(calm)


def test_reindex_empties_the_index_in_the_process_that_holds_it(tmp_path):
    """`reindex` starts from an empty index: the owner makes it anew (a user never removes the shard
    folder under its owner's feet), and the owner goes on serving it."""
    path = tmp_path / "home" / "index"
    holder, role = _start(path, "hold")
    assert role == "owner"
    idx = SharedIndex(path, 4, home=path.parent)
    idx.upsert(_points("a", 20))
    fresh = SharedIndex(path, 4, home=path.parent, fresh=True)
    assert not fresh.owner and fresh.count() == 0 and idx.count() == 0
    fresh.upsert(_points("b", 5))
    assert sorted(idx.ids()) == sorted(p.id for p in _points("b", 5))
    fresh.close()
    idx.close()
    holder.stdin.close()
    assert holder.wait(60) == 0, holder.stderr.read()
    alone = SharedIndex(path, 4, home=path.parent, fresh=True)  # no owner: this process empties it itself
    assert alone.owner and alone.count() == 0
    alone.close()


def test_the_owner_serves_only_holders_of_the_homes_key(tmp_path):
    from multiprocessing import AuthenticationError
    from multiprocessing.connection import Client

    from dutytrace.store.index_owner import _files

    path = tmp_path / "home" / "index"
    owner = SharedIndex(path, 4, home=path.parent)
    lock, key, address = _files(path)
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    with pytest.raises((AuthenticationError, EOFError, OSError)):
        Client(address, family="AF_UNIX", authkey=b"not the key")
    stalled = Client(address, family="AF_UNIX", authkey=None)  # connects, never answers the challenge
    user = SharedIndex(path, 4, home=path.parent)  # ...and holds up nobody
    assert not user.owner and user.count() == 0
    stalled.close()
    user.close()
    owner.close()


def test_a_home_too_deep_for_a_socket_path_uses_an_abstract_socket(tmp_path):
    path = tmp_path / ("deep-" * 20) / "index"
    for _ in range(2):  # closing frees the address for the next owner, in this process too
        owner = SharedIndex(path, 4, home=path.parent)
        assert owner.owner and owner._address.startswith("\0")
        owner.upsert(_points("a", 3))
        reader, role = _start(path, "5")
        assert role == "user"
        out, err = reader.communicate(timeout=120)
        assert reader.returncode == 0 and out.split() == ["user", "3"], err
        owner.close()


def test_a_user_asks_many_legs_at_once_as_the_owner_does(tmp_path):
    """`query_many` (similar cases ask their legs as one batch) is served to a process that does not hold
    the index: a similar-cases search from the UI while a clerk's ingest holds it answers as the owner does."""
    path = tmp_path / "home" / "index"
    owner = SharedIndex(path, 4, home=path.parent)
    owner.upsert(_points("a", 12))
    user = SharedIndex(path, 4, home=path.parent)
    assert owner.owner and not user.owner
    reqs = [("dense", [1.0, 0.0, 0.0, 0.0], None, 5, None, ("case_id", "doc_id")),
            ("dense", [0.0, 1.0, 0.0, 0.0], None, 3, {"case_id": "a"}, ("case_id",))]
    mine, theirs = owner.query_many(reqs), user.query_many(reqs)
    assert [len(x) for x in theirs] == [5, 3]
    assert [[(s.id, round(s.score, 5), s.payload) for s in leg] for leg in theirs] == \
        [[(s.id, round(s.score, 5), s.payload) for s in leg] for leg in mine]
    user.close()
    owner.close()


def test_a_warm_user_warms_the_index_when_it_takes_it_over(tmp_path):
    """keep_warm in a process that does not hold the index (the UI while an ingest does) warms nothing
    there; when the holder leaves and this process takes the index over, its cache is warmed."""
    path = tmp_path / "home" / "index"
    holder, role = _start(path, "hold")
    assert role == "owner"
    idx = SharedIndex(path, 4, home=path.parent)
    try:
        idx.upsert(_points("w", 1500))
        idx.keep_warm()
        assert not idx.owner and not idx.wait_warm(0.5)  # the holder serves the calls
        holder.stdin.close()
        assert holder.wait(60) == 0, holder.stderr.read()
        assert idx.count() == 1500  # this call takes the index over...
        assert idx.owner and idx.wait_warm(60)  # ...and the warm-up reads every point
        assert len(idx._backend.index._cache) == 1500
    finally:
        idx.close()
