select
    employee_key,
    effective_date,
    base_salary,
    currency,
    reason,
    lag(base_salary) over (partition by employee_key order by effective_date) as previous_salary,
    round(100 * (base_salary / nullif(lag(base_salary) over (partition by employee_key order by effective_date), 0) - 1), 2)
        as pct_change
from {{ ref('stg_hris__compensation') }}
