"""Links people click: addresses of the HR pages (``talentflow serve``'s ``/hr/...``) built from the
``public_url`` setting, used by alerts, the dashboard and the pages themselves."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from talentflow.core.config import Settings


def base(settings: Settings) -> str:
    return settings.public_url.rstrip("/")


def employee_url(settings: Settings, employee_key: str) -> str:
    return f"{base(settings)}/hr/employees/{quote(employee_key, safe='')}"


def candidate_url(settings: Settings, candidate_id: str) -> str:
    return f"{base(settings)}/hr/candidates/{quote(candidate_id, safe='')}"


def requisition_url(settings: Settings, requisition_id: str) -> str:
    return f"{base(settings)}/hr/requisitions/{quote(requisition_id, safe='')}"


def attrition_url(settings: Settings, department: str | None = None) -> str:
    url = f"{base(settings)}/hr/attrition"
    return f"{url}?department={quote(department, safe='')}" if department else url


def dashboard_url(settings: Settings, day: date | None = None) -> str:
    return f"{base(settings)}/hr/dashboard" + (f"/{day.isoformat()}" if day else "")
