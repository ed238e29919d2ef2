"""OCR for PDF pages without a text layer: render the page with pypdfium2, read it with Tesseract
(English and simplified Chinese, Debian packages tesseract-ocr, -eng, -chi-sim, installed by
scripts/setup.sh), run as a command with a time limit per page.

A page is rendered at OCR_DPI, or at less where that would exceed budget.MAX_RENDER_PIXELS (a huge
MediaBox). The page images and Tesseract's output go to a private folder (mode 0700, made by
tempfile.mkdtemp) that is removed when the document is done, also when OCR fails."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from functools import lru_cache

OCR_LANGS = ("eng", "chi_sim")
OCR_DPI = 300
PAGE_TIMEOUT_S = 180

_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
_CJK_GAP = re.compile(rf"(?<={_CJK})[ \t]+(?={_CJK}|\d)|(?<=\d)[ \t]+(?={_CJK})")


class OcrUnavailable(Exception):
    """Tesseract or one of its language packs is missing."""


class OcrOverBudget(Exception):
    """The pages of one document took longer than budget.MAX_OCR_SECONDS in all."""


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


TEMP_PREFIX = "dutytrace-ocr-"


def ocr_pages(data: bytes, numbers: list[int], temp_root: str | None = None) -> dict[int, str]:
    """Text of the given 1-based pages of a PDF, read by OCR. Raises OcrUnavailable. temp_root: where
    the private temporary folder is made (None: the system's temporary folder)."""
    why = ocr_status()
    if why:
        raise OcrUnavailable(why)
    import pypdfium2 as pdfium

    from dutytrace.ingest import budget

    exe = shutil.which("tesseract") or "tesseract"  # present: ocr_status() said so
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one thread per page: the pool gives the parallelism
    langs = "+".join(OCR_LANGS)  # English and Chinese on every page: "eng+chi_sim"
    out: dict[int, str] = {}
    folder = tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=temp_root)  # mode 0700
    pdf = pdfium.PdfDocument(data)
    started = time.monotonic()
    try:
        for n in numbers:
            if out and time.monotonic() - started > budget.MAX_OCR_SECONDS:
                raise OcrOverBudget(f"took longer than {budget.MAX_OCR_SECONDS:g} s to read by OCR "
                                    f"({len(out)} of {len(numbers)} scanned pages done); skipped")
            page = pdf[n - 1]
            width, height = page.get_size()
            image = page.render(scale=budget.render_scale(width, height, OCR_DPI), grayscale=True).to_pil()
            png, base = os.path.join(folder, f"page-{n}.png"), os.path.join(folder, f"page-{n}")
            image.save(png)
            del image
            try:
                run = subprocess.run([exe, png, base, "-l", langs, "--psm", "3"], capture_output=True,
                                     timeout=PAGE_TIMEOUT_S, env=env)
            except subprocess.TimeoutExpired:
                raise OcrUnavailable(f"OCR of page {n} did not finish in {PAGE_TIMEOUT_S} s") from None
            if run.returncode != 0:
                raise OcrUnavailable(f"Tesseract failed on page {n}: "
                                     f"{run.stderr.decode('utf-8', 'replace').strip()[-200:]}")
            with open(base + ".txt", encoding="utf-8", errors="replace") as f:
                out[n] = tidy(f.read())
            for leftover in (png, base + ".txt"):
                os.unlink(leftover)
    finally:
        pdf.close()
        shutil.rmtree(folder, ignore_errors=True)
    return out
