select
    run_id,
    lower(job_family) as job_family,
    predictor,
    criterion,
    n::integer as n_hires,
    n_applicants::integer as n_applicants,
    pearson_r,
    spearman_r,
    ci_low,
    ci_high,
    corrected_r,
    sd_applicants,
    sd_hires,
    scoring_model_version,
    computed_at
from {{ source('retraining', 'interview_validity') }}
