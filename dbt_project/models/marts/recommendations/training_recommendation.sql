{# The competency list is the var `competencies` (dbt_project.yml), one baseline_<c> column each. #}
{% set competencies = var('competencies') %}
-- Courses from the seeded catalogue for each competency below its target at hire, and for the job
-- family's core competencies when performance is trending down. Courses already completed are skipped.
with baseline as (
    {% for c in competencies %}
    select employee_key, job_family, '{{ c }}' as competency, baseline_{{ c }} as score, rating_trend_per_year
    from {{ ref('employee_lifecycle_profile') }}
    where is_active
    {{ 'union all' if not loop.last }}
    {% endfor %}
),

needs as (
    select b.employee_key, b.job_family, b.competency, b.score, t.target_score, 'below_target_at_hire' as reason
    from baseline as b
    inner join {{ ref('competency_targets') }} as t using (job_family, competency)
    where b.score < t.target_score
    union all
    select b.employee_key, b.job_family, b.competency, b.score, t.target_score, 'performance_trending_down'
    from baseline as b
    inner join {{ ref('competency_targets') }} as t using (job_family, competency)
    where b.rating_trend_per_year < {{ var('declining_rating_trend_per_year') }} and t.target_score > {{ var('competency_target') }}
),

done as (
    select employee_key, course_id from {{ ref('fct_training') }} where status = 'completed'
)

select distinct on (n.employee_key, n.competency, c.course_id)
    n.employee_key,
    n.job_family,
    n.competency,
    n.score as interview_score,
    n.target_score,
    n.reason,
    c.course_id,
    c.course_name,
    c.hours,
    c.delivery_mode
from needs as n
inner join {{ ref('course_catalogue') }} as c on c.competency = n.competency
left join done as d on d.employee_key = n.employee_key and d.course_id = c.course_id
where d.course_id is null
order by n.employee_key, n.competency, c.course_id, n.reason
