"""Accounts of the people who sign in to the HR pages (``talentflow serve``'s ``/hr``): the local user
store of the embedded runtime (``talentflow users add|list|disable``) and the demo's users.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106); a disabled user's session stops
working on its next request because every request re-reads the user.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from talentflow.core import warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.errors import UserError
from talentflow.core.tables.web import USERS

ROLES = ("hr_admin", "hrbp", "hiring_manager", "candidate")
_HASHER = PasswordHasher()
# Verifying against this when the user does not exist keeps the answer time the same (no user probing).
_DUMMY_HASH = _HASHER.hash("talentflow-no-such-user")


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str
    email: str | None = None
    locale: str | None = None
    departments: tuple[str, ...] = ()
    employee_id: str | None = None
    candidate_id: str | None = None
    extra: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_row(cls, row: dict) -> User:
        return cls(
            username=row["username"],
            display_name=row["display_name"] or row["username"],
            role=row["role"],
            email=row.get("email"),
            locale=row.get("locale"),
            departments=tuple(d.lower() for d in (row.get("departments") or [])),
            employee_id=row.get("employee_id"),
            candidate_id=row.get("candidate_id"),
        )


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def add_user(
    conn,
    username: str,
    role: str,
    password: str | None,
    *,
    display_name: str | None = None,
    email: str | None = None,
    departments: list[str] | None = None,
    employee_id: str | None = None,
    candidate_id: str | None = None,
    locale: str | None = None,
) -> User:
    """Create or replace a user (re-adding resets the password and re-enables the account)."""
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; choose from: {', '.join(ROLES)}")
    if not username.strip():
        raise UserError("a username is required")
    if role in ("hrbp", "hiring_manager") and not departments:
        raise UserError(f"a {role} needs --department (one or more department codes they may see)")
    if role == "candidate" and not candidate_id:
        raise UserError("a candidate user needs --candidate-id (the only candidate they may see)")
    if password is not None and len(password) < 12:
        raise UserError("a password needs at least 12 characters")
    row = {
        "username": username.strip(),
        "display_name": display_name or username,
        "email": email,
        "role": role,
        "password_hash": hash_password(password) if password else "",
        "status": "active",
        "locale": locale,
        "departments": json.dumps(sorted({d.lower() for d in departments or []})),
        "employee_id": employee_id,
        "candidate_id": candidate_id,
        "created_at": datetime.now(UTC),
        "last_login_at": None,
        "source": "local",
        "subject": None,
        "issuer": None,
    }
    warehouse.ensure_table(conn, USERS)
    cols = list(row)
    conn.execute(
        f"INSERT INTO {USERS.qualified} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
        " ON CONFLICT (username) DO UPDATE SET "
        + ", ".join(
            f"{c} = EXCLUDED.{c}" for c in cols if c not in ("username", "created_at", "last_login_at")
        ),
        list(row.values()),
    )
    return User.from_row({**row, "departments": json.loads(row["departments"])})


def disable_user(conn, username: str) -> dict:
    rows = warehouse.fetch_all(
        conn,
        f"UPDATE {USERS.qualified} SET status = 'disabled' WHERE username = %s RETURNING username, role, status",
        (username,),
    )
    if not rows:
        raise UserError(f"no user {username!r} (see `talentflow users list`)")
    return rows[0]


def list_users(conn) -> list[dict]:
    warehouse.ensure_table(conn, USERS)
    return warehouse.fetch_all(
        conn,
        f"SELECT username, display_name, role, status, departments, employee_id, candidate_id, locale,"
        f" coalesce(source, 'local') AS source, created_at, last_login_at FROM {USERS.qualified} ORDER BY role, username",
    )


def active_user(conn, username: str) -> User | None:
    rows = warehouse.fetch_all(
        conn, f"SELECT * FROM {USERS.qualified} WHERE username = %s AND status = 'active'", (username,)
    )
    return User.from_row(rows[0]) if rows else None


def authenticate(conn, username: str, password: str) -> User | None:
    """The active user whose password this is, else None (same work whether or not the user exists)."""
    rows = warehouse.fetch_all(
        conn, f"SELECT * FROM {USERS.qualified} WHERE username = %s AND status = 'active'", (username,)
    )
    stored = rows[0]["password_hash"] if rows and rows[0]["password_hash"] else _DUMMY_HASH
    try:
        _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if not rows:
        return None
    conn.execute(f"UPDATE {USERS.qualified} SET last_login_at = now() WHERE username = %s", (username,))
    if _HASHER.check_needs_rehash(stored):
        conn.execute(
            f"UPDATE {USERS.qualified} SET password_hash = %s WHERE username = %s",
            (hash_password(password), username),
        )
    return User.from_row(rows[0])


@dataclass(frozen=True)
class OidcProfile:
    """Who the identity provider says signed in, already mapped to a TalentFlow role and scope."""

    issuer: str
    subject: str
    username: str
    role: str
    display_name: str | None = None
    email: str | None = None
    locale: str | None = None
    departments: tuple[str, ...] = ()
    employee_id: str | None = None
    candidate_id: str | None = None


def sign_in_oidc(conn, profile: OidcProfile) -> User:
    """Record an OIDC sign-in in the same users table as local users (source ``oidc``, keyed by issuer
    and subject) and return the user. Role and scope come from the provider's claims on every sign-in;
    a user an admin disabled stays disabled; a username held by another account is refused."""
    warehouse.ensure_table(conn, USERS)
    mine = warehouse.fetch_all(
        conn,
        f"SELECT * FROM {USERS.qualified} WHERE source = 'oidc' AND issuer = %s AND subject = %s",
        (profile.issuer, profile.subject),
    )
    if mine and mine[0]["status"] != "active":
        raise UserError(f"the account {mine[0]['username']!r} is disabled here; ask an HR admin")
    username = mine[0]["username"] if mine else profile.username
    if not mine:
        taken = warehouse.fetch_all(
            conn, f"SELECT source FROM {USERS.qualified} WHERE username = %s", (username,)
        )
        if taken:
            raise UserError(
                f"the username {username!r} already belongs to another account (source "
                f"{taken[0]['source'] or 'local'}); ask an HR admin to rename one of them"
            )
    row = {
        "username": username,
        "display_name": profile.display_name or username,
        "email": profile.email,
        "role": profile.role,
        "password_hash": "",
        "status": "active",
        "locale": profile.locale,
        "departments": json.dumps(sorted({d.lower() for d in profile.departments})),
        "employee_id": profile.employee_id,
        "candidate_id": profile.candidate_id,
        "created_at": datetime.now(UTC),
        "last_login_at": datetime.now(UTC),
        "source": "oidc",
        "subject": profile.subject,
        "issuer": profile.issuer,
    }
    cols = list(row)
    saved = conn.execute(
        f"INSERT INTO {USERS.qualified} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
        " ON CONFLICT (username) DO UPDATE SET "
        + ", ".join(f"{c} = EXCLUDED.{c}" for c in cols if c not in ("username", "created_at", "status"))
        # only this identity's own row: a local user who took the name meanwhile is never overwritten
        + f" WHERE {USERS.qualified}.source = 'oidc' AND {USERS.qualified}.issuer = EXCLUDED.issuer"
        f" AND {USERS.qualified}.subject = EXCLUDED.subject AND {USERS.qualified}.status = 'active'"
        " RETURNING username",
        list(row.values()),
    ).fetchone()
    if not saved:
        raise UserError(f"the username {username!r} already belongs to another account or is disabled")
    return User.from_row({**row, "departments": json.loads(row["departments"])})


# ---- the demo's users ----------------------------------------------------------------------------

DEMO_PASSWORD_DIR = "web-users"


def _demo_password(settings: Settings, username: str) -> Path:
    """A random password per demo user, kept (0600) under TALENTFLOW_HOME/secrets/web-users/."""
    folder = Path(settings.home_dir) / "secrets" / DEMO_PASSWORD_DIR
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    path = folder / f"{username}.password"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(12) + "\n")
    return path


def ensure_demo_users(settings: Settings | None = None) -> list[tuple[str, str, Path]]:
    """One user per role on the demo world: an HR admin, every HR business partner of the seed (their
    departments), a department head and a candidate who was interviewed. Returns (username, role,
    password file); re-running keeps the passwords."""
    settings = settings or get_settings()
    made: list[tuple[str, str, Path]] = []
    with warehouse.connect(settings, role="hr_admin") as conn:  # the seed and marts: hr_admin reads them
        partners = _fetch(
            conn,
            "SELECT hrbp_email, min(hrbp_name) AS name, array_agg(DISTINCT lower(department)) AS departments"
            " FROM restricted.hr_business_partners WHERE department <> '*' GROUP BY hrbp_email ORDER BY 1",
        )
        head = _fetch(
            conn,
            "SELECT department_code FROM raw.ats_requisitions GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
        )
        cand = _fetch(
            conn,
            "SELECT candidate_id FROM raw.interview_results WHERE status = 'done' ORDER BY candidate_id LIMIT 1",
        )
    with warehouse.connect(settings) as conn:
        warehouse.ensure_table(conn, USERS)
        plan: list[dict] = [{"username": "hr.admin", "role": "hr_admin", "display_name": "HR admin"}]
        for p in partners:
            plan.append(
                {
                    "username": p["hrbp_email"].split("@")[0],
                    "role": "hrbp",
                    "display_name": p["name"],
                    "email": p["hrbp_email"],
                    "departments": list(p["departments"]),
                }
            )
        if head:
            plan.append(
                {
                    "username": "dept.head",
                    "role": "hiring_manager",
                    "display_name": f"Head of {head[0]['department_code']}",
                    "departments": [head[0]["department_code"]],
                }
            )
        if cand:
            plan.append(
                {
                    "username": "candidate",
                    "role": "candidate",
                    "display_name": f"Candidate {cand[0]['candidate_id']}",
                    "candidate_id": cand[0]["candidate_id"],
                }
            )
        for spec in plan:
            path = _demo_password(settings, spec["username"])
            add_user(conn, password=path.read_text().strip(), **spec)
            made.append((spec["username"], spec["role"], path))
    return made


def _fetch(conn, query: str) -> list[dict]:
    try:
        with conn.transaction():
            return warehouse.fetch_all(conn, query)
    except psycopg.errors.UndefinedTable:
        return []
