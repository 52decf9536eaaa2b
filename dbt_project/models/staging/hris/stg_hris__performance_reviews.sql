select
    {{ pseudonym('employee_id', 'employee') }} as employee_key,
    employee_id,
    review_date,
    period,
    rating::numeric(4, 2) as rating,
    reviewer_id,
    _loaded_at
from {{ source('hris', 'hris_performance_reviews') }}
