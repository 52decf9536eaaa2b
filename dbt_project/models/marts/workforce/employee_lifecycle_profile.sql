{# The competency list is the var `competencies` (dbt_project.yml), one baseline_<c> column each. #}
{% set competencies = var('competencies') %}
-- One row per employee: the interview baseline, then performance, training, promotions and pay.
with employees as (
    select * from {{ ref('int_employees_current') }}
),

interview as (
    select
        candidate_id,
        max(overall) as interview_overall,
        max(motivation) as interview_motivation,
        max(scoring_model_version) as scoring_model_version,
        {% for c in competencies %}
        max(score) filter (where competency = '{{ c }}') as baseline_{{ c }}{{ ',' if not loop.last }}
        {% endfor %}
    from {{ ref('int_interview_scores_current') }}
    group by candidate_id
),

perf as (
    select * from {{ ref('int_performance_trend') }}
),

training as (
    select
        employee_key,
        count(*) filter (where status = 'completed') as courses_completed,
        coalesce(sum(hours) filter (where status = 'completed'), 0) as training_hours
    from {{ ref('fct_training') }}
    group by employee_key
),

promotions as (
    select employee_key, count(*) as promotions, max(effective_date) as last_promotion_date
    from {{ ref('stg_hris__job_history') }}
    where event = 'promotion'
    group by employee_key
),

pay as (
    select distinct on (employee_key) employee_key, base_salary as current_salary, currency
    from {{ ref('stg_hris__compensation') }}
    order by employee_key, effective_date desc
)

select
    e.employee_key,
    d.candidate_key,
    e.department,
    e.job_family,
    e.level,
    e.hire_date,
    d.tenure_years,
    d.is_active,
    e.exit_date,
    e.exit_type,
    i.interview_overall,
    i.interview_motivation,
    i.scoring_model_version as interview_scoring_model_version,
    {% for c in competencies %}
    i.baseline_{{ c }},
    {% endfor %}
    p.n_reviews,
    p.first_rating,
    p.latest_rating,
    p.rating_trend_per_year,
    p.latest_rating - p.first_rating as growth_trajectory,
    p.rating_6m,
    p.rating_12m,
    coalesce(t.courses_completed, 0) as courses_completed,
    coalesce(t.training_hours, 0) as training_hours,
    coalesce(pr.promotions, 0) as promotions,
    pr.last_promotion_date,
    round(((coalesce(e.exit_date, current_date) - coalesce(pr.last_promotion_date, e.hire_date)) / 365.25)::numeric, 2)
        as years_since_last_promotion,
    pay.current_salary,
    pay.currency
from employees as e
inner join {{ ref('dim_employee') }} as d using (employee_key)
left join interview as i on i.candidate_id = e.candidate_id
left join perf as p on p.employee_id = e.employee_id
left join training as t on t.employee_key = e.employee_key
left join promotions as pr on pr.employee_key = e.employee_key
left join pay on pay.employee_key = e.employee_key
