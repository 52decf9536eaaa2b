"""``talentflow up | down | status`` on real embedded PostgreSQL servers."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from talentflow.core import runtime
from talentflow.core.cliutil import UserError
from talentflow.core.config import Settings
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
    assert state["warehouse"]["url"] == tf_runtime.warehouse_dsn and not state["warehouse"]["external"]
    assert state["object_store"]["backend"] == "local"
    human = subprocess.run([TALENTFLOW, "status"], capture_output=True, text=True, check=True).stdout
    assert f"127.0.0.1:{tf_runtime.pg_port}" in human and "reachable" in human


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
