-- Current employees' latest attrition-risk score, with their department, job family and level, so BI
-- can read risk by department. Reasons and factors are flattened to text for BI tools; the JSON stays
-- in raw.attrition_scores.
with latest as (
    select distinct on (employee_key) *
    from {{ ref('stg_attrition__scores') }}
    order by employee_key, scored_at desc
),

employees as (
    select employee_key, department, job_family, level
    from {{ ref('attrition_features') }}
    where not exited
)

select
    l.employee_key,
    e.department,
    e.job_family,
    e.level,
    l.scored_at,
    l.as_of,
    l.scorer,
    l.model_version,
    l.probability,
    l.risk_band,
    l.rules_score,
    (select string_agg(r ->> 'rule_id', ', ' order by (r ->> 'weight')::numeric desc, r ->> 'rule_id')
     from jsonb_array_elements(l.reasons) as r) as matched_rules,
    (select string_agg(distinct r ->> 'suggested_action', '; ')
     from jsonb_array_elements(l.reasons) as r) as suggested_actions,
    (select string_agg(coalesce(f ->> 'text', f ->> 'label'), '; ' order by (f ->> 'contribution')::numeric desc)
     from jsonb_array_elements(l.top_factors) as f) as top_factors
from latest as l
inner join employees as e using (employee_key)
