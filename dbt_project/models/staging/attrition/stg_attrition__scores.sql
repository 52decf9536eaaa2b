select
    employee_key,
    scored_at,
    as_of,
    scorer,
    model_version,
    probability::double precision as probability,
    risk_band,
    rules_score::double precision as rules_score,
    reasons,
    top_factors
from {{ source('attrition', 'attrition_scores') }}
