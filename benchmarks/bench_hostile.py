"""Peak memory and outcome of each hostile file of issue 16, through the real ingest path.

Each file is written to a temporary folder and handed to a fresh child process that walks it as
`dutytrace ingest` does (sources.iter_sources: archives, names, hidden files) and runs every source
through indexing.prepare() (parse, OCR, chunking, NLP: the worker's whole job). The parent reads the
child's peak resident memory from os.wait4 (ru_maxrss: the child's, or that of a process it waited
for, such as Tesseract, whichever is larger) and prints it with what the child reported: each file
ingested, or refused with its reason code. The goal: every peak under 1.5 GB.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_hostile.py [--timeout 300] [--only NAME]

The child's baseline (Python, spaCy, the tagger's models) is measured too, as `baseline`: a short good
text file."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_BYTES = 1.5 * 2**30

CHILD = r"""
import json, sys
from pathlib import Path
from dutytrace.config import Settings
from dutytrace.errors import UnreadableDocument
from dutytrace.indexing import prepare
from dutytrace.ingest.report import reason_of
from dutytrace.ingest.sources import Source, SourceError, SourceSkipped, iter_sources

settings = Settings(home=Path(sys.argv[2]))
out = []
for item in iter_sources([Path(sys.argv[1])], settings.max_file_mb * 2**20):
    if isinstance(item, Source):
        try:
            doc, chunks, _ = prepare(item.read(), item.path, item.case_id, item.name, settings)
            out.append({"path": item.path, "outcome": "ingested", "chunks": len(chunks)})
        except UnreadableDocument as e:
            out.append({"path": item.path, "outcome": reason_of(e.reason), "error": e.reason[:120]})
    elif isinstance(item, SourceError):
        out.append({"path": item.path, "outcome": reason_of(item.error), "error": item.error[:120]})
    elif isinstance(item, SourceSkipped):
        out.append({"path": item.path, "outcome": item.reason})
print(json.dumps(out))
"""


def build(folder: Path) -> dict[str, Path]:
    """The hostile files (and a good one), written into folder."""
    import tarfile  # noqa: F401  (tests' builders use it)

    from tests import test_redteam_files as t

    files = {
        "baseline.txt": t.GOOD.encode(),
        "stream_bomb.pdf": t.stream_bomb_pdf(),
        "shows_bomb.pdf": t.shows_bomb_pdf(),
        "one_string.pdf": t.one_page_pdf(b"BT /F1 1 Tf 10 10 Td (" + b"a" * 2_000_000 + b") Tj ET",
                                         resources=b"/Font << /F1 5 0 R >>",
                                         more=[b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]),
        "huge_page.pdf": t.huge_page_pdf(),
        # a tar.gz of ~0.9 MB whose text member expands to 190 MB, beside a good member
        "bomb.tar.gz": t.tar_gz([("case/minutes.txt", (b"The safety officer signed the checklist. " * 4_900_000)[:190 * 2**20]),
                                 ("case/ok.txt", t.GOOD.encode())]),
        "line_20mb.txt": b"word " * (4 * 2**20),
        "line_10mb.txt": b"word " * (2 * 2**20),  # under the text-bytes cap, over the characters cap
        "line_1mb.txt": b"word " * (2**20 // 5),  # within every budget: parsed, chunked and analysed
    }
    out = {}
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        out[name] = path
    return out


def run_one(path: Path, home: Path, timeout: float) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(home)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT, env=env)
    deadline = start + timeout
    status = rusage = None
    while time.monotonic() < deadline:
        pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        time.sleep(0.1)
    else:
        proc.kill()
        _, status, rusage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - start
    stdout, stderr = proc.stdout.read(), proc.stderr.read()
    proc.returncode = 0  # reaped by wait4
    try:
        results = json.loads(stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        results = [{"path": str(path), "outcome": "child failed",
                    "error": (stderr.decode(errors="replace").strip().splitlines() or ["killed"])[-1][:160]}]
    return {"file": path.name, "bytes": path.stat().st_size, "peak_bytes": rusage.ru_maxrss * 1024,
            "seconds": round(seconds, 1), "exit": os.waitstatus_to_exitcode(status), "results": results}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--timeout", type=float, default=300, help="seconds per file before the child is killed")
    ap.add_argument("--only", action="append", help="run only these files (repeatable)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        files = build(Path(tmp))
        rows = []
        for name, path in files.items():
            if args.only and name not in args.only:
                continue
            with tempfile.TemporaryDirectory(prefix="home-", dir=tmp) as home:
                rows.append(run_one(path, Path(home), args.timeout))
            if not args.json:
                r = rows[-1]
                outcome = "; ".join(f"{Path(x['path'].split('!')[-1]).name}: {x['outcome']}" for x in r["results"])
                flag = "ok " if r["peak_bytes"] < GOAL_BYTES else "OVER"
                print(f"{flag} {r['file']:<16} {r['bytes'] / 2**20:7.2f} MiB  peak {r['peak_bytes'] / 2**30:5.2f} GiB  "
                      f"{r['seconds']:6.1f} s  {outcome}", flush=True)
    if args.json:
        print(json.dumps(rows, indent=1))
    if any(r["peak_bytes"] >= GOAL_BYTES for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
