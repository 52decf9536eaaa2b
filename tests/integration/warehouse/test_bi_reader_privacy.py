"""What the BI role can see after a warehouse build on a generated world: no person's name, e-mail or
phone in any column it can read, no comment outside marts, no view or function definition that holds
the pseudonym secret, and keys that only the secret reproduces."""

from __future__ import annotations

import re

import psycopg
import pytest

from talentflow.core import pseudonym, warehouse

WORLD = {"seed": 23, "candidates": 120, "employees": 80, "years": 2, "recordings": 0}
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")
# Column names that say "a person's identity or contact", whatever the table.
PERSON_COLUMN = re.compile(
    r"(^|_)(first|last|full|given|family|middle|candidate|employee|hrbp|manager|reviewer|person)_?name$"
    r"|^name$|e_?mail|phone|mobile|address|birth",
    re.IGNORECASE,
)
PII_COLUMN = re.compile(r"(^|_)(name|email|phone)$", re.IGNORECASE)


@pytest.fixture(scope="module")
def built(clean_runtime, run_dag, tmp_path_factory):
    """A small world loaded by archive_sync and built by dbt (models, seeds, data and unit tests)."""
    from talentflow_demo.delivery import deliver_world
    from talentflow_demo.world import generate_world

    from talentflow.warehouse_build import dbt_project as dbt

    settings = clean_runtime
    out = tmp_path_factory.mktemp("privacy-world")
    generate_world(out, **WORLD)
    deliver_world(out, "privacy-world-23", settings, resumes=False, interviews=False)
    synced = run_dag("archive_sync", retries=0, xcom_tasks=("sync_hris",))
    assert synced.ok, synced.failed_tasks()
    dbt.run(["build"], settings)
    warehouse.refresh_grants(settings)
    return settings


def _norm_phone(value: str) -> str | None:
    digits = re.sub(r"\D", "", value)
    return digits if len(digits) >= 7 else None


@pytest.fixture(scope="module")
def people(built) -> dict[str, set[str]]:
    """Every name, e-mail and phone the warehouse holds about people (restricted schema, as its owner)."""
    found: dict[str, set[str]] = {"names": set(), "emails": set(), "phones": set()}
    with warehouse.connect(built) as conn:
        columns = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'restricted' AND data_type = 'text'"
        ).fetchall()
        by_table: dict[str, list[str]] = {}
        for table, column in columns:
            if PII_COLUMN.search(column) or column in ("first_name", "last_name"):
                by_table.setdefault(table, []).append(column)
        for table, cols in by_table.items():
            select = ", ".join(f'"{c}"' for c in cols)
            for row in conn.execute(f'SELECT {select} FROM restricted."{table}"'):
                record = dict(zip(cols, row, strict=True))
                for col, value in record.items():
                    if not value:
                        continue
                    if "mail" in col:
                        found["emails"].add(value.strip().lower())
                    elif "phone" in col:
                        if phone := _norm_phone(value):
                            found["phones"].add(phone)
                    elif col.endswith("name") and col not in ("first_name", "last_name"):
                        found["names"].add(value.strip().lower())
                if record.get("first_name") and record.get("last_name"):
                    found["names"].add(f"{record['first_name']} {record['last_name']}".strip().lower())
    return found


def _bi_visible_columns(conn) -> list[tuple[str, str, str]]:
    # information_schema.columns lists exactly the columns the current role holds a privilege on.
    return conn.execute(
        "SELECT table_schema, table_name, column_name FROM information_schema.columns "
        "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3"
    ).fetchall()


def test_the_world_has_people_to_hide(people):
    # The checks below can only fail if there is something to find.
    # (The generated HRIS has no phone numbers; phones are checked whenever a loader brings some.)
    assert len(people["names"]) >= 80 and len(people["emails"]) >= 80
    assert "maria lopez" in people["names"]  # the HR business partners seed (restricted)


def test_bi_reader_reads_marts_only_and_no_person_in_any_column(built, people):
    with warehouse.connect(built, role="bi_reader") as conn:
        visible = _bi_visible_columns(conn)
        schemas = {s for s, _, _ in visible}
        assert schemas == {"marts"}, schemas
        tables = {t for _, t, _ in visible}
        assert {"dim_employee", "attrition_features", "salary_recommendation"} <= tables
        assert "hr_business_partners" not in tables and "salary_bands" not in tables

        person_columns = [f"{s}.{t}.{c}" for s, t, c in visible if PERSON_COLUMN.search(c)]
        assert person_columns == []

        leaks: list[str] = []
        for schema, table in sorted({(s, t) for s, t, _ in visible}):
            rows = conn.execute(f'SELECT * FROM "{schema}"."{table}" LIMIT 5000')
            names = [d.name for d in rows.description]
            for row in rows:
                for col, value in zip(names, row, strict=True):
                    if not isinstance(value, str) or len(value) < 5:
                        continue
                    text = value.strip().lower()
                    phone = _norm_phone(text) if not re.search(r"[a-z]", text) else None
                    if (
                        text in people["names"]
                        or text in people["emails"]
                        or any(e in text for e in re.findall(r"[\w.+-]+@[\w.-]+", text))
                        or (phone and phone in people["phones"])
                    ):
                        leaks.append(f"{table}.{col}")
        assert leaks == []


def test_bi_reader_cannot_read_people_seeds_secret_or_compute_keys(built):
    forbidden = [
        "SELECT * FROM restricted.hr_business_partners",
        "SELECT * FROM restricted.employee_key_map",
        "SELECT * FROM hr_config.salary_bands",
        "SELECT * FROM keyring.pseudonym_key",
        "SELECT restricted.pseudonym('employee', 'E00001')",
    ]
    for query in forbidden:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with warehouse.connect(built, role="bi_reader") as conn:
                conn.execute(query)
    # dbt's role computes keys but cannot read the secret either.
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with warehouse.connect(built, role="transformer") as conn:
            conn.execute("SELECT * FROM keyring.pseudonym_key")
    with warehouse.connect(built) as conn:
        seeded = conn.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            "WHERE table_name IN ('hr_business_partners', 'salary_bands', 'attrition_rules')"
        ).fetchall()
    assert sorted(r[0] for r in seeded) == [
        "hr_config.attrition_rules",
        "hr_config.salary_bands",
        "restricted.hr_business_partners",
    ]


def test_bi_reader_sees_no_comment_outside_marts(built):
    with warehouse.connect(built, role="bi_reader") as conn:
        # pg_description is readable by every role: only marts may carry comments.
        rows = conn.execute(
            """
            SELECT n.nspname, c.relname, d.objsubid
            FROM pg_description AS d
            JOIN pg_class AS c ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid
            JOIN pg_namespace AS n ON n.oid = c.relnamespace
            WHERE n.nspname <> ALL(%s)
            """,
            (list(SYSTEM_SCHEMAS),),
        ).fetchall()
    outside = sorted({f"{s}.{t}" for s, t, _ in rows if s != "marts"})
    assert outside == []
    documented = {t for s, t, sub in rows if s == "marts" and sub == 0}
    assert {"dim_employee", "employee_lifecycle_profile", "attrition_risk"} <= documented


def test_no_definition_bi_reader_can_read_holds_the_secret(built):
    secret = pseudonym.secret(built)
    inner, outer = pseudonym._pads(secret)
    needles = [secret.decode(), inner.hex(), outer.hex()]
    with warehouse.connect(built, role="bi_reader") as conn:
        definitions = [r[0] or "" for r in conn.execute("SELECT definition FROM pg_views")]
        definitions += [r[0] or "" for r in conn.execute("SELECT definition FROM pg_matviews")]
        definitions += [
            r[0] or ""
            for r in conn.execute(
                "SELECT p.prosrc FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace "
                "WHERE n.nspname <> ALL(%s)",
                (list(SYSTEM_SCHEMAS),),
            )
        ]
        settings_text = [r[0] or "" for r in conn.execute("SELECT setting FROM pg_settings")]
    staging = [d for d in definitions if "restricted.pseudonym(" in d]
    assert len(staging) >= 8  # the staging views call the function (they are what leaked the salt)
    for text in definitions + settings_text:
        assert not any(n in text for n in needles)
    # Nor dbt's compiled SQL, manifest or logs.
    from talentflow.warehouse_build.dbt_project import profiles_dir

    for path in (profiles_dir(built) / "target").rglob("*"):
        if path.is_file() and path.suffix in (".sql", ".json"):
            assert needles[0] not in path.read_text(errors="ignore"), path


def test_keys_are_hmac_of_the_secret_and_stable_across_builds(built):
    from talentflow.warehouse_build import dbt_project as dbt

    def key_map() -> dict[str, str]:
        with warehouse.connect(built) as conn:
            return dict(conn.execute("SELECT employee_id, employee_key FROM restricted.employee_key_map"))

    first = key_map()
    assert len(first) == WORLD["employees"]
    secret = pseudonym.secret(built)
    assert all(k == pseudonym.key(secret, "employee", e) for e, k in first.items())

    dbt.run(["run", "--select", "+employee_key_map"], built)
    assert key_map() == first

    other = b"another-installation-secret-0123456789"
    try:
        with warehouse.connect(built, login="admin") as conn:  # the keyring is the owner's
            pseudonym.install(conn, other)
        dbt.run(["run", "--select", "+employee_key_map"], built)
        rotated = key_map()
        assert rotated.keys() == first.keys()
        assert all(rotated[e] != first[e] for e in first)
        assert all(k == pseudonym.key(other, "employee", e) for e, k in rotated.items())
    finally:
        pseudonym.ensure_installed(built)
        dbt.run(["run", "--select", "+employee_key_map"], built)
    assert key_map() == first
