"""Reading one case and its documents (profile, pages, passages, the original file, page images and
highlight boxes), counts, interview statements, comparison of cases and the sanctions table
(profile.py, compare.py, sanctions.py)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from dutytrace.errors import NotFound
from dutytrace.profile import ProfileReader, case_profile
from dutytrace.store.files import FileStore
from dutytrace.service.policy import ServicePolicy


class CasesMixin(ServicePolicy):
    def case(self, case_id: str) -> dict[str, Any]:
        """A case's profile (facts, documents, tags with evidence, accountability). Audited."""
        self.require("view", "view_case", case_id)
        self._check_case(case_id)
        self.audit.record(self.principal.name, "view_case", case_id)
        return case_profile(self.catalog, case_id, self._codebook())

    def case_profiles(self) -> list[dict[str, Any]]:
        """Profiles of every case this user may see (for analytics; audited once, not per case)."""
        self.require("view", "analytics")
        self.audit.record(self.principal.name, "analytics", None)
        ids = self.case_ids()
        found = ProfileReader(self.catalog, self._codebook()).many(ids)  # stored profiles, read in batches
        return [found[c] for c in ids if c in found]

    def pages(self, doc_id: str) -> list[dict]:
        self._check_document(doc_id)
        return self.catalog.pages(doc_id)

    def chunks(self, doc_id: str) -> list[dict]:
        self._check_document(doc_id)
        return self.catalog.chunks(doc_id)

    def page_text(self, doc_id: str, page: int) -> str:
        self._check_document(doc_id)
        for p in self.catalog.pages(doc_id):
            if p["page"] == page:
                return p["text"]
        raise NotFound(f"document {doc_id[:12]} has no page {page}")

    def document(self, doc_id: str) -> dict:
        """A document's record. Audited as a view."""
        doc = self._check_document(doc_id)
        self.audit.record(self.principal.name, "view_document", doc_id, case_id=doc["case_id"], name=doc["name"])
        return doc

    def document_bytes(self, doc_id: str) -> bytes:
        """The original file (for download). Audited."""
        doc = self._check_document(doc_id)
        self.audit.record(self.principal.name, "export", doc_id, what="original file", name=doc["name"])
        return FileStore(self.settings.home / "files").get(doc_id)

    def page_image(self, doc_id: str, page: int, scale: float = 1.5) -> bytes | None:
        """PNG of a PDF page, or None for documents that are not PDFs (show their text instead)."""
        if self._check_document(doc_id)["fmt"] != "pdf":
            return None
        from dutytrace.ingest.pdf import render_page_png

        return render_page_png(FileStore(self.settings.home / "files").get(doc_id), page, scale)

    def passage_boxes(self, doc_id: str, page: int, text: str) -> list[tuple[float, float, float, float]]:
        """Where a passage sits on a PDF page (for the viewer's highlight): one (x0, top, x1, bottom) box
        per line, as fractions of the page size; [] when not a PDF or not found. Letters and digits are
        matched, so line wraps, hyphenation and spacing do not matter; a long passage is found by its
        first and last 24 characters."""
        if self._check_document(doc_id)["fmt"] != "pdf":
            return []
        import io

        import pdfplumber

        with pdfplumber.open(io.BytesIO(FileStore(self.settings.home / "files").get(doc_id))) as pdf:
            if not 1 <= page <= len(pdf.pages):
                return []
            p = pdf.pages[page - 1]
            chars = [c for c in p.chars if c["text"].isalnum()]
            width, height = float(p.width), float(p.height)
        flat = "".join(c["text"].lower() for c in chars)
        want = "".join(ch.lower() for ch in text if ch.isalnum())
        start = flat.find(want)
        end = start + len(want)
        if start < 0 and len(want) > 48:
            start, last = flat.find(want[:24]), flat.find(want[-24:])
            end = last + 24 if 0 <= start < last else -1
        if start < 0 or end <= start:
            return []
        lines: dict[int, list] = defaultdict(list)
        for c in chars[start:end]:
            lines[round(c["top"] / 3)].append(c)
        return [(min(c["x0"] for c in cs) / width, min(c["top"] for c in cs) / height,
                 max(c["x1"] for c in cs) / width, max(c["bottom"] for c in cs) / height)
                for _, cs in sorted(lines.items())]

    def stats(self) -> dict:
        """Counts of what this user may see (an uncleared user learns nothing from them)."""
        visible = self._visible()
        if visible is None:
            return {"cases": len(self.catalog.case_ids()), "documents": len(self.catalog.documents()),
                    "chunks": self.catalog.chunk_count()}
        docs = [d for d in self.catalog.documents() if d["case_id"] in visible]
        return {"cases": len({d["case_id"] for d in docs}), "documents": len(docs),
                "chunks": self.catalog.chunk_count_of([d["doc_id"] for d in docs])}

    def reader_state(self) -> dict:
        """Whether the documents this user may see were all analysed by the reader the settings give now
        (nlp.analyze.reader_stamp: tagger and models, measures reader, codebook): {"current": stamp,
        "documents": n, "current_documents": n, "others": {stamp: n}, "unknown": n (analysed before stamps
        were kept), "retag_needed": bool}. When documents differ, tags, types and measures in the archive
        were decided by different rules (a filter or a count mixes them) until `dutytrace retag`."""
        from dutytrace.nlp.analyze import reader_stamp

        current = reader_stamp(self.settings.tagger, self._codebook())
        counts = self.catalog.reader_counts(self._visible())
        others = {k: n for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
                  if k is not None and k != current}
        total, unknown = sum(counts.values()), counts.get(None, 0)
        return {"current": current, "documents": total, "current_documents": counts.get(current, 0),
                "others": others, "unknown": unknown, "retag_needed": bool(others) or unknown > 0}

    def statements(self, case_id: str, min_speakers: int = 2) -> list[dict]:
        """Statements of different interviewees of a case about the same fact, lined up:
        [{"topic", "statements": [{"speaker", "role", "doc", "page", "text"}]}]."""
        from dutytrace.nlp.statements import group_statements

        self._check_case(case_id, "statements")
        docs = [d for d in self.catalog.documents(case_id)]
        pages = {d["doc_id"]: self.catalog.pages(d["doc_id"]) for d in docs}
        return group_statements(docs, pages, self.embedder.encode, min_speakers=min_speakers)

    def compare(self, case_ids: list[str]) -> dict:
        """Two or three cases side by side, aligned by issue (compare.py). Each case is checked for this
        user; audited as a view of each."""
        from dutytrace.compare import compare
        from dutytrace.nlp.codebook import load_codebook
        from dutytrace.store.measures import MeasureStore

        ids = list(dict.fromkeys(case_ids))
        if not 2 <= len(ids) <= 3:
            raise ValueError("compare two or three different cases")
        me = self.require("view", "compare", ",".join(ids))
        for cid in ids:
            self._check_case(cid, "compare")
        store = MeasureStore(self.catalog)
        out = compare([case_profile(self.catalog, c) for c in ids], {c: store.items(c) for c in ids},
                      load_codebook(self.settings.codebook))
        for cid in ids:
            self.audit.record(me.name, "view_case", cid, what="compare", cases=ids)
        return out

    def sanctions(self, level: str | None = None, group: str | None = None) -> list[dict]:
        """Sanctions across the cases this user may see, by responsibility level and post group
        (sanctions.py). Audited once (as analytics)."""
        from dutytrace.sanctions import table

        self.require("view", "analytics", what="sanctions")
        self.audit.record(self.principal.name, "analytics", None, what="sanctions", level=level, group=group)
        return table([case_profile(self.catalog, c) for c in self.case_ids()], level, group)
