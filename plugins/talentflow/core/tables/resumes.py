"""Warehouse tables written by the resume_ingestion DAG (the dbt sources of the resume models)."""

from __future__ import annotations

from talentflow.core.warehouse import TableSpec

SUBMISSIONS = TableSpec(
    "raw",
    "resume_submissions",
    {
        "submission_id": "text",
        "candidate_key": "text",
        "object_key": "text",
        "file_name": "text",
        "file_format": "text",
        "file_sha256": "text",
        "language": "text",
        "experience_years": "double precision",
        "highest_degree": "text",
        "skills": "jsonb",
        "certifications": "jsonb",
        "languages": "jsonb",
        "education": "jsonb",
        "experience": "jsonb",
        "parser_version": "text",
        "received_at": "timestamptz",
    },
    ["submission_id"],
    comment="One row per distinct resume (normalised-text hash); candidate_key links duplicates.",
    # The row describes the first file that brought this text: a later file with the same text (another
    # format, another name) must not repoint it, so its hash and format are not updated either.
    insert_only=["received_at", "object_key", "file_name", "file_format", "file_sha256"],
)

CONTACTS = TableSpec(
    "restricted",
    "resume_contacts",
    {
        "submission_id": "text",
        "candidate_key": "text",
        "name": "text",
        "email": "text",
        "phone": "text",
        "location": "text",
        "minhash": "jsonb",
    },
    ["submission_id"],
    comment="Contact details and identity-resolution signature per resume (restricted).",
)

MATCHES = TableSpec(
    "raw",
    "resume_matches",
    {
        "submission_id": "text",
        "requisition_id": "text",
        "candidate_key": "text",
        "similarity": "double precision",
        "skill_coverage": "double precision",
        "meets_hard_requirements": "boolean",
        "match_score": "double precision",
        "reasons": "jsonb",
        "model_version": "text",
    },
    ["submission_id", "requisition_id"],
    comment="Resume-to-requisition matches with their reasons as data.",
)

PRESCREEN = TableSpec(
    "raw",
    "resume_prescreen_notes",
    {
        "submission_id": "text",
        "candidate_key": "text",
        "headline": "text",
        "focus_points": "jsonb",
    },
    ["submission_id"],
    comment="Pre-screening notes for the interviewer.",
)

CORRECTIONS = TableSpec(
    "restricted",
    "resume_corrections",
    {
        "correction_id": "text",
        "submission_id": "text",
        "candidate_key": "text",
        "field_path": "text",
        "old_value": "jsonb",
        "new_value": "jsonb",
        "corrected_by": "text",
        "corrected_at": "timestamptz",
    },
    ["correction_id"],
    comment="HR's corrections of parsed resume fields (who, when, before, after); never written by the "
    "parser, so a re-parse keeps them. Restricted: a corrected name or e-mail is personal data.",
)

TABLES = [SUBMISSIONS, CONTACTS, MATCHES, PRESCREEN, CORRECTIONS]
