"""What `dutytrace ingest` shows while it runs and at the end: a progress bar with files/s, chunks/s
and an ETA (a line every few seconds when stderr is not a terminal), failures as they happen, and a
summary table."""

from __future__ import annotations

import time

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

LOG_EVERY_S = 10.0


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return "ETA -"
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"ETA {h}:{m:02d}:{s:02d}" if h else f"ETA {m}:{s:02d}"


class IngestDisplay:
    def __init__(self, err: Console, quiet: bool):
        self.err, self.quiet = err, quiet
        self.live = err.is_terminal and not quiet
        self.bar = Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rates]}"),
                            TextColumn("{task.fields[eta]}"), console=err, disable=not self.live)
        self.task = self.bar.add_task("ingest", total=None, rates="", eta="")
        self.t0 = time.time()
        self.total: int | None = None
        self.done = self.chunks = self.failed = 0
        self.last_log = self.t0

    def __enter__(self):
        self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        self.bar.__exit__(*exc)

    def __call__(self, event: str, info: dict) -> None:
        if event == "start":
            self.total = info["files"]
            self.bar.update(self.task, total=self.total)
            return
        if event not in ("file", "indexed"):
            return
        self.done, self.chunks, self.failed = info["done"], info["indexed_chunks"], info["failed"]
        if event == "file" and info["status"] == "failed" and not self.quiet:
            self.err.print(f"[yellow]failed[/yellow] {escape(str(info['path']))}: {escape(str(info['error']))}")
        elapsed = max(time.time() - self.t0, 1e-9)
        fps, cps = self.done / elapsed, self.chunks / elapsed
        total = max(self.total or 0, self.done)
        eta = (total - self.done) / fps if fps > 0 and self.total else None
        rates = f"{fps:.1f} files/s  {cps:.1f} chunks/s  {self.failed} failed"
        self.bar.update(self.task, completed=self.done, total=total, rates=rates, eta=_eta(eta))
        now = time.time()
        if not self.live and not self.quiet and now - self.last_log >= LOG_EVERY_S:
            self.last_log = now
            self.err.print(f"ingest: {self.done}/{total} files, {self.chunks} chunks indexed  {rates}  {_eta(eta)}",
                           highlight=False)


def summary_table(r: dict) -> Table:
    t = Table(title=f"Ingest run {r['run_id']}", show_header=True)
    t.add_column("", style="bold")
    t.add_column("count", justify="right")
    rows = [("files seen", r["files"]), ("ingested", r["ingested"]), ("  of which replaced a changed file", r["replaced"]),
            ("unchanged (skipped)", r["unchanged"]), ("failed", len(r["failed"]))]
    rows += [(f"  {escape(reason.replace('_', ' '))}", n) for reason, n in r["failures_by_reason"].items()]
    rows += [("cases touched", r["cases"]), ("pages", r["pages"]), ("  read by OCR", r["ocr_pages"]),
             ("chunks stored", r["chunks"]), ("chunks indexed", r["indexed_chunks"])]
    if r["resumed_documents"]:
        rows.append(("finished from an interrupted run", r["resumed_documents"]))
    rows += [("seconds", f"{r['seconds']:.1f}"), ("files/s", r["files_per_s"]), ("chunks/s", r["chunks_per_s"])]
    for k, v in rows:
        t.add_row(k, str(v))
    return t
