select
    requisition_id,
    title,
    department,
    department_code,
    job_family,
    level,
    min_experience_years,
    degree,
    jsonb_array_length(coalesce(required_skills, '[]'::jsonb)) as n_required_skills,
    salary_min,
    salary_max,
    round((salary_min + salary_max) / 2, 2) as salary_mid,
    currency,
    rubric_id,
    opened_at,
    status
from {{ ref('stg_ats__requisitions') }}
