"""warehouse_build: how Cosmos runs dbt, per mode, against plain ``dbt build``, and the scheduler's
overhead per task.

    python -m bench.bench_warehouse_build [--candidates 300 --employees 200 --years 3] [--scheduler]

On its own runtime (a temporary TALENTFLOW_HOME and a free port, so nothing of yours is touched):
generates the demo world (typed interviews, no audio), loads it with the loader DAGs (``dag.test()``),
then builds the dbt project from empty schemas
1. with plain ``dbt build`` (in-process dbtRunner): the floor, no Airflow at all;
2. through Cosmos in each mode of ``talentflow.warehouse_build.dbt_project.COSMOS_MODES``, as the
   ``dbt`` task group of a DAG run with ``dag.test()`` (tasks one after another, no scheduler);
3. with ``--scheduler``: the real ``warehouse_build`` DAG under Airflow's scheduler and LocalExecutor
   (sized for this machine), triggered once per mode given in ``--scheduler-modes``; per-task overhead
   = what the run took beyond the tasks' own run time, and the queued-to-running wait per task.
Writes bench/results/warehouse_build.json; never fails on timings.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _own_runtime() -> None:
    """A private runtime: must run before anything reads the settings or imports Airflow."""
    from talentflow.core.runtime import free_port

    os.environ["TALENTFLOW_HOME"] = tempfile.mkdtemp(prefix="tf-bench-build-")
    os.environ["TALENTFLOW_PG_PORT"] = str(free_port())
    os.environ["TALENTFLOW_AIRFLOW_PORT"] = str(free_port())
    for var in ("TALENTFLOW_WAREHOUSE_URL", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW_HOME"):
        os.environ.pop(var, None)


def _empty_dbt_schemas(settings) -> None:
    from talentflow.core import warehouse

    with warehouse.connect(settings) as conn:
        conn.execute("DROP SCHEMA IF EXISTS staging, intermediate, marts CASCADE")
    warehouse.ensure_warehouse(settings)


def _mart_rows(settings) -> int:
    from talentflow.core import warehouse

    with warehouse.connect(settings) as conn:
        return conn.execute("SELECT count(*) FROM marts.employee_lifecycle_profile").fetchone()[0]


def _cosmos_dag(mode: str):
    import pendulum
    from airflow.sdk import DAG
    from cosmos import DbtTaskGroup

    from talentflow.warehouse_build import dbt_project as dbt

    with DAG(
        dag_id=f"bench_warehouse_build_{mode}",
        schedule=None,
        start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
        catchup=False,
    ) as dag:
        DbtTaskGroup(group_id="dbt", **dbt.cosmos_configs(mode=mode), default_args={"retries": 0})
    return dag


def bench_dag_test(settings, mode: str) -> dict:
    _empty_dbt_schemas(settings)
    started = time.perf_counter()
    dag = _cosmos_dag(mode)
    render = time.perf_counter() - started
    started = time.perf_counter()
    run = dag.test()
    seconds = time.perf_counter() - started
    from airflow.models import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        states = [
            str(getattr(ti.state, "value", ti.state))
            for ti in session.scalars(
                select(TaskInstance).where(
                    TaskInstance.dag_id == run.dag_id, TaskInstance.run_id == run.run_id
                )
            )
        ]
    return {
        "mode": mode,
        "state": str(getattr(run.state, "value", run.state)),
        "tasks": len(states),
        "failed_tasks": sum(s not in ("success", "skipped") for s in states),
        "render_seconds": round(render, 1),
        "seconds": round(seconds, 1),
        "marts_rows": _mart_rows(settings),
    }


def run_overhead(settings, dag_id: str, run_id: str) -> dict:
    """Scheduler overhead of one finished DAG run, from Airflow's metadata DB."""
    from sqlalchemy import create_engine, text

    from talentflow.core.airflow_env import airflow_environment

    engine = create_engine(settings.airflow_db_url)
    with engine.connect() as conn:
        run_row = conn.execute(
            text("SELECT start_date, end_date FROM dag_run WHERE dag_id=:d AND run_id=:r"),
            {"d": dag_id, "r": run_id},
        ).one()
        tis = conn.execute(
            text(
                "SELECT task_id, state, start_date, end_date, queued_dttm FROM task_instance "
                "WHERE dag_id=:d AND run_id=:r"
            ),
            {"d": dag_id, "r": run_id},
        ).all()
    engine.dispose()
    ran = [t for t in tis if t.start_date and t.end_date]
    wall = (run_row.end_date - run_row.start_date).total_seconds()
    busy = sum((t.end_date - t.start_date).total_seconds() for t in ran)
    waits = [(t.start_date - t.queued_dttm).total_seconds() for t in ran if t.queued_dttm]
    slots = int(airflow_environment(settings)["AIRFLOW__CORE__PARALLELISM"])
    return {
        "run_id": run_id,
        "tasks": len(tis),
        "failed_tasks": sum(t.state not in ("success", "skipped") for t in tis),
        "wall_seconds": round(wall, 1),
        "task_seconds_sum": round(busy, 1),
        "mean_task_seconds": round(busy / max(1, len(ran)), 2),
        "executor_slots": slots,
        # what the run took beyond its tasks' own time (run in `slots` parallel), spread over the tasks
        "overhead_seconds_per_task": round(max(0.0, wall - busy / slots) / max(1, len(ran)), 2),
        "mean_queued_to_running_seconds": round(sum(waits) / max(1, len(waits)), 2),
    }


def overhead_of_existing_runs(home: str, dag_id: str) -> list[dict]:
    """Scheduler overhead of every finished run of ``dag_id`` in an existing runtime (e.g. the one the
    scheduler e2e test left in its TALENTFLOW_HOME), started again on a free port just for this."""
    os.environ["TALENTFLOW_HOME"] = home
    from talentflow.core import runtime
    from talentflow.core.config import get_settings

    settings = get_settings()
    runtime.start_postgres(settings)
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(settings.airflow_db_url)
        with engine.connect() as conn:
            run_ids = (
                conn.execute(
                    text(
                        "SELECT run_id FROM dag_run WHERE dag_id=:d AND state IN ('success','failed') ORDER BY start_date"
                    ),
                    {"d": dag_id},
                )
                .scalars()
                .all()
            )
        engine.dispose()
        return [run_overhead(settings, dag_id, r) for r in run_ids]
    finally:
        runtime.stop_postgres(settings)


def bench_scheduler(settings, modes: list[str]) -> list[dict]:
    """The real warehouse_build under the scheduler, once per Cosmos mode."""
    import httpx

    from talentflow.core import airflow_services as services

    out = []
    for mode in modes:
        _empty_dbt_schemas(settings)
        services.start(
            settings,
            extra_env={
                "TALENTFLOW_COSMOS_MODE": mode,
                "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
                "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "3600",
            },
        )
        try:
            url = services.wait_until_ready(settings, timeout=300)
            token = httpx.post(
                f"{url}/auth/token",
                json={"username": "admin", "password": services.admin_password(settings)},
                timeout=60,
            ).json()["access_token"]
            api = httpx.Client(
                base_url=f"{url}/api/v2", headers={"Authorization": f"Bearer {token}"}, timeout=60
            )
            deadline = time.monotonic() + 600
            while api.get("/dags/warehouse_build").status_code != 200 and time.monotonic() < deadline:
                time.sleep(3)
            api.patch("/dags/warehouse_build", json={"is_paused": False}).raise_for_status()
            run = api.post("/dags/warehouse_build/dagRuns", json={"logical_date": None}).json()
            run_id = run["dag_run_id"]
            deadline = time.monotonic() + 1800
            while time.monotonic() < deadline:
                state = api.get(f"/dags/warehouse_build/dagRuns/{run_id}").json()["state"]
                if state in ("success", "failed"):
                    break
                time.sleep(3)
            api.patch("/dags/warehouse_build", json={"is_paused": True})
        finally:
            services.stop(settings)
        out.append({"mode": mode, "state": state, **run_overhead(settings, "warehouse_build", run_id)})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--employees", type=int, default=200)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--modes", default="", help="Comma-separated Cosmos modes (default: all).")
    parser.add_argument(
        "--scheduler", action="store_true", help="Also run warehouse_build under the scheduler."
    )
    parser.add_argument("--scheduler-modes", default="local_runner,watcher")
    parser.add_argument(
        "--overhead-from-home",
        help="Only report the scheduler overhead of the warehouse_build runs in this TALENTFLOW_HOME.",
    )
    args = parser.parse_args()
    if args.overhead_from_home:
        from talentflow.core.runtime import free_port

        os.environ["TALENTFLOW_PG_PORT"] = str(free_port())
        rows = overhead_of_existing_runs(args.overhead_from_home, "warehouse_build")
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "scheduler_overhead.json").write_text(json.dumps(rows, indent=2, default=str))
        print(json.dumps(rows, indent=2, default=str))
        return

    _own_runtime()
    from talentflow.core import airflow_env, dagrun, runtime
    from talentflow.core.config import get_settings

    settings = get_settings()
    airflow_env.configure_process(settings)
    from talentflow_demo.delivery import deliver_world
    from talentflow_demo.world import generate_world

    from talentflow.warehouse_build import dbt_project as dbt

    runtime.up(settings)
    try:
        world = settings.home_dir / "world"
        size = dict(
            seed=7, candidates=args.candidates, employees=args.employees, years=args.years, recordings=0
        )
        generate_world(world, **size)
        deliver_world(world, "bench", settings)
        for dag_id in ("archive_sync", "resume_ingestion", "interview_scoring"):
            result = dagrun.run_dag(dag_id)
            if not result.ok:
                raise SystemExit(f"{dag_id} ended {result.state}: {result.failed_tasks()}")

        _empty_dbt_schemas(settings)
        started = time.perf_counter()
        dbt.run(["build"], settings)
        plain = {"mode": "plain dbt build", "seconds": round(time.perf_counter() - started, 1)}
        plain["marts_rows"] = _mart_rows(settings)
        print(json.dumps(plain), flush=True)

        modes = [m for m in args.modes.split(",") if m] or list(dbt.COSMOS_MODES)
        cosmos = []
        for mode in modes:
            row = bench_dag_test(settings, mode)
            cosmos.append(row)
            print(json.dumps(row), flush=True)
        scheduler = bench_scheduler(settings, args.scheduler_modes.split(",")) if args.scheduler else []
        for row in scheduler:
            print(json.dumps(row), flush=True)
    finally:
        runtime.down(settings)

    RESULTS.mkdir(exist_ok=True)
    report = {
        "world": size,
        "cpus": os.cpu_count(),
        "plain_dbt_build": plain,
        "cosmos_dag_test": cosmos,
        "scheduler": scheduler,
    }
    (RESULTS / "warehouse_build.json").write_text(json.dumps(report, indent=2))
    print(f"written {RESULTS / 'warehouse_build.json'}")


if __name__ == "__main__":
    main()
