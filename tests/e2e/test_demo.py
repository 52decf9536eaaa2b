"""`talentflow demo` from an empty runtime: what a new user runs first (`make demo`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg

from tests.conftest import free_port

TALENTFLOW = str(Path(sys.executable).with_name("talentflow"))


def test_demo_from_empty_home(tmp_path):
    home = tmp_path / "home"
    env = {**os.environ, "TALENTFLOW_HOME": str(home), "TALENTFLOW_PG_PORT": str(free_port())}
    for var in ("AIRFLOW_HOME", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__CORE__DAGS_FOLDER"):
        env.pop(var, None)
    try:
        out = subprocess.run(
            [
                TALENTFLOW,
                "demo",
                "--json",
                "--candidates",
                "80",
                "--employees",
                "60",
                "--years",
                "2",
                "--recordings",
                "8",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=1200,
        )
        assert out.returncode == 0, out.stderr[-3000:]
        summary = json.loads(out.stdout.strip().splitlines()[-1])
        states = {r["dag_id"]: r["state"] for r in summary["dag_runs"]}
        assert {
            "platform_health",
            "archive_sync",
            "resume_ingestion",
            "interview_scoring",
            "warehouse_build",
        } <= set(states)
        assert set(states.values()) == {"success"}
        results = summary["results"]
        assert results["employees_profiled"] == summary["world"]["employees"]
        assert results["resumes_loaded"] > 0 and results["interviews_scored"] > 0
        assert results["interviews_to_human_review"] > 0  # candidates without consent
        assert results["recommendations_logged"] > 0
        assert summary["dbt_docs"]
        assert states["bias_audit"] == "success" and summary["bias_audit"].endswith(".html")
        assert summary["airflow_home"] == str(home / "airflow")
        assert "***" in summary["warehouse_url"]  # the password is never printed
        from talentflow.core.config import Settings

        dsn = Settings(home=home, pg_port=int(env["TALENTFLOW_PG_PORT"])).warehouse_dsn  # from the 0600 file
        with psycopg.connect(dsn) as conn:
            assert conn.execute("SELECT count(*) FROM raw.platform_health_checks").fetchone()[0] == 1
        assert list((home / "objects" / "talentflow" / "health").glob("*.json"))
    finally:
        subprocess.run([TALENTFLOW, "down"], env=env, capture_output=True)
