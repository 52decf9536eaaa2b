"""What the HR pages read: marts, raw and audit rows, each query scoped by the caller's departments.

Every read tolerates a relation that does not exist yet (a fresh runtime before the first dbt build):
the page then says there is nothing yet instead of failing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath

import psycopg

from talentflow.core import warehouse

STAGES = ("applications", "screened", "interviewed", "offered", "hired")


def rows(conn, query: str, params=None) -> list[dict]:
    """Rows, or [] when a relation is missing (not built yet); each query in its own savepoint."""
    try:
        with conn.transaction():
            return warehouse.fetch_all(conn, query, params)
    except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn, psycopg.errors.UndefinedFunction):
        return []


def one(conn, query: str, params=None) -> dict | None:
    found = rows(conn, query, params)
    return found[0] if found else None


def _scope(departments: list[str] | None, column: str) -> tuple[str, list]:
    if departments is None:
        return "true", []
    return f"lower({column}) = ANY(%s)", [departments]


# ---- hiring -----------------------------------------------------------------------------------


def requisitions(conn, departments: list[str] | None) -> list[dict]:
    where, params = _scope(departments, "r.department_code")
    sums = ", ".join(f"coalesce(sum(f.{s}), 0)::int AS {s}" for s in STAGES)
    return rows(
        conn,
        f"SELECT r.requisition_id, r.title, r.department, r.department_code, r.status, r.opened_at, {sums}"
        " FROM raw.ats_requisitions r LEFT JOIN marts.hiring_funnel f USING (requisition_id)"
        f" WHERE {where} GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY r.opened_at DESC NULLS LAST, 1",
        params,
    ) or rows(
        conn,
        "SELECT r.requisition_id, r.title, r.department, r.department_code, r.status, r.opened_at"
        f" FROM raw.ats_requisitions r WHERE {where} ORDER BY 1",
        params,
    )


def requisition(conn, requisition_id: str) -> dict | None:
    return one(conn, "SELECT * FROM raw.ats_requisitions WHERE requisition_id = %s", (requisition_id,))


def requisition_candidates(conn, requisition_id: str) -> list[dict]:
    return rows(
        conn,
        "SELECT a.candidate_id, a.stage_reached, a.hired, a.applied_at, a.source, r.overall, r.recommendation,"
        " r.status AS interview_status FROM raw.ats_applications a LEFT JOIN LATERAL (SELECT overall,"
        " recommendation, status FROM raw.interview_results i WHERE i.candidate_id = a.candidate_id"
        " AND i.requisition_id = a.requisition_id ORDER BY scored_at DESC NULLS LAST LIMIT 1) r ON true"
        " WHERE a.requisition_id = %s ORDER BY r.overall DESC NULLS LAST, a.candidate_id",
        (requisition_id,),
    )


def applications(conn, candidate_id: str) -> list[dict]:
    return rows(
        conn,
        "SELECT a.*, q.title, q.department, q.department_code FROM raw.ats_applications a"
        " LEFT JOIN raw.ats_requisitions q USING (requisition_id) WHERE a.candidate_id = %s"
        " ORDER BY a.applied_at",
        (candidate_id,),
    )


def candidate_departments(apps: list[dict]) -> list[str]:
    return [a["department_code"] for a in apps if a.get("department_code")]


def resume(conn, apps: list[dict]) -> dict | None:
    """The parsed resume of the candidate's application (matched by file name), HR's corrections
    applied, with the corrections themselves."""
    from talentflow.resumes.corrections import corrected_record, corrections_of

    names = [PurePosixPath(a["resume_file"]).name for a in apps if a.get("resume_file")]
    if not names:
        return None
    sub = one(
        conn,
        "SELECT submission_id FROM raw.resume_submissions WHERE file_name = ANY(%s)"
        " ORDER BY received_at DESC LIMIT 1",
        (names,),
    )
    if not sub:
        return None
    try:
        with conn.transaction():
            record = corrected_record(conn, sub["submission_id"])
            changes = corrections_of(conn, [sub["submission_id"]])
    except psycopg.errors.UndefinedTable:
        return None
    return {"submission_id": sub["submission_id"], "record": record, "corrections": changes}


def interviews(conn, candidate_id: str) -> list[dict]:
    """Each scored (or in review) interview with its competency scores, evidence and transcript."""
    results = rows(
        conn,
        "SELECT * FROM raw.interview_results WHERE candidate_id = %s ORDER BY scored_at DESC NULLS LAST",
        (candidate_id,),
    )
    for res in results:
        res["scores"] = rows(
            conn,
            "SELECT competency, score, confidence, evidence FROM raw.interview_competency_scores"
            " WHERE task_id = %s AND scoring_model_version IS NOT DISTINCT FROM %s ORDER BY competency",
            (res["task_id"], res["scoring_model_version"]),
        )
        for s in res["scores"]:
            s["sentences"] = _evidence_sentences(s["evidence"])
        res["answers"] = rows(
            conn,
            "SELECT question_id, competency, question, transcript, duration_s FROM raw.interview_answers"
            " WHERE task_id = %s ORDER BY question_id",
            (res["task_id"],),
        )
        res["decisions"] = rows(
            conn,
            "SELECT decision, decided_by, comment, decided_at FROM raw.hiring_decisions"
            " WHERE interview_id = %s ORDER BY decided_at",
            (res["interview_id"],),
        )
    return results


def _evidence_sentences(evidence) -> list[str]:
    if isinstance(evidence, str):
        try:
            evidence = json.loads(evidence)
        except ValueError:
            return [evidence]
    out = []
    for item in evidence or []:
        if isinstance(item, dict):
            out.append(item.get("sentence") or item.get("text") or json.dumps(item))
        else:
            out.append(str(item))
    return out


def recordings(store, candidate_id: str, interview_id: str, retention_days: int) -> list[dict]:
    """The interview's recordings on the object store, each marked whether it is inside retention."""
    limit = datetime.now(UTC) - timedelta(days=retention_days)
    found = []
    for obj in store.list(f"recordings/{candidate_id}/{interview_id}/"):
        modified = obj.modified
        found.append(
            {
                "key": obj.key,
                "name": PurePosixPath(obj.key).name,
                "size": obj.size,
                "within_retention": modified is None or modified >= limit,
            }
        )
    return found


def scoring_outcome(store, task_id: str) -> dict:
    """The scoring result the interview_scoring DAG stored (feedback for the candidate, explanation)."""
    key = f"scoring-tasks/done/{task_id}.json"
    try:
        if not store.exists(key):
            return {}
        return json.loads(store.get(key))
    except (ValueError, OSError):
        return {}


def review_requests(conn, candidate_id: str | None = None, status: str | None = None) -> list[dict]:
    where, params = [], []
    if candidate_id:
        where.append("candidate_id = %s")
        params.append(candidate_id)
    if status:
        where.append("status = %s")
        params.append(status)
    return rows(
        conn,
        "SELECT * FROM audit.web_review_requests"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY requested_at DESC",
        params,
    )


# ---- people -----------------------------------------------------------------------------------


def employees(conn, departments: list[str] | None, limit: int = 500) -> list[dict]:
    where, params = _scope(departments, "p.department")
    return rows(
        conn,
        "SELECT p.employee_key, m.employee_id, p.department, p.job_family, p.level, p.hire_date,"
        " p.tenure_years, p.is_active, p.latest_rating, r.risk_band FROM marts.employee_lifecycle_profile p"
        " LEFT JOIN restricted.employee_key_map m USING (employee_key)"
        " LEFT JOIN marts.attrition_risk r USING (employee_key)"
        f" WHERE {where} ORDER BY p.is_active DESC, p.department, m.employee_id LIMIT %s",
        [*params, limit],
    )


def employee(conn, employee_key: str) -> dict | None:
    return one(
        conn,
        "SELECT p.*, m.employee_id FROM marts.employee_lifecycle_profile p"
        " LEFT JOIN restricted.employee_key_map m USING (employee_key) WHERE p.employee_key = %s",
        (employee_key,),
    )


def employee_detail(conn, employee_key: str) -> dict:
    return {
        "reviews": rows(
            conn,
            "SELECT review_date, period, rating FROM marts.fct_performance_reviews WHERE employee_key = %s"
            " ORDER BY review_date",
            (employee_key,),
        ),
        "training": rows(
            conn,
            "SELECT course_name, competency, status, completed_on, hours FROM marts.fct_training"
            " WHERE employee_key = %s ORDER BY enrolled_on DESC NULLS LAST LIMIT 20",
            (employee_key,),
        ),
        "pay": rows(
            conn,
            "SELECT effective_date, base_salary, currency, reason, pct_change FROM marts.fct_pay"
            " WHERE employee_key = %s ORDER BY effective_date",
            (employee_key,),
        ),
        "band": one(
            conn,
            "SELECT base_salary, pay_position_in_band, pay_below_band FROM marts.attrition_features"
            " WHERE employee_key = %s ORDER BY as_of DESC LIMIT 1",
            (employee_key,),
        ),
        "goals": rows(
            conn,
            "SELECT competency, goal_type, goal_text, due_date FROM marts.goal_recommendation"
            " WHERE employee_key = %s ORDER BY due_date NULLS LAST",
            (employee_key,),
        ),
        "risk": risk_of(conn, employee_key),
    }


def risk_of(conn, employee_key: str) -> dict | None:
    return one(
        conn,
        "SELECT s.probability, s.risk_band, s.reasons, s.top_factors, s.scored_at, s.model_version"
        " FROM raw.attrition_scores s WHERE s.employee_key = %s ORDER BY s.scored_at DESC LIMIT 1",
        (employee_key,),
    )


def attrition_list(conn, departments: list[str] | None, bands=("high", "medium")) -> list[dict]:
    where, params = _scope(departments, "r.department")
    found = rows(
        conn,
        "SELECT r.employee_key, m.employee_id, r.department, r.job_family, r.level, r.probability,"
        " r.risk_band, r.suggested_actions, s.reasons FROM marts.attrition_risk r"
        " LEFT JOIN restricted.employee_key_map m USING (employee_key)"
        " LEFT JOIN raw.attrition_scores s ON s.employee_key = r.employee_key AND s.scored_at = r.scored_at"
        f" WHERE {where} AND r.risk_band = ANY(%s) ORDER BY r.probability DESC NULLS LAST, r.rules_score DESC",
        [*params, list(bands)],
    )
    return found


# ---- platform health --------------------------------------------------------------------------


def quality(conn) -> list[dict]:
    return rows(
        conn,
        "SELECT DISTINCT ON (suite) suite, dataset, success, evaluated, failed, failed_expectations,"
        " row_count, checked_at FROM audit.data_quality_results ORDER BY suite, checked_at DESC",
    )


def ingest_errors(conn, limit: int = 50) -> list[dict]:
    return rows(
        conn,
        "SELECT occurred_at, source, object_key, row_ref, reason_code, message FROM audit.ingest_errors"
        " ORDER BY occurred_at DESC LIMIT %s",
        (limit,),
    )


def quarantine(store, limit: int = 50) -> list[dict]:
    found = []
    for obj in store.list("quarantine/"):
        if obj.key.endswith(".error.json"):
            continue
        reason = None
        try:
            if store.exists(obj.key + ".error.json"):
                doc = json.loads(store.get(obj.key + ".error.json"))
                reason = doc.get("message") or doc.get("reason") or doc.get("reason_code")
        except (ValueError, OSError):
            reason = None
        found.append({"key": obj.key, "reason": reason})
        if len(found) >= limit:
            break
    return found


def dag_runs(settings) -> list[dict]:
    """The latest run of every DAG from Airflow's metadata database (empty when it cannot be read)."""
    try:
        with psycopg.connect(
            settings.airflow_db_url.replace("postgresql+psycopg2://", "postgresql://").replace(
                "postgresql+psycopg://", "postgresql://"
            ),
            connect_timeout=3,
        ) as conn:
            return warehouse.fetch_all(
                conn,
                "SELECT DISTINCT ON (dag_id) dag_id, run_id, state, start_date, end_date FROM dag_run"
                " ORDER BY dag_id, start_date DESC NULLS LAST",
            )
    except (psycopg.Error, ValueError):
        return []
