"""Run TalentFlow DAGs in-process with ``dag.test()`` (the demo and the integration tests use this).

Call ``talentflow.core.airflow_env.configure_process()`` (or ``runtime.up``) before the first Airflow import.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from talentflow.core.paths import DAGS_DIR

log = logging.getLogger(__name__)
DAGS_FOLDER = DAGS_DIR


@dataclass
class DagRunResult:
    dag_id: str
    run_id: str
    state: str
    seconds: float
    task_states: dict[str, str] = field(default_factory=dict)
    xcoms: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.state == "success"

    def failed_tasks(self) -> list[str]:
        return [t for t, s in self.task_states.items() if s not in ("success", "skipped")]


@lru_cache(maxsize=1)
def dagbag(folder: str = str(DAGS_FOLDER)):
    from airflow.models import DagBag

    bag = DagBag(dag_folder=folder)
    return bag


def get_dag(dag_id: str):
    bag = dagbag()
    if dag_id not in bag.dags:
        errors = "; ".join(
            f"{Path(f).name}: {e.strip().splitlines()[-1]}" for f, e in bag.import_errors.items()
        )
        raise KeyError(
            f"DAG {dag_id!r} not found in {DAGS_FOLDER}" + (f" (import errors: {errors})" if errors else "")
        )
    return bag.dags[dag_id]


def run_dag(
    dag_id: str, conf: dict | None = None, *, xcom_tasks: tuple[str, ...] = (), retries: int | None = None
) -> DagRunResult:
    """``dag.test()`` one run and collect the state of each task (and chosen XCom return values).

    ``retries`` overrides every task's retries for this run (tests of failure paths use 0 so that
    they do not wait through the production back-off).
    """
    dag = get_dag(dag_id)
    saved = {t.task_id: t.retries for t in dag.tasks}
    if retries is not None:
        for t in dag.tasks:
            t.retries = retries
    started = time.perf_counter()
    try:
        dr = dag.test(run_conf=conf)
    finally:
        for t in dag.tasks:
            t.retries = saved[t.task_id]
    seconds = time.perf_counter() - started
    task_states, xcoms = _collect(dr, xcom_tasks)
    state = str(getattr(dr.state, "value", dr.state))
    log.info("DAG %s finished %s in %.1fs", dag_id, state, seconds)
    return DagRunResult(dag_id, dr.run_id, state, seconds, task_states, xcoms)


def _collect(dr, xcom_tasks: tuple[str, ...]) -> tuple[dict[str, str], dict[str, object]]:
    from airflow.models import TaskInstance
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    states: dict[str, str] = {}
    xcoms: dict[str, object] = {}
    with create_session() as session:
        tis = session.scalars(
            select(TaskInstance).where(TaskInstance.dag_id == dr.dag_id, TaskInstance.run_id == dr.run_id)
        ).all()
        for ti in tis:
            key = ti.task_id if ti.map_index < 0 else f"{ti.task_id}[{ti.map_index}]"
            states[key] = str(getattr(ti.state, "value", ti.state))
        for task_id in xcom_tasks:
            rows = session.scalars(
                select(XComModel).where(
                    XComModel.dag_id == dr.dag_id,
                    XComModel.run_id == dr.run_id,
                    XComModel.task_id == task_id,
                    XComModel.key == "return_value",
                )
            ).all()
            values = [XComModel.deserialize_value(r) for r in rows]
            xcoms[task_id] = values[0] if len(values) == 1 else values
    return states, xcoms
