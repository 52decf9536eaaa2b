"""Warehouse build: the dbt project through astronomer-cosmos (wiring only; configs in talentflow.warehouse_build.dbt_project)."""

from __future__ import annotations

from airflow.sdk import dag, task
from cosmos import DbtTaskGroup

from talentflow.core import assets, recommendations, warehouse
from talentflow.core.dag_defaults import DEFAULT_ARGS, START_DATE
from talentflow.warehouse_build import dbt_project as dbt


@dag(
    dag_id="warehouse_build",
    schedule=assets.any_of(assets.LOADERS),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["warehouse", "dbt"],
    doc_md="""
### Warehouse build (dbt via Cosmos)
- **Reads** `raw.*` and `restricted.*` (the loaders' tables).
- **Writes** `staging` (views), `intermediate` (ephemeral), `marts` (tables; the large facts are
  incremental), `restricted.employee_key_map`; every dbt model is a task followed by its tests.
- **Then** re-grants `marts` to `bi_reader`, logs the rule-based recommendations (salary, goals,
  training) with their rule version in `audit.recommendations`, and publishes the dbt docs site to
  the object store under `docs/dbt/`.
- **Schedule**: whenever a loader's Asset updates (`archive_sync`, `resume_ingestion`, `interview_scoring`).
- **Re-run** safely: models are rebuilt from `raw`; incremental models merge on their unique key;
  recommendation ids are derived from their content.
""",
)
def warehouse_build():
    transform = DbtTaskGroup(group_id="dbt", **dbt.cosmos_configs(), default_args=DEFAULT_ARGS)

    @task(outlets=[assets.MARTS])
    def grant_marts() -> None:
        warehouse.refresh_grants()

    @task
    def log_recommendations() -> dict:
        return recommendations.log_rule_recommendations()

    @task
    def publish_docs() -> list[str]:
        return dbt.publish_docs()

    granted = grant_marts()
    transform >> granted >> [log_recommendations(), publish_docs()]


warehouse_build()
