select
    task_id,
    competency,
    score,
    confidence,
    scoring_model_version
from {{ source('interviews', 'interview_competency_scores') }}
