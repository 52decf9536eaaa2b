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


def test_every_model_and_every_mart_column_is_documented(synced, run_dag, tf_runtime):
    """dbt as its users expect: one YAML per folder, each model described (with the columns BI sees),
    no source() inside marts, exposures for what reads the marts. Reads the docs site's manifest and
    catalog that the warehouse_build DAG generated."""
    import json

    from talentflow.warehouse_build.dbt_project import profiles_dir, project_dir

    target = profiles_dir(tf_runtime) / "target"
    if not (target / "catalog.json").exists():
        assert run_dag("warehouse_build", retries=0).ok
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())

    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    assert len(models) > 30
    undocumented = [m["name"] for m in models if not m["description"].strip() or not m["patch_path"]]
    assert undocumented == []
    missing_columns = []
    for m in models:
        if m["schema"] != "marts":
            continue
        built = catalog["nodes"][m["unique_id"]]["columns"]
        described = {c for c, spec in m["columns"].items() if spec["description"].strip()}
        missing_columns += [f"{m['name']}.{c}" for c in built if c not in described]
    assert missing_columns == []
    tested = {n["attached_node"] for n in manifest["nodes"].values() if n["resource_type"] == "test"} | {
        n["depends_on"]["nodes"][0] for n in manifest["unit_tests"].values()
    }
    assert [m["name"] for m in models if m["unique_id"] not in tested] == []

    marts_sources = [m["name"] for m in models if m["schema"] == "marts" and m["sources"]]
    assert marts_sources == []
    exposed = {ref for e in manifest["exposures"].values() for ref in e["depends_on"]["nodes"]}
    marts = {m["unique_id"] for m in models if m["schema"] == "marts"}
    assert marts <= exposed
    assert {e["name"] for e in manifest["exposures"].values()} >= {
        "hr_attrition_dashboard",
        "attrition_alerts",
        "feedback_retraining",
        "bi_tools",
    }
    for folder in (project_dir(tf_runtime) / "models").rglob("*"):
        if folder.is_dir() and any(folder.glob("*.sql")):
            assert len(list(folder.glob("*.yml"))) == 1, folder


def test_sources_are_fresh_after_a_load(synced, tf_runtime):
    import json

    from talentflow.warehouse_build import dbt_project as dbt

    # The tables this world certainly loads (an empty table is "error": no load at all).
    loaded = ["source:hris.hris_employees", "source:hris.hris_attendance", "source:ats.ats_applications"]
    dbt.run(["source", "freshness", "--select", *loaded], tf_runtime)
    results = json.loads((dbt.profiles_dir(tf_runtime) / "target" / "sources.json").read_text())["results"]
    checked = {r["unique_id"].split(".")[-1]: r["status"] for r in results}
    assert checked == {"hris_employees": "pass", "hris_attendance": "pass", "ats_applications": "pass"}
