select
    {{ pseudonym('candidate_id', 'candidate') }} as candidate_key,
    candidate_id,
    requisition_id,
    lower(source) as source,
    applied_at,
    lower(stage_reached) as stage_reached,
    coalesce(hired, false) as is_hired,
    hired_at,
    interview_id,
    resume_file
from {{ source('ats', 'ats_applications') }}
