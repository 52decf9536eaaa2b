"""Retention of personal data in the warehouse, beside the object-store policies of
:mod:`talentflow.retention.purge` (which calls this and records each purge the same way):

- ``candidates``: candidates never hired are erased (no tombstone: they may apply again) once their
  last application is older than ``TALENTFLOW_CANDIDATE_RETENTION_DAYS``;
- ``ai_log``: automated recommendations (``audit.recommendations``) older than
  ``TALENTFLOW_AI_LOG_RETENTION_DAYS`` (at least six months, EU AI Act Art. 19);
- ``audit_log``: ingest errors and data-quality results older than ``TALENTFLOW_AUDIT_RETENTION_DAYS``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from talentflow.core import warehouse
from talentflow.core.config import Settings
from talentflow.core.tables.platform import PURGES


@dataclass(frozen=True)
class TablePolicy:
    name: str
    table: str
    time_column: str
    id_column: str
    days: int


def table_policies(settings: Settings) -> tuple[TablePolicy, ...]:
    return (
        TablePolicy(
            "ai_log",
            "audit.recommendations",
            "created_at",
            "recommendation_id",
            settings.ai_log_retention_days,
        ),
        TablePolicy(
            "audit_log", "audit.ingest_errors", "occurred_at", "error_id", settings.audit_retention_days
        ),
        TablePolicy(
            "audit_log",
            "audit.data_quality_results",
            "checked_at",
            "result_id",
            settings.audit_retention_days,
        ),
    )


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def expired_candidates(conn, cutoff: datetime) -> list[str]:
    """ATS candidates whose last application is before ``cutoff`` and who were never hired."""
    if not conn.execute("SELECT to_regclass('raw.ats_applications') IS NOT NULL").fetchone()[0]:
        return []
    hired_elsewhere = (
        "AND candidate_id NOT IN (SELECT candidate_id FROM raw.hris_employees WHERE candidate_id IS NOT NULL)"
        if conn.execute("SELECT to_regclass('raw.hris_employees') IS NOT NULL").fetchone()[0]
        else ""
    )
    rows = conn.execute(
        "SELECT candidate_id FROM raw.ats_applications GROUP BY candidate_id "
        f"HAVING NOT bool_or(coalesce(hired, false)) AND max(applied_at) < %s {hired_elsewhere} ORDER BY 1",
        (cutoff.date(),),
    ).fetchall()
    return [r[0] for r in rows]


def purge_warehouse(settings: Settings, *, now: datetime, dry_run: bool, run_id: str) -> dict:
    """Apply the warehouse policies; returns per-policy counts in the shape of the object policies."""
    from talentflow.people.erase import erase_subject

    summary: dict = {}
    audit_rows: list[dict] = []
    cutoff = now - timedelta(days=settings.candidate_retention_days)
    with warehouse.connect(settings) as conn:
        expired = expired_candidates(conn, cutoff)
    purged = 0
    for cid in expired:
        if not dry_run:
            try:
                erase_subject(
                    cid,
                    reason=f"retention: never hired, last applied over {settings.candidate_retention_days} days ago",
                    requested_by=f"retention_purge:{run_id}",
                    settings=settings,
                    tombstone=False,
                    kind="retention",
                )
            except Exception:  # noqa: BLE001 - the others go on; the run reports the shortfall
                continue
        purged += 1
        audit_rows.append(
            {
                "purge_id": _sha(f"candidates\n{cid}\n{now.date()}"),
                "policy": "candidates",
                "prefix": "warehouse:candidate",
                "key_sha256": _sha(cid),
                "size_bytes": 0,
                "last_modified": cutoff,
                "retention_days": settings.candidate_retention_days,
                "purged_at": now,
                "run_id": run_id,
            }
        )
    summary["candidates"] = {
        "prefix": "warehouse:candidate",
        "retention_days": settings.candidate_retention_days,
        "cutoff": cutoff.isoformat(),
        "checked": len(expired),
        "purged" if not dry_run else "would_purge": purged,
        "bytes": 0,
    }
    with warehouse.connect(settings) as conn:
        for policy in table_policies(settings):
            cut = now - timedelta(days=policy.days)
            if not conn.execute("SELECT to_regclass(%s) IS NOT NULL", (policy.table,)).fetchone()[0]:
                continue
            if dry_run:
                n = conn.execute(
                    f"SELECT count(*) FROM {policy.table} WHERE {policy.time_column} < %s", (cut,)
                ).fetchone()[0]
            else:
                ids = conn.execute(
                    f"DELETE FROM {policy.table} WHERE {policy.time_column} < %s RETURNING {policy.id_column}",
                    (cut,),
                ).fetchall()
                n = len(ids)
                audit_rows += [
                    {
                        "purge_id": _sha(f"{policy.table}\n{i[0]}"),
                        "policy": policy.name,
                        "prefix": f"warehouse:{policy.table}",
                        "key_sha256": _sha(str(i[0])),
                        "size_bytes": 0,
                        "last_modified": cut,
                        "retention_days": policy.days,
                        "purged_at": now,
                        "run_id": run_id,
                    }
                    for i in ids
                ]
            entry = summary.setdefault(
                policy.name,
                {
                    "prefix": "warehouse:",
                    "retention_days": policy.days,
                    "cutoff": cut.isoformat(),
                    "checked": 0,
                    "purged" if not dry_run else "would_purge": 0,
                    "bytes": 0,
                },
            )
            entry["prefix"] += ("," if entry["prefix"] != "warehouse:" else "") + policy.table
            entry["purged" if not dry_run else "would_purge"] += n
        if audit_rows and not dry_run:
            warehouse.ensure_table(conn, PURGES)
            warehouse.upsert(conn, PURGES, audit_rows, create=False)
    summary["_recorded"] = len(audit_rows) if not dry_run else 0
    return summary


def purge_personal_data(
    settings: Settings | None = None,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    run_id: str = "cli",
) -> dict:
    """The warehouse policies alone (the people_retention DAG and ``talentflow people purge``)."""
    from datetime import UTC

    from talentflow.core.config import get_settings

    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    policies = purge_warehouse(settings, now=now, dry_run=dry_run, run_id=run_id)
    recorded = policies.pop("_recorded")
    return {"dry_run": dry_run, "now": now.isoformat(), "policies": policies, "recorded": recorded}
