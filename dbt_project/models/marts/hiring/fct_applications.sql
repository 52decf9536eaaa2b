{% set stages = ['applied', 'screened', 'interviewed', 'offered', 'hired'] %}
with applications as (
    select * from {{ ref('stg_ats__applications') }}
)

select
    candidate_key,
    requisition_id,
    source,
    applied_at,
    date_trunc('month', applied_at)::date as applied_month,
    stage_reached,
    case stage_reached
        {% for s in stages %}when '{{ s }}' then {{ loop.index }}
        {% endfor %}else 1
    end as stage_rank,
    is_hired,
    hired_at,
    case when is_hired then hired_at - applied_at end as days_to_hire
from applications
