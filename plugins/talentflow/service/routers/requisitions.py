"""Requisitions with their competency profile, written to ``raw.ats_requisitions`` (the ATS loader's
table) so resume matching and interview generation treat them like any ATS export."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from talentflow.core import warehouse
from talentflow.core.tables.ats import REQUISITIONS as ATS_REQUISITIONS
from talentflow.service import ids
from talentflow.service.auth import Principal
from talentflow.service.deps import idempotent, page_query, require, state, with_etag
from talentflow.service.problems import Problem

router = APIRouter(prefix="/v1/requisitions", tags=["requisitions"])


class DepartmentHead(BaseModel):
    """Who receives the requisition's interview reports and approves or declines the next round."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        min_length=1, max_length=128, description="The person's id in the HR system (decided_by)."
    )
    name: str | None = Field(default=None, max_length=200, description="How the card greets them.")
    channel: Literal["email", "wecom", "dingtalk"] = Field(
        description="email (Airflow SMTP connection) or the WeCom/DingTalk group robot configured in "
        "TALENTFLOW_WECOM_WEBHOOK_URL / TALENTFLOW_DINGTALK_WEBHOOK_URL."
    )
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$", description="Needed for email.")

    @model_validator(mode="after")
    def _email_for_email(self) -> DepartmentHead:
        if self.channel == "email" and not self.email:
            raise ValueError("department_head.channel email needs department_head.email")
        return self


class RequisitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    external_id: str = Field(min_length=1, max_length=128, description="The HR system's own requisition id.")
    title: str = Field(min_length=1)
    department: str | None = None
    department_code: str | None = None
    job_family: str | None = None
    level: str | None = None
    description: str | None = None
    required_skills: list[str] = Field(default_factory=list)
    min_experience_years: float | None = Field(default=None, ge=0)
    degree: str | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    currency: str | None = None
    competency_profile: dict[str, float] = Field(
        default_factory=dict, description="competency -> importance, e.g. {'communication': 2, 'teamwork': 1}"
    )
    rubric_id: str | None = None
    opened_at: date | None = None
    status: str = Field(default="open", pattern="^(open|closed|on_hold)$")
    location: str | None = None
    department_head: DepartmentHead | None = Field(
        default=None, description="Receives a card with each scored interview's report (restricted)."
    )


def _row(req_id: str, body: RequisitionIn) -> dict:
    row = body.model_dump(exclude={"external_id", "department_head"})
    row["requisition_id"] = req_id
    row["opened_at"] = row["opened_at"] or date.today()
    return row


def _save(conn, principal: Principal, body: RequisitionIn) -> dict:
    req_id = ids.derived("req", principal.client_id, body.external_id)
    warehouse.upsert(conn, ATS_REQUISITIONS, [_row(req_id, body)], create=False)
    head = body.department_head
    if head is None:
        conn.execute(
            "DELETE FROM restricted.requisition_department_heads WHERE requisition_id = %s", (req_id,)
        )
    else:
        conn.execute(
            "INSERT INTO restricted.requisition_department_heads (requisition_id, head_id, name, email, channel,"
            " updated_at) VALUES (%s, %s, %s, %s, %s, now()) ON CONFLICT (requisition_id) DO UPDATE SET"
            " head_id = EXCLUDED.head_id, name = EXCLUDED.name, email = EXCLUDED.email,"
            " channel = EXCLUDED.channel, updated_at = now()",
            (req_id, head.id, head.name, head.email, head.channel),
        )
    conn.execute(
        "INSERT INTO raw.api_requisitions (requisition_id, client_id, external_id, created_at, updated_at)"
        " VALUES (%s, %s, %s, now(), now()) ON CONFLICT (requisition_id) DO UPDATE SET updated_at = now()",
        (req_id, principal.client_id, body.external_id),
    )
    return _read(conn, principal, req_id)


def _read(conn, principal: Principal, req_id: str) -> dict:
    rows = warehouse.fetch_all(
        conn,
        "SELECT r.*, a.external_id, a.updated_at FROM raw.api_requisitions a"
        " JOIN raw.ats_requisitions r USING (requisition_id) WHERE a.requisition_id = %s AND a.client_id = %s",
        (req_id, principal.client_id),
    )
    if not rows:
        raise Problem(404, f"no requisition {req_id!r} for this client", kind="not-found")
    row = rows[0]
    row.pop("_loaded_at", None)
    heads = warehouse.fetch_all(
        conn,
        "SELECT head_id AS id, name, channel, email FROM restricted.requisition_department_heads"
        " WHERE requisition_id = %s",
        (req_id,),
    )
    row["department_head"] = heads[0] if heads else None
    return row


def owned(conn, principal: Principal, req_id: str) -> dict:
    return _read(conn, principal, req_id)


@router.post("", status_code=201, summary="Create (or re-push) a requisition")
def create_requisition(
    request: Request, body: RequisitionIn, principal: Principal = Depends(require("requisitions:write"))
):
    return idempotent(request, principal, body, lambda conn: _save(conn, principal, body))


@router.put("/{requisition_id}", summary="Update a requisition")
def update_requisition(
    request: Request,
    requisition_id: str,
    body: RequisitionIn,
    principal: Principal = Depends(require("requisitions:write")),
):
    def write(conn):
        _read(conn, principal, requisition_id)
        if ids.derived("req", principal.client_id, body.external_id) != requisition_id:
            raise Problem(422, "external_id does not match this requisition", kind="validation-error")
        return _save(conn, principal, body)

    return idempotent(request, principal, body, write, status_code=200)


@router.get("/{requisition_id}", summary="One requisition")
def get_requisition(
    request: Request, requisition_id: str, principal: Principal = Depends(require("requisitions:read"))
):
    with state(request).connect() as conn:
        return with_etag(request, _read(conn, principal, requisition_id))


@router.get("", summary="Requisitions, oldest change first (cursor pagination)")
def list_requisitions(
    request: Request,
    principal: Principal = Depends(require("requisitions:read")),
    cursor: str | None = None,
    updated_since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
):
    with state(request).connect() as conn:
        rows, nxt = page_query(
            conn,
            "(SELECT r.*, a.external_id, a.client_id, a.updated_at FROM raw.api_requisitions a"
            " JOIN raw.ats_requisitions r USING (requisition_id)) q",
            "requisition_id",
            ["client_id = %s"],
            [principal.client_id],
            cursor=cursor,
            updated_since=updated_since,
            limit=limit,
        )
    for r in rows:
        r.pop("_loaded_at", None)
        r.pop("client_id", None)
    return with_etag(request, {"data": rows, "next_cursor": nxt})
