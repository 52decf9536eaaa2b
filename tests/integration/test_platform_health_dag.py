"""The health-check DAG through a real dag.test() on the embedded runtime."""

from __future__ import annotations

from talentflow.core import health, storage, warehouse


def test_platform_health_dag_writes_store_warehouse_and_audit(run_dag, tf_runtime, warehouse_conn):
    result = run_dag("platform_health", xcom_tasks=("probe_object_store", "validate_health"))
    assert result.ok, result.task_states
    assert result.task_states == {
        "probe_object_store": "success",
        "record_health": "success",
        "validate_health": "success",
    }

    probe = result.xcoms["probe_object_store"]
    assert probe["check_id"] == health.check_id_for(result.run_id)
    assert storage.get_store(tf_runtime).get_json(probe["object_key"]) == {
        "check_id": probe["check_id"],
        "run_id": result.run_id,
    }
    row = warehouse.fetch_all(
        warehouse_conn, "SELECT * FROM raw.platform_health_checks WHERE check_id=%s", (probe["check_id"],)
    )[0]
    assert row["store_ok"] and row["warehouse_ok"] and row["store_backend"] == "local"
    dq = warehouse.fetch_all(
        warehouse_conn,
        "SELECT success FROM audit.data_quality_results WHERE suite='platform_health' AND run_id=%s",
        (result.run_id,),
    )
    assert dq == [{"success": True}]
    assert result.xcoms["validate_health"]["success"] is True


def test_rerunning_a_check_rewrites_instead_of_duplicating(tf_runtime, warehouse_conn):
    probe = health.probe_object_store("manual__rerun", tf_runtime)
    first = health.record(probe, tf_runtime)
    second = health.record(health.probe_object_store("manual__rerun", tf_runtime), tf_runtime)
    assert first["inserted"] == 1
    assert second["inserted"] == 0
    n = warehouse_conn.execute("SELECT count(*) FROM raw.platform_health_checks WHERE run_id='manual__rerun'")
    assert n.fetchone()[0] == 1


def test_failed_task_fails_the_run_and_alerts(run_dag, tf_runtime, monkeypatch):
    """A broken object store fails the run (state checked), with the failure callback invoked."""
    from talentflow.core import notifications as alerts

    calls = []
    monkeypatch.setattr(alerts, "send", lambda msg, settings=None: calls.append(msg) or {})
    store_root = storage.get_store(tf_runtime).describe()
    import os
    import stat

    health_dir = os.path.join(store_root, "health")
    os.makedirs(health_dir, exist_ok=True)
    mode = os.stat(health_dir).st_mode
    os.chmod(health_dir, stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(health_dir, os.W_OK):  # root ignores permissions: break it another way
            os.chmod(health_dir, mode)
            os.rename(health_dir, health_dir + ".bak")
            open(health_dir, "w").close()  # a file where the folder should be
        result = run_dag("platform_health", retries=0)
    finally:
        if os.path.isfile(health_dir):
            os.remove(health_dir)
            os.rename(health_dir + ".bak", health_dir)
        os.chmod(health_dir, mode)
    assert result.state == "failed"
    assert result.task_states["probe_object_store"] == "failed"
    assert result.task_states["record_health"] == "upstream_failed"
    assert calls and "platform_health.probe_object_store failed" in calls[0].title
