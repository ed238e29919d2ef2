"""Plain text and Markdown with encoding detection.

The rule: a BOM decides (UTF-8, UTF-16); then UTF-8 when the bytes are valid UTF-8 without NUL bytes;
then the candidates UTF-16-LE, UTF-16-BE (files without BOM), GB18030 (a superset of GBK and GB2312,
which Chinese archives are full of) and Big5 (traditional Chinese) are each decoded, and the one whose
text reads most like text wins: the share of its characters that are printable ASCII, whitespace,
CJK punctuation, or among the 3,755 most common Chinese characters (GB2312 level 1; a Big5 text is
scored after conversion to simplified characters). Big5 bytes usually also decode as GB18030, into
kana, Greek and rare characters, and a UTF-16 text read in the wrong byte order into rare ones, so the
score tells them apart. Last, charset-normalizer. The file's size is checked before decoding
(budget.MAX_TEXT_BYTES)."""

from __future__ import annotations

from dutytrace.errors import UnreadableDocument
from dutytrace.ingest import budget
from dutytrace.models import Page

MIN_SCORE = 0.6  # below it a candidate is not taken for text


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Return (text, encoding)."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):  # a damaged file (a cut UTF-16 byte) keeps its text, U+FFFD marks the damage
            return data.decode(enc, errors="replace"), enc
    if b"\x00" not in data:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    best: tuple[float, str, str] | None = None
    for enc in ("utf-16-le", "utf-16-be", "gb18030", "big5"):
        if enc.startswith("utf-16") and len(data) % 2:
            continue
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = text_score(text, traditional=enc == "big5")
        if best is None or score > best[0]:
            best = (score, text, enc)
    if best is not None and best[0] >= MIN_SCORE:
        return best[1], best[2]
    from charset_normalizer import from_bytes

    found = from_bytes(data).best()
    if found is None:
        raise UnreadableDocument(path, "cannot detect the text encoding")
    return str(found), found.encoding


def text_score(text: str, traditional: bool = False, sample: int = 20_000) -> float:
    """The share of characters that are ordinary text (see the module's rule), over a sample."""
    text = text[:sample]
    if not text:
        return 0.0
    if traditional:
        from dutytrace.script import to_simplified

        text = to_simplified(text)
    good = 0
    for ch in text:
        o = ord(ch)
        if 0x20 <= o < 0x7F or ch in "\n\r\t\f" or 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E:
            good += 1
        elif 0x4E00 <= o <= 0x9FFF and _common_hanzi(ch):
            good += 1
    return good / len(text)


def _common_hanzi(ch: str) -> bool:
    try:
        b = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return 0xB0 <= b[0] <= 0xD7  # GB2312 level 1: the 3,755 most used characters


def read_text(data: bytes, path: str) -> tuple[list[Page], str]:
    if not data.strip():
        raise UnreadableDocument(path, "empty file")
    budget.check_text_bytes(len(data), path)
    text, enc = decode(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableDocument(path, "empty file (only whitespace)")
    # form feeds separate pages in text exported from other systems
    parts = text.split("\f")
    return [Page(i, t) for i, t in enumerate(parts, start=1) if t.strip() or i == 1], enc
