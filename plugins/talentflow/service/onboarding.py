"""The onboarding hand-off of an accepted offer, written where the archive reads it.

The new employee goes into the same raw HRIS entity tables that archive_sync loads
(``raw.hris_employees`` with the ``candidate_id`` that ties the interview baseline to them in dbt's
lifecycle marts, and a ``hire`` event in ``raw.hris_job_history``); the attendance-system account record,
the probation rules and the interview baseline go to ``raw.employee_onboarding``. Everything is an
upsert on the HRIS natural keys, so handing the same offer off again changes nothing; a later HRIS
export of the same employee adds a version only if an attribute differs.
"""

from __future__ import annotations

import hashlib

from talentflow.core import warehouse
from talentflow.core.tables.hris import ENTITIES
from talentflow.core.tables.service import ONBOARDING


def _version_hash(row: dict, columns: list[str]) -> str:
    """The HRIS loader's recipe (hris.mapping): attribute values joined by US, SHA-256, 16 hex digits,
    so the hand-off and a later export with the same attributes are one version."""
    text = ["" if row.get(c) is None else str(row[c]) for c in columns]
    return hashlib.sha256("\x1f".join(text).encode()).hexdigest()[:16]


def archive(conn, client_id: str, requisition: dict | None, payload: dict) -> None:
    """Write the hand-off ``payload`` (what ``POST /v1/candidates/{id}/hire`` answers) to the archive."""
    employee, req = payload["employee"], requisition or {}
    employees = ENTITIES["employees"]
    row = {
        "employee_id": employee["employee_id"],
        "candidate_id": employee["candidate_id"],
        "department": employee["department"] or req.get("department"),
        "job_title": employee["position"],
        "job_family": req.get("job_family"),
        "level": req.get("level"),
        "location": req.get("location"),
        "manager_id": employee["manager_id"],
        "hire_date": employee["hire_date"],
        "status": "active",
        "employment_type": "full_time",
    }
    raw_columns = list(employees.attribute_columns)
    row = {c: row.get(c) for c in raw_columns}
    row["version_hash"] = _version_hash(row, raw_columns)
    warehouse.upsert(conn, employees.raw_spec(), [row], create=False)
    warehouse.upsert(
        conn,
        ENTITIES["job_history"].raw_spec(),
        [
            {
                "employee_id": row["employee_id"],
                "effective_date": row["hire_date"],
                "event": "hire",
                "job_title": row["job_title"],
                "department": row["department"],
                "job_family": row["job_family"],
                "level": row["level"],
            }
        ],
        create=False,
    )
    baseline = employee.get("interview_baseline")
    warehouse.upsert(
        conn,
        ONBOARDING,
        [
            {
                "employee_id": row["employee_id"],
                "client_id": client_id,
                "candidate_id": row["candidate_id"],
                "interview_id": baseline["interview_id"] if baseline else None,
                "hire_date": row["hire_date"],
                "attendance_account": payload["attendance_account"],
                "probation": payload["probation"],
                "interview_baseline": baseline,
            }
        ],
        create=False,
    )
