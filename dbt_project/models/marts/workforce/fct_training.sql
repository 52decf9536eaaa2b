select
    t.employee_key,
    t.course_id,
    coalesce(t.course_name, c.course_name) as course_name,
    coalesce(t.competency, c.competency) as competency,
    t.enrolled_on,
    t.completed_on,
    coalesce(t.status, case when t.completed_on is not null then 'completed' else 'enrolled' end) as status,
    coalesce(t.hours, c.hours) as hours,
    t.score
from {{ ref('stg_hris__training') }} as t
left join {{ ref('course_catalogue') }} as c using (course_id)
