"""Every relation of the warehouse and where one person's rows and files can be: the map both the
export and the erasure walk, so that a table or prefix added later is covered without a change here."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from psycopg import sql

from talentflow.core import storage
from talentflow.people.identity import Subject

SKIP_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast", "keyring")
# Our own evidence: tombstones and request logs hold keyed hashes only; purges hold key hashes.
KEEP = {("audit", "people_tombstones"), ("audit", "people_requests"), ("audit", "retention_purges")}
TEXT_TYPES = ("text", "character varying", "jsonb", "json", "text[]", "character varying[]")
# Columns that point at another person (the subject as someone's manager or reviewer).
REFERENCE_COLUMNS = ("manager_id", "reviewer_id")
# Objects under these prefixes belong to one person each (resumes, recordings, scoring tasks).
PERSONAL_PREFIXES = (
    "archive/resumes/",
    "incoming/resumes/",
    "quarantine/resumes/",
    "recordings/",
    "scoring-tasks/",
)
TEXT_SUFFIXES = (".json", ".jsonl", ".csv", ".txt", ".md", ".html", ".yaml", ".yml", ".tsv")
LINE_SUFFIXES = (".csv", ".jsonl", ".tsv")
MAX_SCAN_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Relation:
    schema: str
    name: str
    kind: str  # r table, p partitioned, v view, m materialised view
    columns: dict[str, str]

    @property
    def ident(self) -> sql.Composed:
        return sql.Identifier(self.schema, self.name)

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def is_table(self) -> bool:
        return self.kind in ("r", "p")


def relations(conn) -> list[Relation]:
    rows = conn.execute(
        """
        SELECT n.nspname, c.relname, c.relkind, a.attname, format_type(a.atttypid, NULL)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname NOT LIKE 'pg_%%'
          AND n.nspname <> ALL(%s) AND NOT c.relispartition
        ORDER BY n.nspname, c.relname, a.attnum
        """,
        (list(SKIP_SCHEMAS),),
    ).fetchall()
    out: dict[tuple[str, str], Relation] = {}
    for schema, name, kind, col, typ in rows:
        rel = out.setdefault((schema, name), Relation(schema, name, kind, {}))
        rel.columns[col] = typ
    return [r for k, r in out.items() if k not in KEEP and not k[0].startswith("airflow")]


def match_condition(rel: Relation, subject: Subject) -> sql.Composable | None:
    """``col = ANY(values) OR …`` over the relation's identifying columns; None if it has none."""
    parts = []
    for column, values in subject.column_values().items():
        if column in rel.columns and values:
            parts.append(
                sql.SQL("{}::text = ANY({})").format(sql.Identifier(column), sql.Literal(sorted(values)))
            )
    if "object_key" in rel.columns and subject.resume_files:
        pats = [f"%/{f}" for f in sorted(subject.resume_files)] + [
            f"%{k}" for k in sorted(subject.object_keys)
        ]
        parts.append(sql.SQL("{} LIKE ANY({})").format(sql.Identifier("object_key"), sql.Literal(pats)))
    return sql.SQL(" OR ").join(parts) if parts else None


def mention_condition(rel: Relation, needles: set[str]) -> sql.Composable | None:
    """Rows whose text columns contain any of the needles."""
    cols = [c for c, t in rel.columns.items() if t in TEXT_TYPES]
    if not cols or not needles:
        return None
    pats = sql.Literal(sorted(f"%{_like_escape(n)}%" for n in needles))
    return sql.SQL(" OR ").join(
        sql.SQL("{}::text LIKE ANY({})").format(sql.Identifier(c), pats) for c in cols
    )


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# ---- objects ----------------------------------------------------------------------------------------


def _is_text(key: str) -> bool:
    return key.lower().endswith(TEXT_SUFFIXES)


def owned_object(key: str, subject: Subject) -> bool:
    """True when the object is this person's alone (their resume, recording or scoring task)."""
    name = key.rsplit("/", 1)[-1]
    if key in subject.object_keys:
        return True
    if key.startswith(("archive/resumes/", "incoming/resumes/", "quarantine/resumes/")):
        base = name.removesuffix(".error.json")
        return base in subject.resume_files
    if key.startswith("recordings/"):
        parts = key.split("/")
        return len(parts) > 2 and (parts[1] in subject.candidate_ids or parts[1] in subject.task_ids)
    if key.startswith("scoring-tasks/"):
        task = name.removesuffix(".json").removesuffix(".claim")
        return task in subject.task_ids or any(task.startswith(f"{t}-") for t in subject.task_ids)
    return False


@dataclass
class ObjectHit:
    key: str
    whole: bool  # the object is the person's; else only ``lines`` (or mentions) are
    lines: list[str]
    header: str | None = None


def scan_objects(store: storage.ObjectStore, subject: Subject) -> Iterator[ObjectHit]:
    """Objects about this person: their own files whole, and their lines in shared text files."""
    needles = subject.needles()
    for obj in store.list(""):
        key = obj.key
        if owned_object(key, subject):
            yield ObjectHit(key, True, [])
            continue
        if not _is_text(key) or obj.size > MAX_SCAN_BYTES:
            continue
        text = store.get(key).decode("utf-8", errors="replace")
        if not any(n in text for n in needles):
            continue
        if key.startswith(PERSONAL_PREFIXES):
            yield ObjectHit(key, True, [])  # e.g. a manifest of theirs under another task id
        elif key.lower().endswith(LINE_SUFFIXES):
            lines = text.splitlines()
            hits = [ln for ln in lines[1:] if any(n in ln for n in needles)]
            if key.lower().endswith(".jsonl"):
                hits = [ln for ln in lines if any(n in ln for n in needles)]
            header = None if key.lower().endswith(".jsonl") else (lines[0] if lines else None)
            yield ObjectHit(key, False, hits, header)
        else:
            yield ObjectHit(key, False, [ln for ln in text.splitlines() if any(n in ln for n in needles)])


def csv_records(hit: ObjectHit) -> list[dict]:
    if hit.header is None:
        return [json.loads(ln) for ln in hit.lines if ln.strip()]
    return list(csv.DictReader(io.StringIO("\n".join([hit.header, *hit.lines]))))
