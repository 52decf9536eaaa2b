select
    task_id,
    interview_id,
    {{ pseudonym('candidate_id', 'candidate') }} as candidate_key,
    candidate_id,
    requisition_id,
    rubric_id,
    rubric_version,
    status,
    reason,
    overall,
    recommendation,
    motivation,
    scoring_model_version,
    scored_at
from {{ source('interviews', 'interview_results') }}
