{{ config(materialized='incremental', unique_key=['employee_key', 'work_date'],
          on_schema_change='append_new_columns',
          post_hook="create index if not exists fct_attendance_employee_date on {{ this }} (employee_key, work_date)") }}

-- Daily attendance: the largest fact. Incremental on the loader's _loaded_at, so a re-sync that
-- changed nothing rebuilds nothing, and corrected days replace their earlier version.
select
    employee_key,
    work_date,
    status,
    hours,
    overtime_hours,
    _loaded_at as loaded_at
from {{ ref('stg_hris__attendance') }}
{% if is_incremental() %}
where _loaded_at > (select coalesce(max(loaded_at), '1900-01-01'::timestamptz) from {{ this }})
{% endif %}
