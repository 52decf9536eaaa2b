"""``talentflow demo``: the main job on the embedded runtime.

Starts (or reuses) the runtime, runs every DAG once in dependency order through ``dag.test()`` and
says where the results are.
"""

from __future__ import annotations

import sys
from pathlib import Path

from talentflow import airflow_env, runtime
from talentflow.cliutil import UserError
from talentflow.config import get_settings

# Order matters: loaders first, then what their Assets trigger.
DEMO_DAGS: list[str] = ["platform_health"]


def run_demo(out: str | None = None) -> dict:
    settings = get_settings()
    print(f"[1/{len(DEMO_DAGS) + 1}] starting the embedded runtime under {settings.home_dir}", file=sys.stderr, flush=True)
    state = runtime.up(settings)
    airflow_env.configure_process(settings)
    from talentflow import dagrun

    world_dir = Path(out) if out else settings.home_dir / "demo"
    runs = []
    for i, dag_id in enumerate(DEMO_DAGS, start=2):
        print(f"[{i}/{len(DEMO_DAGS) + 1}] dag.test() {dag_id}", file=sys.stderr, flush=True)
        result = dagrun.run_dag(dag_id)
        runs.append({"dag_id": dag_id, "state": result.state, "seconds": round(result.seconds, 1),
                     "tasks": result.task_states})
        if not result.ok:
            raise UserError(f"DAG {dag_id} ended {result.state}; failed tasks: {result.failed_tasks()} "
                            f"(logs under {settings.airflow_home / 'logs'})")
    return {
        "warehouse_url": state["warehouse"]["url"],
        "object_store": state["object_store"]["location"],
        "airflow_home": state["airflow"]["home"],
        "world_dir": str(world_dir),
        "dag_runs": runs,
        "next": "make airflow  (UI on http://localhost:8080), psql " + state["warehouse"]["url"],
    }


def format_summary(summary: dict) -> str:
    lines = ["", "TalentFlow demo finished.", ""]
    for run in summary["dag_runs"]:
        lines.append(f"  {run['dag_id']:28} {run['state']:8} {run['seconds']:6.1f}s  ({len(run['tasks'])} tasks)")
    lines += [
        "",
        f"  warehouse     {summary['warehouse_url']}",
        f"  object store  {summary['object_store']}",
        f"  airflow home  {summary['airflow_home']}",
        f"  next          {summary['next']}",
    ]
    return "\n".join(lines)
