"""Platform health check: wiring only; the logic is in talentflow.core.health."""

from __future__ import annotations

from airflow.sdk import dag, get_current_context, task

from talentflow.core import assets, health, quality
from talentflow.core.dag_defaults import DEFAULT_ARGS, START_DATE


@dag(
    dag_id="platform_health",
    schedule="@hourly",
    start_date=START_DATE,
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["platform", "health"],
    doc_md="""
### Platform health check
Proves the path every pipeline takes, once an hour.

- **Reads/writes** the object store: `health/<check_id>.json` (written, read back, compared).
- **Writes** the warehouse: one row in `raw.platform_health_checks` (COPY + upsert), then validates
  the table with the Great Expectations suite `expectations/platform_health.json`; the result lands
  in `audit.data_quality_results`.
- **Emits** the Asset of `raw.platform_health_checks`.
- **Re-running** a run is safe: the check id is derived from the run id, so the same object and row
  are rewritten, never duplicated.
""",
)
def platform_health():
    @task
    def probe_object_store() -> dict:
        return health.probe_object_store(get_current_context()["run_id"])

    @task(outlets=[assets.PLATFORM_HEALTH])
    def record_health(probe: dict) -> dict:
        return health.record(probe)

    @task
    def validate_health(loaded: dict) -> dict:
        report = quality.validate_table(
            "raw.platform_health_checks", "platform_health", run_id=get_current_context()["run_id"]
        )
        return {"suite": report.suite, "success": report.success, "evaluated": report.evaluated, **loaded}

    validate_health(record_health(probe_object_store()))


platform_health()
