-- Per employee, the features the attrition model uses, measured strictly before `as_of`: the exit
-- date for leavers, the end of the observed data for everyone else (no look-ahead).
with employees as (
    select * from {{ ref('int_employees_current') }}
),

data_end as (
    select greatest(
        (select max(work_date) from {{ ref('stg_hris__attendance') }}),
        (select max(review_date) from {{ ref('stg_hris__performance_reviews') }})
    ) as data_end
),

base as (
    select
        e.employee_key,
        e.employee_id,
        e.candidate_id,
        e.department,
        e.job_family,
        e.level,
        e.hire_date,
        least(coalesce(e.exit_date, d.data_end), coalesce(d.data_end, current_date)) as as_of,
        e.exit_date,
        e.exit_type
    from employees as e
    cross join data_end as d
),

promotions as (
    select b.employee_key, count(j.*) as promotions, max(j.effective_date) as last_promotion_date
    from base as b
    left join {{ ref('stg_hris__job_history') }} as j
        on j.employee_id = b.employee_id and j.event = 'promotion' and j.effective_date < b.as_of
    group by b.employee_key
),

reviews as (
    select
        b.employee_key,
        r.rating,
        r.review_date,
        row_number() over (partition by b.employee_key order by r.review_date desc) as recency
    from base as b
    inner join {{ ref('stg_hris__performance_reviews') }} as r
        on r.employee_id = b.employee_id and r.review_date < b.as_of
),

perf as (
    select
        employee_key,
        max(rating) filter (where recency = 1) as latest_rating,
        round(avg(rating) filter (where recency <= 4), 3) as mean_rating_last_year,
        round(coalesce(regr_slope(rating, extract(epoch from review_date::timestamp) / 31557600.0)
            filter (where recency <= 6), 0)::numeric, 3) as rating_trend_per_year
    from reviews
    group by employee_key
),

pay as (
    select distinct on (b.employee_key) b.employee_key, c.base_salary
    from base as b
    inner join {{ ref('stg_hris__compensation') }} as c
        on c.employee_id = b.employee_id and c.effective_date <= b.as_of
    order by b.employee_key, c.effective_date desc
),

attendance as (
    select
        b.employee_key,
        coalesce(sum(a.overtime_hours) filter (where a.work_date >= b.as_of - 90), 0) as overtime_hours_90d,
        count(*) filter (where a.status = 'absent' and a.work_date >= b.as_of - 90) as absent_days_90d,
        count(*) filter (where a.status = 'sick' and a.work_date >= b.as_of - 90) as sick_days_90d,
        -- a year of days steadies the rates that disengagement raises (90 days hold about one absence)
        round(100.0 * count(*) filter (where a.status = 'absent') / nullif(count(a.*), 0), 2) as absence_rate_365d,
        round(100.0 * count(*) filter (where a.status = 'sick') / nullif(count(a.*), 0), 2) as sick_rate_365d
    from base as b
    left join {{ ref('fct_attendance') }} as a
        on a.employee_key = b.employee_key and a.work_date >= b.as_of - 365 and a.work_date < b.as_of
    group by b.employee_key
),

training as (
    select b.employee_key, count(t.*) as trainings_365d
    from base as b
    left join {{ ref('stg_hris__training') }} as t
        on t.employee_id = b.employee_id and t.completed_on >= b.as_of - 365 and t.completed_on < b.as_of
    group by b.employee_key
),

extra as (
    -- the employee's latest version's extra features (declared in the HRIS mapping file)
    select distinct on (employee_id) employee_id, features
    from {{ ref('stg_hris__employee_versions') }}
    order by employee_id, valid_from desc
),

interview as (
    select candidate_id, max(overall) as interview_overall, max(motivation) as interview_motivation
    from {{ ref('int_interview_scores_current') }}
    group by candidate_id
)

select
    b.employee_key,
    b.as_of,
    b.department,
    b.job_family,
    b.level,
    round(((b.as_of - b.hire_date) / 365.25)::numeric, 2) as tenure_years,
    coalesce(pr.promotions, 0) as promotions,
    round(((b.as_of - coalesce(pr.last_promotion_date, b.hire_date)) / 365.25)::numeric, 2)
        as years_since_last_promotion,
    pf.latest_rating,
    pf.mean_rating_last_year,
    coalesce(pf.rating_trend_per_year, 0) as rating_trend_per_year,
    p.base_salary,
    round(((p.base_salary - sb.band_min) / nullif(sb.band_max - sb.band_min, 0))::numeric, 3) as pay_position_in_band,
    coalesce(p.base_salary < sb.band_min, false) as pay_below_band,
    round((p.base_salary / nullif((sb.band_min + sb.band_max) / 2.0, 0) - 1)::numeric, 3)
        as pay_vs_band_midpoint,
    a.overtime_hours_90d,
    a.absent_days_90d,
    a.sick_days_90d,
    a.absence_rate_365d,
    a.sick_rate_365d,
    coalesce(t.trainings_365d, 0) as trainings_365d,
    i.interview_overall,
    i.interview_motivation,
    coalesce(i.interview_motivation = 'growth', false) as motivation_growth,
    b.exit_date is not null as exited,
    coalesce(b.exit_type = 'voluntary', false) as left_voluntarily,
    b.exit_date,
    b.exit_type,
    coalesce(x.features, '{}'::jsonb) as extra_features
from base as b
left join promotions as pr using (employee_key)
left join perf as pf using (employee_key)
left join pay as p using (employee_key)
left join attendance as a using (employee_key)
left join training as t using (employee_key)
left join interview as i on i.candidate_id = b.candidate_id
left join extra as x on x.employee_id = b.employee_id
left join {{ ref('salary_bands') }} as sb on sb.job_family = b.job_family and sb.level = b.level
