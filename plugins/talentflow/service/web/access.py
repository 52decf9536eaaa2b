"""Who may see what: every page and download asks here, on the server, before it reads anything.

* ``hr_admin`` — everything.
* ``hrbp`` — employees, attrition risk, requisitions and candidates of their own departments (the
  departments the HR business partners seed routes to them).
* ``hiring_manager`` (department head) — requisitions, candidates and hires of their own departments,
  including their team's pay; nothing outside them.
* ``candidate`` — their own feedback page only.
"""

from __future__ import annotations

from talentflow.core.accounts import User

HR_ROLES = ("hr_admin", "hrbp", "hiring_manager")


class Refused(Exception):
    """403: the signed-in user may not see this (the page says so; nothing of the subject is shown)."""


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise Refused(f"role {user.role} may not open this page")


def in_scope(user: User, department: str | None) -> bool:
    if user.role == "hr_admin":
        return True
    if user.role in ("hrbp", "hiring_manager"):
        return (department or "").lower() in user.departments
    return False


def require_department(user: User, department: str | None) -> None:
    if not in_scope(user, department):
        raise Refused("outside your departments")


def require_candidate(user: User, candidate_id: str, departments: list[str]) -> None:
    """A candidate may be seen by themselves, by HR admins, and by HRBPs and hiring managers of a
    department where they applied."""
    if user.role == "candidate":
        if user.candidate_id != candidate_id:
            raise Refused("candidates see only their own page")
        return
    if user.role == "hr_admin":
        return
    if not any(in_scope(user, d) for d in departments):
        raise Refused("this candidate did not apply to your departments")


def department_filter(user: User) -> list[str] | None:
    """None = no filter (hr_admin); else the department codes the user may see."""
    return None if user.role == "hr_admin" else list(user.departments)
