"""Warehouse tables written by the resume_ingestion DAG (the dbt sources of the resume models)."""

from __future__ import annotations

from talentflow.warehouse import TableSpec

SUBMISSIONS = TableSpec("raw", "resume_submissions", {
    "submission_id": "text", "candidate_key": "text", "object_key": "text", "file_name": "text",
    "file_format": "text", "language": "text", "experience_years": "double precision",
    "highest_degree": "text", "skills": "jsonb", "certifications": "jsonb", "languages": "jsonb",
    "education": "jsonb", "experience": "jsonb", "parser_version": "text", "parsed_at": "timestamptz",
}, ["submission_id"], comment="One row per distinct resume file (content hash); candidate_key links duplicates.")

CONTACTS = TableSpec("restricted", "resume_contacts", {
    "submission_id": "text", "candidate_key": "text", "name": "text", "email": "text", "phone": "text",
    "location": "text",
}, ["submission_id"], comment="Contact details extracted from resumes (restricted).")

MATCHES = TableSpec("raw", "resume_matches", {
    "submission_id": "text", "requisition_id": "text", "match_score": "double precision",
    "semantic_similarity": "double precision", "skills_matched": "integer", "skills_required": "integer",
    "meets_experience": "boolean", "meets_degree": "boolean", "reasons": "jsonb", "model_version": "text",
}, ["submission_id", "requisition_id"], comment="Resume-to-requisition matches with their reasons as data.")

PRESCREEN = TableSpec("raw", "resume_prescreen_notes", {
    "submission_id": "text", "candidate_key": "text", "focus_points": "jsonb", "note": "text",
}, ["submission_id"], comment="Pre-screening notes for the interviewer.")

TABLES = [SUBMISSIONS, CONTACTS, MATCHES, PRESCREEN]
