"""Airflow as production runs it, for the scheduler tests: the real components started with
``talentflow.core.airflow_services`` (the code behind ``talentflow airflow start``), a socket guard on
every process, and the REST API (logged in as ``admin``) to steer and observe it."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from talentflow.core import airflow_services as services
from talentflow.core.config import Settings
from talentflow.core.runtime import free_port
from talentflow.warehouse_build import dbt_project

GUARD_DIR = Path(__file__).parent / "socket_guard"


@dataclass
class Cluster:
    settings: Settings
    guard_log: Path
    url: str = ""
    token: str = ""
    started_at: float = field(default_factory=time.time)

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=f"{self.url}/api/v2", headers={"Authorization": f"Bearer {self.token}"}, timeout=60
        )

    def set_paused(self, dag_id: str, paused: bool) -> None:
        with self.client() as api:
            api.patch(f"/dags/{dag_id}", json={"is_paused": paused}).raise_for_status()

    def dag_runs(self, dag_id: str) -> list[dict]:
        with self.client() as api:
            resp = api.get(f"/dags/{dag_id}/dagRuns", params={"limit": 100, "order_by": "run_after"})
            resp.raise_for_status()
            return resp.json()["dag_runs"]

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        with self.client() as api:
            resp = api.get(f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances", params={"limit": 1000})
            resp.raise_for_status()
            return resp.json()["task_instances"]

    def import_errors(self) -> list[dict]:
        with self.client() as api:
            resp = api.get("/importErrors")
            resp.raise_for_status()
            return resp.json()["import_errors"]

    def wait_for(self, what: str, check, timeout: float, every: float = 5.0):
        """Poll ``check()`` until it returns something truthy; fail with the component logs' tails."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            time.sleep(every)
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{self.log_tails()}")

    def log_tails(self, lines: int = 15) -> str:
        out = []
        for log in sorted(services.run_dir(self.settings).glob("*.log")):
            tail = log.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {log.name}\n" + "\n".join(tail))
        return "\n".join(out)

    def outbound_attempts(self) -> list[str]:
        return self.guard_log.read_text().splitlines() if self.guard_log.exists() else []


def start_cluster(
    settings: Settings, tmp: Path, extra_env: dict[str, str] | None = None, celery_queues=None
) -> Cluster:
    port = free_port()
    settings = settings.model_copy(update={"airflow_port": port})
    guard_log = tmp / "outbound-connections.log"
    guard_log.write_text("")
    env = {
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
        # Only the DAGs a test unpauses run; the others stay as the operator left them.
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        # Parse each file once: re-parsing warehouse_build (dbt ls) would only steal CPU.
        "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "3600",
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "90",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(GUARD_DIR), os.environ.get("PYTHONPATH")])),
        "TF_SOCKET_GUARD_LOG": str(guard_log),
        **(extra_env or {}),
    }
    cluster = Cluster(settings, guard_log)
    # The dbt manifest warehouse_build renders from, made once here rather than by the first parse.
    dbt_project.manifest_path(settings)
    services.start(settings, extra_env=env, celery_queues=celery_queues)
    try:
        cluster.url = services.wait_until_ready(settings, timeout=240)
        password = services.admin_password(settings)
        resp = httpx.post(
            f"{cluster.url}/auth/token", json={"username": "admin", "password": password}, timeout=60
        )
        resp.raise_for_status()
        cluster.token = resp.json()["access_token"]
    except BaseException:
        stop_cluster(cluster)
        raise
    return cluster


def stop_cluster(cluster: Cluster) -> list[str]:
    """Stop every component; return the processes still running with this AIRFLOW_HOME (none)."""
    services.stop(cluster.settings, grace=20)
    return services.leftover_processes(cluster.settings)
