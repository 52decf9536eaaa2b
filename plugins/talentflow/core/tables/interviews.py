"""Warehouse tables written by the interview_scoring DAG (the dbt sources of the interview models)."""

from __future__ import annotations

from talentflow.core.warehouse import TableSpec

RESULTS = TableSpec(
    "raw",
    "interview_results",
    {
        "task_id": "text",
        "interview_id": "text",
        "candidate_id": "text",
        "requisition_id": "text",
        "rubric_id": "text",
        "rubric_version": "text",
        "status": "text",
        "reason": "text",
        "overall": "double precision",
        "recommendation": "text",
        "motivation": "text",
        "scoring_model_version": "text",
        "transcription_model": "text",
        "embedding_model": "text",
        "speech_facts": "jsonb",
        "scored_at": "timestamptz",
        "content_hash": "text",
    },
    ["task_id"],
    comment="One row per scoring task: done, failed or routed to human review.",
)

COMPETENCY_SCORES = TableSpec(
    "raw",
    "interview_competency_scores",
    {
        "task_id": "text",
        "competency": "text",
        "score": "double precision",
        "confidence": "double precision",
        "evidence": "jsonb",
        "scoring_model_version": "text",
    },
    ["task_id", "competency", "scoring_model_version"],
    comment="Per-competency 1-5 scores with their evidence sentences; one set per scoring-model version.",
)

ANSWERS = TableSpec(
    "raw",
    "interview_answers",
    {
        "task_id": "text",
        "question_id": "text",
        "competency": "text",
        "question": "text",
        "transcript": "text",
        "segments": "jsonb",
        "language": "text",
        "duration_s": "double precision",
    },
    ["task_id", "question_id"],
    comment="Transcribed (or typed) answers per question.",
)

TABLES = [RESULTS, COMPETENCY_SCORES, ANSWERS]
