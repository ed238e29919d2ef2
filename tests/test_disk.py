"""Full and read-only disks: a clear message naming the home instead of SIGBUS or a traceback, and a
home that works again once there is room (the interrupted ingest resumes). The disk is a real small
tmpfs where this test may mount one (root with CAP_SYS_ADMIN); the free-space margin itself is also
checked without one. In the PostgreSQL pass the catalog is a database elsewhere and the disk holds the
index and the ingest reports: the same messages are asked for (an ingest on a read-only home printed a
traceback from writing its report until the report write learnt the clear message)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dutytrace.errors import DiskFull
from dutytrace.store.disk import free_mb
from dutytrace.store.index_owner import SharedIndex
from dutytrace.store.vectors import IndexPoint

EXE = shutil.which("dutytrace", path=os.path.dirname(sys.executable)) or "dutytrace"
CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "archive"


def test_the_index_is_not_opened_or_written_under_the_margin(tmp_path):
    home = tmp_path / "home"
    with pytest.raises(DiskFull, match=str(home)):
        SharedIndex(home / "index", 4, home=home, min_free_mb=10**9)
    idx = SharedIndex(home / "index", 4, home=home)  # the refusal left no lock behind
    assert idx.owner
    idx._backend.min_free_mb = 10**9  # the owner's margin: a write under it is refused, nothing changes
    with pytest.raises(DiskFull, match="DUTYTRACE_MIN_FREE_MB"):
        idx.upsert([IndexPoint("00000000-0000-0000-0000-000000000001", [1.0, 0, 0, 0], ([1], [1.0]), {})])
    assert idx.count() == 0  # reads go on
    idx.close()


@pytest.fixture
def small_disk(tmp_path):
    """A real 512 MB filesystem (tmpfs) of our own, or a skip where this test may not mount one. (Qdrant Edge
    grows its files in large steps: the second ingest below takes its index from 34 to about 150 MB.)"""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.strip()[:100]})")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _run(home: Path, *args: str, margin_mb: int = 64) -> subprocess.CompletedProcess:
    env = {**os.environ, "DUTYTRACE_HOME": str(home), "HF_HUB_OFFLINE": "1", "DUTYTRACE_MIN_FREE_MB": str(margin_mb)}
    return subprocess.run([EXE, *args], env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_full_then_read_only_disk_clear_messages_and_the_home_resumes(small_disk, tmp_path):
    home = small_disk / "home"
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(CORPUS / "en03", first / "en03")
    shutil.copytree(CORPUS / "zh03", second / "zh03")
    assert _run(home, "ingest", str(first), "--json").returncode == 0

    filler = small_disk / "filler"  # leave 16 MB: under the 64 MB margin, above nothing
    subprocess.run(["fallocate", "-l", str(int((free_mb(small_disk) - 16) * 2**20)), str(filler)], check=True)
    for args in (("ingest", str(second), "--json"), ("search", "gas detector", "--json")):
        p = _run(home, *args)
        assert p.returncode == 1, (args, p.stdout, p.stderr)
        message = " ".join(p.stderr.split())
        assert "is full" in message and str(home) in message and "Traceback" not in p.stderr, message

    filler.unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        for args in (("search", "gas detector", "--json"), ("ingest", str(second), "--json")):
            p = _run(home, *args)
            assert p.returncode == 1, (args, p.stdout, p.stderr)
            message = " ".join(p.stderr.split())
            assert "not writable" in message and str(home) in message and "Traceback" not in p.stderr, message
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)

    p = _run(home, "ingest", str(second), "--json")  # room again: the same command finishes the work
    assert p.returncode == 0, p.stderr
    check = ("from dutytrace.config import Settings\nfrom dutytrace.service import Dutytrace\n"
             "with Dutytrace(Settings.from_env()) as svc:\n"
             "    chunks = {c['chunk_id'] for c in svc.catalog.chunks()}\n"
             "    assert svc.catalog.unindexed() == [] and chunks and svc.index.ids() == chunks\n"
             "    print(sorted(svc.catalog.case_ids()))\n")
    env = {**os.environ, "DUTYTRACE_HOME": str(home), "HF_HUB_OFFLINE": "1", "DUTYTRACE_MIN_FREE_MB": "64"}
    r = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "['en03', 'zh03']"
