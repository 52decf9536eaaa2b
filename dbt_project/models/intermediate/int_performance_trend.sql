-- Per employee: first and latest rating, the yearly trend (least-squares slope) and ratings at
-- about 6 and 12 months after hire (the validity criterion for feedback retraining; the windows in days
-- after hire are the vars rating_6m_window_days and rating_12m_window_days).
with reviews as (
    select r.*, e.hire_date
    from {{ ref('stg_hris__performance_reviews') }} as r
    inner join {{ ref('int_employees_current') }} as e using (employee_id)
),

ranked as (
    select
        *,
        row_number() over (partition by employee_id order by review_date) as n_asc,
        row_number() over (partition by employee_id order by review_date desc) as n_desc
    from reviews
)

select
    employee_id,
    count(*) as n_reviews,
    max(rating) filter (where n_asc = 1) as first_rating,
    max(rating) filter (where n_desc = 1) as latest_rating,
    max(review_date) as latest_review_date,
    round(avg(rating), 3) as mean_rating,
    round(regr_slope(rating, extract(epoch from review_date::timestamp) / 31557600.0)::numeric, 3)
        as rating_trend_per_year,
    round(avg(rating) filter (where review_date between hire_date + {{ var('rating_6m_window_days')[0] }} and hire_date + {{ var('rating_6m_window_days')[1] }}), 3)
        as rating_6m,
    round(avg(rating) filter (where review_date between hire_date + {{ var('rating_12m_window_days')[0] }} and hire_date + {{ var('rating_12m_window_days')[1] }}), 3)
        as rating_12m
from ranked
group by employee_id
