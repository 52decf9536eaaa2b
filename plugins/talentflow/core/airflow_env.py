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
PRELOADING_LOCAL_EXECUTOR = "talentflow.core.airflow_executor.PreloadingLocalExecutor"
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
        # Cosmos keeps dbt's partial-parse state and the dbt ls cache here; its default (/tmp/cosmos) is
        # shared by every runtime on the machine, so another runtime's profile made each task re-parse
        # the whole dbt project.
        "AIRFLOW__COSMOS__CACHE_DIR": str(settings.home_dir / "cosmos"),
        **machine_sizing(settings),
        **api_server(settings),
        **telemetry_switches(settings.telemetry),
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
    # Keep what the operator set explicitly (an external metadata DB, another executor, more slots).
    return {k: os.environ.get(k, v) if k.startswith(OPERATOR_KEYS) else v for k, v in env.items()}


# Settings an operator may set as AIRFLOW__* variables themselves; ours are only defaults for them.
OPERATOR_KEYS = (
    "AIRFLOW__DATABASE",
    "AIRFLOW__CORE__EXECUTOR",
    "AIRFLOW__CORE__PARALLELISM",
    "AIRFLOW__CELERY",
)


def machine_sizing(settings: Settings) -> dict[str, str]:
    """Worker and slot counts for this machine: LocalExecutor starts ``parallelism`` processes up
    front (32 by default), far too many for a 2-core laptop or CI runner."""
    cpus = os.cpu_count() or 2
    slots = settings.airflow_parallelism or min(8, max(2, cpus * 2))
    return {
        # LocalExecutor whose workers start with the DAGs' imports loaded (core/airflow_executor.py):
        # each task process then only builds its DAG instead of importing TalentFlow, Cosmos and dbt.
        "AIRFLOW__CORE__EXECUTOR": PRELOADING_LOCAL_EXECUTOR,
        "AIRFLOW__CORE__PARALLELISM": str(slots),
        "AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG": str(slots),
        "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": str(max(1, cpus // 2)),
        "AIRFLOW__API__WORKERS": "1",
        # A busy small machine answers the execution API slowly at start-up: wait instead of failing
        # the first tasks (Airflow's 5 s default made them pass only on retry).
        "AIRFLOW__WORKERS__EXECUTION_API_TIMEOUT": "30.0",
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(max(1, cpus)),
        # warehouse_build renders from a cached dbt manifest; the first parse on a fresh runtime (or
        # after a model changed) makes it with `dbt parse`: over 3 minutes on a 2-core machine under
        # load 25, far beyond Airflow's 30 s import limit.
        "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "600",
        "AIRFLOW__DAG_PROCESSOR__DAG_FILE_PROCESSOR_TIMEOUT": "660",
    }


def api_server(settings: Settings) -> dict[str, str]:
    """Where the UI/API listens (127.0.0.1 unless configured) and where task workers reach it.

    Login: Airflow's simple auth manager with the user ``admin``; its generated password is in
    ``password_file(settings)`` (never every-user-is-admin)."""
    reach = "127.0.0.1" if settings.airflow_host in ("0.0.0.0", "::") else settings.airflow_host
    return {
        "AIRFLOW__API__HOST": settings.airflow_host,
        "AIRFLOW__API__PORT": str(settings.airflow_port),
        "AIRFLOW__API__BASE_URL": f"http://{reach}:{settings.airflow_port}",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(password_file(settings)),
    }


def password_file(settings: Settings | None = None) -> Path:
    """The file in which Airflow's simple auth manager writes the generated password of ``admin``."""
    return (settings or get_settings()).airflow_home / "simple_auth_manager_passwords.json.generated"


def telemetry_switches(enabled: bool) -> dict[str, str]:
    """Every usage-telemetry switch we know of, off unless TALENTFLOW_TELEMETRY=true.

    astronomer-cosmos pings an outside host from every dbt task; dbt sends anonymous usage stats;
    Great Expectations and Scarf-instrumented packages report usage; Airflow 2.10 had its own usage
    data collection (Airflow 3.3 has none, the switch is kept for older images in infra/)."""
    on = "True" if enabled else "False"
    env = {
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": on,
        "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": on,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": on,
        "GX_ANALYTICS_ENABLED": on.lower(),
        "HF_HUB_DISABLE_TELEMETRY": "0" if enabled else "1",
    }
    if not enabled:
        env |= {"DO_NOT_TRACK": "1", "SCARF_NO_ANALYTICS": "true", "SCARF_ANALYTICS": "false"}
    return env


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


def masked(env: dict[str, str], settings: Settings | None = None) -> dict[str, str]:
    """``env`` for showing to a person: passwords in URLs, connection passwords/secrets and any
    value TalentFlow knows to be secret replaced by ***. ``--shell`` (for eval) is the only unmasked
    output."""
    from talentflow.core.config import MASK, mask_url, redact, secret_values

    known = secret_values(settings)
    out = {}
    for name, value in env.items():
        if name.startswith("AIRFLOW_CONN_"):
            try:
                conn = json.loads(value)
            except ValueError:
                conn = None
            if isinstance(conn, dict):
                for field in ("password", "login") if conn.get("conn_type") == "aws" else ("password",):
                    if conn.get(field):
                        conn[field] = MASK
                value = json.dumps(conn)
        if "://" in value:
            value = mask_url(value) if value.count("://") == 1 and " " not in value else value
        out[name] = redact(value, known)
    return out
