"""The audit trail of automated recommendations: every one with its model/rule version and inputs.

Interview recommendations are logged by the scoring pipeline as it scores; the rule-based ones the
dbt marts compute (salary, first-year goals, training) are logged here after each warehouse build.
Ids are content hashes, so a rebuild that recommends the same thing logs nothing new.
"""

from __future__ import annotations

import hashlib
import json

from talentflow.core import warehouse
from talentflow.core.config import Settings
from talentflow.core.tables.platform import RECOMMENDATIONS

# mart -> (subject type, subject column, recommendation expression, version column)
RULE_MARTS = {
    "salary_recommendation": ("candidate", "candidate_key", "recommended_salary", "rules_version"),
    "goal_recommendation": ("employee", "employee_key", "goal_text", "rules_version"),
    "training_recommendation": ("employee", "employee_key", "course_id", None),
}


def recommendation_id(kind: str, subject: str, recommendation: str, version: str, inputs: dict) -> str:
    blob = json.dumps([kind, subject, recommendation, version, inputs], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


_INSERT = (
    "INSERT INTO audit.recommendations (recommendation_id, subject_type, subject_id, recommendation,"
    " model_version, inputs, explanation, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, now())"
    " ON CONFLICT (recommendation_id) DO NOTHING"
)


def record(
    conn,
    kind: str,
    subject_type: str,
    subject_id: str,
    recommendation: str,
    model_version: str,
    inputs: dict,
    explanation: dict | None = None,
) -> int:
    """Log one recommendation; 1 if new, 0 if the identical one was already logged."""
    rid = recommendation_id(kind, subject_id, recommendation, model_version, inputs)
    cur = conn.execute(
        _INSERT,
        (
            rid,
            subject_type,
            subject_id,
            f"{kind}:{recommendation}",
            model_version,
            json.dumps(inputs, default=str),
            json.dumps(explanation or {}, default=str),
        ),
    )
    return cur.rowcount


def log_rule_recommendations(settings: Settings | None = None) -> dict:
    logged = {}
    with warehouse.connect(settings) as conn:
        warehouse.ensure_table(conn, RECOMMENDATIONS)
        for mart, (subject_type, subject_col, rec_col, version_col) in RULE_MARTS.items():
            rows = warehouse.fetch_all(conn, f"SELECT * FROM marts.{mart}")
            new = 0
            for row in rows:
                version = str(row.get(version_col) or "seeds") if version_col else "seeds"
                inputs = {k: v for k, v in row.items() if k != subject_col}
                new += record(
                    conn,
                    mart,
                    subject_type,
                    row[subject_col],
                    str(row[rec_col]),
                    version,
                    inputs,
                    {"source": f"marts.{mart}"},
                )
            logged[mart] = {"rows": len(rows), "newly_logged": new}
    return logged
