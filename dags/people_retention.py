"""Personal-data retention in the warehouse: wiring only; the logic is in talentflow.people.retention."""

from __future__ import annotations

from airflow.sdk import dag, get_current_context, task

from talentflow.core.dag_defaults import DEFAULT_ARGS, START_DATE
from talentflow.people import retention


@dag(
    dag_id="people_retention",
    schedule="@daily",
    start_date=START_DATE,
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["privacy", "retention"],
    doc_md="""
### Personal-data retention in the warehouse (PIPL Art. 19, EU AI Act Art. 19)
Beside `retention_purge` (objects), this DAG applies the warehouse periods:

- candidates never hired are erased everywhere (`talentflow.people.erase`, no tombstone) once their
  last application is older than `TALENTFLOW_CANDIDATE_RETENTION_DAYS` (default 730);
- automated recommendations (`audit.recommendations`, the AI-system log) are deleted after
  `TALENTFLOW_AI_LOG_RETENTION_DAYS` (default 365, never under 183: six months);
- ingest errors and data-quality results after `TALENTFLOW_AUDIT_RETENTION_DAYS` (default 1095).

- **Writes** one row per purged candidate or audit entry to `audit.retention_purges` (hashes only).
- **Re-running** is safe: what is gone is not found again; purge ids are content hashes.
""",
)
def people_retention():
    @task
    def purge_personal_data() -> dict:
        return retention.purge_personal_data(run_id=get_current_context()["run_id"])

    purge_personal_data()


people_retention()
