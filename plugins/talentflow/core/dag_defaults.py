"""What every TalentFlow DAG shares: default args (owner, retries with backoff, failure alerts),
and a start date (the Assets between DAGs are in ``talentflow.core.assets``)."""

from __future__ import annotations

from datetime import timedelta

import pendulum

from talentflow.core.notifications import notify_failure

START_DATE = pendulum.datetime(2026, 1, 1, tz="UTC")
DEFAULT_ARGS = {
    "owner": "talentflow-data",
    "retries": 2,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
    "on_failure_callback": notify_failure,
}
