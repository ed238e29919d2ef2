"""OCR for PDF pages without a text layer: render the page with pypdfium2, read it with Tesseract
(English and simplified Chinese, Debian packages tesseract-ocr, -eng, -chi-sim, installed by
scripts/setup.sh) through pytesseract."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import lru_cache

OCR_LANGS = ("eng", "chi_sim")
OCR_DPI = 300
PAGE_TIMEOUT_S = 180

_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
_CJK_GAP = re.compile(rf"(?<={_CJK})[ \t]+(?={_CJK}|\d)|(?<=\d)[ \t]+(?={_CJK})")


class OcrUnavailable(Exception):
    """Tesseract or one of its language packs is missing."""


def ocr_status() -> str | None:
    """None when OCR works here, else why not (said in the error of a scanned file)."""
    return _status(os.environ.get("PATH", ""))


@lru_cache(maxsize=4)
def _status(path_env: str) -> str | None:
    exe = shutil.which("tesseract", path=path_env)
    if exe is None:
        return "Tesseract is not installed (scripts/setup.sh installs tesseract-ocr)"
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as e:
        return f"Tesseract does not run ({e})"
    have = set(out.stdout.split()) | set(out.stderr.split())
    missing = [lang for lang in OCR_LANGS if lang not in have]
    if missing:
        return f"Tesseract language data missing: {', '.join(missing)} (install tesseract-ocr-chi-sim / -eng)"
    return None


def tidy(text: str) -> str:
    """Tesseract puts spaces between Chinese characters; remove them, and trailing blanks."""
    text = _CJK_GAP.sub("", text)
    lines = [ln.rstrip() for ln in text.replace("\x0c", "").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def ocr_pages(data: bytes, numbers: list[int]) -> dict[int, str]:
    """Text of the given 1-based pages of a PDF, read by OCR. Raises OcrUnavailable."""
    why = ocr_status()
    if why:
        raise OcrUnavailable(why)
    import pypdfium2 as pdfium
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one thread per page: the pool gives the parallelism
    langs = "+".join(OCR_LANGS)  # English and Chinese on every page: "eng+chi_sim"
    out: dict[int, str] = {}
    pdf = pdfium.PdfDocument(data)
    try:
        for n in numbers:
            image = pdf[n - 1].render(scale=OCR_DPI / 72, grayscale=True).to_pil()
            try:
                text = pytesseract.image_to_string(image, lang=langs, config="--psm 3", timeout=PAGE_TIMEOUT_S)
            except RuntimeError as e:  # pytesseract raises RuntimeError on its timeout
                raise OcrUnavailable(f"OCR of page {n} did not finish ({e})") from None
            out[n] = tidy(text)
    finally:
        pdf.close()
    return out
