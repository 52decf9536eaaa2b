"""Tables the ATS export loader writes: requisitions, applications, consents, (restricted) demographics."""

from __future__ import annotations

from talentflow.core.warehouse import TableSpec

REQUISITIONS = TableSpec(
    "raw",
    "ats_requisitions",
    {
        "requisition_id": "text",
        "title": "text",
        "department": "text",
        "department_code": "text",
        "job_family": "text",
        "level": "text",
        "description": "text",
        "required_skills": "jsonb",
        "min_experience_years": "double precision",
        "degree": "text",
        "salary_min": "double precision",
        "salary_max": "double precision",
        "currency": "text",
        "competency_profile": "jsonb",
        "rubric_id": "text",
        "opened_at": "date",
        "status": "text",
        "location": "text",
    },
    ["requisition_id"],
    comment="Requisitions (open and closed) from the ATS.",
)

APPLICATIONS = TableSpec(
    "raw",
    "ats_applications",
    {
        "candidate_id": "text",
        "requisition_id": "text",
        "source": "text",
        "applied_at": "date",
        "stage_reached": "text",
        "hired": "boolean",
        "hired_at": "date",
        "interview_id": "text",
        "resume_file": "text",
    },
    ["candidate_id", "requisition_id"],
    comment="Applications and the furthest stage each reached.",
)

CONSENTS = TableSpec(
    "raw",
    "ats_consents",
    {
        "candidate_id": "text",
        "consent_given": "boolean",
        "purpose": "text",
        "recorded_at": "timestamptz",
        "policy_version": "text",
        "channel": "text",
    },
    ["candidate_id", "purpose"],
    comment="Consent records; no record means consent was never asked.",
)

DEMOGRAPHICS = TableSpec(
    "restricted",
    "candidate_demographics",
    {
        "candidate_id": "text",
        "sex": "text",
        "ethnicity": "text",
        "age_band": "text",
        "collected_at": "date",
    },
    ["candidate_id"],
    comment="Self-reported demographics for adverse-impact audits only (restricted).",
)

TABLES = [REQUISITIONS, APPLICATIONS, CONSENTS, DEMOGRAPHICS]
