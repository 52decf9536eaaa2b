"""Tables of the HR-system API (``talentflow serve``): API clients, idempotency keys, the candidates,
interview invitations and hiring decisions HR systems push, webhook endpoints and their deliveries, and
the access log of personal-data reads.

Secrets (client secrets, webhook signing secrets) and stored responses live in ``restricted``; what dbt
may read (candidates pushed, invitations, decisions) in ``raw``; who read what and every webhook
attempt in ``audit``. Requisitions and consents go to the ATS tables (``core/tables/ats.py``) so the
DAGs read one source whatever way the data came in.
"""

from __future__ import annotations

from talentflow.core.warehouse import TableSpec

API_CLIENTS = TableSpec(
    "restricted",
    "api_clients",
    {
        "client_id": "text",
        "name": "text",
        "tenant": "text",
        "scopes": "jsonb",
        "secret_hash": "text",
        "secret_version": "integer",
        "status": "text",
        "created_at": "timestamptz",
        "rotated_at": "timestamptz",
        "revoked_at": "timestamptz",
    },
    ["client_id"],
    comment="One OAuth client per connected HR system/tenant; secrets stored as scrypt hashes only.",
)

IDEMPOTENCY_KEYS = TableSpec(
    "restricted",
    "api_idempotency_keys",
    {
        "client_id": "text",
        "idempotency_key": "text",
        "method": "text",
        "path": "text",
        "request_sha256": "text",
        "status_code": "integer",
        "response": "jsonb",
        "created_at": "timestamptz",
    },
    ["client_id", "idempotency_key"],
    comment="First result of every write per (client, Idempotency-Key): a replay returns it unchanged.",
)

REQUISITIONS = TableSpec(
    "raw",
    "api_requisitions",
    {
        "requisition_id": "text",
        "client_id": "text",
        "external_id": "text",
        "created_at": "timestamptz",
        "updated_at": "timestamptz",
    },
    ["requisition_id"],
    comment="Which HR-system client owns each requisition it pushed (the requisition is in raw.ats_requisitions).",
)

CANDIDATES = TableSpec(
    "raw",
    "api_candidates",
    {
        "candidate_id": "text",
        "client_id": "text",
        "external_id": "text",
        "requisition_id": "text",
        "resume_object_key": "text",
        "resume_sha256": "text",
        "status": "text",
        "created_at": "timestamptz",
        "updated_at": "timestamptz",
    },
    ["candidate_id"],
    comment="Candidates pushed by HR systems; the resume itself goes to incoming/resumes/ like any drop. "
    "status: applied, first_round_passed, next_round, talent_pool, human_review, offer_accepted, hired.",
)

INTERVIEWS = TableSpec(
    "raw",
    "interview_invitations",
    {
        "interview_id": "text",
        "client_id": "text",
        "candidate_id": "text",
        "requisition_id": "text",
        "rubric_id": "text",
        "channel": "text",
        "language": "text",
        "questions": "jsonb",
        "uploaded": "jsonb",
        "status": "text",
        "task_id": "text",
        "notified_status": "text",
        "created_at": "timestamptz",
        "updated_at": "timestamptz",
        "expires_at": "timestamptz",
    },
    ["interview_id"],
    comment="Interview invitations: questions, recordings uploaded so far and the scoring task they became.",
)

DECISIONS = TableSpec(
    "raw",
    "hiring_decisions",
    {
        "decision_id": "text",
        "client_id": "text",
        "candidate_id": "text",
        "interview_id": "text",
        "decision": "text",
        "decided_by": "text",
        "comment": "text",
        "decided_at": "timestamptz",
    },
    ["decision_id"],
    comment="The hiring manager's decision on the next round (approve/decline), who made it and when.",
)

WEBHOOK_ENDPOINTS = TableSpec(
    "restricted",
    "webhook_endpoints",
    {
        "endpoint_id": "text",
        "client_id": "text",
        "url": "text",
        "secret": "text",
        "event_types": "jsonb",
        "active": "boolean",
        "created_at": "timestamptz",
    },
    ["endpoint_id"],
    comment="Where each HR system receives webhooks, with its Standard Webhooks signing secret (whsec_).",
)

WEBHOOK_DELIVERIES = TableSpec(
    "audit",
    "webhook_deliveries",
    {
        "delivery_id": "text",
        "endpoint_id": "text",
        "client_id": "text",
        "event_type": "text",
        "subject_id": "text",
        "payload": "jsonb",
        "status": "text",
        "attempts": "integer",
        "created_at": "timestamptz",
        "delivered_at": "timestamptz",
    },
    ["delivery_id"],
    comment="Every webhook message (its id is the webhook-id header): pending, delivered or failed.",
)

WEBHOOK_ATTEMPTS = TableSpec(
    "audit",
    "webhook_attempts",
    {
        "attempt_id": "text",
        "delivery_id": "text",
        "attempt": "integer",
        "status_code": "integer",
        "error": "text",
        "duration_ms": "double precision",
        "attempted_at": "timestamptz",
    },
    ["attempt_id"],
    comment="Every delivery attempt of every webhook, with the receiver's status code or the error.",
)

ACCESS_LOG = TableSpec(
    "audit",
    "api_access_log",
    {
        "access_id": "text",
        "client_id": "text",
        "subject_type": "text",
        "subject_id": "text",
        "purpose": "text",
        "method": "text",
        "path": "text",
        "status_code": "integer",
        "accessed_at": "timestamptz",
    },
    ["access_id"],
    comment="Every API request that read a person's data: which client, whose data, for what purpose.",
)

REQUISITION_HEADS = TableSpec(
    "restricted",
    "requisition_department_heads",
    {
        "requisition_id": "text",
        "head_id": "text",
        "name": "text",
        "email": "text",
        "channel": "text",
        "updated_at": "timestamptz",
    },
    ["requisition_id"],
    comment="Who receives a requisition's interview reports (its department head) and through which "
    "channel (email, wecom, dingtalk); names and addresses, so restricted.",
)

MANAGER_CARDS = TableSpec(
    "audit",
    "manager_cards_sent",
    {
        "card_id": "text",
        "interview_id": "text",
        "candidate_id": "text",
        "requisition_id": "text",
        "channel": "text",
        "recipient": "text",
        "status": "text",
        "attempts": "integer",
        "error": "text",
        "created_at": "timestamptz",
        "sent_at": "timestamptz",
        "payload": "jsonb",
    },
    ["card_id"],
    comment="Interview-report cards to department heads, one per interview, channel and recipient "
    "(the accounting of audit.alerts_sent): sent, failed, gave_up or not_configured.",
)

ONBOARDING = TableSpec(
    "raw",
    "employee_onboarding",
    {
        "employee_id": "text",
        "client_id": "text",
        "candidate_id": "text",
        "interview_id": "text",
        "hire_date": "date",
        "attendance_account": "jsonb",
        "probation": "jsonb",
        "interview_baseline": "jsonb",
    },
    ["employee_id"],
    comment="The onboarding hand-off of an accepted offer: the attendance-system account record, the "
    "probation rules and the interview baseline (the employee itself is in raw.hris_employees).",
)

TABLES = [
    API_CLIENTS,
    IDEMPOTENCY_KEYS,
    REQUISITIONS,
    CANDIDATES,
    INTERVIEWS,
    DECISIONS,
    WEBHOOK_ENDPOINTS,
    WEBHOOK_DELIVERIES,
    WEBHOOK_ATTEMPTS,
    ACCESS_LOG,
    REQUISITION_HEADS,
    MANAGER_CARDS,
    ONBOARDING,
]
