"""Cosmos modes under Airflow's real scheduler: warehouse_build's dbt task group per mode, against
today's rendering and against plain ``dbt build`` (the limit), with the scheduler's overhead per task.

    python -m bench.bench_cosmos_modes [--variants watcher,local_build,local_runner,today] [--skip-load]
                                       [--candidates 30 --employees 60 --years 2] [--timeout 1500]

On its own runtime (a temporary TALENTFLOW_HOME and free ports): generates a tiny world (typed
interviews, no audio), loads it with the loader DAGs (``dag.test()``), then
1. plain ``dbt build`` (in-process dbtRunner) from empty dbt schemas: the floor, no Airflow at all;
2. per variant, a DAG file holding only the ``dbt`` task group as ``dags/warehouse_build.py`` builds it
   (``talentflow.warehouse_build.dbt_project.cosmos_configs``), in a DAG folder of its own, run by the
   real scheduler, dag-processor, api-server and triggerer with LocalExecutor (sized for this
   machine, as ``talentflow airflow start`` runs them), from empty dbt schemas. Variants:
   ``today`` = local_runner rendered with ``dbt ls`` at every parse under Airflow's stock LocalExecutor
   (the set-up before this bench), ``local_runner`` / ``local_subprocess`` / ``local_build`` /
   ``watcher`` = that mode rendered from the cached manifest (LoadMode.DBT_MANIFEST) under
   talentflow's PreloadingLocalExecutor, ``watcher_stock_executor`` = watcher under the stock one;
3. where the time goes: the DAG file's load time in a fresh interpreter (what every task process pays
   before it runs), and per task, from Airflow's metadata DB and task logs, the queued-to-running wait,
   the time up to dbt's invocation and the time after it.

A variant that does not finish within ``--timeout`` is reported with the tasks it finished by then.
Writes bench/results/cosmos_modes.json; never fails on timings.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
STOCK = "LocalExecutor"  # Airflow's own, without the DAG imports preloaded
VARIANTS = {  # name: (Cosmos mode, load method, executor; None = talentflow's default)
    "today": ("local_runner", "dbt_ls", STOCK),
    "local_runner": ("local_runner", "dbt_manifest", None),
    "local_subprocess": ("local_subprocess", "dbt_manifest", None),
    "local_build": ("local_build", "dbt_manifest", None),
    "watcher": ("watcher", "dbt_manifest", None),
    "watcher_stock_executor": ("watcher", "dbt_manifest", STOCK),
}
DAG_FILE = '''"""bench_cosmos_modes: the dbt task group of warehouse_build, mode {mode!r}, load {load!r}."""
import pendulum
from airflow.sdk import DAG
from cosmos import DbtTaskGroup

from talentflow.warehouse_build import dbt_project as dbt

with DAG(
    dag_id={dag_id!r},
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
):
    DbtTaskGroup(
        group_id="dbt", **dbt.cosmos_configs(mode={mode!r}, load={load!r}), default_args={{"retries": 0}}
    )
'''
DBT_INVOKED = re.compile(r"Trying to run (dbtRunner|the command)|Running command:")


def _own_runtime() -> None:
    """A private runtime: must run before anything reads the settings or imports Airflow."""
    from talentflow.core.runtime import free_port

    os.environ["TALENTFLOW_HOME"] = tempfile.mkdtemp(prefix="tf-bench-cosmos-")
    os.environ["TALENTFLOW_PG_PORT"] = str(free_port())
    os.environ["TALENTFLOW_AIRFLOW_PORT"] = str(free_port())
    for var in ("TALENTFLOW_WAREHOUSE_URL", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW_HOME"):
        os.environ.pop(var, None)


def _empty_dbt_schemas(settings) -> None:
    from talentflow.core import warehouse

    try:  # the warehouse's owner where dbt has a least-privilege login of its own
        owner = warehouse.connect(settings, login="admin")
    except TypeError:
        owner = warehouse.connect(settings)
    with owner as conn:
        conn.execute("DROP SCHEMA IF EXISTS staging, intermediate, marts CASCADE")
    warehouse.ensure_warehouse(settings)


def _mart_rows(settings) -> int | None:
    from talentflow.core import warehouse

    try:
        with warehouse.connect(settings) as conn:
            return conn.execute("SELECT count(*) FROM marts.employee_lifecycle_profile").fetchone()[0]
    except Exception:  # the variant did not get that far
        return None


def dag_load_seconds(dag_file: Path, env: dict[str, str]) -> dict:
    """Load the DAG file in a fresh interpreter, as a task process does; wall time split."""
    code = (
        "import time; t=time.perf_counter(); "
        "from airflow.dag_processing.dagbag import DagBag; import cosmos, talentflow.core.warehouse; "
        "i=time.perf_counter(); "
        f"b=DagBag(dag_folder={str(dag_file)!r}); p=time.perf_counter(); "
        "d=next(iter(b.dags.values())); "
        "print(round(i-t,1), round(p-i,1), len(d.tasks), len(b.import_errors))"
    )
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=900, check=False
    )
    wall = time.perf_counter() - started
    try:
        imports, parse, tasks, errors = out.stdout.strip().splitlines()[-1].split()
    except (IndexError, ValueError):
        return {"error": (out.stderr or out.stdout)[-500:]}
    return {
        "interpreter_and_imports_seconds": float(imports),
        "dag_file_seconds": float(parse),
        "total_seconds": round(wall, 1),
        "tasks": int(tasks),
        "import_errors": int(errors),
    }


def _log_phases(settings, dag_id: str, run_id: str, task_id: str) -> dict | None:
    """Seconds from the task log's first line to dbt's invocation, and from there to the last line."""
    folder = settings.airflow_home / "logs" / f"dag_id={dag_id}" / f"run_id={run_id}" / f"task_id={task_id}"
    logs = sorted(folder.glob("attempt=*.log"))
    if not logs:
        return None
    stamps, invoked = [], None
    for line in logs[-1].read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
            stamp = datetime.fromisoformat(entry["timestamp"].replace("Z", "+00:00"))
        except (ValueError, KeyError, TypeError):
            continue
        stamps.append(stamp)
        if invoked is None and DBT_INVOKED.search(str(entry.get("event", ""))):
            invoked = stamp
    if not stamps:
        return None
    out = {"log_seconds": (stamps[-1] - stamps[0]).total_seconds()}
    if invoked:
        out["before_dbt_seconds"] = (invoked - stamps[0]).total_seconds()
        out["dbt_and_after_seconds"] = (stamps[-1] - invoked).total_seconds()
    return out


def run_report(settings, dag_id: str, run_id: str, slots: int) -> dict:
    """Wall time, tasks and scheduler overhead of one DAG run, from Airflow's metadata DB."""
    from sqlalchemy import create_engine, text

    engine = create_engine(settings.airflow_db_url)
    with engine.connect() as conn:
        run_row = conn.execute(
            text("SELECT start_date, end_date, state FROM dag_run WHERE dag_id=:d AND run_id=:r"),
            {"d": dag_id, "r": run_id},
        ).one()
        tis = conn.execute(
            text(
                "SELECT task_id, state, start_date, end_date, queued_dttm, try_number FROM task_instance "
                "WHERE dag_id=:d AND run_id=:r"
            ),
            {"d": dag_id, "r": run_id},
        ).all()
    engine.dispose()
    ran = [t for t in tis if t.start_date and t.end_date]
    end = run_row.end_date or max((t.end_date for t in ran), default=run_row.start_date)
    wall = (end - run_row.start_date).total_seconds() if run_row.start_date else 0.0
    busy = sum((t.end_date - t.start_date).total_seconds() for t in ran)
    waits = [(t.start_date - t.queued_dttm).total_seconds() for t in ran if t.queued_dttm]
    phases = [p for t in ran if (p := _log_phases(settings, dag_id, run_id, t.task_id))]
    before = [p["before_dbt_seconds"] for p in phases if "before_dbt_seconds" in p]
    after = [p["dbt_and_after_seconds"] for p in phases if "dbt_and_after_seconds" in p]
    return {
        "state": str(run_row.state),
        "tasks": len(tis),
        "tasks_finished": len(ran),
        "failed_tasks": sum(t.state not in ("success", "skipped") for t in ran),
        "wall_seconds": round(wall, 1),
        "task_seconds_sum": round(busy, 1),
        "mean_task_seconds": round(busy / max(1, len(ran)), 2),
        "executor_slots": slots,
        # what the run took beyond its tasks' own time (run in `slots` parallel), spread over the tasks
        "overhead_seconds_per_task": round(max(0.0, wall - busy / slots) / max(1, len(ran)), 2),
        "mean_queued_to_running_seconds": round(statistics.fmean(waits), 2) if waits else None,
        "median_before_dbt_seconds": round(statistics.median(before), 1) if before else None,
        "median_dbt_and_after_seconds": round(statistics.median(after), 1) if after else None,
        "tasks_invoking_dbt": len(before),
    }


def bench_variant(settings, dags_dir: Path, variant: str, timeout: float) -> dict:
    import httpx

    from talentflow.core import airflow_services as services
    from talentflow.core.airflow_env import airflow_environment

    mode, load, executor = VARIANTS[variant]
    dag_id = f"bench_cosmos_{variant}"
    for old in dags_dir.glob("*.py"):
        old.unlink()
    dag_file = dags_dir / f"{dag_id}.py"
    dag_file.write_text(DAG_FILE.format(dag_id=dag_id, mode=mode, load=load))
    extra = {
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags_dir),
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "3600",
    }
    if executor:
        extra["AIRFLOW__CORE__EXECUTOR"] = executor
    env = services.process_env(settings, extra)
    load_time = dag_load_seconds(dag_file, env)
    print(json.dumps({"variant": variant, "dag_load": load_time}), flush=True)
    _empty_dbt_schemas(settings)
    slots = int(airflow_environment(settings)["AIRFLOW__CORE__PARALLELISM"])
    started = time.monotonic()
    services.start(settings, extra_env=extra)
    run_id, finished = None, False
    try:
        url = services.wait_until_ready(settings, timeout=600)
        token = httpx.post(
            f"{url}/auth/token",
            json={"username": "admin", "password": services.admin_password(settings)},
            timeout=60,
        ).json()["access_token"]
        api = httpx.Client(base_url=f"{url}/api/v2", headers={"Authorization": f"Bearer {token}"}, timeout=60)
        deadline = time.monotonic() + 900
        while api.get(f"/dags/{dag_id}").status_code != 200 and time.monotonic() < deadline:
            time.sleep(2)
        parsed_after = time.monotonic() - started
        api.patch(f"/dags/{dag_id}", json={"is_paused": False}).raise_for_status()
        run_id = api.post(f"/dags/{dag_id}/dagRuns", json={"logical_date": None}).json()["dag_run_id"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if api.get(f"/dags/{dag_id}/dagRuns/{run_id}").json()["state"] in ("success", "failed"):
                finished = True
                break
            time.sleep(3)
    finally:
        services.stop(settings)
    row = {"variant": variant, "mode": mode, "load": load, "finished": finished}
    row["executor"] = env["AIRFLOW__CORE__EXECUTOR"].rsplit(".", 1)[-1]
    row["components_start_to_dag_parsed_seconds"] = round(parsed_after, 1)
    row |= run_report(settings, dag_id, run_id, slots) if run_id else {}
    row["marts_rows"] = _mart_rows(settings)
    row["dag_load"] = load_time
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default="watcher,local_build,local_runner,today")
    parser.add_argument("--candidates", type=int, default=30)
    parser.add_argument("--employees", type=int, default=60)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=1500, help="Seconds per variant's run.")
    parser.add_argument(
        "--skip-load",
        action="store_true",
        help="Build on empty raw tables (the per-task overhead, not the rows, is what differs by mode).",
    )
    args = parser.parse_args()
    variants = [v for v in args.variants.split(",") if v]
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        raise SystemExit(f"unknown variants {sorted(unknown)}: use {', '.join(VARIANTS)}")

    _own_runtime()
    from talentflow.core import airflow_env, dagrun, runtime
    from talentflow.core.config import get_settings

    settings = get_settings()
    airflow_env.configure_process(settings)
    from talentflow_demo.delivery import deliver_world
    from talentflow_demo.world import generate_world

    from talentflow.warehouse_build import dbt_project as dbt

    runtime.up(settings)
    rows = []
    try:
        world = settings.home_dir / "world"
        size = dict(
            seed=11, candidates=args.candidates, employees=args.employees, years=args.years, recordings=0
        )
        if args.skip_load:
            size = {"skip_load": True}
        else:
            generate_world(world, **size)
            deliver_world(world, "bench", settings)
            for dag_id in ("archive_sync", "resume_ingestion", "interview_scoring"):
                result = dagrun.run_dag(dag_id)
                if not result.ok:
                    raise SystemExit(f"{dag_id} ended {result.state}: {result.failed_tasks()}")

        _empty_dbt_schemas(settings)
        started = time.perf_counter()
        dbt.run(["build"], settings)
        plain = {"variant": "plain dbt build", "seconds": round(time.perf_counter() - started, 1)}
        plain["marts_rows"] = _mart_rows(settings)
        print(json.dumps(plain), flush=True)
        dbt.manifest_path(settings)  # as `talentflow airflow start` does before the components start

        dags_dir = settings.home_dir / "bench-dags"
        dags_dir.mkdir(exist_ok=True)
        for variant in variants:
            row = bench_variant(settings, dags_dir, variant, args.timeout)
            row["ratio_to_plain_dbt_build"] = round(
                row.get("wall_seconds", 0) / max(0.1, plain["seconds"]), 1
            )
            rows.append(row)
            print(json.dumps(row), flush=True)
            _write(size, plain, rows)  # after each variant: an interrupted run keeps what it measured
    finally:
        runtime.down(settings)
    _write(size, plain, rows)


def _write(size: dict, plain: dict, rows: list[dict]) -> None:
    today = next((r for r in rows if r["variant"] == "today" and r.get("finished")), None)
    for row in rows:
        if today and row.get("finished"):
            row["ratio_to_today"] = round(row["wall_seconds"] / max(0.1, today["wall_seconds"]), 2)
    report = {
        "world": size,
        "cpus": os.cpu_count(),
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "plain_dbt_build": plain,
        "scheduler": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "cosmos_modes.json").write_text(json.dumps(report, indent=2))
    print(f"written {RESULTS / 'cosmos_modes.json'}")


if __name__ == "__main__":
    main()
