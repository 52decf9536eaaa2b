"""HR's corrections of parsed resume fields: kept apart from what the parser writes.

``restricted.resume_corrections`` holds one row per correction (field path, value before and after,
who, when). The resume_ingestion DAG never writes that table, so re-parsing a resume (a new parser
version, a re-run) leaves every correction in place; readers see the parsed record with the
corrections applied in order (:func:`corrected_record`), and the corrections export as labelled
data for measuring and training the parser (:func:`export_corrections`).

Field paths: ``name``, ``email``, ``phone``, ``location``, ``experience_years``, ``highest_degree``,
``skills`` / ``certifications`` / ``languages`` (a whole list, or one item as ``skills[2]``),
``experience[i].company|title|start|end`` and ``education[i].degree|degree_level|school|year``
(``i`` may be one past the end: HR adds an entry the parser missed).
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from talentflow.core import warehouse
from talentflow.core.errors import UserError
from talentflow.core.tables.resumes import CONTACTS, CORRECTIONS, SUBMISSIONS

CONTACT_FIELDS = ("name", "email", "phone", "location")
SCALAR_FIELDS = (*CONTACT_FIELDS, "experience_years", "highest_degree")
LIST_FIELDS = ("skills", "certifications", "languages")
ENTRY_FIELDS = {
    "experience": ("company", "title", "start", "end"),
    "education": ("degree", "degree_level", "school", "year"),
}
DEGREE_LEVELS = ("high_school", "associate", "bachelor", "master", "doctorate")
_PATH_RE = re.compile(r"^(?P<top>[a-z_]+)(?:\[(?P<idx>\d{1,3})\](?:\.(?P<sub>[a-z_]+))?)?$")
_MONTH_RE = re.compile(r"^(?:19|20)\d\d-(?:0[1-9]|1[0-2])$")


def parse_path(path: str) -> tuple[str, int | None, str | None]:
    """(field, index, sub-field) of a field path; a UserError names the accepted paths."""
    m = _PATH_RE.match(path.strip())
    top, idx, sub = (m.group("top"), m.group("idx"), m.group("sub")) if m else (None, None, None)
    ok = (
        (top in SCALAR_FIELDS and idx is None)
        or (top in LIST_FIELDS and sub is None)
        or (top in ENTRY_FIELDS and idx is not None and sub in ENTRY_FIELDS[top])
    )
    if not ok:
        entries = ", ".join(f"{k}[i].{'|'.join(v)}" for k, v in ENTRY_FIELDS.items())
        raise UserError(
            f"unknown field path {path!r}: use one of {', '.join(SCALAR_FIELDS)}, "
            f"{'/'.join(LIST_FIELDS)} (or one item, skills[i]), {entries}"
        )
    return top, (int(idx) if idx is not None else None), sub


def parse_value(path: str, raw: str) -> Any:
    """The typed value of ``--value`` for ``path`` ("" or "null" clears a field)."""
    top, idx, sub = parse_path(path)
    text = raw.strip()
    if text.lower() in ("", "null", "none"):
        return None
    if top == "experience_years":
        try:
            years = float(text)
        except ValueError:
            raise UserError(f"{path} takes a number of years, got {raw!r}") from None
        if not 0 <= years <= 70:
            raise UserError(f"{path} must be between 0 and 70, got {years:g}")
        return years
    if top in LIST_FIELDS and idx is None:
        if text.startswith("["):
            try:
                items = json.loads(text)
            except json.JSONDecodeError as exc:
                raise UserError(f"{path}: not a JSON list ({exc})") from None
            if not isinstance(items, list):
                raise UserError(f"{path} takes a list")
            return [str(i).strip() for i in items if str(i).strip()]
        return [part.strip() for part in text.split(",") if part.strip()]
    if sub in ("start", "end"):
        if sub == "end" and text.lower() in ("present", "current", "now"):
            return None
        if not _MONTH_RE.match(text):
            raise UserError(f"{path} takes YYYY-MM (or 'present' for an end), got {raw!r}")
        return text
    if sub == "year":
        if not re.fullmatch(r"(?:19|20)\d\d", text):
            raise UserError(f"{path} takes a four-digit year, got {raw!r}")
        return int(text)
    if (sub == "degree_level" or top == "highest_degree") and text not in DEGREE_LEVELS:
        raise UserError(f"{path} takes one of {', '.join(DEGREE_LEVELS)}, got {raw!r}")
    if top == "email":
        return text.lower()
    return text


def get_value(record: Mapping[str, Any], path: str) -> Any:
    top, idx, sub = parse_path(path)
    value = record.get(top)
    if idx is None:
        return value
    items = value or []
    if idx >= len(items):
        return None
    return items[idx] if sub is None else (items[idx] or {}).get(sub)


def set_value(record: dict[str, Any], path: str, value: Any) -> None:
    top, idx, sub = parse_path(path)
    if idx is None:
        record[top] = value
        return
    items = list(record.get(top) or [])
    if idx > len(items):
        raise UserError(f"{path}: {top} has {len(items)} entries; add the next one as {top}[{len(items)}]")
    if idx == len(items):
        items.append({k: None for k in ENTRY_FIELDS[top]} if sub else None)
    if sub is None:
        items[idx] = value
    else:
        items[idx] = {**(items[idx] or {}), sub: value}
    record[top] = items


def apply_corrections(record: Mapping[str, Any], corrections: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """``record`` with ``corrections`` applied oldest first; ``corrected_fields`` lists the paths."""
    out = copy.deepcopy(dict(record))
    paths: list[str] = []
    for c in sorted(corrections, key=lambda c: (c["corrected_at"], c["correction_id"])):
        set_value(out, c["field_path"], c["new_value"])
        if c["field_path"] not in paths:
            paths.append(c["field_path"])
    out["corrected_fields"] = paths
    return out


def parsed_record(conn, submission_id: str) -> dict[str, Any]:
    """What the parser wrote for one submission: the submission row with its contact details."""
    cols = (
        ", ".join(f"s.{c}" for c in SUBMISSIONS.columns if c not in ("received_at",))
        + ", "
        + ", ".join(f"c.{c}" for c in CONTACT_FIELDS)
    )
    rows = warehouse.fetch_all(
        conn,
        f"SELECT {cols} FROM {SUBMISSIONS.qualified} s "
        f"LEFT JOIN {CONTACTS.qualified} c USING (submission_id) WHERE s.submission_id = %s",
        (submission_id,),
    )
    if not rows:
        raise UserError(f"no resume submission {submission_id!r} (see raw.resume_submissions)")
    return dict(rows[0])


def corrections_of(conn, submission_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    warehouse.ensure_table(conn, CORRECTIONS)
    cols = ", ".join(CORRECTIONS.columns)
    if submission_ids is None:
        return warehouse.fetch_all(
            conn, f"SELECT {cols} FROM {CORRECTIONS.qualified} ORDER BY corrected_at, correction_id"
        )
    return warehouse.fetch_all(
        conn,
        f"SELECT {cols} FROM {CORRECTIONS.qualified} WHERE submission_id = ANY(%s) "
        "ORDER BY corrected_at, correction_id",
        (list(submission_ids),),
    )


def corrected_record(conn, submission_id: str) -> dict[str, Any]:
    """The parsed record of one submission with HR's corrections applied (``corrected_fields``)."""
    return apply_corrections(parsed_record(conn, submission_id), corrections_of(conn, [submission_id]))


def record_correction(
    conn, submission_id: str, path: str, raw_value: str, by: str, at: datetime | None = None
) -> dict[str, Any]:
    """Store one correction and return its row; the value before is the current corrected value."""
    if not by.strip():
        raise UserError("--by must name who made the correction")
    value = parse_value(path, raw_value)
    current = corrected_record(conn, submission_id)
    top, idx, _ = parse_path(path)
    if idx is not None and idx > len(current.get(top) or []):
        raise UserError(f"{path}: {top} has {len(current.get(top) or [])} entries")
    row = {
        "correction_id": uuid.uuid4().hex,
        "submission_id": submission_id,
        "candidate_key": current.get("candidate_key"),
        "field_path": path.strip(),
        "old_value": get_value(current, path),
        "new_value": value,
        "corrected_by": by.strip(),
        "corrected_at": at or datetime.now(UTC),
    }
    # JSON text here: the loader passes strings through as JSON, and "Acme" alone is not JSON
    encoded = {k: json.dumps(row[k]) for k in ("old_value", "new_value")}
    warehouse.upsert(conn, CORRECTIONS, [{**row, **encoded}])
    return row


def export_corrections(conn) -> list[dict[str, Any]]:
    """Every correction as a labelled example: the parser's value, the value HR set, the file."""
    rows = corrections_of(conn)
    parsed: dict[str, dict[str, Any]] = {}
    out = []
    for row in rows:
        sid = row["submission_id"]
        if sid not in parsed:
            try:
                parsed[sid] = parsed_record(conn, sid)
            except UserError:  # the submission was erased or purged; the label stays
                parsed[sid] = {}
        rec = parsed[sid]
        out.append(
            {
                **row,
                "corrected_at": row["corrected_at"].isoformat(),
                "parsed_value": get_value(rec, row["field_path"]) if rec else None,
                "parser_version": rec.get("parser_version"),
                "object_key": rec.get("object_key"),
                "file_sha256": rec.get("file_sha256"),
            }
        )
    return out
