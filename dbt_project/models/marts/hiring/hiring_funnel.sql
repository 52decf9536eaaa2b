-- Stage conversion and time to hire by requisition, source and application month.
select
    f.requisition_id,
    r.title as requisition_title,
    r.job_family,
    f.source,
    f.applied_month,
    count(*) as applications,
    count(*) filter (where f.stage_rank >= 2) as screened,
    count(*) filter (where f.stage_rank >= 3) as interviewed,
    count(*) filter (where f.stage_rank >= 4) as offered,
    count(*) filter (where f.is_hired) as hired,
    round(count(*) filter (where f.stage_rank >= 2)::numeric / count(*), 4) as screen_rate,
    round(count(*) filter (where f.stage_rank >= 3)::numeric / nullif(count(*) filter (where f.stage_rank >= 2), 0), 4)
        as interview_rate,
    round(count(*) filter (where f.is_hired)::numeric / nullif(count(*) filter (where f.stage_rank >= 3), 0), 4)
        as interview_to_hire_rate,
    round(count(*) filter (where f.is_hired)::numeric / count(*), 4) as hire_rate,
    percentile_cont(0.5) within group (order by f.days_to_hire) filter (where f.is_hired) as median_days_to_hire
from {{ ref('fct_applications') }} as f
left join {{ ref('dim_requisition') }} as r using (requisition_id)
group by 1, 2, 3, 4, 5
