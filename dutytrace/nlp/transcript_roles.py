"""Who speaks in an interview transcript, and in what role.

The header names the interviewee and often the post ("Person questioned: Kang Zhiyuan, general
manager, Tonghe Qingyuan ...", "被询问人：刘某某" with "职务：安全员" on another line) and the
interviewers ("Questioned by: Ma Lijuan, Fan Tao", "询问人：..."). Turns are labelled `Q:`/`A:`,
`问：`/`答：`, `调查组：`, or by name, sometimes with the post in brackets ("李某（安全员）：").
A line is a question when its label is an interviewer's, an answer when it is the interviewee's (or
any other named person's), header when it is a header field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEAD_PERSON = re.compile(
    r"^[ \t]*(?:interviewee|person (?:interviewed|questioned)|questioned person|witness|被询问人(?:姓名)?|被讯问人|被谈话人|"
    r"谈话对象)[ \t]*[:：][ \t]*(?P<v>[^\n]{1,160})", re.I | re.M)
_HEAD_ROLE = re.compile(r"^[ \t]*(?:post|position|job|role|occupation|职务|工作单位及职务|职业|岗位)[ \t]*[:：][ \t]*(?P<v>[^\n]{1,80})",
                        re.I | re.M)
_HEAD_ASKERS = re.compile(r"^[ \t]*(?:questioned by|interviewers?|interviewed by|询问人|讯问人|谈话人|记录人)[ \t]*[:：][ \t]*"
                          r"(?P<v>[^\n]{1,120})", re.I | re.M)
_HEADER_FIELDS = re.compile(
    r"^(?:time|date|place|location|venue|questioned by|interviewers?|interviewed by|recorded by|recorder|interviewee|"
    r"person (?:interviewed|questioned)|questioned person|witness|post|position|role|occupation|id|address|"
    r"时间|地点|询问人|讯问人|谈话人|记录人|被询问人(?:姓名)?|被讯问人|被谈话人|谈话对象|职务|工作单位及职务|工作单位|职业|岗位|"
    r"性别|年龄|出生日期|身份证号(?:码)?|住址|联系电话|文化程度)$", re.I)
_LABEL = re.compile(r"^[ \t]*(?P<label>[^\s:：][^:：\n]{0,30}?)[ \t]*[:：]")
_QUESTION = re.compile(r"^(?:q|question|问|(?:investigators?|interviewer|询问人|讯问人|调查组|调查人员|调查组成员|谈话人|"
                       r"工作人员|办案人员)(?:\s*\S.*)?)$", re.I)
_ANSWER = re.compile(r"^(?:a|answer|答)$", re.I)
_ROLE_IN_LABEL = re.compile(r"^(?P<name>[^(（]{1,20})[(（](?P<role>[^)）]{1,30})[)）]$")


@dataclass
class TranscriptHeader:
    interviewee: str | None = None
    role: str | None = None
    organisation: str | None = None
    askers: set[str] = field(default_factory=set)


def read_header(text: str) -> TranscriptHeader:
    """The interviewee, post, organisation and interviewers named in a transcript's first page."""
    h = TranscriptHeader()
    m = _HEAD_PERSON.search(text)
    if m:
        parts = [p.strip() for p in re.split(r"[,，;；]", m.group("v")) if p.strip()]
        name = parts[0] if parts else None
        if name:
            inner = _ROLE_IN_LABEL.match(name)
            if inner:
                name, h.role = inner.group("name").strip(), inner.group("role").strip()
        h.interviewee = name
        if len(parts) > 1 and not re.fullmatch(r"(?:男|女|male|female|\d+\s*(?:岁|years?(?: old)?))", parts[1], re.I):
            h.role = h.role or parts[1]
        if len(parts) > 2:
            h.organisation = parts[2]
    m = _HEAD_ROLE.search(text)
    if m and not h.role:
        h.role = m.group("v").strip()
    m = _HEAD_ASKERS.search(text)
    if m:
        h.askers = {p.strip() for p in re.split(r"[,，、;；]|\band\b", m.group("v")) if p.strip()}
    return h


def line_role(line: str, header: TranscriptHeader) -> tuple[str | None, str | None, str | None]:
    """(role, speaker, post) of a transcript line: role is 'question', 'answer', 'header' or None when
    the line carries no label (it continues the turn before it)."""
    m = _LABEL.match(line)
    if not m:
        return None, None, None
    label = m.group("label").strip()
    if _HEADER_FIELDS.match(label):
        return "header", None, None
    if _QUESTION.match(label) or label in header.askers:
        return "question", label, None
    if _ANSWER.match(label):
        return "answer", header.interviewee or label, header.role
    inner = _ROLE_IN_LABEL.match(label)
    if inner:
        return "answer", inner.group("name").strip(), inner.group("role").strip()
    if len(label.split()) <= 4 and not any(ch.isdigit() for ch in label) and not label.endswith((".", "。")):
        post = header.role if header.interviewee and label == header.interviewee else None
        return "answer", label, post
    return None, None, None


def looks_like_transcript(text: str) -> bool:
    """True when the text has a transcript header or several question/answer labels."""
    if _HEAD_PERSON.search(text) or _HEAD_ASKERS.search(text):
        return True
    header = TranscriptHeader()
    roles = [line_role(x, header)[0] for x in text.splitlines()[:80]]
    return roles.count("question") >= 2 and roles.count("answer") >= 2
