{{ config(materialized='incremental', unique_key=['employee_key', 'effective_date', 'event'],
          incremental_strategy='delete+insert', on_schema_change='append_new_columns',
          post_hook="create index if not exists fct_job_events_loaded_at on {{ this }} (loaded_at)") }}

-- Incremental on the loader's _loaded_at (see fct_attendance).
select
    employee_key,
    effective_date,
    event,
    job_title,
    department,
    job_family,
    level,
    _loaded_at as loaded_at
from {{ ref('stg_hris__job_history') }}
{% if is_incremental() %}
where _loaded_at > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ this }})
{% endif %}
