"""The whole path on real parts: PDF -> chunks -> spaCy/codebook -> MiniLM -> Qdrant Edge -> search."""

from __future__ import annotations

import shutil

from dutytrace.service import Dutytrace
from tests.conftest import make_pdf


def test_paraphrased_query_finds_the_test_pdf(service):
    # none of these words is the report's; its dense cosine clears the evidence floor (search.RankConfig)
    cases = service.search_cases("labourers poisoned by toxic fumes down an underground drain", limit=3, mode="dense")
    assert cases[0].case_id == "case-sewer"
    top = cases[0].passages[0]
    assert top.name in ("report.pdf", "interview-zhao.txt") and top.page >= 1


def test_hybrid_and_lexical_modes_rank_the_right_case(service):
    for mode in ("hybrid", "lexical"):
        assert service.search_cases("scaffold guardrail harness fall", limit=3, mode=mode)[0].case_id == "case-scaffold"
    assert service.search_cases("瓦斯爆炸 迟报", limit=3, mode="lexical")[0].case_id == "case-mine"


def test_hits_keep_provenance(service):
    hits = service.search("gas detector was broken", limit=5)
    h = next(h for h in hits if h.name == "interview-zhao.txt")
    assert h.case_id == "case-sewer" and h.kind == "transcript"
    assert h.speaker == "Zhao Ming"  # "A:" resolved to the interviewee named in the header
    pdf_hit = next(h for h in service.search("Xinhe Road sewer blockage", limit=5) if h.name == "report.pdf")
    assert pdf_hit.page == 2  # the second page of the report


def test_reingest_adds_nothing(service, archive):
    before = service.stats()
    ids_before = service.index.ids()
    report = service.ingest([archive])
    assert report.ingested == 0 and report.chunks == 0 and report.unchanged == before["documents"]
    assert service.stats() == before
    assert service.index.ids() == ids_before
    assert service.index.count() == before["chunks"]


def test_case_metadata_and_facts(service):
    prof = service.case("case-sewer")
    assert prof["title"] == "Sewer poisoning at Pumping Station No. 3"
    assert prof["facts"]["region"] == "Linjiang"
    mine = service.case("case-mine")["facts"]
    assert mine["fatalities"] == 7 and mine["injuries"] == 2 and mine["direct_loss"] == 18_300_000
    assert mine["accident_type"] == "explosion" and mine["grade"] == "larger" and mine["date"] == "2018-11-06"
    tags = {t["tag"] for t in service.case("case-mine")["tags"]}
    assert {"concealment_or_false_reporting", "illegal_subcontracting_or_unlicensed"} <= tags


def test_filters_restrict_results(service):
    hits = service.search("事故", limit=20, filters={"language": "zh"})
    assert hits and all(h.case_id == "case-mine" for h in hits)
    # an English word no Chinese passage holds: no match in Chinese (MiniLM does not read Chinese)
    assert service.search("accident", limit=20, filters={"language": "zh"}) == []
    hits = service.search("gas detector", limit=20, filters={"kind": "transcript"})
    assert hits and all(h.kind == "transcript" for h in hits)


def test_changed_file_replaces_old_chunks(tmp_path, settings_factory, archive):
    root = tmp_path / "arch"
    shutil.copytree(archive / "case-scaffold", root / "case-scaffold")
    with Dutytrace(settings_factory()) as svc:
        svc.ingest([root])
        n0 = svc.stats()
        make_pdf(root / "case-scaffold" / "report.pdf", ["A short replacement report about a ladder fall."] * 2)
        r = svc.ingest([root])
        assert r.ingested == 1 and r.replaced == 1 and r.unchanged == 1
        assert svc.stats()["documents"] == n0["documents"]
        assert svc.index.count() == svc.stats()["chunks"]
        assert "ladder" in svc.search("ladder fall", limit=1)[0].text


def test_bad_files_are_reported_and_the_rest_ingested(tmp_path, settings_factory, archive):
    root = tmp_path / "batch"
    shutil.copytree(archive / "case-sewer", root / "case-sewer")
    bad = root / "case-bad"
    bad.mkdir()
    (bad / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage without xref\n")
    (bad / "empty.txt").write_bytes(b"")
    (bad / "junk.pdf").write_bytes(bytes(range(256)) * 20)
    with Dutytrace(settings_factory()) as svc:
        r = svc.ingest([root])
        failed = {f["path"].split("/")[-1]: f["error"] for f in r.failed}
        assert set(failed) == {"broken.pdf", "empty.txt", "junk.pdf"}
        assert "corrupt PDF" in failed["broken.pdf"] or "no text" in failed["broken.pdf"]
        assert "empty" in failed["empty.txt"]
        assert "unsupported" in failed["junk.pdf"]
        assert r.ingested == 2
        before = (svc.stats(), svc.index.ids())
        again = svc.ingest([root])  # nothing stored changes on a re-run with the same bad files
        assert len(again.failed) == 3 and (svc.stats(), svc.index.ids()) == before


def test_reindex_rebuilds_the_same_points(tmp_path, settings_factory, archive):
    with Dutytrace(settings_factory()) as svc:
        svc.ingest([archive / "case-mine"])
        ids = svc.index.ids()
        res = svc.reindex()
        assert res["chunks"] == len(ids) and svc.index.ids() == ids


def test_originals_kept_for_the_viewer(service):
    hit = next(h for h in service.search("Xinhe Road sewer blockage", limit=5) if h.name == "report.pdf")
    png = service.page_image(hit.doc_id, hit.page)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    transcript = next(h for h in service.search("gas detector was broken", limit=5) if h.kind == "transcript")
    assert service.page_image(transcript.doc_id, 1) is None  # not a PDF: the viewer shows its text
    assert "gas detector" in service.page_text(transcript.doc_id, 1)


def test_facets_count_cases_of_the_current_result(service):
    all_cases = service.facets()
    assert dict(all_cases["language"]) == {"en": 2, "zh": 1}
    assert dict(all_cases["accident_type"])["explosion"] == 1
    zh = service.facets("事故", filters={"language": "zh"})
    assert dict(zh["language"]) == {"zh": 1} and sum(n for _, n in zh["accident_type"]) == 1
    tagged = service.facets(filters={"case_tags": "concealment_or_false_reporting"})
    assert ("concealment_or_false_reporting", 1) in tagged["case_tags"]


def test_passages_carry_their_cue_spans(service):
    hit = next(h for h in service.search("矿长隐瞒事故 迟报", limit=5, mode="lexical")
               if "concealment_or_false_reporting" in h.tags)
    spans = [c for c in hit.cues if c["tag"] == "concealment_or_false_reporting"]
    assert spans and all(hit.text[c["start"]:c["end"]] in ("隐瞒", "迟报") for c in spans)


def test_similar_cases_across_languages_with_reasons(service, tmp_path):
    # a new Chinese document about a sewer poisoning: the English sewer case is its precedent
    new = tmp_path / "新案件初步报告.txt"
    new.write_text("初步情况报告\n2024年5月3日，某市政公司三名工人进入污水井疏通管道，未进行气体检测，也未通风。"
                   "第一名工人硫化氢中毒昏迷后，另外两人未佩戴呼吸器下井施救，相继中毒，造成3人死亡。"
                   "该公司没有有限空间作业审批制度，工人从未接受过有限空间培训。", encoding="utf-8")
    res = service.similar(path=new, limit=3)
    assert res[0]["case_id"] == "case-sewer"
    top = res[0]
    assert top["same_accident_type"] and "confined_space" in top["shared_concepts"] and len(top["shared_concepts"]) >= 3
    assert top["passages"] and all(p["case_id"] == "case-sewer" for p in top["passages"])
    assert len({p["doc_id"] + str(p["page"]) + p["text"] for p in top["passages"]}) == len(top["passages"])
    by_case = service.similar(case_id="case-sewer", limit=5)
    assert "case-sewer" not in [c["case_id"] for c in by_case]


def test_near_duplicates_detected_and_collapsed(tmp_path, settings_factory, archive):
    """The same report as PDF and DOCX (a different file, the same text) is one document in results."""
    from tests.conftest import CASE_B_REPORT, make_docx

    root = tmp_path / "dups"
    shutil.copytree(archive / "case-scaffold", root / "case-scaffold")
    # the report retyped as DOCX, with its lines wrapped differently and a closing line added
    make_docx(root / "case-scaffold" / "report-final.docx",
              [" ".join(CASE_B_REPORT).replace("\n", " "), "Approved by the county government."])
    with Dutytrace(settings_factory()) as svc:
        report = svc.ingest([root])
        dups = report.near_duplicates
        assert len(dups) == 1 and dups[0]["similarity"] >= 0.8
        dup_doc = dups[0]["doc_id"]
        assert svc.catalog.document(dup_doc)["name"] == "report-final.docx"
        hits = svc.search("scaffold guardrail harness", limit=10)
        assert hits and dup_doc not in {h.doc_id for h in hits}
        case = svc.search_cases("scaffold guardrail harness", limit=1)[0]
        assert dup_doc not in {p.doc_id for p in case.passages}
        assert svc.ingest([root]).near_duplicates == []  # nothing new on a re-run
