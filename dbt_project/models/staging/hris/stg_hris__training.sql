select
    {{ pseudonym('employee_id', 'employee') }} as employee_key,
    employee_id,
    course_id,
    course_name,
    lower(competency) as competency,
    enrolled_on,
    completed_on,
    lower(status) as status,
    hours::numeric(6, 2) as hours,
    score::numeric(6, 2) as score
from {{ source('hris', 'hris_training') }}
