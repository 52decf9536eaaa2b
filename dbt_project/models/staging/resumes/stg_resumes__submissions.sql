select
    submission_id,
    candidate_key as resume_identity_key,
    file_name,
    file_format,
    language,
    experience_years,
    highest_degree,
    skills,
    received_at
from {{ source('resumes', 'resume_submissions') }}
