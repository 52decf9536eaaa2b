-- The interview scores of each candidate under the scoring-model version the interview was scored
-- with (re-scores by later versions are kept in raw but do not replace the hiring-time baseline).
with results as (
    select * from {{ ref('stg_interviews__results') }}
    where status = 'done'
),

latest_task as (
    select distinct on (candidate_id)
        *
    from results
    order by candidate_id, scored_at desc, task_id
)

select
    t.task_id,
    t.interview_id,
    t.candidate_key,
    t.candidate_id,
    t.requisition_id,
    t.overall,
    t.motivation,
    t.recommendation,
    t.scoring_model_version,
    s.competency,
    s.score,
    s.confidence
from latest_task as t
inner join {{ ref('stg_interviews__competency_scores') }} as s
    on s.task_id = t.task_id and s.scoring_model_version = t.scoring_model_version
