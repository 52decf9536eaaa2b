select
    {{ pseudonym('employee_id', 'employee') }} as employee_key,
    employee_id,
    exit_date,
    lower(exit_type) as exit_type,
    reason
from {{ source('hris', 'hris_exits') }}
