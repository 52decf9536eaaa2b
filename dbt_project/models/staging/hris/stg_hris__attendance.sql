select
    {{ pseudonym('employee_id', 'employee') }} as employee_key,
    employee_id,
    work_date,
    lower(status) as status,
    coalesce(hours, 0)::numeric(5, 2) as hours,
    coalesce(overtime_hours, 0)::numeric(5, 2) as overtime_hours,
    _loaded_at
from {{ source('hris', 'hris_attendance') }}
