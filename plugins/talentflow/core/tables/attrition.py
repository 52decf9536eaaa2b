"""The warehouse tables attrition scoring owns: daily scores, model evaluations, alerts sent."""

from __future__ import annotations

from talentflow.core.warehouse import TableSpec

SCORES = TableSpec(
    "raw",
    "attrition_scores",
    {
        "employee_key": "text",
        "scored_at": "date",
        "as_of": "date",
        "model_version": "text",
        "scorer": "text",
        "probability": "double precision",
        "risk_band": "text",
        "rules_score": "double precision",
        "reasons": "jsonb",
        "top_factors": "jsonb",
    },
    key=["employee_key", "scored_at"],
    comment="Daily attrition-risk score per current employee (talentflow.attrition); re-scoring a day "
    "replaces that day's row.",
    column_comments={
        "employee_key": "Pseudonymous employee key (marts.dim_employee).",
        "scored_at": "Day the score was computed for.",
        "as_of": "Date the features describe (end of the observed data).",
        "model_version": "Version of the scorer used: the statistical model or the rules seed.",
        "scorer": "model or rules: whichever did better on the held-out period.",
        "probability": "Calibrated probability of leaving voluntarily within the horizon.",
        "risk_band": "high, medium or low (multiples of the base rate).",
        "rules_score": "Sum of the weights of the matching HR rules.",
        "reasons": "Matching HR rules: rule, description, suggested action, evidence.",
        "top_factors": "The model's largest contributions to this employee's risk (when the model is used).",
    },
)

EVALUATIONS = TableSpec(
    "audit",
    "model_evaluations",
    {
        "evaluation_id": "text",
        "model_name": "text",
        "model_version": "text",
        "evaluated_at": "timestamptz",
        "roc_auc": "double precision",
        "precision_at_top_decile": "double precision",
        "brier": "double precision",
        "calibration": "jsonb",
        "n_train": "integer",
        "n_test": "integer",
        "positives": "integer",
        "details": "jsonb",
    },
    key=["evaluation_id"],
    comment="Held-out evaluations of models and rules, with which one was used and why.",
)

ALERTS_SENT = TableSpec(
    "audit",
    "alerts_sent",
    {
        "alert_id": "text",
        "employee_key": "text",
        "episode_id": "text",
        "channel": "text",
        "recipient": "text",
        "status": "text",
        "attempts": "integer",
        "error": "text",
        "sent_at": "timestamptz",
        "payload": "jsonb",
    },
    key=["alert_id"],
    comment="HR alerts: one row per risk episode, channel and recipient; status sent, failed or gave_up.",
)

TABLES = [SCORES, EVALUATIONS, ALERTS_SENT]
