with applications as (
    select * from {{ ref('stg_ats__applications') }}
),

first_application as (
    select distinct on (candidate_id) candidate_id, source, applied_at
    from applications
    order by candidate_id, applied_at, requisition_id
),

consent as (
    select distinct on (candidate_id) candidate_id, consent_given
    from {{ ref('stg_ats__consents') }}
    where purpose = 'automated_interview_scoring'
    order by candidate_id, recorded_at desc
),

employees as (
    select candidate_id, employee_key from {{ ref('int_employees_current') }} where candidate_id is not null
)

select
    {{ pseudonym('a.candidate_id', 'candidate') }} as candidate_key,
    f.source as first_source,
    f.applied_at as first_applied_at,
    count(*) as n_applications,
    bool_or(a.is_hired) as is_hired,
    case
        when c.consent_given then 'given'
        when c.consent_given = false then 'refused'
        else 'not_recorded'
    end as scoring_consent,
    e.employee_key
from applications as a
inner join first_application as f using (candidate_id)
left join consent as c using (candidate_id)
left join employees as e using (candidate_id)
group by a.candidate_id, f.source, f.applied_at, c.consent_given, e.employee_key
