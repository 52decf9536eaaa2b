-- Starting pay for candidates the interview recommends advancing (or who were offered/hired):
-- the requisition's band, a position in it from the interview score band (seed salary_position_rules)
-- plus an experience bonus (seed salary_experience_rules). A recommendation for a human offer
-- decision, logged with its rule version; never a rejection.
with candidates as (
    select
        a.candidate_id,
        a.candidate_key,
        a.requisition_id,
        a.stage_reached,
        i.overall as interview_overall,
        i.scoring_model_version,
        s.experience_years
    from {{ ref('stg_ats__applications') }} as a
    inner join (
        select distinct on (candidate_id, requisition_id) *
        from {{ ref('stg_interviews__results') }}
        where status = 'done'
        order by candidate_id, requisition_id, scored_at desc
    ) as i on i.candidate_id = a.candidate_id and i.requisition_id = a.requisition_id
    left join {{ ref('stg_resumes__submissions') }} as s on s.file_name = a.resume_file
    where i.recommendation = 'advance' or a.stage_reached in ('offered', 'hired')
),

priced as (
    select
        c.*,
        r.job_family,
        r.level,
        r.title,
        r.salary_min,
        r.salary_max,
        r.currency,
        r.min_experience_years,
        greatest(coalesce(c.experience_years, r.min_experience_years) - r.min_experience_years, 0)
            as years_above_minimum,
        pr.score_band,
        pr.position_min,
        pr.position_max,
        coalesce(ex.position_bonus, 0) as experience_bonus
    from candidates as c
    inner join {{ ref('stg_ats__requisitions') }} as r using (requisition_id)
    inner join {{ ref('salary_position_rules') }} as pr
        on c.interview_overall >= pr.score_min and c.interview_overall <= pr.score_max
    left join {{ ref('salary_experience_rules') }} as ex
        on greatest(coalesce(c.experience_years, r.min_experience_years) - r.min_experience_years, 0)
           between ex.years_above_min_from and ex.years_above_min_to
),

recommended as (
    select
        *,
        least(position_max, position_min + experience_bonus) as band_position,
        round((salary_min + (salary_max - salary_min) * least(position_max, position_min + experience_bonus))::numeric, -2)
            as recommended_salary
    from priced
),

equity as (
    select
        *,
        min(recommended_salary) over peer as peer_min_salary,
        max(recommended_salary) over peer as peer_max_salary,
        count(*) over peer as peer_count
    from recommended
    window peer as (partition by job_family, title, level, score_band)
)

select
    candidate_key,
    requisition_id,
    job_family,
    title,
    level,
    interview_overall,
    score_band,
    years_above_minimum,
    experience_years is not null as experience_from_resume,
    salary_min as band_min,
    salary_max as band_max,
    currency,
    band_position,
    recommended_salary,
    peer_count,
    peer_min_salary,
    peer_max_salary,
    peer_count > 1 and peer_max_salary > peer_min_salary * (1 + {{ var('pay_equity_tolerance') }}) as pay_equity_flag,
    scoring_model_version,
    '{{ var("rules_version", "seeds") }}' as rules_version
from equity
