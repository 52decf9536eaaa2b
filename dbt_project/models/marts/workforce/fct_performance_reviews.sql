{{ config(materialized='incremental', unique_key=['employee_key', 'review_date'],
          on_schema_change='append_new_columns') }}

select
    employee_key,
    review_date,
    period,
    rating,
    current_timestamp as built_at
from {{ ref('stg_hris__performance_reviews') }}
{% if is_incremental() %}
where review_date >= (select coalesce(max(review_date), '1900-01-01'::date) - 120 from {{ this }})
{% endif %}
