"""The AI-system log (EU AI Act Art. 12 and 19): every automated recommendation with its inputs, model
version and explanation, beside the human decision that followed it (the ATS stage the candidate
reached and whether they were hired for that requisition). Kept at least six months: the retention
purge deletes entries only after ``TALENTFLOW_AI_LOG_RETENTION_DAYS`` (>= 183)."""

from __future__ import annotations

from datetime import date, timedelta

from talentflow.core import warehouse
from talentflow.core.config import Settings, get_settings

QUERY = """
SELECT rec.recommendation_id, rec.created_at, split_part(rec.recommendation, ':', 1) AS kind,
       rec.subject_type, rec.subject_id, rec.recommendation, rec.model_version, rec.inputs, rec.explanation,
       r.requisition_id,
       CASE WHEN a.candidate_id IS NULL THEN NULL ELSE jsonb_build_object(
           'stage_reached', a.stage_reached, 'hired', a.hired, 'hired_at', a.hired_at,
           'source', 'raw.ats_applications') END AS human_decision
FROM audit.recommendations rec
LEFT JOIN raw.interview_results r ON r.task_id = rec.inputs ->> 'task_id'
LEFT JOIN raw.ats_applications a
       ON rec.subject_type = 'candidate' AND a.candidate_id = rec.subject_id
      AND a.requisition_id = r.requisition_id
WHERE rec.created_at >= %s AND rec.created_at < %s
ORDER BY rec.created_at, rec.recommendation_id
"""


def log_entries(date_from: date, date_to: date, settings: Settings | None = None) -> list[dict]:
    if date_to < date_from:
        raise ValueError(f"--to {date_to} is before --from {date_from}")
    settings = settings or get_settings()
    with warehouse.connect(settings) as conn:
        return warehouse.fetch_all(conn, QUERY, (date_from, date_to + timedelta(days=1)))
