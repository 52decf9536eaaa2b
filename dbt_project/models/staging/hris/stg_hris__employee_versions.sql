with source as (
    select * from {{ source('hris', 'hris_employees') }}
)

select
    {{ pseudonym('employee_id', 'employee') }} as employee_key,
    employee_id,
    candidate_id,
    lower(department) as department,
    job_title,
    lower(job_family) as job_family,
    level,
    location,
    manager_id,
    hire_date,
    lower(status) as status,
    employment_type,
    coalesce(features, '{}'::jsonb) as features,
    _loaded_at as valid_from,
    lead(_loaded_at) over (partition by employee_id order by _loaded_at, version_hash) as valid_to
from source
