"""Walk the paths given to `ingest`: folders, archives (zip, tar, tar.gz, nested) and single files.

Each yielded Source knows its case: a first-level subfolder of an ingested folder (or archive) is a
case and its name the case id; a file directly in the ingested folder is a case of its own."""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from dutytrace.ingest import detect

CASE_META_FILES = ("case.yaml", "case.yml", "case.json")
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 20_000


@dataclass(frozen=True)
class Source:
    path: str  # display path; archive members as "archive.zip!folder/file.pdf"
    case_id: str
    name: str
    data: bytes


@dataclass(frozen=True)
class SourceError:
    path: str
    error: str


def _case_of(rel: PurePosixPath) -> str:
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def iter_sources(paths: list[Path]) -> Iterator[Source | SourceError | tuple[str, str, bytes]]:
    """Yield Sources, SourceErrors, and ("meta", case_id, bytes) for case metadata files."""
    for root in paths:
        if not root.exists():
            yield SourceError(str(root), "no such file or folder")
        elif root.is_dir():
            yield from _walk_dir(root)
        else:
            data = root.read_bytes()
            kind = detect.sniff(data, root.name)
            if kind in (detect.ZIP, detect.TAR, detect.GZIP):
                yield from _walk_archive(str(root), data, kind, prefix=None)
            else:
                yield Source(str(root), root.stem, root.name, data)


def _walk_dir(root: Path) -> Iterator:
    for p in sorted(root.rglob("*")):
        if not p.is_file() or any(part.startswith(".") for part in p.relative_to(root).parts):
            continue
        rel = PurePosixPath(p.relative_to(root).as_posix())
        case_id = _case_of(rel)
        if p.name.lower() in CASE_META_FILES and len(rel.parts) == 2:
            yield ("meta", case_id, p.read_bytes())
            continue
        if p.stat().st_size > MAX_MEMBER_BYTES:
            yield SourceError(str(p), f"file too large ({p.stat().st_size // 2**20} MiB)")
            continue
        data = p.read_bytes()
        kind = detect.sniff(data, p.name)
        if kind in (detect.ZIP, detect.TAR, detect.GZIP):
            # an archive inside a case folder belongs to that case; at top level it is a folder
            prefix = case_id if len(rel.parts) > 1 else None
            yield from _walk_archive(str(p), data, kind, prefix=prefix)
        else:
            yield Source(str(p), case_id, p.name, data)


def _walk_archive(label: str, data: bytes, kind: str, prefix: str | None, depth: int = 0) -> Iterator:
    if depth > 3:
        yield SourceError(label, "archives nested more than 3 deep")
        return
    try:
        members = list(_archive_members(data, kind))
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError) as e:
        yield SourceError(label, f"corrupt archive ({e})")
        return
    if len(members) > MAX_ARCHIVE_MEMBERS:
        yield SourceError(label, f"archive has {len(members)} entries, more than {MAX_ARCHIVE_MEMBERS}")
        return
    for name, member_data in members:
        rel = PurePosixPath(name)
        shown = f"{label}!{name}"
        if rel.is_absolute() or ".." in rel.parts:
            yield SourceError(shown, "unsafe path in archive (absolute or '..'); skipped")
            continue
        if isinstance(member_data, SourceError):
            yield SourceError(shown, member_data.error)
            continue
        case_id = prefix or _case_of(rel)
        if rel.name.lower() in CASE_META_FILES and (len(rel.parts) == 2 or prefix):
            yield ("meta", case_id, member_data)
            continue
        sub = detect.sniff(member_data, rel.name)
        if sub in (detect.ZIP, detect.TAR, detect.GZIP):
            yield from _walk_archive(shown, member_data, sub, prefix=case_id if len(rel.parts) > 1 or prefix else None,
                                     depth=depth + 1)
        else:
            yield Source(shown, case_id, rel.name, member_data)


def _archive_members(data: bytes, kind: str) -> Iterator[tuple[str, bytes | SourceError]]:
    if kind == detect.ZIP:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = 0
            for info in zf.infolist():
                if info.is_dir() or PurePosixPath(info.filename).name.startswith("."):
                    continue
                if info.file_size > MAX_MEMBER_BYTES or (info.compress_size and info.file_size / info.compress_size > 200):
                    yield info.filename, SourceError(info.filename, "entry too large or compression ratio too high")
                    continue
                total += info.file_size
                if total > 4 * MAX_MEMBER_BYTES:
                    raise OSError("archive expands beyond the size limit")
                yield info.filename, zf.read(info)
    else:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tf:
            for m in tf.getmembers():
                if not m.isfile():
                    if m.issym() or m.islnk():
                        yield m.name, SourceError(m.name, "link in archive; skipped")
                    continue
                if PurePosixPath(m.name).name.startswith("."):
                    continue
                if m.size > MAX_MEMBER_BYTES:
                    yield m.name, SourceError(m.name, "entry too large")
                    continue
                f = tf.extractfile(m)
                yield m.name, f.read() if f else b""
