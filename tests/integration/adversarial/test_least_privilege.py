"""Loaders and dbt never connect as the superuser (issue 19, finding 4): the platform's code logs in as
``loader``, dbt as ``transformer``, and only ``talentflow up`` as the owner. What an attacker who gets
either login (a leaked password, SQL injected into a loader) can do on the embedded PostgreSQL: no
shell commands, no server files, no roles, no password hashes, no DDL outside its own schemas.
"""

from __future__ import annotations

import stat
import uuid

import psycopg
import pytest
import yaml
from psycopg import sql

from talentflow.core import warehouse
from talentflow.core.warehouse import TableSpec

# What only a superuser (or pg_execute_server_program / pg_read_server_files / CREATEROLE) may do.
REFUSED = {
    "copy_to_program": "COPY (SELECT 1) TO PROGRAM 'id > /tmp/tf-pwned'",
    "copy_from_program": "COPY audit.ingest_errors (source) FROM PROGRAM 'echo x'",
    "copy_to_server_file": "COPY (SELECT 1) TO '/tmp/tf-pwned.csv'",
    "read_server_file": "SELECT pg_read_file('/etc/passwd')",
    "create_role": "CREATE ROLE tf_attacker LOGIN SUPERUSER",
    "grant_superuser_role": "GRANT pg_execute_server_program TO CURRENT_USER",
    "read_password_hashes": "SELECT rolpassword FROM pg_authid",
    "alter_system": "ALTER SYSTEM SET log_statement = 'none'",
    "create_database": "CREATE DATABASE tf_attacker",
    "create_schema": "CREATE SCHEMA tf_attacker",
    "read_the_keyring": "SELECT inner_pad FROM keyring.pseudonym_key",
    "untrusted_language": "CREATE FUNCTION public.tf_sh() RETURNS void LANGUAGE c AS 'libc', 'system'",
}


def _refused(dsn: str, statement: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)


@pytest.mark.parametrize("login", ["loader", "transformer"])
@pytest.mark.parametrize("attack", sorted(REFUSED))
def test_platform_logins_cannot_escalate(tf_runtime, login, attack):
    _refused(warehouse.login_dsn(tf_runtime, login), REFUSED[attack])


@pytest.mark.parametrize("login", ["loader", "transformer"])
def test_platform_logins_are_plain_roles(tf_runtime, login):
    with warehouse.connect(tf_runtime, login=login) as conn:
        row = conn.execute(
            "SELECT current_user, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, "
            "pg_has_role(current_user, 'pg_execute_server_program', 'USAGE'), "
            "pg_has_role(current_user, 'pg_read_server_files', 'USAGE'), "
            "pg_has_role(current_user, 'pg_write_server_files', 'USAGE') "
            "FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    assert row == (login, False, False, False, False, False, False, False, False)


def test_the_default_connection_is_the_loader_and_dbt_is_the_transformer(tf_runtime):
    from talentflow.warehouse_build import dbt_project

    with warehouse.connect(tf_runtime) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("loader",)
    profiles = dbt_project.profiles_dir(tf_runtime) / "profiles.yml"
    target = yaml.safe_load(profiles.read_text())[dbt_project.PROFILE]["outputs"][dbt_project.TARGET]
    assert target["user"] == "transformer"
    assert stat.S_IMODE(profiles.stat().st_mode) == 0o600


def test_a_loader_run_owns_its_tables_and_cannot_touch_dbts(tf_runtime):
    spec = TableSpec("raw", f"lp_{uuid.uuid4().hex[:8]}", {"k": "text", "v": "int"}, ["k"])
    with warehouse.connect(tf_runtime) as conn:
        assert warehouse.upsert(conn, spec, [{"k": "a", "v": 1}]).inserted == 1
        assert warehouse.upsert(conn, spec, [{"k": "a", "v": 2}]).updated == 1
        owner = conn.execute(
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = %s::regclass", (spec.qualified,)
        ).fetchone()
    assert owner == ("loader",)
    with warehouse.connect(tf_runtime, login="transformer") as conn:  # dbt reads it, cannot change it
        assert conn.execute(sql.SQL("SELECT v FROM {}").format(spec.ident)).fetchone() == (2,)
    _refused(tf_runtime.transformer_dsn, f"DELETE FROM {spec.qualified}")
    _refused(tf_runtime.transformer_dsn, f"DROP TABLE {spec.qualified}")
    name = f"lp_mart_{uuid.uuid4().hex[:8]}"
    with warehouse.connect(tf_runtime, login="transformer") as conn:
        conn.execute(f"CREATE TABLE marts.{name} (id int)")
    _refused(tf_runtime.warehouse_dsn, f"DROP TABLE marts.{name}")
    _refused(tf_runtime.warehouse_dsn, f"ALTER TABLE marts.{name} ADD COLUMN x int")
    with warehouse.connect(tf_runtime, role="bi_reader") as conn:  # default privileges reached BI
        conn.execute(f"SELECT * FROM marts.{name}")


def test_tables_from_before_the_logins_are_handed_over(tf_runtime):
    """A warehouse whose tables the superuser made (before loader/transformer logins): ``up`` gives
    a loader's table (it has _loaded_at) to ``loader`` and dbt's relations to ``transformer``."""
    loaded, built = f"lp_old_{uuid.uuid4().hex[:8]}", f"lp_old_mart_{uuid.uuid4().hex[:8]}"
    with warehouse.connect(tf_runtime, login="admin") as conn:
        conn.execute(f"CREATE TABLE raw.{loaded} (k text PRIMARY KEY, _loaded_at timestamptz)")
        conn.execute(f"CREATE TABLE marts.{built} (id int)")
    warehouse.ensure_warehouse(tf_runtime)
    with warehouse.connect(tf_runtime) as conn:
        owners = dict(
            conn.execute(
                "SELECT relname, pg_get_userbyid(relowner) FROM pg_class WHERE relname = ANY(%s)",
                ([loaded, built],),
            ).fetchall()
        )
    assert owners == {loaded: "loader", built: "transformer"}


def test_the_loader_can_serve_peoples_data_rights(tf_runtime):
    """Export and erasure run as the loader: it computes a subject's keys and deletes their rows from
    the audit trail's own tables (which the owner made), without owning or altering them."""
    with warehouse.connect(tf_runtime) as conn:
        key = conn.execute("SELECT restricted.pseudonym('employee', 'e-lp-1')").fetchone()[0]
        assert len(key) == 64
        conn.execute(
            "INSERT INTO audit.ingest_errors (source, object_key, reason_code, message) "
            "VALUES ('least-privilege', 'k', 'x', 'erase me')"
        )
        assert conn.execute("DELETE FROM audit.ingest_errors WHERE source = 'least-privilege'").rowcount == 1
    _refused(tf_runtime.warehouse_dsn, "ALTER TABLE audit.ingest_errors ADD COLUMN x int")
