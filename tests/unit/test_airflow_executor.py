"""The scheduler's LocalExecutor preloads what the DAG files import, so task processes forked from its
workers do not import TalentFlow, Cosmos and dbt again (the ~30 s each task spent parsing its DAG)."""

from __future__ import annotations

import os

from talentflow.core.airflow_env import PRELOADING_LOCAL_EXECUTOR, airflow_environment
from talentflow.core.airflow_executor import dag_imports, preload
from talentflow.core.config import Settings
from talentflow.core.paths import DAGS_DIR


def test_the_preloaded_modules_are_what_the_dag_files_import():
    names, maybe = dag_imports(DAGS_DIR)
    assert {"cosmos", "airflow.sdk", "talentflow.core.dag_defaults", "talentflow.warehouse_build"} <= set(
        names
    )
    # `from talentflow.core import assets, warehouse` in dags/warehouse_build.py: the submodules too
    assert {"talentflow.core.assets", "talentflow.core.warehouse"} <= set(maybe)
    assert not any(n.startswith("__future__") for n in names + maybe)


def test_a_broken_dag_import_is_reported_not_raised(tmp_path):
    (tmp_path / "broken.py").write_text("import talentflow_no_such_module\nfrom json import loads\n")
    (tmp_path / "not_python.py").write_text("def (:\n")
    failed = preload(tmp_path)
    assert failed.pop("talentflow_no_such_module") == "ModuleNotFoundError"
    assert not any(name.startswith("json") for name in failed)


def test_the_default_executor_preloads_and_an_operators_choice_wins(tmp_path, monkeypatch):
    monkeypatch.delenv("AIRFLOW__CORE__EXECUTOR", raising=False)
    assert (
        airflow_environment(Settings(home=tmp_path))["AIRFLOW__CORE__EXECUTOR"] == PRELOADING_LOCAL_EXECUTOR
    )
    monkeypatch.setitem(os.environ, "AIRFLOW__CORE__EXECUTOR", "CeleryExecutor")
    assert airflow_environment(Settings(home=tmp_path))["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"


def test_the_scheduler_runs_dbt_in_watcher_mode_unless_told_otherwise(tmp_path, monkeypatch):
    from talentflow.core.airflow_services import SCHEDULER_COSMOS_MODE, process_env

    monkeypatch.delenv("TALENTFLOW_COSMOS_MODE", raising=False)
    settings = Settings(home=tmp_path)
    assert process_env(settings)["TALENTFLOW_COSMOS_MODE"] == SCHEDULER_COSMOS_MODE == "watcher"
    assert process_env(settings, {"TALENTFLOW_COSMOS_MODE": "local_build"})["TALENTFLOW_COSMOS_MODE"] == (
        "local_build"
    )
