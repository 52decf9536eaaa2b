-- One row per candidate interview and competency, under the scoring-model version that scored it.
select
    r.task_id,
    r.interview_id,
    r.candidate_key,
    r.requisition_id,
    q.job_family,
    s.competency,
    s.score,
    s.confidence,
    r.overall,
    r.recommendation,
    r.scoring_model_version,
    r.scored_at
from {{ ref('stg_interviews__results') }} as r
inner join {{ ref('stg_interviews__competency_scores') }} as s
    on s.task_id = r.task_id and s.scoring_model_version = r.scoring_model_version
left join {{ ref('stg_ats__requisitions') }} as q using (requisition_id)
where r.status = 'done'
