"""Airflow's configuration, generated from TalentFlow's: AIRFLOW_HOME under TALENTFLOW_HOME, our
dags/ and plugins/ folders, the metadata DB, and connections/variables as ``AIRFLOW_CONN_*`` /
``AIRFLOW_VAR_*`` environment variables (nothing to click together in the UI).
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

from talentflow.core.config import Settings, get_settings
from talentflow.core.paths import DAGS_DIR, PLUGINS_DIR

WAREHOUSE_CONN_ID = "talentflow_warehouse"
S3_CONN_ID = "talentflow_s3"


def _warehouse_connection(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(settings.warehouse_dsn)
    return json.dumps(
        {
            "conn_type": "postgres",
            "host": url.host,
            "port": url.port or 5432,
            "login": url.username,
            "password": url.password,
            "schema": url.database,
        }
    )


def airflow_environment(settings: Settings | None = None) -> dict[str, str]:
    settings = settings or get_settings()
    env = {
        "TALENTFLOW_HOME": str(settings.home_dir),
        "AIRFLOW_HOME": str(settings.airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PLUGINS_DIR),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": settings.airflow_db_url,
        # Local development: every user of the standalone UI is an admin (never in production).
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        f"AIRFLOW_CONN_{WAREHOUSE_CONN_ID.upper()}": _warehouse_connection(settings),
        "AIRFLOW_VAR_TALENTFLOW_CONFIG": json.dumps(
            {
                "bucket": settings.bucket,
                "storage_backend": settings.storage_backend,
                "warehouse_external": not settings.embedded_warehouse,
            }
        ),
    }
    if settings.storage_backend == "s3":
        scheme = "https" if settings.s3_secure else "http"
        env[f"AIRFLOW_CONN_{S3_CONN_ID.upper()}"] = json.dumps(
            {
                "conn_type": "aws",
                "login": settings.s3_access_key.get_secret_value() if settings.s3_access_key else None,
                "password": settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else None,
                "extra": {"endpoint_url": f"{scheme}://{settings.s3_endpoint}"},
            }
        )
    # Keep what the operator set explicitly (e.g. an external metadata DB or AIRFLOW_HOME).
    return {k: os.environ.get(k, v) if k.startswith("AIRFLOW__DATABASE") else v for k, v in env.items()}


def configure_process(settings: Settings | None = None) -> dict[str, str]:
    """Put Airflow's environment into this process; call before the first ``import airflow``."""
    env = airflow_environment(settings)
    os.environ.update(env)
    # Cosmos looks dbt up on PATH: make the dbt beside this interpreter findable even when the
    # virtual environment is not activated (cron, systemd, `.venv/bin/talentflow demo`).
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    return env


def as_shell(env: dict[str, str]) -> str:
    return "\n".join(f"export {k}={shlex.quote(v)}" for k, v in env.items())
