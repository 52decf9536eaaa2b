"""Tables of the HR pages (``talentflow serve``'s ``/hr``): the people who sign in, and the human-review
tasks candidates ask for.

Users (names, password hashes, which departments and requisitions they may see) live in ``restricted``;
each review request and what HR did with it is kept in ``audit`` (PIPL Art. 24: a person may ask for a
human to look again at a decision reached by automated means).
"""

from __future__ import annotations

from talentflow.core.warehouse import TableSpec

USERS = TableSpec(
    "restricted",
    "web_users",
    {
        "username": "text",
        "display_name": "text",
        "email": "text",
        "role": "text",
        "password_hash": "text",
        "status": "text",
        "locale": "text",
        "departments": "jsonb",
        "employee_id": "text",
        "candidate_id": "text",
        "created_at": "timestamptz",
        "last_login_at": "timestamptz",
        "source": "text",
        "subject": "text",
        "issuer": "text",
    },
    ["username"],
    comment="People who sign in to the HR pages (local store of the embedded runtime; OIDC users too).",
    column_comments={
        "role": "hr_admin, hrbp, hiring_manager or candidate.",
        "password_hash": "argon2id hash (empty for users who sign in through the identity provider).",
        "status": "active or disabled (a disabled user's session stops working on its next request).",
        "departments": "Department codes an hrbp or hiring_manager may see (hr_admin: all).",
        "employee_id": "A hiring manager's own HRIS id.",
        "candidate_id": "A candidate's own id: the only candidate that user may see.",
        "source": "local (password in this store) or oidc (signed in through the identity provider).",
        "subject": "An OIDC user's subject (sub claim) at the provider.",
        "issuer": "An OIDC user's provider (issuer URL); with subject, who the user is there.",
    },
)

REVIEW_REQUESTS = TableSpec(
    "audit",
    "web_review_requests",
    {
        "request_id": "text",
        "candidate_id": "text",
        "interview_id": "text",
        "requested_by": "text",
        "reason": "text",
        "status": "text",
        "requested_at": "timestamptz",
        "handled_by": "text",
        "handled_at": "timestamptz",
        "outcome": "text",
    },
    ["request_id"],
    comment="Candidates' requests for a human review of an automated assessment (PIPL Art. 24): a task "
    "for HR, with who handled it and how.",
    column_comments={"status": "open or done."},
)

TABLES = (USERS, REVIEW_REQUESTS)
