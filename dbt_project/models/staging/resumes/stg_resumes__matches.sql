select
    submission_id,
    requisition_id,
    match_score,
    semantic_similarity,
    skills_matched,
    skills_required,
    meets_experience,
    meets_degree,
    model_version
from {{ source('resumes', 'resume_matches') }}
