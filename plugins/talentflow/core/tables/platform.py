"""Tables the platform itself owns: health checks, the audit trail of automated recommendations (written
by interviews, the warehouse build and attrition alike) and the retention purge log."""

from __future__ import annotations

from talentflow.core.warehouse import TableSpec

HEALTH_TABLE = TableSpec(
    schema="raw",
    name="platform_health_checks",
    columns={
        "check_id": "text",
        "run_id": "text",
        "checked_at": "timestamptz",
        "store_backend": "text",
        "object_key": "text",
        "store_roundtrip_ms": "double precision",
        "warehouse_ok": "boolean",
        "store_ok": "boolean",
    },
    key=["check_id"],
    comment="One row per platform health-check run (object-store round trip + warehouse load).",
)

RECOMMENDATIONS = TableSpec(
    "audit",
    "recommendations",
    {
        "recommendation_id": "text",
        "subject_type": "text",
        "subject_id": "text",
        "recommendation": "text",
        "model_version": "text",
        "inputs": "jsonb",
        "explanation": "jsonb",
        "created_at": "timestamptz",
    },
    ["recommendation_id"],
    comment="Every automated recommendation with its model version and evidence.",
)

PURGES = TableSpec(
    "audit",
    "retention_purges",
    {
        "purge_id": "text",
        "policy": "text",
        "prefix": "text",
        "key_sha256": "text",
        "size_bytes": "bigint",
        "last_modified": "timestamptz",
        "retention_days": "integer",
        "purged_at": "timestamptz",
        "run_id": "text",
    },
    key=["purge_id"],
    comment="Objects deleted by the retention policy (talentflow.retention.purge): one row per object, the key "
    "as its SHA-256 only.",
    column_comments={
        "purge_id": "SHA-256 of the object key and its last-modified time (a re-run adds nothing).",
        "policy": "recordings or quarantine.",
        "prefix": "Object-store prefix the policy covers.",
        "key_sha256": "SHA-256 of the deleted object's key (the key itself may contain a name).",
        "size_bytes": "Size of the deleted object.",
        "last_modified": "When the object was last written.",
        "retention_days": "The retention period in force when it was deleted.",
        "purged_at": "When it was deleted.",
        "run_id": "Airflow run (or 'cli') that deleted it.",
    },
    insert_only=("purged_at", "run_id"),
)

TABLES = [HEALTH_TABLE, RECOMMENDATIONS, PURGES]
