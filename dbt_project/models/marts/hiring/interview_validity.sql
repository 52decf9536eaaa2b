-- Which interview dimensions predict later performance, per job family: every retraining run's
-- validity results, the latest run flagged, with the range-restriction-corrected r beside the raw one.
with validity as (
    select * from {{ ref('stg_retraining__interview_validity') }}
),

latest as (
    select job_family, max(computed_at) as computed_at
    from validity
    group by job_family
)

select
    v.run_id,
    v.computed_at,
    v.computed_at = l.computed_at as is_latest_run,
    v.job_family,
    v.predictor,
    v.predictor = 'overall' as is_overall_score,
    v.criterion,
    v.n_hires,
    v.n_applicants,
    round(v.pearson_r::numeric, 4) as pearson_r,
    round(v.spearman_r::numeric, 4) as spearman_r,
    round(v.ci_low::numeric, 4) as ci_low,
    round(v.ci_high::numeric, 4) as ci_high,
    round(v.corrected_r::numeric, 4) as corrected_r,
    round((v.corrected_r - v.pearson_r)::numeric, 4) as range_restriction_gain,
    round(v.sd_applicants::numeric, 4) as sd_applicants,
    round(v.sd_hires::numeric, 4) as sd_hires,
    coalesce(v.ci_low > 0 or v.ci_high < 0, false) as is_significant,
    v.scoring_model_version
from validity as v
inner join latest as l using (job_family)
