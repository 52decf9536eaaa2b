"""The hiring manager's decision on the next round, and the onboarding hand-off of an accepted offer."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

from dateutil.relativedelta import relativedelta
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from talentflow.core import pseudonym, warehouse
from talentflow.service import ids, onboarding
from talentflow.service.auth import Principal, log_access
from talentflow.service.deps import idempotent, require, state, with_etag
from talentflow.service.problems import Problem
from talentflow.service.routers.candidates import owned as owned_candidate
from talentflow.service.routers.interviews import owned as owned_interview
from talentflow.service.webhooks import enqueue, set_candidate_status

router = APIRouter(prefix="/v1", tags=["decisions"])


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "decline"] = Field(description="approve: next round; decline: talent pool.")
    decided_by: str = Field(min_length=1, description="The hiring manager (an id in the HR system).")
    comment: str | None = None


def record_decision(
    conn,
    client_id: str,
    candidate_id: str,
    interview_id: str,
    decision: str,
    decided_by: str,
    comment: str | None,
) -> dict:
    """Record the next-round decision and move the candidate (the API and the HR pages both call this)."""
    decision_id, now = ids.new("dec"), datetime.now(UTC)
    conn.execute(
        "INSERT INTO raw.hiring_decisions (decision_id, client_id, candidate_id, interview_id, decision,"
        " decided_by, comment, decided_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (decision_id, client_id, candidate_id, interview_id, decision, decided_by, comment, now),
    )
    status = "next_round" if decision == "approve" else "talent_pool"
    set_candidate_status(
        conn,
        client_id,
        candidate_id,
        status,
        {"interview_id": interview_id, "by": decided_by, "decision_id": decision_id},
    )
    return {
        "decision_id": decision_id,
        "interview_id": interview_id,
        "candidate_id": candidate_id,
        "decision": decision,
        "decided_by": decided_by,
        "decided_at": now,
        "candidate_status": status,
    }


@router.post(
    "/interviews/{interview_id}/decision", status_code=201, summary="Approve or decline the next round"
)
def decide(
    request: Request,
    interview_id: str,
    body: DecisionIn,
    principal: Principal = Depends(require("decisions:write")),
):
    def write(conn):
        iv = owned_interview(conn, principal, interview_id)
        if iv["status"] not in ("scored", "human_review"):
            raise Problem(
                409, f"interview is {iv['status']}: decide once it is scored or in review", kind="conflict"
            )
        return record_decision(
            conn,
            principal.client_id,
            iv["candidate_id"],
            interview_id,
            body.decision,
            body.decided_by,
            body.comment,
        )

    return idempotent(request, principal, body, write)


class OfferAcceptedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    employee_id: str = Field(min_length=1, description="The id the HRIS gives the new employee.")
    start_date: date
    position: str
    department: str | None = None
    manager_id: str | None = None
    work_schedule: str = "standard"


def _mart_rows(conn, settings, mart: str, employee_id: str) -> list[dict]:
    exists = warehouse.fetch_all(conn, "SELECT to_regclass(%s) AS t", (f"marts.{mart}",))[0]["t"]
    if not exists:
        return []
    # marts know employees by their pseudonymous key only (computed here: the API's login may not call
    # the warehouse's pseudonym function)
    employee_key = pseudonym.key(pseudonym.secret(settings), "employee", employee_id)
    rows = warehouse.fetch_all(conn, f"SELECT * FROM marts.{mart} WHERE employee_key = %s", (employee_key,))
    return [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]


@router.post(
    "/candidates/{candidate_id}/hire", status_code=201, summary="Accepted offer: onboarding hand-off"
)
def hire(
    request: Request,
    candidate_id: str,
    body: OfferAcceptedIn,
    principal: Principal = Depends(require("onboarding:write")),
):
    months, settings = state(request).service.probation_months, state(request).settings

    def write(conn):
        cand = owned_candidate(conn, principal, candidate_id)
        baseline = warehouse.fetch_all(
            conn,
            "SELECT i.interview_id, r.overall, r.recommendation, r.scoring_model_version, r.scored_at,"
            " (SELECT jsonb_object_agg(s.competency, s.score) FROM raw.interview_competency_scores s"
            "   WHERE s.task_id = r.task_id AND s.scoring_model_version IS NOT DISTINCT FROM r.scoring_model_version)"
            " AS competencies FROM raw.interview_invitations i JOIN raw.interview_results r ON r.task_id = i.task_id"
            " WHERE i.candidate_id = %s AND r.status = 'done' ORDER BY r.scored_at DESC LIMIT 1",
            (candidate_id,),
        )
        payload = {
            "employee": {
                "employee_id": body.employee_id,
                "candidate_id": candidate_id,
                "external_candidate_id": cand["external_id"],
                "requisition_id": cand["requisition_id"],
                "position": body.position,
                "department": body.department,
                "manager_id": body.manager_id,
                "hire_date": body.start_date,
                "interview_baseline": baseline[0] if baseline else None,
            },
            "attendance_account": {
                "employee_id": body.employee_id,
                "schedule": body.work_schedule,
                "active_from": body.start_date,
                "department": body.department,
            },
            "probation": {
                "months": months,
                "ends_on": body.start_date + relativedelta(months=months),
                "reviews": [
                    body.start_date + relativedelta(months=m)
                    for m in range(1, months + 1)
                    if m in (1, 3, months)
                ],
            },
            "first_year_goals": _mart_rows(conn, settings, "goal_recommendation", body.employee_id),
            "training_plan": _mart_rows(conn, settings, "training_recommendation", body.employee_id),
        }
        set_candidate_status(
            conn,
            principal.client_id,
            candidate_id,
            "hired",
            {"employee_id": body.employee_id, "by": "offer_accepted"},
        )
        requisition = warehouse.fetch_all(
            conn, "SELECT * FROM raw.ats_requisitions WHERE requisition_id = %s", (cand["requisition_id"],)
        )
        onboarding.archive(conn, principal.client_id, requisition[0] if requisition else None, payload)
        enqueue(
            conn, principal.client_id, "employee.onboarded", candidate_id, payload, once_per=body.employee_id
        )
        log_access(conn, principal, "candidate", [candidate_id], "onboarding", "POST", request.url.path)
        return payload

    return idempotent(request, principal, body, write)


@router.get(
    "/employees/{employee_id}/onboarding",
    summary="An onboarding hand-off, with the first-year goals and training plan the marts now hold",
)
def get_onboarding(
    request: Request,
    employee_id: str,
    purpose: str = "onboarding",
    principal: Principal = Depends(require("onboarding:read")),
):
    """The attendance account, probation rules and interview baseline of a hire this client handed
    off; ``first_year_goals`` and ``training_plan`` fill in once warehouse_build has seen the employee."""
    st = state(request)
    with st.connect() as conn:
        rows = warehouse.fetch_all(
            conn,
            "SELECT employee_id, candidate_id, interview_id, hire_date, attendance_account, probation,"
            " interview_baseline FROM raw.employee_onboarding WHERE employee_id = %s AND client_id = %s",
            (employee_id, principal.client_id),
        )
        if not rows:
            raise Problem(404, f"no onboarding of employee {employee_id!r} for this client", kind="not-found")
        out = {
            **rows[0],
            "first_year_goals": _mart_rows(conn, st.settings, "goal_recommendation", employee_id),
            "training_plan": _mart_rows(conn, st.settings, "training_recommendation", employee_id),
        }
        log_access(conn, principal, "employee", [employee_id], purpose, "GET", request.url.path)
    return with_etag(request, out)
