"""Traditional-script Chinese, read as simplified.

Archives hold reports, court summaries and news written in traditional characters (Hong Kong, Taiwan,
Macau, and mainland texts re-typed from old scans). The tagger's cues, jieba's dictionary, the codebook's
concepts and the BM25 index all speak simplified Chinese, so a traditional text is converted (OpenCC's
`t2s` configuration) before NLP, lexical indexing and query understanding, while the original text
stays what is shown and quoted.

The conversion keeps every character's position: OpenCC's t2s phrases map a phrase to one of the same
length; where a phrase would change the length, the text is converted character by character instead.
So an offset in the simplified text is the same offset in the original, and anything NLP reads from the
simplified text (an evidence sentence, a name) is cut back out of the original at the same place
(`Simplified.original`)."""

from __future__ import annotations

import re
from functools import lru_cache

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """`text` with traditional characters written in simplified ones, of the same length; text with no
    Chinese (or already simplified) comes back unchanged."""
    if not text or not _CJK.search(text):
        return text
    conv = _converter()
    out = conv.convert(text)
    if len(out) == len(text):
        return out
    chars = [conv.convert(ch) for ch in text]
    return "".join(c if len(c) == 1 else ch for c, ch in zip(chars, text))


def is_traditional(text: str, min_changed: int = 3) -> bool:
    """Whether a text is written (at least partly) in traditional characters: converting it changes at
    least `min_changed` characters (a lone variant character in a simplified text does not count)."""
    sample = text[:20000]
    if not _CJK.search(sample):
        return False
    return sum(a != b for a, b in zip(sample, to_simplified(sample))) >= min_changed


class Simplified:
    """A text and its simplified twin (same length), to carry strings read from the twin back to the
    original's characters."""

    def __init__(self, original: str):
        self.original_text = original
        self.text = to_simplified(original)
        # searching a flattened copy: NLP reads chunk text with line breaks as spaces
        self._flat = self.text.replace("\n", " ")

    def original(self, s: str | None) -> str | None:
        """The original characters of a string read from the simplified text (itself when not found)."""
        if not s:
            return s
        i = self._flat.find(s.replace("\n", " "))
        if i < 0:
            return s
        piece = self.original_text[i:i + len(s)]
        return piece.replace("\n", " ") if "\n" not in s else piece
