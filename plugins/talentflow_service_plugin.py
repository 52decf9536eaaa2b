"""Airflow 3 plugin: mounts the HR-system API (``talentflow serve``'s FastAPI app) in Airflow's API
server under ``TALENTFLOW_API_AIRFLOW_PLUGIN_PREFIX`` (default ``/talentflow``).

Off unless ``TALENTFLOW_API_AIRFLOW_PLUGIN=true``: when on, the API server's start-up also creates the
service's tables and opens its warehouse pool (Airflow runs a mounted app's lifespan), so an
unreachable warehouse would delay or fail the Airflow UI. Airflow does not authenticate plugin apps;
ours keeps its own OAuth 2.0 client-credentials tokens on every ``/v1`` route, whoever mounts it.
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from talentflow.service.settings import get_service_settings


def fastapi_apps() -> list[dict]:
    """The ``fastapi_apps`` entries: the API when the setting is on, else none."""
    service = get_service_settings()
    if not service.airflow_plugin:
        return []
    from talentflow.service.app import create_app

    return [
        {
            "app": create_app(service=service),
            "url_prefix": service.airflow_plugin_prefix,
            "name": "TalentFlow HR-system API",
        }
    ]


class TalentFlowServicePlugin(AirflowPlugin):
    name = "talentflow_service"
    fastapi_apps = fastapi_apps()
