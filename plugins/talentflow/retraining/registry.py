"""The scoring-model registry: every version, who approved it, which one is active.

A version's artefact is its YAML (the ``ScoringModelVersion`` format of
``scoring_tasks/models/default.yaml``) under ``models/scoring/<version>.yaml`` on object storage,
written once and never changed; its row in ``audit.scoring_model_versions`` carries the status
(candidate → approved → active → retired, or rejected), weights, guard metrics and reasons.
At most one version is active (a partial unique index enforces it). The shipped default becomes the
first registered (root) version, so rollback can always return to it.

``active_version(settings)`` is what interview scoring calls; it falls back to the shipped default
while the registry is empty.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime

import psycopg
import yaml

from scoring_tasks.model_version import ScoringModelVersion, load_model_version
from talentflow.core import storage, warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.tables.retraining import ACTIVATIONS, APPROVALS, AUDIT_TABLES, VERSIONS

log = logging.getLogger(__name__)
ARTIFACT_PREFIX = "models/scoring"
STATUSES = ("candidate", "approved", "active", "rejected", "retired")
_LOCK_ID = 0x7A1E5C0DE  # serialises status changes across processes
_SELECT = (
    "SELECT version, parent_version, created_at, status, weights, metrics, reasons, artifact_key, "
    "approved_by, approved_at, activated_at, run_id FROM audit.scoring_model_versions"
)


class RegistryError(ValueError):
    """A registry operation cannot be done as asked; the message says why and what to do."""


def artifact_key(version: str) -> str:
    return f"{ARTIFACT_PREFIX}/{storage.validate_key(version)}.yaml"


def shipped_default() -> ScoringModelVersion:
    return load_model_version()


def ensure_registry(conn: psycopg.Connection) -> None:
    for spec in AUDIT_TABLES:
        warehouse.ensure_table(conn, spec)
    conn.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS scoring_model_versions_one_active "
        "ON audit.scoring_model_versions ((true)) WHERE status = 'active'"
    )


def _lock(conn: psycopg.Connection) -> None:
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))


def write_artifact(version: ScoringModelVersion, settings: Settings | None = None) -> str:
    """Upload the version's YAML once (artefacts are immutable); return its key."""
    key = artifact_key(version.version)
    store = storage.get_store(settings)
    store.ensure_ready()
    text = yaml.safe_dump(version.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
    try:
        store.put(key, text.encode(), content_type="application/yaml", if_absent=True)
    except storage.ObjectExists:
        existing = load_model_version(yaml.safe_load(store.get(key)))
        if existing.model_dump() != version.model_dump():
            raise RegistryError(
                f"artefact {key} already exists with different content; a version id must never be reused"
            ) from None
    return key


def _row(conn: psycopg.Connection, version: str, *, lock: bool = False) -> dict | None:
    rows = warehouse.fetch_all(
        conn, _SELECT + " WHERE version = %s" + (" FOR UPDATE" if lock else ""), (version,)
    )
    return rows[0] if rows else None


def _active_row(conn: psycopg.Connection) -> dict | None:
    rows = warehouse.fetch_all(conn, _SELECT + " WHERE status = 'active'")
    return rows[0] if rows else None


def _activation(
    conn, version: str, previous: str | None, action: str, by: str | None, run_id: str | None
) -> None:
    warehouse.upsert(
        conn,
        ACTIVATIONS,
        [
            {
                "activation_id": uuid.uuid4().hex,
                "version": version,
                "previous_version": previous,
                "action": action,
                "activated_by": by,
                "run_id": run_id,
                "activated_at": datetime.now(UTC),
            }
        ],
        create=False,
    )


def ensure_root(settings: Settings | None = None) -> str:
    """Register the shipped default as the active root version when nothing is active yet."""
    settings = settings or get_settings()
    default = shipped_default()
    with warehouse.connect(settings) as conn:
        ensure_registry(conn)
        _lock(conn)
        active = _active_row(conn)
        if active:
            return active["version"]
        key = write_artifact(default, settings)
        now = datetime.now(UTC)
        if _row(conn, default.version) is None:
            warehouse.upsert(
                conn,
                VERSIONS,
                [
                    {
                        "version": default.version,
                        "parent_version": None,
                        "created_at": now,
                        "status": "active",
                        "weights": default.competency_weights,
                        "metrics": {},
                        "reasons": [f"shipped default: {default.source}"],
                        "artifact_key": key,
                        "approved_by": "shipped",
                        "approved_at": now,
                        "activated_at": now,
                        "run_id": None,
                    }
                ],
                create=False,
            )
        else:
            conn.execute(
                "UPDATE audit.scoring_model_versions SET status = 'active', activated_at = now() "
                "WHERE version = %s",
                (default.version,),
            )
        _activation(conn, default.version, None, "bootstrap", "talentflow", None)
        return default.version


def register(
    version: ScoringModelVersion,
    *,
    parent: str | None,
    status: str,
    metrics: dict,
    reasons: list,
    run_id: str | None,
    settings: Settings | None = None,
) -> dict:
    """Keep a version (artefact + row). A re-registration never downgrades an approved/active/retired row."""
    if status not in ("candidate", "rejected"):
        raise ValueError(f"a new version is registered as candidate or rejected, not {status!r}")
    settings = settings or get_settings()
    key = write_artifact(version, settings)
    with warehouse.connect(settings) as conn:
        ensure_registry(conn)
        _lock(conn)
        existing = _row(conn, version.version, lock=True)
        if existing and existing["status"] not in ("candidate", "rejected"):
            log.info(
                "version %s is already %s; metrics refreshed, status kept",
                version.version,
                existing["status"],
            )
            status = existing["status"]
        elif (
            existing
            and existing["status"] == "rejected"
            and conn.execute(
                "SELECT 1 FROM audit.scoring_model_approvals WHERE version = %s AND decision = 'rejected'",
                (version.version,),
            ).fetchone()
        ):
            status = "rejected"  # a person rejected it: the same candidate proposed again stays rejected
            reasons = existing.get("reasons") or reasons
        conn.execute(
            "INSERT INTO audit.scoring_model_versions (version, parent_version, created_at, status, weights, metrics,"
            " reasons, artifact_key, run_id) VALUES (%s, %s, now(), %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (version) DO UPDATE SET status = EXCLUDED.status, metrics = EXCLUDED.metrics,"
            " reasons = EXCLUDED.reasons, run_id = EXCLUDED.run_id, _loaded_at = now()",
            (
                version.version,
                parent,
                status,
                json.dumps(version.competency_weights),
                json.dumps(metrics, default=str),
                json.dumps(reasons, default=str),
                key,
                run_id,
            ),
        )
        return _row(conn, version.version)


def get(version: str, settings: Settings | None = None) -> dict | None:
    with warehouse.connect(settings) as conn:
        ensure_registry(conn)
        return _row(conn, version)


def list_versions(settings: Settings | None = None) -> list[dict]:
    with warehouse.connect(settings) as conn:
        ensure_registry(conn)
        return warehouse.fetch_all(conn, _SELECT + " ORDER BY created_at, version")


def load_version(version: str, settings: Settings | None = None) -> ScoringModelVersion:
    """A registered version from its artefact (the shipped default also when it is not registered)."""
    default = shipped_default()
    store = storage.get_store(settings)
    try:
        return load_model_version(yaml.safe_load(store.get(artifact_key(version))))
    except storage.ObjectNotFound:
        if version == default.version:
            return default
        raise RegistryError(
            f"no artefact {artifact_key(version)} for scoring-model version '{version}' "
            "(see `talentflow scoring versions`)"
        ) from None


def _active_or_none(settings: Settings | None) -> dict | None:
    with warehouse.connect(settings) as conn:
        if conn.execute("SELECT to_regclass('audit.scoring_model_versions')").fetchone()[0] is None:
            return None  # the registry was never used
        return _active_row(conn)


def active_name(settings: Settings | None = None) -> str:
    row = _active_or_none(settings)
    return row["version"] if row else shipped_default().version


def active_version(settings: Settings | None = None) -> ScoringModelVersion:
    """The version interview scoring must use: the registry's active one, else the shipped default."""
    settings = settings or get_settings()
    row = _active_or_none(settings)
    if row is None:
        return shipped_default()
    return load_version(row["version"], settings)


def decide(
    version: str,
    decision: str,
    by: str,
    *,
    comment: str = "",
    channel: str = "cli",
    settings: Settings | None = None,
) -> dict:
    """Record a person's approval or rejection of a candidate version (one that passed the guard)."""
    if decision not in ("approved", "rejected"):
        raise ValueError(f"decision must be approved or rejected, not {decision!r}")
    if not by or not by.strip():
        raise RegistryError("say who decides: --by NAME")
    settings = settings or get_settings()
    with warehouse.connect(settings) as conn:
        ensure_registry(conn)
        _lock(conn)
        row = _row(conn, version, lock=True)
        if row is None:
            raise RegistryError(
                f"unknown scoring-model version '{version}' (see `talentflow scoring versions`)"
            )
        status = row["status"]
        if decision == "approved" and status in ("approved", "active", "retired") and row.get("approved_by"):
            return {**row, "note": f"already approved by {row['approved_by']}"}
        if status == "rejected":
            why = "; ".join(map(str, row.get("reasons") or [])) or "rejected"
            raise RegistryError(
                f"'{version}' was rejected ({why}); it cannot be {decision}. Re-run "
                "feedback_retraining for a new candidate"
            )
        if status != "candidate":
            raise RegistryError(f"'{version}' is {status}; only a candidate can be {decision}")
        now = datetime.now(UTC)
        warehouse.upsert(
            conn,
            APPROVALS,
            [
                {
                    "approval_id": uuid.uuid4().hex,
                    "version": version,
                    "decision": decision,
                    "decided_by": by.strip(),
                    "decided_at": now,
                    "comment": comment,
                    "channel": channel,
                }
            ],
            create=False,
        )
        reasons = list(row.get("reasons") or [])
        if decision == "rejected":
            reasons.append(f"rejected by {by.strip()}: {comment or 'no reason given'}")
        if decision == "approved":
            conn.execute(
                "UPDATE audit.scoring_model_versions SET status = 'approved', approved_by = %s,"
                " approved_at = %s, _loaded_at = now() WHERE version = %s",
                (by.strip(), now, version),
            )
        else:
            conn.execute(
                "UPDATE audit.scoring_model_versions SET status = 'rejected', reasons = %s,"
                " _loaded_at = now() WHERE version = %s",
                (json.dumps(reasons), version),
            )
        return _row(conn, version)


def _activate(
    version: str,
    *,
    action: str,
    allowed: tuple[str, ...],
    by: str | None,
    run_id: str | None,
    settings: Settings | None,
) -> dict:
    settings = settings or get_settings()
    ensure_root(settings)
    with warehouse.connect(settings) as conn:
        _lock(conn)
        row = _row(conn, version, lock=True)
        if row is None:
            raise RegistryError(
                f"unknown scoring-model version '{version}' (see `talentflow scoring versions`)"
            )
        current = _active_row(conn)
        if current and current["version"] == version:
            return {**row, "previous_version": version, "note": f"'{version}' is already active"}
        if row["status"] not in allowed:
            raise RegistryError(
                f"'{version}' is {row['status']}; {action} needs a version that is {' or '.join(allowed)}"
            )
        load_version(version, settings)  # the artefact must be there before scoring may use it
        if current:
            conn.execute(
                "UPDATE audit.scoring_model_versions SET status = 'retired', _loaded_at = now() "
                "WHERE version = %s",
                (current["version"],),
            )
        conn.execute(
            "UPDATE audit.scoring_model_versions SET status = 'active', activated_at = now(),"
            " _loaded_at = now() WHERE version = %s",
            (version,),
        )
        _activation(conn, version, current["version"] if current else None, action, by, run_id)
        return {**_row(conn, version), "previous_version": current["version"] if current else None}


def promote(
    version: str, *, by: str | None = None, run_id: str | None = None, settings: Settings | None = None
) -> dict:
    """Make an approved candidate the active version (the previous one is retired)."""
    return _activate(
        version, action="promote", allowed=("approved",), by=by, run_id=run_id, settings=settings
    )


def rollback(version: str, *, by: str | None = None, settings: Settings | None = None) -> dict:
    """Make an earlier version active again: one that was active before (retired) or was approved."""
    return _activate(
        version, action="rollback", allowed=("retired", "approved"), by=by, run_id=None, settings=settings
    )
