select
    candidate_id,
    consent_given,
    purpose,
    recorded_at,
    policy_version,
    channel
from {{ source('ats', 'ats_consents') }}
