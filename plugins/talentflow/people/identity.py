"""Who a subject request is about: every identifier the platform holds for one person.

A request names a person by one identifier (ATS candidate id, HRIS employee id, e-mail, resume
``candidate_key`` or the pseudonymous ``candidate_key``/``employee_key`` of the marts). The identity
links (``restricted.resume_contacts``, ``restricted.hris_employees_pii``, ``restricted.employee_key_map``,
``raw.ats_applications``, ``raw.hris_employees``, ``raw.interview_results``) are followed until nothing
new turns up, so the answer covers every record of that person and only of that person.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from talentflow.core import warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.errors import UserError

KINDS = ("candidate_id", "employee_id", "candidate_key", "email", "phone")


def normalize(kind: str, value: str) -> str | None:
    from talentflow.resumes.identity import normalize_email, normalize_phone

    value = (value or "").strip()
    if not value:
        return None
    if kind == "email":
        return normalize_email(value)
    if kind == "phone":
        return normalize_phone(value)
    return value


def keyed_hash(kind: str, value: str, settings: Settings | None = None) -> str:
    """HMAC-SHA256 of ``kind:normalised value``: what tombstones and request logs keep of a person."""
    settings = settings or get_settings()
    secret = settings.tombstone_key.get_secret_value().encode()
    norm = normalize(kind, value) or value
    return hmac.new(secret, f"{kind}:{norm}".encode(), hashlib.sha256).hexdigest()


@dataclass
class Subject:
    """Every identifier of one person found in the warehouse."""

    query: str
    candidate_ids: set[str] = field(default_factory=set)
    employee_ids: set[str] = field(default_factory=set)
    candidate_keys: set[str] = field(default_factory=set)  # resume identity keys (cand_…)
    submission_ids: set[str] = field(default_factory=set)
    pseudonyms: set[str] = field(default_factory=set)  # marts' candidate_key / employee_key
    interview_ids: set[str] = field(default_factory=set)
    task_ids: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    resume_files: set[str] = field(default_factory=set)  # file names of the person's resumes
    object_keys: set[str] = field(default_factory=set)  # objects known to be this person's

    @property
    def found(self) -> bool:
        return bool(self.candidate_ids or self.employee_ids or self.candidate_keys)

    def column_values(self) -> dict[str, set[str]]:
        """Column name -> values that make a row this person's (the same names in every schema)."""
        keys = self.candidate_ids | self.employee_ids | self.candidate_keys | self.pseudonyms
        return {
            "candidate_id": self.candidate_ids,
            "employee_id": self.employee_ids,
            "candidate_key": self.candidate_keys | self.pseudonyms,
            "employee_key": self.pseudonyms,
            "submission_id": self.submission_ids,
            "interview_id": self.interview_ids,
            "task_id": self.task_ids,
            "subject_id": keys,
            "email": self.emails,
        }

    def needles(self) -> set[str]:
        """Strings whose presence in a text means it mentions this person."""
        out = (
            self.candidate_ids
            | self.employee_ids
            | self.candidate_keys
            | self.pseudonyms
            | self.emails
            | self.phones
            | {n for n in self.names if len(n) >= 5 and " " in n}
        )
        return {n for n in out if n and len(n) >= 5}

    def identifiers(self) -> list[tuple[str, str]]:
        """(kind, value) pairs a tombstone keeps (hashed)."""
        pairs = [("candidate_id", v) for v in self.candidate_ids]
        pairs += [("employee_id", v) for v in self.employee_ids]
        pairs += [("candidate_key", v) for v in self.candidate_keys]
        pairs += [("email", v) for v in self.emails]
        pairs += [("phone", v) for v in self.phones]
        return sorted(set(pairs))

    def summary(self) -> dict:
        return {
            "candidate_ids": sorted(self.candidate_ids),
            "employee_ids": sorted(self.employee_ids),
            "candidate_keys": sorted(self.candidate_keys),
            "pseudonymous_keys": sorted(self.pseudonyms),
            "submission_ids": sorted(self.submission_ids),
            "interview_ids": sorted(self.interview_ids),
            "task_ids": sorted(self.task_ids),
        }


def _exists(conn, qualified: str) -> bool:
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (qualified,)).fetchone()[0]


def _col(conn, query: str, params) -> set[str]:
    return {r[0] for r in conn.execute(query, params).fetchall() if r[0] is not None}


def _pseudonyms(conn, kind: str, ids: set[str], settings: Settings) -> set[str]:
    """The marts' pseudonymous keys of these ids, computed the way dbt's ``pseudonym`` macro does."""
    if not ids:
        return set()
    has_fn = conn.execute("SELECT to_regproc('restricted.pseudonym') IS NOT NULL").fetchone()[0]
    if has_fn:
        return _col(
            conn, "SELECT restricted.pseudonym(%s, x) FROM unnest(%s::text[]) AS x", (kind, list(ids))
        )
    import yaml

    salt = settings.dbt_vars.get("pseudonym_salt")
    if salt is None:
        project = yaml.safe_load((settings.dbt_project_dir / "dbt_project.yml").read_text())
        salt = (project.get("vars") or {}).get("pseudonym_salt", "")
    return {hashlib.md5(f"{salt}:{kind}:{i}".encode()).hexdigest() for i in ids}


def resolve(query: str, settings: Settings | None = None, conn=None) -> Subject:
    """Follow the identity links from ``query`` to every identifier of that person."""
    settings = settings or get_settings()
    if conn is None:
        with warehouse.connect(settings) as own:
            return resolve(query, settings, own)
    s = Subject(query=query)
    q = query.strip()
    email = normalize("email", q) if "@" in q else None
    tables = {
        t: _exists(conn, t)
        for t in (
            "raw.ats_applications",
            "raw.ats_consents",
            "restricted.candidate_demographics",
            "raw.interview_results",
            "raw.hris_employees",
            "restricted.hris_employees_pii",
            "raw.resume_submissions",
            "restricted.resume_contacts",
            "restricted.employee_key_map",
        )
    }

    def seed() -> None:
        if email:
            if tables["restricted.resume_contacts"]:
                s.candidate_keys |= _col(
                    conn, "SELECT candidate_key FROM restricted.resume_contacts WHERE email = %s", (email,)
                )
            if tables["restricted.hris_employees_pii"]:
                s.employee_ids |= _col(
                    conn,
                    "SELECT employee_id FROM restricted.hris_employees_pii WHERE lower(email) = %s",
                    (email,),
                )
            return
        for table, column, target in (
            ("raw.ats_applications", "candidate_id", s.candidate_ids),
            ("restricted.candidate_demographics", "candidate_id", s.candidate_ids),
            ("raw.interview_results", "candidate_id", s.candidate_ids),
            ("raw.hris_employees", "employee_id", s.employee_ids),
            ("restricted.resume_contacts", "candidate_key", s.candidate_keys),
            ("restricted.employee_key_map", "employee_id", s.employee_ids),
        ):
            if tables[table]:
                target |= _col(conn, f"SELECT {column} FROM {table} WHERE {column} = %s", (q,))
        if tables["restricted.employee_key_map"]:
            s.employee_ids |= _col(
                conn, "SELECT employee_id FROM restricted.employee_key_map WHERE employee_key = %s", (q,)
            )
            s.candidate_ids |= _col(
                conn,
                "SELECT candidate_id FROM restricted.employee_key_map WHERE employee_key = %s",
                (q,),
            )

    seed()
    for _ in range(4):  # follow links until nothing new turns up
        before = (len(s.candidate_ids), len(s.employee_ids), len(s.candidate_keys))
        cids, eids, ckeys = list(s.candidate_ids), list(s.employee_ids), list(s.candidate_keys)
        if tables["raw.hris_employees"]:
            s.employee_ids |= _col(
                conn, "SELECT employee_id FROM raw.hris_employees WHERE candidate_id = ANY(%s)", (cids,)
            )
            s.candidate_ids |= _col(
                conn, "SELECT candidate_id FROM raw.hris_employees WHERE employee_id = ANY(%s)", (eids,)
            )
        if tables["raw.ats_applications"]:
            s.resume_files |= _col(
                conn, "SELECT resume_file FROM raw.ats_applications WHERE candidate_id = ANY(%s)", (cids,)
            )
        if tables["raw.resume_submissions"]:
            s.candidate_keys |= _col(
                conn,
                "SELECT candidate_key FROM raw.resume_submissions WHERE file_name = ANY(%s)",
                (list(s.resume_files),),
            )
            s.submission_ids |= _col(
                conn,
                "SELECT submission_id FROM raw.resume_submissions WHERE candidate_key = ANY(%s)",
                (list(s.candidate_keys),),
            )
            s.resume_files |= _col(
                conn,
                "SELECT file_name FROM raw.resume_submissions WHERE candidate_key = ANY(%s)",
                (list(s.candidate_keys),),
            )
            s.object_keys |= _col(
                conn,
                "SELECT object_key FROM raw.resume_submissions WHERE candidate_key = ANY(%s)",
                (list(s.candidate_keys),),
            )
        if tables["raw.ats_applications"]:
            s.candidate_ids |= _col(
                conn,
                "SELECT candidate_id FROM raw.ats_applications WHERE resume_file = ANY(%s)",
                (list(s.resume_files),),
            )
        if (len(s.candidate_ids), len(s.employee_ids), len(s.candidate_keys)) == before and _ > 0:
            break
        del ckeys
    cids, eids = list(s.candidate_ids), list(s.employee_ids)
    if tables["restricted.resume_contacts"]:
        for row in warehouse.fetch_all(
            conn,
            "SELECT name, email, phone FROM restricted.resume_contacts WHERE candidate_key = ANY(%s)",
            (list(s.candidate_keys),),
        ):
            s.names |= {row["name"]} - {None}
            s.emails |= {row["email"]} - {None}
            s.phones |= {row["phone"]} - {None}
    if tables["restricted.hris_employees_pii"]:
        for row in warehouse.fetch_all(
            conn,
            "SELECT first_name, last_name, email, phone FROM restricted.hris_employees_pii "
            "WHERE employee_id = ANY(%s)",
            (eids,),
        ):
            if row["first_name"] and row["last_name"]:
                s.names.add(f"{row['first_name']} {row['last_name']}")
            s.emails |= {row["email"]} - {None}
            s.phones |= {row["phone"]} - {None}
    if tables["raw.interview_results"]:
        for row in warehouse.fetch_all(
            conn,
            "SELECT task_id, interview_id FROM raw.interview_results WHERE candidate_id = ANY(%s)",
            (cids,),
        ):
            s.task_ids.add(row["task_id"])
            s.interview_ids |= {row["interview_id"]} - {None}
    if tables["raw.ats_applications"]:
        s.interview_ids |= _col(
            conn, "SELECT interview_id FROM raw.ats_applications WHERE candidate_id = ANY(%s)", (cids,)
        )
    s.task_ids |= {f"task-{i}" for i in s.interview_ids}
    if tables["restricted.employee_key_map"]:
        s.pseudonyms |= _col(
            conn, "SELECT employee_key FROM restricted.employee_key_map WHERE employee_id = ANY(%s)", (eids,)
        )
    s.pseudonyms |= _pseudonyms(conn, "candidate", s.candidate_ids, settings)
    s.pseudonyms |= _pseudonyms(conn, "employee", s.employee_ids, settings)
    if email:
        s.emails.add(email)
    if not s.found:
        raise UserError(
            f"no candidate or employee matches {query!r}: give an ATS candidate id, an HRIS employee id, "
            "an e-mail address, a resume candidate_key or a pseudonymous employee_key"
        )
    return s
