"""Tables of people's rights (talentflow.people) and public audits (talentflow.fairness): the requests
answered, the tombstones of erased people and the bias audits produced."""

from __future__ import annotations

from talentflow.core.warehouse import TableSpec

REQUESTS = TableSpec(
    "audit",
    "people_requests",
    {
        "request_id": "text",
        "kind": "text",
        "subject_hash": "text",
        "requested_by": "text",
        "reason": "text",
        "requested_at": "timestamptz",
        "summary": "jsonb",
    },
    ["request_id"],
    comment="Every subject request answered (export, erase, withdraw_consent, retention): who asked, when, "
    "why and what was done; the subject only as a keyed hash.",
    column_comments={
        "kind": "export, erase, withdraw_consent or retention (an erasure by the retention purge).",
        "subject_hash": "HMAC-SHA256 of the subject as asked for (TALENTFLOW_TOMBSTONE_KEY).",
        "summary": "Counts of rows and objects exported, deleted or pseudonymised, per table and prefix.",
    },
)

TOMBSTONES = TableSpec(
    "audit",
    "people_tombstones",
    {
        "identifier_hash": "text",
        "kind": "text",
        "request_id": "text",
        "erased_at": "timestamptz",
        "reason": "text",
        "requested_by": "text",
    },
    ["identifier_hash"],
    comment="One row per identifier (e-mail, phone, candidate/employee id and key) of an erased person, as "
    "a keyed hash only: re-delivered resumes and scoring tasks of that person are refused.",
    column_comments={
        "identifier_hash": "HMAC-SHA256 of kind:normalised value (TALENTFLOW_TOMBSTONE_KEY).",
        "kind": "email, phone, candidate_id, candidate_key or employee_id.",
    },
)

BIAS_AUDITS = TableSpec(
    "audit",
    "bias_audits",
    {
        "audit_id": "text",
        "period_from": "date",
        "period_to": "date",
        "created_at": "timestamptz",
        "assessed": "integer",
        "min_impact_ratio": "double precision",
        "html_key": "text",
        "json_key": "text",
        "report": "jsonb",
        "run_id": "text",
    },
    ["audit_id"],
    comment="Bias audits in the NYC Local Law 144 form (talentflow.fairness): rates and impact ratios of "
    "the interview recommendation and score by sex, race/ethnicity and both.",
)

TABLES = [REQUESTS, TOMBSTONES, BIAS_AUDITS]
