select
    {{ pseudonym('employee_id', 'employee') }} as employee_key,
    employee_id,
    as_of,
    department,
    job_role,
    level,
    tenure_years,
    years_since_last_promotion,
    years_in_role,
    latest_rating,
    job_satisfaction,
    environment_satisfaction,
    work_life_balance,
    overtime,
    monthly_income,
    left_company,
    coalesce(features, '{}'::jsonb) as features
from {{ source('hris', 'hris_snapshot') }}
