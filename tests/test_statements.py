"""Statements of different interviewees about the same fact are lined up, with speaker and post."""

from __future__ import annotations

from dutytrace.nlp.statements import transcript_statements

INTERVIEW_1 = ("Record of Questioning\nQuestioned by: Ann Lee\n"
               "Person questioned: Kang Wei, plant manager, Hexin Pumps Co., Ltd.\n"
               "Ann Lee: When was the gas detector last calibrated?\n"
               "Kang Wei: It was calibrated in March, I think on 12 March. The certificate is in the office.\n"
               "Ann Lee: Who sent the crew down the tank on the day?\n"
               "Kang Wei: I did not send anyone. The foreman decides on entry himself.\n")
INTERVIEW_2 = ("Record of Questioning\nQuestioned by: Ann Lee\n"
               "Person questioned: Luo Ping, foreman, Hexin Pumps Co., Ltd.\n"
               "Ann Lee: Who told the crew to go into the tank?\n"
               "Luo Ping: Mr Kang told me on the phone at 08:40 to send the crew down the tank.\n"
               "Ann Lee: What did you have for lunch?\n"
               "Luo Ping: Noodles from the canteen, as every day.\n")
INTERVIEW_3 = "询问笔录\n被询问人：周某某\n职务：安全员\n问：事故当天谁安排进罐作业？\n答：是康经理8点40分打电话让班组下罐的。\n"


def test_transcript_statements_have_speaker_and_role():
    pages = [{"page": 1, "text": INTERVIEW_1}]
    st = transcript_statements("kang.txt", pages)
    assert [(s.speaker, s.role) for s in st] == [("Kang Wei", "plant manager")] * 2
    assert st[1].question.startswith("Who sent the crew")
    zh = transcript_statements("zhou.txt", [{"page": 1, "text": INTERVIEW_3}])
    assert [(s.speaker, s.role, s.page) for s in zh] == [("周某某", "安全员", 1)]


def test_statements_about_the_same_fact_are_grouped(tmp_path):
    from dutytrace.config import Settings
    from dutytrace.service import Dutytrace

    root = tmp_path / "arch" / "case-tank"
    root.mkdir(parents=True)
    (root / "interview-kang.txt").write_text(INTERVIEW_1, encoding="utf-8")
    (root / "interview-luo.txt").write_text(INTERVIEW_2, encoding="utf-8")
    with Dutytrace(Settings(home=tmp_path / "home")) as svc:
        assert svc.ingest([root.parent]).failed == []
        groups = svc.statements("case-tank")
    assert groups, "no group found"
    entry = next(g for g in groups if any("08:40" in s["text"] for s in g["statements"]))
    speakers = {s["speaker"] for s in entry["statements"]}
    assert speakers == {"Kang Wei", "Luo Ping"}
    kang = next(s for s in entry["statements"] if s["speaker"] == "Kang Wei")
    assert "did not send" in kang["text"] and kang["role"] == "plant manager" and kang["page"] == 1
    assert kang["doc"] == "interview-kang.txt"
    # lunch and calibration are not about who sent the crew down
    assert all("Noodles" not in s["text"] for s in entry["statements"])
