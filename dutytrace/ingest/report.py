"""What an ingest run did: counts, per-file failures with a reason code, rates; written as JSON to a
report file in DUTYTRACE_HOME/reports so that a clerk can go through the failures later."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

# reason codes of per-file failures, tested in this order against the error message
REASONS = (
    ("encrypted", ("encrypted", "password")),
    # before too_large: "entry too large: compression ratio too high (a zip bomb?)" is an archive bomb
    ("bomb", ("zip bomb", "decompression bomb", "compression ratio", "entries (the limit", "entries (nested", "entries; the rest skipped")),
    ("too_large", ("too large",)),
    ("no_text_ocr_unavailable", ("ocr unavailable",)),
    ("empty", ("empty", "has no pages", "0 bytes")),
    ("no_text", ("no text",)),
    ("unsupported", ("unsupported", "where a document was expected")),
    ("timeout", ("took longer than",)),
    ("unsafe", ("unsafe path", "link in archive", "symbolic link", "nested more than")),
    ("corrupt", ("corrupt", "malformed", "could not be processed", "cannot detect", "cannot read", "crashed")),
)


# reasons of files passed over on purpose (IngestReport.skipped): a dot-file or dot-folder (hidden:
# editor backups, .DS_Store, ._AppleDouble files, .git) is not a document of the case
SKIP_REASONS = ("skipped_hidden",)


def reason_of(error: str) -> str:
    low = error.lower()
    for code, needles in REASONS:
        if any(n in low for n in needles):
            return code
    return "other"


@dataclass
class IngestReport:
    run_id: str = ""
    files: int = 0  # documents seen (ingested + unchanged + failed)
    ingested: int = 0
    unchanged: int = 0
    replaced: int = 0
    failed: list[dict] = field(default_factory=list)
    cases: int = 0
    chunks: int = 0
    pages: int = 0
    ocr_pages: int = 0
    indexed_chunks: int = 0
    resumed_documents: int = 0  # left unindexed by an interrupted run and finished by this one
    seconds: float = 0.0
    report_file: str | None = None
    started: float = field(default_factory=time.time)
    near_duplicates: list[dict] = field(default_factory=list)  # filled by the service after the run (dedupe.py)
    # files and folders passed over on purpose, each with a reason (SKIP_REASONS); not failures: they
    # do not change the exit code
    skipped: list[dict] = field(default_factory=list)

    def fail(self, path: str, error: str) -> dict:
        item = {"path": path, "error": error, "reason": reason_of(error)}
        self.failed.append(item)
        self.files += 1
        return item

    def skip(self, path: str, reason: str) -> dict:
        item = {"path": path, "reason": reason}
        self.skipped.append(item)
        return item

    def by_reason(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.failed:
            out[f["reason"]] = out.get(f["reason"], 0) + 1
        return dict(sorted(out.items()))

    def rates(self) -> dict[str, float]:
        s = max(self.seconds or (time.time() - self.started), 1e-9)
        return {"files_per_s": round(self.files / s, 2), "chunks_per_s": round(self.indexed_chunks / s, 2),
                "pages_per_s": round(self.pages / s, 2)}

    def to_json(self) -> dict:
        return {"run_id": self.run_id, "files": self.files, "ingested": self.ingested, "unchanged": self.unchanged,
                "replaced": self.replaced, "failed": self.failed, "failures_by_reason": self.by_reason(),
                "cases": self.cases, "chunks": self.chunks, "pages": self.pages, "ocr_pages": self.ocr_pages,
                "indexed_chunks": self.indexed_chunks, "resumed_documents": self.resumed_documents,
                "seconds": round(self.seconds, 2), **self.rates(), "report_file": self.report_file,
                "near_duplicates": self.near_duplicates, "skipped": self.skipped}

    def write(self, folder: Path) -> Path:
        """Write the report (with every failure) as JSON; return its path."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"ingest-{time.strftime('%Y%m%d-%H%M%S', time.localtime(self.started))}-{self.run_id}.json"
        self.report_file = str(path)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)
        return path
