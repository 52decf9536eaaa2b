"""Airflow's generated environment: sized for the machine, bound to loopback, a real login, and no
telemetry unless TALENTFLOW_TELEMETRY says so."""

from __future__ import annotations

from talentflow.core.airflow_env import airflow_environment, telemetry_switches
from talentflow.core.airflow_services import components
from talentflow.core.config import Settings


def test_bound_to_loopback_with_a_generated_admin_password(tmp_path):
    settings = Settings(home=tmp_path, airflow_port=18123)
    env = airflow_environment(settings)
    assert env["AIRFLOW__API__HOST"] == "127.0.0.1"
    assert env["AIRFLOW__API__BASE_URL"] == "http://127.0.0.1:18123"
    assert "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS" not in env
    assert env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"].startswith(str(settings.airflow_home))


def test_executor_slots_fit_the_machine(tmp_path, monkeypatch):
    monkeypatch.delenv("AIRFLOW__CORE__PARALLELISM", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    env = airflow_environment(Settings(home=tmp_path))
    assert env["AIRFLOW__CORE__PARALLELISM"] == "4"
    assert env["AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES"] == "1" and env["AIRFLOW__API__WORKERS"] == "1"
    assert (
        airflow_environment(Settings(home=tmp_path, airflow_parallelism=3))["AIRFLOW__CORE__PARALLELISM"]
        == "3"
    )


def test_telemetry_off_by_default_and_one_switch_turns_it_on(tmp_path):
    off = airflow_environment(Settings(home=tmp_path))
    assert off["AIRFLOW__COSMOS__ENABLE_TELEMETRY"] == "False"
    assert off["DBT_SEND_ANONYMOUS_USAGE_STATS"] == "False"
    assert off["GX_ANALYTICS_ENABLED"] == "false" and off["DO_NOT_TRACK"] == "1"
    on = telemetry_switches(True)
    assert on["AIRFLOW__COSMOS__ENABLE_TELEMETRY"] == "True" and "DO_NOT_TRACK" not in on


def test_celery_workers_per_queue():
    names = {c.name: c.argv for c in components(["default", "transcription"])}
    assert names["worker-transcription-1"][:4] == ("celery", "worker", "-q", "transcription")
    assert {"scheduler", "dag-processor", "api-server", "triggerer"} <= set(names)
