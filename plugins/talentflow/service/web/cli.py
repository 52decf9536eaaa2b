"""``talentflow users add|list|disable``: the local user store of the HR pages."""

from __future__ import annotations

import typer

from talentflow.core.cliutil import JsonOption, emit, run_guarded

users = typer.Typer(
    help="People who sign in to the HR pages (/hr) on the local user store.", no_args_is_help=True
)


@users.command("add")
def add(
    username: str = typer.Argument(..., help="The sign-in name."),
    role: str = typer.Option(..., help="hr_admin, hrbp, hiring_manager or candidate."),
    department: list[str] = typer.Option(None, "--department", help="Department code they may see (repeat)."),
    candidate_id: str = typer.Option(None, help="A candidate user's own candidate id."),
    employee_id: str = typer.Option(None, help="A hiring manager's own HRIS id."),
    name: str = typer.Option(None, help="Display name."),
    email: str = typer.Option(None, help="E-mail address."),
    locale: str = typer.Option(None, help="Language of the pages: en or zh-CN (default: the browser's)."),
    password: str = typer.Option(
        ...,
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        envvar="TALENTFLOW_NEW_USER_PASSWORD",
        help="At least 12 characters (prompted; or TALENTFLOW_NEW_USER_PASSWORD).",
    ),
    json_out: bool = JsonOption,
) -> None:
    """Create a user, or reset an existing one's password and role (the hash is stored, never the password)."""
    from talentflow.core import accounts, warehouse

    def run():
        with warehouse.connect() as conn:
            return accounts.add_user(
                conn,
                username,
                role,
                password,
                display_name=name,
                email=email,
                departments=department or [],
                employee_id=employee_id,
                candidate_id=candidate_id,
                locale=locale,
            )

    user = run_guarded(run)
    emit(
        {"username": user.username, "role": user.role, "departments": list(user.departments)},
        json_out,
        f"{user.username} ({user.role}) can sign in at /hr/login",
    )


@users.command("list")
def list_(json_out: bool = JsonOption) -> None:
    """Every user with role, status, source (local or oidc) and scope (never the password hash)."""
    from talentflow.core import accounts, warehouse

    def run():
        with warehouse.connect() as conn:
            return accounts.list_users(conn)

    rows = run_guarded(run)
    emit(
        rows,
        json_out,
        "\n".join(
            f"{r['username']:20} {r['role']:15} {r['status']:9} {r['source']:6} {','.join(r['departments'] or []) or r['candidate_id'] or ''}"
            for r in rows
        ),
    )


@users.command("disable")
def disable(username: str, json_out: bool = JsonOption) -> None:
    """Disable a user: their open session stops working on its next request."""
    from talentflow.core import accounts, warehouse

    def run():
        with warehouse.connect() as conn:
            return accounts.disable_user(conn, username)

    emit(run_guarded(run), json_out, f"disabled {username}")
