"""What every TalentFlow DAG shares: default args (owner, retries with backoff, failure alerts),
and a start date (the Assets between DAGs are in ``talentflow.core.assets``).

``notify_failure`` is an Airflow notifier (``TalentFlowNotifier``): it reaches ops through every
configured channel with bounded retries. A DAG that also wants to hear about success adds
``on_success_callback=notify_success`` (or its own ``TalentFlowNotifier("{{ dag.dag_id }} done")``)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pendulum

from talentflow.core.config import get_settings
from talentflow.core.notifications import notify_failure, register_secrets

log = logging.getLogger(__name__)

START_DATE = pendulum.datetime(2026, 1, 1, tz="UTC")
DEFAULT_ARGS = {
    "owner": "talentflow-data",
    "retries": 2,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
    "on_failure_callback": notify_failure,
}

# Every task process parses its DAG file first: from then on Airflow's log masker (task and supervisor)
# hides the webhook URLs, even in a traceback the task itself raises.
try:
    register_secrets(get_settings())
except Exception as exc:  # noqa: BLE001 - a bad alert setting must not stop DAGs from parsing
    log.warning("webhook secrets not registered for masking: %s", type(exc).__name__)
