"""Walk the paths given to `ingest`: folders, archives (zip, tar, tar.gz, nested) and single files,
lazily: one file's bytes at a time, however large the archive.

Each yielded Source knows its case: a first-level subfolder of an ingested folder (or archive) is a
case and its name the case id; a file directly in the ingested folder is a case of its own. Types are
detected from the bytes, never from the file name. Files on disk are read only when asked (`read()`),
and carry a stamp (size, mtime) so that an unchanged file can be skipped without reading it; archive
members are read one by one as the walk reaches them (tar streams cannot be re-read).

Names: every path, case id and document name yielded is valid Unicode, decoded from the name's bytes by
the rule in names.py (UTF-8, then GB18030, else shown with U+FFFD); files are still opened by their
original names. Identity: each root is resolved (absolute, '.', '..' and symbolic links resolved), and a
file reached twice for one case in one run (two roots, a link or hard link inside the walked folder) is
read once, under its own name (links come last); filed in two cases, it is read for each.
Hidden entries (a name starting with '.') are not read: each is yielded as a SourceSkipped, a line of
the ingest report that is not a failure."""

from __future__ import annotations

import io
import os
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from dutytrace.ingest import detect, limits
from dutytrace.ingest.names import display, display_path, zip_name

CASE_META_FILES = ("case.yaml", "case.yml", "case.json")
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 500_000
MAX_RATIO = 200  # compressed -> expanded size of one zip entry; beyond it is a zip bomb
ARCHIVES = (detect.ZIP, detect.TAR, detect.GZIP)


@dataclass(frozen=True)
class Source:
    path: str  # display path; archive members as "archive.zip!folder/file.pdf"
    case_id: str
    name: str
    read: Callable[[], bytes]
    stamp: tuple[int, int] | None = None  # (size, mtime_ns) of a file on disk; None for archive members


@dataclass(frozen=True)
class SourceError:
    path: str
    error: str


@dataclass(frozen=True)
class SourceSkipped:
    """A file or folder passed over on purpose (report.SKIP_REASONS); not a failure."""

    path: str
    reason: str


HIDDEN, SAME_FILE = "skipped_hidden", "skipped_same_file"


def _hidden(name: str) -> bool:
    return name.startswith(".") and name not in (".", "..")


def _case_of(rel: PurePosixPath) -> str:
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _too_large(size: int, limit: int) -> str:
    return f"file too large ({size / 2**20:.0f} MiB; the limit is {limit // 2**20} MiB)"


def sniff_file(path: Path) -> str | None:
    """Type of a file on disk from its first bytes (zip files are opened to tell DOCX from archives)."""
    with open(path, "rb") as f:
        head = f.read(1024)
    if head[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(path) as zf:
                return detect.DOCX if "word/document.xml" in set(zf.namelist()) else detect.ZIP
        except (zipfile.BadZipFile, OSError):
            return None
    if head[:2] == b"\x1f\x8b":
        return detect.GZIP
    if len(head) > 262 and head[257:262] == b"ustar":
        return detect.TAR
    return "document"  # the reader decides (PDF, text, unsupported) from the full bytes


def iter_sources(paths: list[Path], max_bytes: int = MAX_MEMBER_BYTES
                 ) -> Iterator[Source | SourceError | SourceSkipped | tuple]:
    """Yield Sources, SourceErrors, SourceSkipped, and ("meta", case_id, bytes) for case metadata files."""
    seen: set[tuple[int, int, str]] = set()  # (device, inode, case id) of the files yielded in this walk
    for root in paths:
        root = Path(root)
        if not root.exists():
            yield SourceError(display_path(root), "no such file or folder")
            continue
        root = root.resolve()
        if root.is_dir():
            yield from _walk_dir(root, max_bytes, seen)
        else:
            yield from _file(root, PurePosixPath(display(root.name)), None, max_bytes, seen)


def _walk_dir(root: Path, max_bytes: int, seen: set) -> Iterator:
    for dirpath, dirnames, filenames in os.walk(root):
        kept = []
        for d in sorted(dirnames):
            if _hidden(d):
                yield SourceSkipped(display_path(Path(dirpath) / d), HIDDEN)
            else:
                kept.append(d)
        dirnames[:] = kept
        # links last: of two names of one file in one case, the file's own name is the one kept
        for fn in sorted(filenames, key=lambda fn: (os.path.islink(os.path.join(dirpath, fn)), fn)):
            p = Path(dirpath) / fn
            if _hidden(fn):
                yield SourceSkipped(display_path(p), HIDDEN)
                continue
            if p.is_symlink() and limits.link_leaves(p, root):
                yield SourceError(display_path(p), "symbolic link to outside the ingested folder; not followed")
                continue
            if not p.is_file():
                continue
            rel = PurePosixPath(display_path(p.relative_to(root).as_posix()))
            yield from _file(p, rel, _case_of(rel), max_bytes, seen)


def _file(p: Path, rel: PurePosixPath, case_id: str | None, max_bytes: int, seen: set) -> Iterator:
    """p: the path on disk (its name as the file system has it); rel: its display path below the root."""
    shown = display_path(p)
    case_id = case_id or rel.stem
    try:
        st = p.stat()
    except OSError as e:
        yield SourceError(shown, f"cannot read file ({e.strerror or e})")
        return
    if (st.st_dev, st.st_ino, case_id) in seen:  # the same file in another case is filed there too
        yield SourceSkipped(shown, SAME_FILE)
        return
    seen.add((st.st_dev, st.st_ino, case_id))
    if rel.name.lower() in CASE_META_FILES and len(rel.parts) == 2:
        yield ("meta", case_id, p.read_bytes())
        return
    if st.st_size > max_bytes:
        yield SourceError(shown, _too_large(st.st_size, max_bytes))
        return
    try:
        kind = sniff_file(p)
    except OSError as e:
        yield SourceError(shown, f"cannot read file ({e.strerror or e})")
        return
    if kind in ARCHIVES:
        # an archive inside a case folder belongs to that case; at top level it is a folder
        prefix = case_id if len(rel.parts) > 1 else None
        yield from _walk_archive(shown, p, kind, prefix, max_bytes)
    else:
        yield Source(shown, case_id, rel.name, p.read_bytes, (st.st_size, st.st_mtime_ns))


def _walk_archive(label: str, file: Path | bytes, kind: str, prefix: str | None, max_bytes: int,
                  depth: int = 0, budget: limits.ArchiveBudget | None = None) -> Iterator:
    budget = budget or limits.ArchiveBudget()
    if depth > 3:
        yield SourceError(label, "archives nested more than 3 deep")
        return
    count = 0
    try:
        for name, member in _archive_members(file, kind, max_bytes, budget):
            count += 1
            if count > MAX_ARCHIVE_MEMBERS:
                yield SourceError(label, f"archive has more than {MAX_ARCHIVE_MEMBERS} entries; the rest skipped")
                return
            yield from _member(label, name, member, prefix, max_bytes, depth, budget)
    except limits.ArchiveRefused as e:
        yield SourceError(label, str(e))
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, ValueError) as e:
        yield SourceError(label, f"corrupt archive ({e})")


def _member(label: str, name: str, member: bytes | SourceError | SourceSkipped, prefix: str | None, max_bytes: int,
            depth: int, budget: limits.ArchiveBudget) -> Iterator:
    rel = PurePosixPath(name)
    shown = f"{label}!{name}"
    unsafe = limits.unsafe_member_name(name)
    if unsafe:
        yield SourceError(shown, unsafe)
        return
    if isinstance(member, SourceError):
        yield SourceError(shown, member.error)
        return
    if isinstance(member, SourceSkipped):
        yield SourceSkipped(shown, member.reason)
        return
    case_id = prefix or _case_of(rel)
    if rel.name.lower() in CASE_META_FILES and (len(rel.parts) == 2 or prefix):
        yield ("meta", case_id, member)
        return
    sub = detect.sniff(member, rel.name)
    if sub in ARCHIVES:
        yield from _walk_archive(shown, member, sub, case_id if len(rel.parts) > 1 or prefix else None,
                                 max_bytes, depth + 1, budget)
    else:
        yield Source(shown, case_id, rel.name, _reader(member))


def _archive_members(file: Path | bytes, kind: str, max_bytes: int,
                     budget: limits.ArchiveBudget) -> Iterator[tuple[str, bytes | SourceError | SourceSkipped]]:
    """(name, bytes) of each file in an archive, one at a time; a file on disk is never loaded whole.
    Names are decoded by names.py's rule."""
    src = io.BytesIO(file) if isinstance(file, bytes) else open(file, "rb")
    try:
        if kind == detect.ZIP:
            yield from _zip_members(src, max_bytes, budget)
        else:
            yield from _tar_members(src, max_bytes, budget)
    finally:
        src.close()


_RATIO_BOMB = "entry too large: compression ratio too high (a zip bomb?)"


def _zip_members(src, max_bytes: int, budget: limits.ArchiveBudget) -> Iterator:
    with zipfile.ZipFile(src) as zf:
        budget.check_declared([i.file_size for i in zf.infolist()])  # refuse a bomb before reading it
        for info in zf.infolist():
            if info.is_dir():
                continue
            name = zip_name(info)
            if any(_hidden(part) for part in PurePosixPath(name).parts):
                yield name, SourceSkipped(name, HIDDEN)
                continue
            if limits.is_zip_symlink(info):
                yield name, SourceError(name, "link in archive; skipped")
                continue
            if info.file_size > max_bytes:
                yield name, SourceError(name, _too_large(info.file_size, max_bytes))
            elif info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                yield name, SourceError(name, _RATIO_BOMB)
            elif info.flag_bits & 0x1:
                yield name, SourceError(name, "encrypted archive entry (password protected)")
            else:
                budget.charge(info.file_size)
                yield name, zf.read(info)


def _tar_members(src, max_bytes: int, budget: limits.ArchiveBudget) -> Iterator:
    """A tar (maybe gzip/bz2/xz-compressed) read as a stream. A member's declared size is checked before
    it is read, and while it is read (a MiB at a time) its expansion over the compressed bytes it took
    is: past MAX_RATIO it is refused as a bomb without being read further."""
    with tarfile.open(fileobj=src, mode="r|*") as tf:  # streaming mode: members in order, each read before the next
        for m in tf:
            name = display_path(m.name)
            if not m.isfile():
                if m.issym() or m.islnk():
                    yield name, SourceError(name, "link in archive; skipped")
                continue
            if any(_hidden(part) for part in PurePosixPath(name).parts):
                yield name, SourceSkipped(name, HIDDEN)
                continue
            if m.size > max_bytes:
                yield name, SourceError(name, _too_large(m.size, max_bytes))
                continue
            budget.charge(m.size)
            f = tf.extractfile(m)
            yield name, _read_member(f, src) if f else b""


def _reader(data: bytes) -> Callable[[], bytes]:
    """The read() of an archive member already in memory."""
    return lambda: data


def _read_member(f, raw) -> bytes | SourceError:
    start = raw.tell()
    parts: list[bytes] = []
    size = 0
    while True:
        block = f.read(2**20)
        if not block:
            return b"".join(parts)
        parts.append(block)
        size += len(block)
        if size > 2**20 and size > MAX_RATIO * max(1, raw.tell() - start):
            return SourceError("", _RATIO_BOMB)


def count_files(paths: list[Path]) -> int:
    """A quick estimate of how many documents `iter_sources` will yield (for the ETA): files in
    folders, entries of zip archives from their directory; a tar archive counts as one."""
    n = 0
    for root in map(Path, paths):
        if root.is_file():
            files = [root]
        elif root.is_dir():
            files = [Path(d) / f for d, _, fs in os.walk(root) for f in fs if not f.startswith(".")]
        else:
            files = []
        for f in files:
            try:
                if f.name.lower() in CASE_META_FILES:
                    continue
                if sniff_file(f) == detect.ZIP:
                    with zipfile.ZipFile(f) as zf:
                        n += sum(1 for i in zf.infolist() if not i.is_dir()
                                 and PurePosixPath(i.filename).name.lower() not in CASE_META_FILES)
                    continue
            except (OSError, zipfile.BadZipFile):
                pass
            n += 1
    return n
