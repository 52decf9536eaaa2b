"""``talentflow up | down | status`` on real embedded PostgreSQL servers."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from talentflow.core import runtime
from talentflow.core.cliutil import UserError
from talentflow.core.config import (
    EMBEDDED_PG_ROLES,
    Settings,
    embedded_pg_passwords,
    mask_url,
    pg_password_file,
)
from tests.conftest import free_port

TALENTFLOW = str(Path(sys.executable).with_name("talentflow"))


def test_up_twice_is_harmless(tf_runtime):
    before = runtime.status(tf_runtime)
    after = runtime.up(tf_runtime, migrate=False)
    assert after["postgres"]["running"] and after["postgres"]["pid"] == before["postgres"]["pid"]
    assert after["warehouse"]["reachable"] and after["object_store"]["reachable"]


def test_status_cli_says_what_runs_where(tf_runtime):
    out = subprocess.run([TALENTFLOW, "status", "--json"], capture_output=True, text=True, check=True)
    state = json.loads(out.stdout)
    assert state["postgres"]["running"] is True
    assert (
        state["warehouse"]["url"] == mask_url(tf_runtime.warehouse_dsn) and not state["warehouse"]["external"]
    )
    assert state["warehouse"]["url"].startswith("postgresql://loader:***@127.0.0.1:")
    assert state["object_store"]["backend"] == "local"
    human = subprocess.run([TALENTFLOW, "status"], capture_output=True, text=True, check=True).stdout
    assert f"127.0.0.1:{tf_runtime.pg_port}" in human and "reachable" in human
    for password in embedded_pg_passwords(tf_runtime).values():  # never printed
        assert password not in out.stdout + out.stderr + human


def _refused(url: str) -> str:
    with pytest.raises(psycopg.OperationalError) as info:
        psycopg.connect(url, connect_timeout=5).close()
    return str(info.value)


def test_embedded_postgres_trusts_nobody(tf_runtime):
    settings, pgdata = tf_runtime, tf_runtime.pgdata
    hba = [line.split() for line in (pgdata / "pg_hba.conf").read_text().splitlines()]
    methods = {rule[-1] for rule in hba if rule and not rule[0].startswith("#")}
    assert methods == {"scram-sha-256"}
    for private in (pg_password_file(settings), pg_password_file(settings).parent, pgdata, pgdata.parent):
        assert private.stat().st_mode & 0o077 == 0, f"{private} is open to other users"
    # No password, a wrong one: refused on 127.0.0.1, on ::1 and on the socket.
    port = settings.pg_port
    assert "password" in _refused(f"postgresql://postgres@127.0.0.1:{port}/warehouse")
    assert "password" in _refused(f"postgresql://postgres:wrong@127.0.0.1:{port}/warehouse")
    assert "password" in _refused(f"host={pgdata.parent} port={port} user=postgres dbname=warehouse")
    passwords = embedded_pg_passwords(settings)
    assert set(passwords) == set(EMBEDDED_PG_ROLES)
    with psycopg.connect(settings.embedded_url("postgres"), autocommit=True) as conn:
        stored = dict(conn.execute("SELECT rolname, rolpassword FROM pg_authid").fetchall())
    for role in EMBEDDED_PG_ROLES:
        assert stored[role].startswith("SCRAM-SHA-256$"), role
    # The platform's roles log in with their own password and cannot run shell commands.
    for role in ("loader", "transformer", "bi_reader", "hr_admin"):
        with psycopg.connect(settings.embedded_url("warehouse", role=role), autocommit=True) as conn:
            superuser, program = conn.execute(
                "SELECT rolsuper, pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') "
                "FROM pg_roles WHERE rolname = current_user"
            ).fetchone()
            assert not superuser and not program, role
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("COPY (SELECT 1) TO PROGRAM 'touch /tmp/tf-pwned'")
    assert not Path("/tmp/tf-pwned").exists()


def test_trusting_data_dir_is_upgraded(tmp_path, monkeypatch):
    """A data dir made before passwords (trust, no password) is switched to scram by `up`."""
    monkeypatch.setenv("TALENTFLOW_HOME", str(tmp_path))
    monkeypatch.setenv("TALENTFLOW_PG_PORT", str(free_port()))
    settings = Settings()
    runtime.start_postgres(settings)
    try:
        with psycopg.connect(settings.embedded_url("postgres"), autocommit=True) as conn:
            conn.execute("ALTER ROLE postgres PASSWORD NULL")
        (settings.pgdata / "pg_hba.conf").write_text(
            "local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n"
        )
        runtime.stop_postgres(settings)
        (settings.home_dir / "postgres").chmod(0o777)
        runtime.start_postgres(settings)
        assert "trust" not in (settings.pgdata / "pg_hba.conf").read_text().replace("No `trust`", "")
        assert (settings.home_dir / "postgres").stat().st_mode & 0o077 == 0
        assert "password" in _refused(f"postgresql://postgres@127.0.0.1:{settings.pg_port}/postgres")
        with psycopg.connect(settings.embedded_url("postgres")) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        runtime.stop_postgres(settings)


def test_lost_password_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TALENTFLOW_HOME", str(tmp_path))
    monkeypatch.setenv("TALENTFLOW_PG_PORT", str(free_port()))
    settings = Settings()
    runtime.start_postgres(settings)
    try:
        pg_password_file(settings).unlink()  # a new random password is generated: not the cluster's
        with pytest.raises(UserError, match="refused the password in .*postgres.json: restore"):
            runtime._ensure_databases(Settings())
    finally:
        runtime.stop_postgres(settings)


def test_port_in_use_is_explained(tmp_path, monkeypatch):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        monkeypatch.setenv("TALENTFLOW_HOME", str(tmp_path))
        monkeypatch.setenv("TALENTFLOW_PG_PORT", str(port))
        with pytest.raises(UserError, match=f"port {port} .* in use .*TALENTFLOW_PG_PORT"):
            runtime.start_postgres(Settings())


def test_stale_lock_is_cleared_and_second_cluster_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("TALENTFLOW_HOME", str(tmp_path))
    monkeypatch.setenv("TALENTFLOW_PG_PORT", str(free_port()))
    settings = Settings()
    runtime.start_postgres(settings)
    runtime.stop_postgres(settings)
    # A crash leaves postmaster.pid behind with a pid that is no postgres any more.
    (settings.pgdata / "postmaster.pid").write_text(
        f"{2**22 - 1}\n{settings.pgdata}\n0\n{settings.pg_port}\n"
    )
    try:
        assert runtime.start_postgres(settings)["started"] is True
        assert runtime.postgres_running(settings)
        # Same data dir, different port while it runs: refused with the way out.
        monkeypatch.setenv("TALENTFLOW_PG_PORT", str(free_port()))
        with pytest.raises(UserError, match="already runs on port"):
            runtime.start_postgres(Settings())
    finally:
        assert runtime.stop_postgres(settings) is True
    assert not runtime.postgres_running(settings)


def test_non_cluster_data_dir_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("TALENTFLOW_HOME", str(tmp_path))
    settings = Settings()
    settings.pgdata.mkdir(parents=True)
    (settings.pgdata / "something.txt").write_text("not postgres")
    with pytest.raises(UserError, match="not empty but holds no PostgreSQL cluster"):
        runtime.start_postgres(settings)


def test_external_unreachable_warehouse_is_one_line_error(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "TALENTFLOW_HOME": str(tmp_path),
        "TALENTFLOW_WAREHOUSE_URL": f"postgresql://x@127.0.0.1:{free_port()}/wh",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://x@127.0.0.1:{free_port()}/af",
    }
    out = subprocess.run([TALENTFLOW, "up"], capture_output=True, text=True, env=env)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "TALENTFLOW_WAREHOUSE_URL" in lines[0]
    assert not (tmp_path / "postgres").exists(), "no embedded server when both databases are external"
