select
    {{ pseudonym('employee_id', 'employee') }} as employee_key,
    employee_id,
    effective_date,
    lower(event) as event,
    job_title,
    lower(department) as department,
    lower(job_family) as job_family,
    level,
    _loaded_at
from {{ source('hris', 'hris_job_history') }}
