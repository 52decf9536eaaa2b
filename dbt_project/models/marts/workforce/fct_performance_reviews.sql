{{ config(materialized='incremental', unique_key=['employee_key', 'review_date'],
          incremental_strategy='delete+insert', on_schema_change='append_new_columns',
          post_hook="create index if not exists fct_performance_reviews_loaded_at on {{ this }} (loaded_at)") }}

-- Incremental on the loader's _loaded_at: new and corrected reviews (of any date) replace their
-- earlier version; a build with nothing new inserts nothing.
select
    employee_key,
    review_date,
    period,
    rating,
    _loaded_at as loaded_at
from {{ ref('stg_hris__performance_reviews') }}
{% if is_incremental() %}
where _loaded_at > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ this }})
{% endif %}
