"""Retention: interview recordings and quarantined files are deleted from the object store once older
than their retention period (PIPL Art. 19: personal information is kept no longer than its purpose
needs), and every deletion is recorded in ``audit.retention_purges``.

In production MinIO's lifecycle rules (``infra/minio/lifecycle.json``) expire the same prefixes; this
module applies the same policy where no lifecycle runs (the embedded local store, an S3 without
rules) and leaves evidence either way. The audit row keeps the object key's SHA-256, never the key:
quarantined resumes keep their uploaded file names, which often contain a person's name.

What is kept: the warehouse rows (transcripts' scores, evidence sentences, recommendations) stay; only
the raw media and rejected files go.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from talentflow.core import storage, warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.tables.platform import PURGES

log = logging.getLogger(__name__)
BATCH = 500


@dataclass(frozen=True)
class Policy:
    name: str
    prefix: str
    days: int
    what: str


def policies(settings: Settings) -> tuple[Policy, ...]:
    return (
        Policy("recordings", "recordings/", settings.recordings_retention_days, "interview recordings"),
        Policy(
            "quarantine",
            "quarantine/",
            settings.quarantine_retention_days,
            "rejected uploads and their .error.json",
        ),
    )


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def purge(
    settings: Settings | None = None,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    run_id: str = "cli",
    progress: Callable[[str], None] | None = None,
    warehouse_data: bool = False,
) -> dict:
    """Delete every object past its policy's retention; returns per-policy counts and bytes.

    ``dry_run`` counts what would go and deletes nothing. Objects are deleted in batches of
    ``BATCH`` and each batch is recorded right after, so the audit never lists an object that is
    still there; if that write fails the run fails, and the log holds the deleted keys' hashes.
    A re-run deletes what an interrupted one left and records nothing twice. ``warehouse_data`` also
    applies the warehouse policies of :mod:`talentflow.people.retention` (the people_retention DAG).
    """
    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    store = storage.get_store(settings)
    summary: dict = {"dry_run": dry_run, "now": now.isoformat(), "policies": {}}
    recorded = 0
    if not dry_run:  # the table exists (empty) from the first run on, for whoever audits it
        with warehouse.connect(settings) as conn:
            warehouse.ensure_table(conn, PURGES)

    def record(batch: list[dict]) -> None:
        nonlocal recorded
        if batch and not dry_run:
            with warehouse.connect(settings) as conn:
                warehouse.upsert(conn, PURGES, batch, create=False)
            recorded += len(batch)
        batch.clear()

    for policy in policies(settings):
        cutoff = now - timedelta(days=policy.days)
        checked = purged = size = 0
        batch: list[dict] = []
        for obj in list(store.list(policy.prefix)):
            checked += 1
            if obj.modified >= cutoff:
                continue
            digest = _sha(obj.key)
            if not dry_run:
                if not store.delete(obj.key):
                    continue  # gone already (another run, or the bucket's own lifecycle)
                log.info(
                    "retention %s: deleted %s (%d bytes, last modified %s)",
                    policy.name,
                    digest,
                    obj.size,
                    obj.modified.isoformat(),
                )
            purged += 1
            size += obj.size
            batch.append(
                {
                    "purge_id": _sha(f"{obj.key}\n{obj.modified.isoformat()}"),
                    "policy": policy.name,
                    "prefix": policy.prefix,
                    "key_sha256": digest,
                    "size_bytes": obj.size,
                    "last_modified": obj.modified,
                    "retention_days": policy.days,
                    "purged_at": now,
                    "run_id": run_id,
                }
            )
            if len(batch) >= BATCH:
                record(batch)
        record(batch)
        summary["policies"][policy.name] = {
            "prefix": policy.prefix,
            "retention_days": policy.days,
            "cutoff": cutoff.isoformat(),
            "checked": checked,
            "purged" if not dry_run else "would_purge": purged,
            "bytes": size,
        }
        message = (
            f"retention {policy.name}: {purged} of {checked} objects under {policy.prefix} older than "
            f"{policy.days} days {'would be ' if dry_run else ''}deleted ({size:,} bytes)"
        )
        log.info(message)
        if progress:
            progress(message)
    if warehouse_data:  # personal data in the warehouse: never-hired candidates, AI-system log, audit
        from talentflow.people.retention import purge_warehouse

        tables = purge_warehouse(settings, now=now, dry_run=dry_run, run_id=run_id)
        recorded += tables.pop("_recorded")
        summary["policies"].update(tables)
    summary["recorded"] = recorded
    return summary
