"""CeleryExecutor as production runs it: a real Redis broker, one worker for the `default` queue and
two for `transcription`. Scoring batches run only on transcription workers, everything else on the
default worker; a transcription worker killed in the middle of a batch loses nothing and scores
nothing twice (the batch is retried on the live worker)."""

from __future__ import annotations

import re
import signal

import pytest

from talentflow.core import airflow_services as services
from tests.conftest import reset_loaded_data
from tests.integration.airflow.cluster import start_cluster, stop_cluster

pytestmark = [pytest.mark.integration, pytest.mark.scheduler]

QUEUES = ["default", "transcription", "transcription"]
WORKLOAD = re.compile(r"Executing workload in Celery: .*?task_id='(\w+)'")


@pytest.fixture(scope="module")
def celery_cluster(tf_runtime, small_world, redis_url, tmp_path_factory):
    from talentflow_demo.delivery import deliver_world

    reset_loaded_data(tf_runtime)
    delivered = deliver_world(small_world, "celery", tf_runtime, exports=False, resumes=False)
    tmp = tmp_path_factory.mktemp("celery")
    env = {
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CELERY__BROKER_URL": redis_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + tf_runtime.airflow_db_url.replace("+psycopg2", ""),
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "1",
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": "default",
        # A killed worker's task is noticed after 20 s without a heartbeat, then retried.
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "20",
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
        # A task handed to a worker that dies before starting it is requeued after this long.
        "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT": "120",
    }
    running = start_cluster(tf_runtime, tmp, extra_env=env, celery_queues=QUEUES)
    yield running, delivered["scoring_tasks"]
    left = stop_cluster(running)
    assert left == [], f"processes left behind after stop: {left}"


def _workloads(settings) -> dict[str, list[str]]:
    """Task ids each Celery worker was handed, read from the workers' own logs."""
    out = {}
    for log in services.run_dir(settings).glob("worker-*.log"):
        out[log.stem] = WORKLOAD.findall(log.read_text(errors="replace"))
    return out


def test_queues_route_work_and_a_killed_worker_loses_nothing(celery_cluster, warehouse_conn):
    from talentflow.core import storage

    cluster, delivered = celery_cluster
    assert delivered >= 4, "the small world must have a few interviews to score"
    cluster.wait_for("interview_scoring parsed", lambda: _has_dag(cluster, "interview_scoring"), 300)
    for dag_id in _all_dags(cluster) - {"interview_scoring"}:
        cluster.set_paused(dag_id, True)
    # Unpaused, the DAG's schedule starts a run at once (catchup off): nothing is triggered by hand.
    cluster.set_paused("interview_scoring", False)

    # Kill the transcription worker that took the first scoring batch, while it scores.
    victim = cluster.wait_for(
        "a scoring batch on a transcription worker",
        lambda: next((w for w, tasks in _workloads(cluster.settings).items() if "score" in tasks), None),
        600,
        every=0.5,
    )
    assert victim.startswith("worker-transcription"), victim
    cluster.wait_for("the batch to be running", lambda: _score_running(cluster), 600, every=0.5)
    killed = services.stop_one(cluster.settings, victim, grace=0, sig=signal.SIGKILL)
    assert killed >= 2, "the worker and its task process"

    runs = cluster.wait_for("the scoring runs to finish", lambda: _finished_runs(cluster), 1800)
    tis = [ti for run in runs for ti in cluster.task_instances("interview_scoring", run["dag_run_id"])]
    assert all(run["state"] == "success" for run in runs), (runs, tis, cluster.log_tails())
    scored = [ti for ti in tis if ti["task_id"] == "score" and ti["map_index"] >= 0]
    assert scored and all(ti["queue"] == "transcription" and ti["pool"] == "transcription" for ti in scored)
    assert max(ti["try_number"] for ti in scored) >= 2, "the killed batch was retried"

    # Routing: scoring batches only on transcription workers, everything else on the default worker.
    work = _workloads(cluster.settings)
    survivor = next(w for w in work if w.startswith("worker-transcription") and w != victim)
    assert "score" in work[survivor], work
    assert set(work["worker-default-0"]) >= {"claim", "validate"} and "score" not in work["worker-default-0"]
    assert all(set(tasks) <= {"score"} for w, tasks in work.items() if w.startswith("worker-transcription"))

    # Nothing lost, nothing twice: every delivered task finished exactly once.
    store = storage.get_store(cluster.settings)
    keys = {
        p: [o.key for o in store.list(f"scoring-tasks/{p}/")]
        for p in ("pending", "processing", "done", "failed", "duplicates")
    }
    assert keys["pending"] == [] and keys["processing"] == [] and keys["duplicates"] == [], keys
    assert len(keys["done"]) + len(keys["failed"]) == delivered, keys
    rows, distinct = warehouse_conn.execute(
        "SELECT count(*), count(DISTINCT task_id) FROM raw.interview_results"
    ).fetchone()
    assert rows == distinct == delivered
    assert cluster.outbound_attempts() == [], "outbound connections attempted"


def _score_running(cluster) -> bool:
    return any(
        ti["task_id"] == "score" and ti["state"] == "running"
        for run in cluster.dag_runs("interview_scoring")
        for ti in cluster.task_instances("interview_scoring", run["dag_run_id"])
    )


def _finished_runs(cluster) -> list[dict] | None:
    runs = cluster.dag_runs("interview_scoring")
    if runs and all(r["state"] in ("success", "failed") for r in runs):
        return runs
    return None


def _all_dags(cluster) -> set[str]:
    with cluster.client() as api:
        return {d["dag_id"] for d in api.get("/dags", params={"limit": 100}).json()["dags"]}


def _has_dag(cluster, dag_id: str) -> bool:
    return dag_id in _all_dags(cluster)
