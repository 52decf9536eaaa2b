select
    employee_key,
    effective_date,
    event,
    job_title,
    department,
    job_family,
    level
from {{ ref('stg_hris__job_history') }}
