"""A case's metadata file (case.yaml, case.yml or case.json in a case folder), read as hostile input,
and the rules for writing a case during an ingest.

Parsing: at most MAX_BYTES, UTF-8; YAML without anchors, aliases (so no alias bomb: a 1 KB file used
to take 6.6 GB) or duplicate keys, nested at most MAX_DEPTH deep; the top level a mapping of the
known keys only (a typo such as `clearence:` would otherwise leave a case open). Values are checked
and normalised: text fields are text (numbers are taken as their digits), `clearance` one of
open/internal/restricted, `date` in any YAML form — a date or timestamp, an int year (2024) or
YYYYMMDD, a string (2024, 2024-11, 2024-11-02, 2024/11/2, 2024年11月2日, 2 November 2024) — stored
as ISO text (YYYY, YYYY-MM or YYYY-MM-DD). An error names the case, the file and the field:
`case-7/case.yaml: date: not a date ...`.

Writing (CaseGate, one per ingest run): a case that already exists (documents or metadata in the
catalog) may be written — documents added, metadata changed — only by a user who can see it;
everything of another case folder is refused with reason `denied`. A case whose metadata file is
invalid keeps its stored metadata and its documents in this run are refused too (`case_meta`): a
broken file must not leave a case that was meant to be restricted open. A metadata change is
recorded with its before/after values; a file without `clearance` keeps the stored clearance, and
a lower clearance is refused (`denied`) unless an admin asks for it."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

import yaml

from dutytrace.security import LEVELS, Principal

MAX_BYTES = 64 * 1024
MAX_DEPTH = 4
MAX_TEXT = 2000
TEXT_KEYS = ("title", "region", "industry", "accident_type", "location", "enterprise")
KNOWN_KEYS = (*TEXT_KEYS, "date", "clearance")

DENIED = "denied"  # reason codes in the ingest report
INVALID = "case_meta"

# The words of a refusal for a case the caller may not write. They are the same whether the case is
# visible-but-refused or invisible, and say nothing of its clearance, title or documents; what they
# cannot hide is that the id is taken (see README, "Access control and audit").
DENIED_MESSAGE = ("denied: you may not add to or change case '{case}' (a case id in use that you are not "
                  "cleared for); ask an admin for a grant, or file these documents under another case id")


class CaseMetaError(ValueError):
    def __init__(self, case_id: str, file: str, field: str | None, reason: str):
        self.case_id, self.file, self.field, self.reason = case_id, file, field, reason
        super().__init__(f"{case_id}/{file}: {field + ': ' if field else ''}{reason}")


def meta_file_name(data: bytes) -> str:
    """case.json or case.yaml, by the content (what the walk of an archive does not say)."""
    return "case.json" if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{" else "case.yaml"


# -- parsing -------------------------------------------------------------------------------------------
class _Refused(Exception):
    pass


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader (the pure-Python one: its composer is ours to check) that refuses
    anchors, aliases, deep nesting and duplicate keys before anything is built."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused("YAML anchors and aliases (&, *) are not allowed in case metadata")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = getattr(key_node, "value", None)
            if key in seen:
                raise _Refused(f"key '{key}' given twice")
            seen.add(key)
        return super().construct_mapping(node, deep)


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
# an unquoted date stays its text here, so that a wrong one (2024-13-02) is named by its field below
_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def _json_pairs(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise _Refused(f"key '{k}' given twice")
        out[k] = v
    return out


def _decode(data: bytes) -> str | None:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")  # a case.yaml saved by a Chinese Windows editor is GBK
    for enc in encodings:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return None


def _load_yaml(text: str):
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def parse_case_meta(data: bytes, case_id: str, file: str | None = None) -> dict[str, Any]:
    """The validated, normalised metadata of a case; raises CaseMetaError naming case, file and field."""
    known_name = file is not None
    file = file or meta_file_name(data)

    def fail(reason: str, field: str | None = None):
        raise CaseMetaError(case_id, file, field, reason)

    if len(data) > MAX_BYTES:
        fail(f"too large ({len(data)} bytes; the limit is {MAX_BYTES // 1024} KiB)")
    text = _decode(data)
    if text is None:
        fail("not text (UTF-8, UTF-16 with a byte-order mark, or GB18030)")
    try:
        if file.endswith(".json"):
            try:
                raw = json.loads(text, object_pairs_hook=_json_pairs) if text.strip() else {}
            except json.JSONDecodeError:
                if known_name:
                    raise
                raw = _load_yaml(text)  # a name guessed from a leading "{": a YAML flow mapping
        else:
            raw = _load_yaml(text)
    except _Refused as e:
        fail(str(e))
    except RecursionError:
        fail("nested too deep")
    except (yaml.YAMLError, ValueError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        fail(f"not valid {'JSON' if file.endswith('.json') else 'YAML'} ({first[:160]})")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        fail(f"must be a mapping of keys to values (got {type(raw).__name__})")
    meta: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or key not in KNOWN_KEYS:
            fail(f"unknown key (the keys are {', '.join(KNOWN_KEYS)})", str(key)[:60])
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            meta[key] = _value(key, value)
        except ValueError as e:
            fail(str(e), key)
    return meta


def _value(key: str, value: Any) -> str:
    if key == "clearance":
        if isinstance(value, str) and value.strip().lower() in LEVELS:
            return value.strip().lower()
        raise ValueError(f"must be one of {', '.join(LEVELS)} (got {str(value)[:40]!r})")
    if key == "date":
        return normalise_date(value)
    if isinstance(value, bool):
        raise ValueError("yes/no/true/false is not text; put the value in quotes")
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"must be text (got a {type(value).__name__})")
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise ValueError(f"longer than {MAX_TEXT} characters")
    if any(ord(ch) < 32 and ch not in "\t\n" for ch in value):
        raise ValueError("contains control characters")
    return value


_MONTHS = {m: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for m in names}
_YMD = re.compile(r"(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?)?"
                  r"(?:[ T]\d{1,2}(?::\d{2}){0,2}(?:\.\d+)?\s*(?:Z|[+-]\d{2}:?\d{2})?|\s*\d{1,2}\s*[时時]\S*)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DMY = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})")
_MDY = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_MY = re.compile(r"([A-Za-z]+)\.?,?\s+(\d{4})")


def _iso(year: int, month: int | None = None, day: int | None = None) -> str:
    if not 1000 <= year <= 9999:
        raise ValueError(f"year {year} out of range")
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} out of range")
    if day is None:
        return f"{year:04d}-{month:02d}"
    return _dt.date(year, month, day).isoformat()  # ValueError for 2024-02-30


def normalise_date(value: Any) -> str:
    """A date in any YAML form as ISO text: YYYY-MM-DD, YYYY-MM or YYYY. Raises ValueError."""
    bad = "not a date (write YYYY-MM-DD, YYYY-MM or YYYY)"
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        raise ValueError(f"{bad}; got yes/no/true/false")
    if not isinstance(value, (int, str)):
        raise ValueError(f"{bad}; got {str(value)[:40]!r}")
    text = str(value).strip()
    try:
        if m := _COMPACT.fullmatch(text):
            return _iso(int(m[1]), int(m[2]), int(m[3]))
        if m := _YMD.fullmatch(text):
            return _iso(int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None)
        if (m := _DMY.fullmatch(text)) and m[2].lower() in _MONTHS:
            return _iso(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
        if (m := _MDY.fullmatch(text)) and m[1].lower() in _MONTHS:
            return _iso(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
        if (m := _MY.fullmatch(text)) and m[1].lower() in _MONTHS:
            return _iso(int(m[2]), _MONTHS[m[1].lower()])
    except ValueError as e:
        raise ValueError(f"{bad}: {e}; got {text[:40]!r}") from None
    raise ValueError(f"{bad}; got {text[:40]!r}")


# -- who may write a case --------------------------------------------------------------------------
def stored_clearance(meta: dict | None) -> str:
    level = (meta or {}).get("clearance", "open")
    return level if level in LEVELS else "restricted"  # an unknown stored label fails closed


class CaseGate:
    """The write rules of one ingest run, for one user. `check(case_id)` says whether the case's files
    may be stored (None) or why not (the refusal and its reason code); `apply_meta` validates a metadata
    file and writes the change it makes. A case is judged once, as it was before the run, so a new
    case stays writable for the whole run even when its own case.yaml raises its clearance.
    `on_change(case_id, before, after)` and `on_refused(case_id, reason, message)` let the service
    write the audit log."""

    def __init__(self, catalog, principal: Principal,
                 on_change: Callable[[str, dict, dict], None] | None = None,
                 on_refused: Callable[[str, str, str], None] | None = None):
        self.catalog, self.principal = catalog, principal
        self.on_change, self.on_refused = on_change, on_refused
        self._decided: dict[str, tuple[str, str] | None] = {}
        self._metas_seen: set[tuple[str, bytes]] = set()  # (case id, digest of the file's first bytes)
        self.changes: list[dict] = []
        self.refused: dict[str, str] = {}  # case_id -> reason code

    def check(self, case_id: str) -> tuple[str, str] | None:
        """None when this run may write the case, else (reason code, message)."""
        if case_id not in self._decided:
            self._decided[case_id] = self._decide(case_id)
            if self._decided[case_id] is not None:
                self._refuse_note(case_id, *self._decided[case_id])
        return self._decided[case_id]

    def _decide(self, case_id: str) -> tuple[str, str] | None:
        row = self.catalog.case_row(case_id)
        if row is None and not self.catalog.documents(case_id):
            return None  # a new case
        if self.principal.can_see(case_id, stored_clearance(row["meta"] if row else None)):
            return None
        return DENIED, DENIED_MESSAGE.format(case=case_id)

    def _refuse_note(self, case_id: str, reason: str, message: str) -> None:
        self.refused[case_id] = reason
        if self.on_refused:
            self.on_refused(case_id, reason, message)

    def apply_meta(self, case_id: str, data: bytes, file: str | None = None) -> tuple[str, str, str] | None:
        """Validate and write a case's metadata file. None when done (or nothing changed), else
        (path to name in the report, reason code, message). The same file seen twice in one run
        (the folder's pre-read, then the walk) is applied once."""
        file = file or meta_file_name(data)
        label = f"{case_id}/{file}"
        seen = (case_id, hashlib.sha256(data[:MAX_BYTES + 1]).digest())  # a pre-read stops past the limit
        if seen in self._metas_seen:
            return None
        self._metas_seen.add(seen)
        refused = self.check(case_id)
        if refused is not None:
            return label, *refused
        try:
            meta = parse_case_meta(data, case_id, file)
        except CaseMetaError as e:
            # nothing of this case changes in this run: its stored metadata stays, its documents wait
            self._decided[case_id] = (INVALID, f"not stored: {label} is invalid ({e.reason}); fix it and ingest again")
            self._refuse_note(case_id, INVALID, str(e))
            return label, INVALID, str(e)
        row = self.catalog.case_row(case_id)
        before = dict(row["meta"]) if row else {}
        after = dict(meta)
        if "clearance" not in after and "clearance" in before:
            after["clearance"] = before["clearance"]  # a file that says nothing never lowers a clearance
        old, new = stored_clearance(before), stored_clearance(after)
        if row is not None and LEVELS.index(new) < LEVELS.index(old) and self.principal.role != "admin":
            msg = (f"{label}: clearance: denied: lowering a case's clearance ({old} -> {new}) needs an admin; "
                   "the case's metadata is unchanged")
            if self.on_refused:
                self.on_refused(case_id, DENIED, msg)
            return label, DENIED, msg
        if row is not None and after == before:
            return None
        self.catalog.set_case_meta(case_id, after)
        self.catalog.mark_stale([case_id])
        keys = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
        if keys:
            change = {"case_id": case_id, "file": file, "new_case": row is None,
                      "before": {k: before.get(k) for k in keys}, "after": {k: after.get(k) for k in keys}}
            self.changes.append(change)
            if self.on_change:
                self.on_change(case_id, change["before"], change["after"])
        return None


class OpenGate(CaseGate):
    """No user rules (an ingest not started by the service, e.g. a test or a rebuild): every case may
    be written; metadata files are still validated and changes still recorded."""

    def __init__(self, catalog):
        super().__init__(catalog, Principal("local", "admin", "restricted"))
