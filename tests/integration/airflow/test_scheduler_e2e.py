"""The platform under Airflow's real scheduler: files in the object store to marts, dashboard and
alerts with nothing but schedules and Asset triggers (no ``dag.test()``), no failed task, no outbound
connection, and an empty loader run that starts no warehouse build."""

from __future__ import annotations

from datetime import UTC

import pytest

from tests.conftest import REPO_ROOT, reset_loaded_data
from tests.integration.airflow.cluster import start_cluster, stop_cluster

pytestmark = [pytest.mark.integration, pytest.mark.scheduler]

LOADERS = ("archive_sync", "resume_ingestion", "interview_scoring")
CHAIN = (*LOADERS, "warehouse_build", "attrition_alerts")
DAG_FILES = len([p for p in (REPO_ROOT / "dags").glob("*.py") if not p.name.startswith("_")])
FINISHED = ("success", "failed")


@pytest.fixture(scope="module")
def cluster(tf_runtime, small_world, tmp_path_factory):
    from talentflow_demo.delivery import deliver_world

    reset_loaded_data(tf_runtime)
    deliver_world(small_world, "scheduler-e2e", tf_runtime)
    tmp = tmp_path_factory.mktemp("scheduler")
    running = start_cluster(tf_runtime, tmp)
    yield running
    left = stop_cluster(running)
    assert left == [], f"processes left behind after stop: {left}"


def _done(cluster, dag_id: str) -> list[dict]:
    return [r for r in cluster.dag_runs(dag_id) if r["state"] in FINISHED]


def test_schedules_and_assets_carry_files_to_marts_dashboard_and_alerts(cluster, warehouse_conn):
    from talentflow.core import storage

    cluster.wait_for("every DAG file parsed", lambda: _all_parsed(cluster), 900)
    assert cluster.import_errors() == []
    for dag_id in _dag_ids(cluster) - set(CHAIN):
        cluster.set_paused(dag_id, True)
    for dag_id in (*LOADERS, "warehouse_build"):
        cluster.set_paused(dag_id, False)

    # The loaders run on their own schedules; their Assets start warehouse_build.
    build = cluster.wait_for("a warehouse build", lambda: _done(cluster, "warehouse_build"), 1800)
    assert build[0]["run_type"] == "asset_triggered", build[0]
    # attrition_alerts runs daily and on the marts Asset; an operator unpauses it once marts exist.
    cluster.set_paused("attrition_alerts", False)
    cluster.wait_for("attrition alerts", lambda: _done(cluster, "attrition_alerts"), 600)
    cluster.wait_for("every run finished", lambda: _all_finished(cluster), 1800)

    failed = [
        (dag_id, run["dag_run_id"], ti["task_id"], ti["state"])
        for dag_id in CHAIN
        for run in cluster.dag_runs(dag_id)
        for ti in cluster.task_instances(dag_id, run["dag_run_id"])
        if ti["state"] in ("failed", "upstream_failed") or run["state"] == "failed"
    ]
    assert failed == [], f"{failed}\n{cluster.log_tails()}"

    counts = {
        table: warehouse_conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in (
            "raw.resume_submissions",
            "raw.interview_results",
            "marts.employee_lifecycle_profile",
            "marts.salary_recommendation",
            "raw.attrition_scores",
        )
    }
    assert all(counts.values()), counts
    store = storage.get_store(tf_runtime_settings(cluster))
    assert store.exists("reports/dashboard/latest.html")
    assert cluster.outbound_attempts() == [], "outbound connections attempted"


def test_an_empty_loader_run_emits_no_asset_and_starts_no_build(cluster):
    """Every file is loaded now: a new run of each loader loads nothing and must not rebuild."""
    from datetime import datetime

    since = datetime.now(UTC)
    builds_before = len(cluster.dag_runs("warehouse_build"))
    for dag_id in LOADERS:
        before = len(cluster.dag_runs(dag_id))
        with cluster.client() as api:
            api.post(f"/dags/{dag_id}/dagRuns", json={"logical_date": None}).raise_for_status()
        cluster.wait_for(f"{dag_id} re-run", lambda d=dag_id, n=before: len(_done(cluster, d)) > n, 600)
        last = _done(cluster, dag_id)[-1]
        assert last["state"] == "success", last
        states = {ti["task_id"]: ti["state"] for ti in cluster.task_instances(dag_id, last["dag_run_id"])}
        announce = [t for t in states if t.startswith("announce")]
        assert announce and all(states[t] == "skipped" for t in announce), states
    # Give the scheduler time to react to any Asset event before counting builds.
    import time

    time.sleep(20)
    assert len(cluster.dag_runs("warehouse_build")) == builds_before
    assert _loader_asset_events_since(cluster, since) == 0
    assert cluster.outbound_attempts() == [], "outbound connections attempted"


def test_the_ui_logs_in_and_lists_every_dag_without_import_errors(cluster):
    """Headless Chromium: log in as admin with the generated password, see every DAG of dags/."""
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from talentflow.core import airflow_services as services
    from tests.browser import chromium, missing

    if absent := missing():
        pytest.skip(f"not installed: {', '.join(absent)}")
    dag_ids = sorted(_dag_ids(cluster))
    with chromium(window="1400,1000") as driver:
        driver.get(f"{cluster.url}/")
        WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "input[name='username']"))
        driver.find_element(By.CSS_SELECTOR, "input[name='username']").send_keys("admin")
        password = driver.find_element(By.CSS_SELECTOR, "input[type='password']")
        password.send_keys(services.admin_password(cluster.settings))
        driver.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
        # signed in once the password field has gone
        WebDriverWait(driver, 60).until(
            lambda d: not d.find_elements(By.CSS_SELECTOR, "input[type='password']"),
            "the sign-in form is still shown: was the admin password refused?",
        )
        driver.get(f"{cluster.url}/dags?limit=50")

        def body(d) -> str:
            return d.find_element(By.TAG_NAME, "body").text

        try:
            WebDriverWait(driver, 90, ignored_exceptions=(StaleElementReferenceException,)).until(
                lambda d: all(dag_id in body(d) for dag_id in dag_ids)
            )
        except TimeoutException:
            pass  # the assertion below names what is missing
        text = body(driver)
    assert [d for d in dag_ids if d not in text] == [], text[:2000]
    assert "Import Error" not in text


def _all_parsed(cluster) -> bool:
    ids = _dag_ids(cluster)
    return len(ids) >= DAG_FILES and set(CHAIN) <= ids


def _dag_ids(cluster) -> set[str]:
    with cluster.client() as api:
        return {d["dag_id"] for d in api.get("/dags", params={"limit": 100}).json()["dags"]}


def _all_finished(cluster) -> bool:
    return all(r["state"] in FINISHED for dag_id in CHAIN for r in cluster.dag_runs(dag_id))


def _loader_asset_events_since(cluster, since) -> int:
    """Asset events the loaders emitted since ``since``, from Airflow's metadata DB."""
    from sqlalchemy import create_engine, text

    engine = create_engine(cluster.settings.airflow_db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text(
                    "SELECT count(*) FROM asset_event WHERE source_dag_id = ANY(:dags) AND timestamp >= :since"
                ),
                {"dags": list(LOADERS), "since": since},
            ).scalar_one()
    finally:
        engine.dispose()


def tf_runtime_settings(cluster):
    return cluster.settings
