"""Retention purge: wiring only; the logic is in talentflow.retention.purge."""

from __future__ import annotations

from airflow.sdk import dag, get_current_context, task

from talentflow.core.dag_defaults import DEFAULT_ARGS, START_DATE
from talentflow.retention import purge as retention


@dag(
    dag_id="retention_purge",
    schedule="@daily",
    start_date=START_DATE,
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["privacy", "retention"],
    doc_md="""
### Retention purge (PIPL: keep personal data no longer than needed)
Deletes interview recordings (`recordings/`, `TALENTFLOW_RECORDINGS_RETENTION_DAYS`, default 180) and
rejected uploads (`quarantine/`, `TALENTFLOW_QUARANTINE_RETENTION_DAYS`, default 30) once older than
their retention period, on whichever object store is configured. MinIO's lifecycle rules
(`infra/minio/lifecycle.json`) do the same in production; this DAG also covers the embedded store and
leaves the evidence.

- **Reads/deletes** objects under those prefixes; the warehouse's scores and evidence stay.
- **Writes** one row per deleted object to `audit.retention_purges` (the key as its SHA-256 only).
- **Re-running** is safe: deleted objects are not listed again and a row is never written twice.
""",
)
def retention_purge():
    @task
    def purge_expired() -> dict:
        return retention.purge(run_id=get_current_context()["run_id"])

    purge_expired()


retention_purge()
