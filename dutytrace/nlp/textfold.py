"""Case-insensitive matching made fast on ASCII text, with exactly the same matches.

Python's `re` tries a case-insensitive pattern that opens with an alternation ("(?:bureau|authority|...)")
at every position of the text. Its case-sensitive twin gets a first-character filter and runs several
times faster. For a pattern written in ASCII with no upper-case letter, matching it case-insensitively
on ASCII text finds exactly what its case-sensitive twin finds on the lower-cased text, at the same
offsets (lower-casing ASCII keeps every character in place). Every other pattern keeps the ordinary,
exact path: one that names an upper-case letter (a literal such as "UK" or a class such as [A-Z] would
miss the lower-cased text; escapes such as \\S are kept out with them, for simplicity) or a non-ASCII
character (case folding ties some to ASCII letters: ſ to s, the Kelvin sign to k), and any text that is
not ASCII.

Used where the codebook's cue patterns run over every passage (nlp/responsibility.py); `folded` also by the
concepts' plain-term test (nlp/codebook.py, Entry.named_in_folded)."""

from __future__ import annotations

import re
from functools import lru_cache


_SCOPED_OFF = re.compile(r"\(\?[aiLmsux]*-")


@lru_cache(maxsize=4096)
def twin(pattern: re.Pattern) -> re.Pattern | None:
    """The case-sensitive twin of a case-insensitive pattern, for lower-cased ASCII text; None where that
    would not be exact."""
    src = pattern.pattern
    if not isinstance(src, str) or not pattern.flags & re.IGNORECASE or not src.isascii() or src != src.lower():
        return None
    if _SCOPED_OFF.search(src):  # "(?-i:...)" is case-sensitive inside: the lower-cased text would change it
        return None
    return re.compile(src, pattern.flags & ~re.IGNORECASE)


def folded(text: str) -> str | None:
    """The text lower-cased when it is ASCII (lower-casing ASCII keeps every offset); None otherwise."""
    return text.lower() if text.isascii() else None


class Folded:
    """A text with its lower-cased form when it is ASCII: `finditer(pattern)` gives the matches the pattern
    has in the text (offsets into the text), by the twin where there is one."""

    __slots__ = ("text", "low")

    def __init__(self, text: str):
        self.text = text
        self.low = folded(text)

    def finditer(self, pattern: re.Pattern):
        if self.low is not None:
            fast = twin(pattern)
            if fast is not None:
                return fast.finditer(self.low)
        return pattern.finditer(self.text)
