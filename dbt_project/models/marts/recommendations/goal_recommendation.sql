-- First-year goals from the interview's potential dimensions (seed goal_rules, editable by HR).
select
    p.employee_key,
    p.job_family,
    g.rule_id,
    g.competency,
    case g.competency
        when 'learning_agility' then p.baseline_learning_agility
        when 'innovation' then p.baseline_innovation
        when 'ownership' then p.baseline_ownership
    end as interview_score,
    g.goal_type,
    g.goal_text,
    (p.hire_date + (g.due_months || ' months')::interval)::date as due_date,
    p.interview_scoring_model_version,
    '{{ var("rules_version", "seeds") }}' as rules_version
from {{ ref('employee_lifecycle_profile') }} as p
inner join {{ ref('goal_rules') }} as g
    on (case g.competency
            when 'learning_agility' then p.baseline_learning_agility
            when 'innovation' then p.baseline_innovation
            when 'ownership' then p.baseline_ownership
        end) between g.score_min and g.score_max
