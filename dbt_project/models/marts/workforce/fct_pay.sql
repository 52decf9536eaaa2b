{{ config(materialized='incremental', unique_key=['employee_key', 'effective_date'],
          incremental_strategy='delete+insert', on_schema_change='append_new_columns',
          post_hook="create index if not exists fct_pay_loaded_at on {{ this }} (loaded_at)") }}

-- Incremental on the loader's _loaded_at. The change from the previous record depends on an
-- employee's whole pay history, so every record of an employee with a new or corrected record is
-- rebuilt (a back-dated record changes the next one's previous_salary too).
with pay as (
    select * from {{ ref('stg_hris__compensation') }}
    {% if is_incremental() %}
    where employee_id in (
        select employee_id from {{ ref('stg_hris__compensation') }}
        where _loaded_at > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ this }})
    )
    {% endif %}
)

select
    employee_key,
    effective_date,
    base_salary,
    currency,
    reason,
    lag(base_salary) over (partition by employee_key order by effective_date) as previous_salary,
    round(100 * (base_salary / nullif(lag(base_salary) over (partition by employee_key order by effective_date), 0) - 1), 2)
        as pct_change,
    _loaded_at as loaded_at
from pay
