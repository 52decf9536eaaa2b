"""What every TalentFlow DAG shares: default args (owner, retries with backoff, failure alerts),
a start date, and the Assets through which DAGs trigger each other."""

from __future__ import annotations

from datetime import timedelta

import pendulum

from talentflow.alerts import notify_failure

START_DATE = pendulum.datetime(2026, 1, 1, tz="UTC")
# A logical name, not a network address: Asset URIs must not change between environments.
WAREHOUSE_ASSET_HOST = "talentflow-warehouse:5432"

DEFAULT_ARGS = {
    "owner": "talentflow-data",
    "retries": 2,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
    "on_failure_callback": notify_failure,
}


def warehouse_asset(schema: str, table: str):
    """The Airflow Asset of a warehouse table (loaders emit it, downstream DAGs schedule on it)."""
    from airflow.sdk import Asset

    return Asset(f"postgres://{WAREHOUSE_ASSET_HOST}/warehouse/{schema}/{table}")
