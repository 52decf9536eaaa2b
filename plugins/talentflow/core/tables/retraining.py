"""Warehouse tables feedback retraining writes: validity results and re-scores (raw, dbt sources)
and the scoring-model registry (audit)."""

from __future__ import annotations

from talentflow.core.warehouse import TableSpec

VALIDITY = TableSpec(
    "raw",
    "interview_validity",
    {
        "run_id": "text",
        "job_family": "text",
        "predictor": "text",
        "criterion": "text",
        "n": "integer",
        "pearson_r": "double precision",
        "spearman_r": "double precision",
        "ci_low": "double precision",
        "ci_high": "double precision",
        "corrected_r": "double precision",
        "sd_applicants": "double precision",
        "sd_hires": "double precision",
        "n_applicants": "integer",
        "scoring_model_version": "text",
        "computed_at": "timestamptz",
    },
    ["run_id", "job_family", "predictor", "criterion"],
    comment="Criterion validity of interview scores: how well each competency score and the overall score "
    "predict the performance rating 6 and 12 months after hire, per job family and retraining run.",
    column_comments={
        "predictor": "A competency key, or 'overall' (the weighted overall score under scoring_model_version).",
        "criterion": "rating_6m or rating_12m (mean performance rating about 6 / 12 months after hire).",
        "n": "Hires with both the predictor and the criterion.",
        "ci_low": "Lower bound of the 95% confidence interval of pearson_r (Fisher z).",
        "corrected_r": "pearson_r corrected for range restriction (Thorndike case II, sd_applicants/sd_hires).",
        "sd_applicants": "SD of the predictor among all interviewed candidates of the job family.",
        "sd_hires": "SD of the predictor among the n hires.",
    },
)

RESCORES = TableSpec(
    "raw",
    "interview_rescores",
    {
        "task_id": "text",
        "scoring_model_version": "text",
        "source_version": "text",
        "overall": "double precision",
        "confidence": "double precision",
        "method": "text",
        "backfill_run_id": "text",
        "rescored_at": "timestamptz",
    },
    ["task_id", "scoring_model_version"],
    comment="Overall scores of earlier interviews re-scored under another scoring-model version by an "
    "explicit backfill. The hiring-time result in raw.interview_results is never replaced.",
    column_comments={
        "source_version": "The version whose competency scores were re-weighted (method 'reweighted').",
        "method": "'reweighted' (same features, new competency weights) or 'rescored' (answers scored again).",
    },
)

VERSIONS = TableSpec(
    "audit",
    "scoring_model_versions",
    {
        "version": "text",
        "parent_version": "text",
        "created_at": "timestamptz",
        "status": "text",
        "weights": "jsonb",
        "metrics": "jsonb",
        "reasons": "jsonb",
        "artifact_key": "text",
        "approved_by": "text",
        "approved_at": "timestamptz",
        "activated_at": "timestamptz",
        "run_id": "text",
    },
    ["version"],
    comment="Every scoring-model version: candidate, approved, active, rejected or retired, with "
    "its competency weights, guard metrics, reasons and YAML artefact key.",
)

APPROVALS = TableSpec(
    "audit",
    "scoring_model_approvals",
    {
        "approval_id": "text",
        "version": "text",
        "decision": "text",
        "decided_by": "text",
        "decided_at": "timestamptz",
        "comment": "text",
        "channel": "text",
    },
    ["approval_id"],
    comment="Human decisions on candidate scoring-model versions (approved or rejected).",
)

ACTIVATIONS = TableSpec(
    "audit",
    "scoring_model_activations",
    {
        "activation_id": "text",
        "version": "text",
        "previous_version": "text",
        "action": "text",
        "activated_by": "text",
        "run_id": "text",
        "activated_at": "timestamptz",
    },
    ["activation_id"],
    comment="Which scoring-model version became active when: promotions and rollbacks.",
)

RAW_TABLES = [VALIDITY, RESCORES]
AUDIT_TABLES = [VERSIONS, APPROVALS, ACTIVATIONS]
TABLES = RAW_TABLES + AUDIT_TABLES
