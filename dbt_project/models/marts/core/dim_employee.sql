select
    e.employee_key,
    case when e.candidate_id is not null then {{ pseudonym('e.candidate_id', 'candidate') }} end as candidate_key,
    case when e.manager_id is not null then {{ pseudonym('e.manager_id', 'employee') }} end as manager_key,
    e.department,
    e.job_title,
    e.job_family,
    e.level,
    e.location,
    e.hire_date,
    e.status,
    e.exit_date is null and e.status <> 'terminated' as is_active,
    e.exit_date,
    e.exit_type,
    round(((coalesce(e.exit_date, current_date) - e.hire_date) / 365.25)::numeric, 2) as tenure_years
from {{ ref('int_employees_current') }} as e
