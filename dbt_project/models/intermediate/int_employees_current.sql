-- The current version of each employee's attributes, with the exit if there is one.
with versions as (
    select * from {{ ref('stg_hris__employee_versions') }}
),

current_version as (
    select * from versions where valid_to is null
),

exits as (
    select distinct on (employee_id) * from {{ ref('stg_hris__exits') }}
    order by employee_id, exit_date desc
)

select
    v.employee_key,
    v.employee_id,
    v.candidate_id,
    v.department,
    v.job_title,
    v.job_family,
    v.level,
    v.location,
    v.manager_id,
    v.hire_date,
    v.status,
    e.exit_date,
    e.exit_type,
    e.reason as exit_reason
from current_version as v
left join exits as e on e.employee_id = v.employee_id
