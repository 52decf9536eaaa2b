"""archive_sync then warehouse_build through real dag.test() runs on a generated world."""

from __future__ import annotations

import pytest
from talentflow_demo.delivery import deliver_world

from talentflow.core import storage, warehouse


@pytest.fixture(scope="module")
def small_world(tmp_path_factory):
    from talentflow_demo.world import generate_world

    out = tmp_path_factory.mktemp("world")
    generate_world(out, seed=11, candidates=120, employees=80, years=2, recordings=0)
    return out


@pytest.fixture(scope="module")
def synced(small_world, clean_runtime, run_dag):
    tf_runtime = clean_runtime
    deliver_world(small_world, "world-11", tf_runtime, resumes=False, interviews=False)
    return run_dag("archive_sync", retries=0, xcom_tasks=("sync_hris", "sync_ats"))


def _one(settings, query):
    with warehouse.connect(settings) as conn:
        return conn.execute(query).fetchone()[0]


def test_archive_sync_loads_and_archives(synced, tf_runtime, small_world):
    assert synced.ok, synced.task_states
    hris = synced.xcoms["sync_hris"]
    assert [r["export_id"] for r in hris] == ["world-11"]
    assert hris[0]["rejected"] == 0
    assert _one(tf_runtime, "SELECT count(DISTINCT employee_id) FROM raw.hris_employees") == 80
    assert _one(tf_runtime, "SELECT count(*) FROM raw.ats_applications") == 120
    assert _one(tf_runtime, "SELECT count(*) FROM restricted.hris_employees_pii") == 80
    store = storage.get_store(tf_runtime)
    assert list(store.list("incoming/hris/")) == [] and list(store.list("incoming/ats/")) == []
    assert any(o.key.endswith("employees.csv") for o in store.list("archive/hris/world-11/"))


def test_archive_sync_rerun_finds_nothing_new(synced, run_dag, tf_runtime):
    before = _one(tf_runtime, "SELECT count(*) FROM raw.hris_attendance")
    again = run_dag("archive_sync", retries=0, xcom_tasks=("sync_hris",))
    assert again.ok and again.xcoms["sync_hris"] == []
    assert _one(tf_runtime, "SELECT count(*) FROM raw.hris_attendance") == before


def test_warehouse_build_runs_every_model_and_test(synced, run_dag, tf_runtime):
    result = run_dag("warehouse_build", retries=0, xcom_tasks=("log_recommendations", "publish_docs"))
    assert result.ok, result.failed_tasks()
    dbt_tasks = [t for t in result.task_states if t.startswith("dbt.")]
    assert any(t.endswith(".test") for t in dbt_tasks) and len(dbt_tasks) > 30
    assert all(result.task_states[t] == "success" for t in dbt_tasks)

    assert _one(tf_runtime, "SELECT count(*) FROM marts.employee_lifecycle_profile") == 80
    assert _one(tf_runtime, "SELECT count(*) FROM marts.attrition_features WHERE left_voluntarily") > 0
    assert _one(tf_runtime, "SELECT count(*) FROM marts.hiring_funnel") > 0
    # BI sees marts with their documentation, never identifiers or PII.
    with warehouse.connect(tf_runtime, role="bi_reader") as conn:
        assert conn.execute("SELECT count(*) FROM marts.dim_employee").fetchone()[0] == 80
        cols = {
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts'"
            )
        }
        assert not cols & {"employee_id", "candidate_id", "email", "first_name", "phone"}
    assert _one(tf_runtime, "SELECT obj_description('marts.dim_employee'::regclass)").startswith(
        "One row per employee"
    )
    assert _one(tf_runtime, "SELECT count(*) FROM restricted.employee_key_map") == 80
    assert "docs/dbt/index.html" in result.xcoms["publish_docs"]
    assert storage.get_store(tf_runtime).exists("docs/dbt/index.html")
    logged = result.xcoms["log_recommendations"]
    assert set(logged) == {"salary_recommendation", "goal_recommendation", "training_recommendation"}


def test_incremental_rebuild_keeps_facts(synced, run_dag, tf_runtime):
    n = _one(tf_runtime, "SELECT count(*) FROM marts.fct_attendance")
    assert n == _one(tf_runtime, "SELECT count(*) FROM raw.hris_attendance")
    from talentflow.warehouse_build import dbt_project as dbt

    dbt.run(["run", "--select", "fct_attendance"], tf_runtime)  # nothing new: incremental no-op
    assert _one(tf_runtime, "SELECT count(*) FROM marts.fct_attendance") == n
