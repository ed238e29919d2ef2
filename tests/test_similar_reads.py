"""What `similar` reads of a new document: its analysis without the rectification measures (a comparison
uses none; the learned measures reader embeds every sentence), and the measures read later, when the
same file is analysed in full, equal those of a full analysis at once. The real pipeline, model and
index (the session's service over the test archive)."""

from __future__ import annotations

from dutytrace.indexing import prepare
from dutytrace.nlp import analyze as A

REPORT = """Investigation Report on the Crane Collapse at the East Wharf

1. Basic facts
On 2 May 2022 a tower crane at the East Wharf of Nanpo Port collapsed during lifting. Two workers died.

2. Causes
The crane's base bolts were corroded and the operator had no certificate. The port authority did not inspect the crane.

3. Rectification and preventive measures
(1) The port authority shall inspect every tower crane at the wharf and replace corroded base bolts by 30 June 2022.
(2) Nanpo Port Group shall train and certify all crane operators before 31 August 2022.
"""


def test_similar_reads_no_measures_and_analyze_adds_them(service, tmp_path, monkeypatch):
    path = tmp_path / "crane-report.txt"
    path.write_text(REPORT, encoding="utf-8")
    calls = []
    real = A.extract_measures
    monkeypatch.setattr(A, "extract_measures", lambda *a, **k: calls.append(1) or real(*a, **k))

    found = service.similar(path, limit=3)
    assert found and calls == [], "similar read the document's measures"
    compared = service.analyze_file(path, measures=False)  # the Similar page's "what was read"
    assert "measures" not in compared and calls == []

    full = service.analyze_file(path)  # `dutytrace analyze`: the measures are read now, once
    assert len(calls) == 1
    once = prepare(path.read_bytes(), str(path), "__new__", path.name, service.settings)[2].to_json()
    assert full["measures"] == once["measures"] and len(full["measures"]) == 2
    assert {k: v for k, v in full.items() if k not in ("path", "pages", "chunks")} == once
    service.analyze_file(path)
    assert len(calls) == 2  # (a fresh prepare above counted one; the remembered analysis none)


def test_a_traditional_script_document_gives_its_measures_in_its_own_characters(tmp_path):
    """document_measures of a document in traditional script equals what a full analysis reads of it."""
    from dutytrace.config import Settings

    text = ("東坪港「5·2」起重機倒塌事故調查報告\n一、事故基本情況\n2022年5月2日，東坪港東碼頭一台塔式起重機在吊裝作業中倒塌，"
            "造成2人死亡。\n二、整改措施\n（一）港務局要在2022年6月30日前對碼頭全部塔式起重機開展檢查，更換鏽蝕的底座螺栓。\n"
            "（二）東坪港集團要在2022年8月31日前完成全部起重機司機的培訓和持證上崗。\n")
    path = tmp_path / "報告.txt"
    path.write_text(text, encoding="utf-8")
    settings = Settings(home=tmp_path / "home")
    doc, _, full = prepare(path.read_bytes(), str(path), "__new__", path.name, settings)
    _, _, bare = prepare(path.read_bytes(), str(path), "__new__", path.name, settings, measures=False)
    assert bare.measures is None and full.measures
    assert A.document_measures(doc) == full.measures
    assert all("检" not in m.measure and "锈" not in m.measure for m in full.measures)  # not in simplified characters


def test_similar_embeds_the_passages_while_the_document_is_analysed(service, tmp_path, monkeypatch):
    """The new document's passages are embedded on a thread of their own during its analysis, and ranked
    with those vectors: the same cases and scores as embedding them after it."""
    import threading

    from dutytrace.nlp.embed import Embedder

    early = tmp_path / "early" / "crane-report.txt"
    late = tmp_path / "late" / "crane-report.txt"
    for p in (early, late):
        p.parent.mkdir()
        p.write_text(REPORT, encoding="utf-8")
    threads = []
    real = Embedder.encode
    monkeypatch.setattr(Embedder, "encode",
                        lambda self, texts: threads.append((threading.current_thread().name, len(texts))) or real(self, texts))
    got = service.similar(early, limit=5)
    background = [n for name, n in threads if name.startswith("dutytrace-similar-embed")]
    assert len(background) == 1 and background[0] >= 1, threads
    service._prepare(late, measures=False)  # read beforehand, so similar embeds the passages in rank_similar, after
    threads.clear()
    again = service.similar(late, limit=5)
    assert not [n for name, n in threads if name.startswith("dutytrace-similar-embed")]
    assert [(r["case_id"], round(r["score"], 4)) for r in got] == [(r["case_id"], round(r["score"], 4)) for r in again]
    assert got
