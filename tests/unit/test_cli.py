"""The command line: --json everywhere, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TALENTFLOW = str(Path(sys.executable).with_name("talentflow"))


def run(*args, **kw):
    return subprocess.run([TALENTFLOW, *args], capture_output=True, text=True, **kw)


def test_config_lists_every_setting_as_json():
    out = run("config", "--json")
    assert out.returncode == 0
    variables = {row["variable"] for row in json.loads(out.stdout)}
    assert {
        "TALENTFLOW_HOME",
        "TALENTFLOW_WAREHOUSE_URL",
        "TALENTFLOW_S3_ENDPOINT",
        "TALENTFLOW_BUCKET",
        "TALENTFLOW_WHISPER_MODEL",
        "TALENTFLOW_EMBEDDING_MODEL",
        "TALENTFLOW_SLACK_WEBHOOK_URL",
        "TALENTFLOW_RECORDINGS_RETENTION_DAYS",
        "TALENTFLOW_ATTRITION_HORIZON_MONTHS",
        "TALENTFLOW_RETRAIN_MIN_HIRES",
    } <= variables


def test_airflow_env_points_airflow_at_our_folders():
    env = json.loads(run("airflow-env", "--json").stdout)
    assert env["AIRFLOW__CORE__DAGS_FOLDER"].endswith("/dags")
    assert env["AIRFLOW__CORE__PLUGINS_FOLDER"].endswith("/plugins")
    assert env["AIRFLOW_HOME"].startswith(env["TALENTFLOW_HOME"])
    conn = json.loads(env["AIRFLOW_CONN_TALENTFLOW_WAREHOUSE"])
    assert conn["conn_type"] == "postgres" and conn["schema"] == "warehouse"
    shell = run("airflow-env", "--shell").stdout
    assert "export AIRFLOW__CORE__LOAD_EXAMPLES=False" in shell


def test_bad_setting_is_a_one_line_error():
    out = run("status", env={"PATH": "/usr/bin:/bin", "TALENTFLOW_PG_PORT": "not-a-port"})
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "TALENTFLOW_PG_PORT='not-a-port'" in lines[0]


def test_unknown_command_fails():
    assert run("frobnicate").returncode != 0
