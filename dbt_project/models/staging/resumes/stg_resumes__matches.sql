select
    submission_id,
    requisition_id,
    candidate_key as resume_identity_key,
    similarity,
    skill_coverage,
    meets_hard_requirements,
    match_score,
    model_version
from {{ source('resumes', 'resume_matches') }}
