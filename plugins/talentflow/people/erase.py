"""Erasure (PIPL Art. 47, GDPR Art. 17): remove a person from the warehouse, the object store and
derived files, and keep a tombstone so that what is delivered about them later is refused.

What happens, in order:

1. Rows: every table of every schema (raw, restricted, dbt's materialised staging/intermediate/marts
   relations, incremental facts and snapshots included, audit) loses the rows that carry one of the
   person's identifiers (:func:`talentflow.people.catalog.match_condition`). The AI-system log
   (``audit.recommendations``) must be kept for its legal minimum (EU AI Act Art. 19; GDPR Art.
   17(3)(b)), so its rows are pseudonymised instead: the subject becomes ``erased:<hash>``.
   Columns that point at the person from someone else's row (``manager_id``) are set to NULL.
2. Mentions: any text or JSON value left anywhere that still contains the person's name, e-mail,
   phone or keys has those strings replaced by ``[erased]`` (data-quality samples, error messages).
3. Objects: their own objects (resumes, recordings, scoring tasks) are deleted; in shared exports
   their CSV line (the one whose first field is theirs) is dropped and other mentions are replaced.
4. Tombstone: one keyed hash per identifier (never the value) with when, why and who, and a row in
   ``audit.people_requests``.
5. Derived relations: with ``rebuild``, dbt rebuilds the marts (aggregates such as the hiring funnel
   then no longer count the person) and the attrition dashboard is re-rendered.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from psycopg import sql

from talentflow.core import storage, warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.tables.people import TOMBSTONES
from talentflow.people import catalog, requests
from talentflow.people.identity import Subject, keyed_hash, resolve

log = logging.getLogger(__name__)
REDACTED = "[erased]"
PSEUDONYMISE = {("audit", "recommendations"): "subject_id"}


def _redact_expr(column: str, typ: str, needles: list[str]) -> sql.Composable:
    expr: sql.Composable = sql.SQL("{}::text").format(sql.Identifier(column))
    for n in needles:
        expr = sql.SQL("replace({}, {}, {})").format(expr, sql.Literal(n), sql.Literal(REDACTED))
    return sql.SQL("({})::{}").format(expr, sql.SQL(typ))


def erase_rows(conn, subject: Subject, settings: Settings) -> dict:
    """Steps 1 and 2 on one connection (one transaction); returns rows touched per relation."""
    counts: dict[str, dict[str, int]] = {}
    token = "erased:" + keyed_hash("subject", subject.query, settings)[:16]
    needles = sorted(subject.needles(), key=len, reverse=True)  # longest first: no partial leftovers
    for rel in catalog.relations(conn):
        if not rel.is_table:
            continue  # views follow their tables
        done: dict[str, int] = {}
        cond = catalog.match_condition(rel, subject)
        if cond is not None:
            column = PSEUDONYMISE.get((rel.schema, rel.name))
            if column:
                cur = conn.execute(
                    sql.SQL("UPDATE {} SET {} = {} WHERE {}").format(
                        rel.ident, sql.Identifier(column), sql.Literal(token), cond
                    )
                )
                done["pseudonymised"] = cur.rowcount
            else:
                done["deleted"] = conn.execute(
                    sql.SQL("DELETE FROM {} WHERE {}").format(rel.ident, cond)
                ).rowcount
        for ref in catalog.REFERENCE_COLUMNS:
            if ref in rel.columns and subject.employee_ids:
                cur = conn.execute(
                    sql.SQL("UPDATE {} SET {} = NULL WHERE {}::text = ANY({})").format(
                        rel.ident,
                        sql.Identifier(ref),
                        sql.Identifier(ref),
                        sql.Literal(sorted(subject.employee_ids)),
                    )
                )
                done["references_cleared"] = done.get("references_cleared", 0) + cur.rowcount
        redacted = 0
        for column, typ in rel.columns.items():
            if typ not in catalog.TEXT_TYPES or not needles:
                continue
            pats = sql.Literal([f"%{catalog._like_escape(n)}%" for n in needles])
            cur = conn.execute(
                sql.SQL("UPDATE {} SET {} = {} WHERE {}::text LIKE ANY({})").format(
                    rel.ident,
                    sql.Identifier(column),
                    _redact_expr(column, typ, needles),
                    sql.Identifier(column),
                    pats,
                )
            )
            redacted += cur.rowcount
        if redacted:
            done["values_redacted"] = redacted
        if any(done.values()):
            counts[rel.qualified] = done
    return counts


def _redact_text(text: str, needles: list[str]) -> str:
    for n in needles:
        text = text.replace(n, REDACTED)
    return text


def erase_objects(store: storage.ObjectStore, subject: Subject) -> dict:
    """Step 3; returns counts of deleted and rewritten objects per top-level prefix."""
    counts: dict[str, dict[str, int]] = {}
    needles = sorted(subject.needles(), key=len, reverse=True)
    own_ids = subject.candidate_ids | subject.employee_ids
    for hit in list(catalog.scan_objects(store, subject)):
        top = hit.key.split("/", 1)[0]
        c = counts.setdefault(top, {"deleted": 0, "rewritten": 0})
        if hit.whole:
            if store.delete(hit.key):
                c["deleted"] += 1
            continue
        text = store.get(hit.key).decode("utf-8", errors="replace")
        lines = text.splitlines(keepends=True)
        kept = []
        for n, line in enumerate(lines):
            first = line.split(",", 1)[0].strip().strip('"')
            if n > 0 and hit.header is not None and first in own_ids:
                continue  # the person's own record in a shared export
            kept.append(_redact_text(line, needles))
        store.put(hit.key, "".join(kept).encode("utf-8"))
        c["rewritten"] += 1
    return counts


def write_tombstones(
    conn, subject: Subject, request_id: str, reason: str, requested_by: str, settings
) -> int:
    now = datetime.now(UTC)
    rows = {
        keyed_hash(kind, value, settings): {
            "identifier_hash": keyed_hash(kind, value, settings),
            "kind": kind,
            "request_id": request_id,
            "erased_at": now,
            "reason": reason,
            "requested_by": requested_by,
        }
        for kind, value in subject.identifiers()
    }
    warehouse.upsert(conn, TOMBSTONES, list(rows.values()), create=False)
    return len(rows)


def rebuild_derived(settings: Settings) -> dict:
    """Step 5: dbt rebuilds the marts; the attrition dashboard is re-rendered if there is one."""
    from talentflow.warehouse_build import dbt_project

    out: dict = {}
    try:
        dbt_project.run(["build", "--exclude", "resource_type:test", "resource_type:unit_test"], settings)
        out["dbt"] = "rebuilt"
    except Exception as exc:  # noqa: BLE001 - reported to the operator, the erasure itself stands
        out["dbt"] = f"failed: {exc}"
    try:
        from talentflow.attrition import dashboard

        store = storage.get_store(settings)
        if store.exists(f"{dashboard.PREFIX}/latest.html"):
            out["dashboard"] = dashboard.render_and_store(datetime.now(UTC).date(), settings)["keys"]
    except Exception as exc:  # noqa: BLE001
        out["dashboard"] = f"failed: {exc}"
    return out


def erase_subject(
    query: str,
    *,
    reason: str,
    requested_by: str,
    settings: Settings | None = None,
    tombstone: bool = True,
    rebuild: bool = False,
    kind: str = "erase",
) -> dict:
    """Erase the person ``query`` names everywhere; returns what was done (counts, never values)."""
    if not reason.strip() or not requested_by.strip():
        raise ValueError("an erasure needs a reason and who asked for it (they are kept with the tombstone)")
    settings = settings or get_settings()
    store = storage.get_store(settings)
    with warehouse.connect(settings) as conn:
        requests.ensure(conn)
        subject = resolve(query, settings, conn)
        rows = erase_rows(conn, subject, settings)
        objects = erase_objects(store, subject)
        summary = {"rows": rows, "objects": objects, "identifiers": len(subject.identifiers())}
        request_id = requests.log_request(conn, kind, query, requested_by, reason, summary, settings)
        if tombstone:
            summary["tombstones"] = write_tombstones(
                conn, subject, request_id, reason, requested_by, settings
            )
    summary["request_id"] = request_id
    if rebuild:
        summary["rebuild"] = rebuild_derived(settings)
    log.info("erasure %s: %d relations and %d prefixes touched", request_id, len(rows), len(objects))
    return summary
