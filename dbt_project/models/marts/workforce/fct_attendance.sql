{{ config(materialized='incremental', unique_key=['employee_key', 'work_date'],
          incremental_strategy='delete+insert', on_schema_change='append_new_columns',
          post_hook="create index if not exists fct_attendance_loaded_at on {{ this }} (loaded_at)") }}

-- Daily attendance: the largest fact. Incremental on the loader's _loaded_at (set when a row arrives
-- or changes, kept when a reload changes nothing), so a build with nothing new reads the watermark
-- from the loaded_at index and inserts nothing, and corrected days replace their earlier version.
-- The watermark is strict: builds run after the loaders' transactions commit (Asset-scheduled).
-- Its rules are constraints (primary key, checks: the contract in the YAML), so PostgreSQL checks the
-- rows a build inserts rather than a data test re-reading every row.
select
    employee_key,
    work_date,
    status,
    hours,
    overtime_hours,
    _loaded_at as loaded_at
from {{ ref('stg_hris__attendance') }}
{% if is_incremental() %}
where _loaded_at > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ this }})
{% endif %}
