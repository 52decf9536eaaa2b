"""One small world taken through the real pipeline (archive_sync, resume_ingestion and
interview_scoring through dag.test(), dbt build), shared by the people's-rights tests."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest


@dataclass
class Person:
    candidate_id: str
    name: str
    email: str
    phone: str
    phone_display: str
    resume_file: str
    interview_id: str
    requisition_id: str

    def needles(self) -> list[str]:
        return [self.candidate_id, self.name, self.email, self.phone, self.phone_display]


@dataclass
class PipelineWorld:
    path: Path
    settings: object
    truth: list[dict]
    resumes: dict[str, dict]
    logs: str = ""
    xcoms: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def person(self, candidate_id: str) -> Person:
        c = next(c for c in self.truth if c["candidate_id"] == candidate_id)
        r = self.resumes[c["resume_file"]]
        return Person(
            candidate_id,
            c["name"],
            r["email"],
            r["phone"],
            r["phone_display"],
            c["resume_file"],
            c["interview_id"],
            c["requisition_id"],
        )


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(record.getMessage())
        except Exception:  # noqa: BLE001
            self.lines.append(str(record.msg))


def _all_xcoms(run_id: str, dag_id: str) -> list[str]:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        rows = session.scalars(
            select(XComModel).where(XComModel.dag_id == dag_id, XComModel.run_id == run_id)
        ).all()
        return [json.dumps(XComModel.deserialize_value(r), default=str) for r in rows]


@pytest.fixture(scope="module")
def pipeline_world(tmp_path_factory, clean_runtime, run_dag) -> PipelineWorld:
    from talentflow_demo.delivery import deliver_world
    from talentflow_demo.world import generate_world

    from talentflow.warehouse_build import dbt_project

    settings = clean_runtime
    out = tmp_path_factory.mktemp("people-world")
    generate_world(out, seed=11, candidates=36, employees=8, years=1, recordings=0)
    truth = [json.loads(line) for line in (out / "ground_truth" / "candidates.jsonl").open()]
    resumes = {r["file"]: r for r in map(json.loads, (out / "ground_truth" / "resumes.jsonl").open())}
    world = PipelineWorld(out, settings, truth, resumes)
    deliver_world(out, "people", settings)
    handler = _Collect()
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    stream = io.StringIO()
    try:
        with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
            for dag_id in ("archive_sync", "resume_ingestion", "interview_scoring"):
                started = time.perf_counter()
                result = run_dag(dag_id, retries=0)
                world.seconds[dag_id] = time.perf_counter() - started
                assert result.ok, (dag_id, result.failed_tasks())
                world.xcoms += _all_xcoms(result.run_id, dag_id)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    logs_dir = settings.airflow_home / "logs"
    files = (
        "\n".join(p.read_text(errors="replace") for p in logs_dir.rglob("*") if p.is_file())
        if logs_dir.exists()
        else ""
    )
    world.logs = "\n".join(handler.lines) + "\n" + stream.getvalue() + "\n" + files
    started = time.perf_counter()
    dbt_project.run(["build", "--exclude", "resource_type:test", "resource_type:unit_test"], settings)
    world.seconds["dbt build"] = time.perf_counter() - started
    return world
