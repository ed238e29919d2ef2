"""File and folder names as text. Names on disk and in archives are bytes; Chinese archives made on
Windows carry them in GBK, which unzip and tar hand over undecoded (Python then holds them as
surrogate-escaped str, which cannot be written to the catalog or printed).

The rule, applied to the raw bytes of each name: UTF-8 if they are valid UTF-8, else GB18030 (a
superset of GBK and GB2312) if they decode as that, else the bytes are kept surrogate-escaped for
reading and shown decoded as whichever of the two leaves fewer bytes undecoded, each such byte shown
as U+FFFD (the replacement character). Each '/'-separated part is decoded on its own. The
name shown and stored (case id, document name, path) is always valid Unicode; the file itself is
still opened by its original name."""

from __future__ import annotations

import os

REPLACEMENT = "\ufffd"


def decode_name(raw: bytes) -> str:
    """Text of a name given as bytes, by the rule above, each '/'-separated part on its own (a GBK or
    Big5 byte is never '/'); never raises."""
    if b"/" in raw:
        return "/".join(decode_name(part) for part in raw.split(b"/"))
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    as_utf8, as_gb = raw.decode("utf-8", errors="replace"), raw.decode("gb18030", errors="replace")
    return as_gb if as_gb.count(REPLACEMENT) < as_utf8.count(REPLACEMENT) else as_utf8


def display(name: str) -> str:
    """A name as Python holds it (os.walk, tarfile: undecodable bytes surrogate-escaped) made valid
    Unicode by the rule. Names that are valid Unicode already come back unchanged."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return decode_name(os.fsencode(name) if _fs_is_utf8() else name.encode("utf-8", "surrogateescape"))


def display_path(path: str | os.PathLike) -> str:
    """A path made valid Unicode part by part (one undecodable folder name leaves the others readable)."""
    return "/".join(display(part) for part in os.fspath(path).split("/"))


def zip_name(info) -> str:
    """The name of a zip entry. Without the UTF-8 flag (bit 11) zipfile decodes it as CP437, which
    turns a GBK name into mojibake: take its bytes back and apply the rule instead."""
    if info.flag_bits & 0x800:
        return display(info.filename)
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return display(info.filename)
    return decode_name(raw)


def _fs_is_utf8() -> bool:
    return os.fsencode("\u00e9") == "\u00e9".encode("utf-8")
