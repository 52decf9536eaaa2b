select
    {{ pseudonym('employee_id', 'employee') }} as employee_key,
    employee_id,
    effective_date,
    base_salary::numeric(14, 2) as base_salary,
    upper(currency) as currency,
    reason,
    _loaded_at
from {{ source('hris', 'hris_compensation') }}
