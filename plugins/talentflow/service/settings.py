"""Settings of the HR-system API, read from ``TALENTFLOW_API_*`` environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from talentflow.core.config import Settings, load_settings


class ServiceSettings(BaseSettings):
    """Every field maps to ``TALENTFLOW_API_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="TALENTFLOW_API_", extra="ignore")

    jwt_secret: SecretStr | None = Field(
        default=None,
        description="HS256 key for access tokens and upload tokens; unset = a key generated once under "
        "TALENTFLOW_HOME/service/ (set it when several replicas run on different hosts).",
    )
    token_ttl_s: int = Field(default=3600, ge=60, le=86400, description="Access-token lifetime (seconds).")
    upload_ttl_s: int = Field(default=86400, ge=60, description="Pre-signed upload URL lifetime (seconds).")
    public_url: str | None = Field(
        default=None,
        description="Base URL HR systems reach this service at (for upload links); unset = the request's.",
    )
    rate_per_s: float = Field(default=100.0, gt=0, description="Requests per second per client (refill).")
    rate_burst: int = Field(default=200, ge=1, description="Burst size of each client's token bucket.")
    max_resume_bytes: int = Field(default=5 * 1024 * 1024, ge=1024, description="Largest resume upload.")
    max_recording_bytes: int = Field(default=100 * 1024 * 1024, ge=1024, description="Largest recording.")
    webhook_attempts: int = Field(default=5, ge=1, le=20, description="Delivery attempts per webhook.")
    webhook_backoff_s: float = Field(default=1.0, ge=0, description="First retry wait; doubles each time.")
    webhook_timeout_s: float = Field(default=10.0, gt=0, description="Receiver timeout per attempt.")
    dispatch_interval_s: float = Field(
        default=30.0, ge=0, description="`talentflow serve`'s webhook loop period; 0 = no loop."
    )
    db_pool_size: int = Field(
        default=8, ge=1, le=100, description="Warehouse connections kept open per server process."
    )
    probation_months: int = Field(default=6, ge=0, le=12, description="Probation in the onboarding payload.")
    manager_card_attempts: int = Field(
        default=3, ge=1, le=10, description="Tries per hiring-manager card (report of a scored interview)."
    )
    manager_card_backoff_s: float = Field(
        default=2.0, ge=0, description="First wait between hiring-manager card tries; doubles each time."
    )
    smtp_conn_id: str = Field(
        default="smtp_default", description="Airflow SMTP connection for hiring-manager e-mails."
    )
    airflow_plugin: bool = Field(
        default=False,
        description="Mount the API in Airflow 3's API server (plugin talentflow_service_plugin, under "
        "/talentflow); off by default: it opens warehouse connections when the API server starts.",
    )
    airflow_plugin_prefix: str = Field(
        default="/talentflow", pattern="^/[A-Za-z0-9_-]+$", description="Where the mounted API lives."
    )


def get_service_settings() -> ServiceSettings:
    return load_settings(ServiceSettings)


def jwt_key(service: ServiceSettings, settings: Settings) -> str:
    """The signing key: configured, or generated once and kept (0600) beside the runtime's data."""
    if service.jwt_secret:
        return service.jwt_secret.get_secret_value()
    path = Path(settings.home_dir) / "service" / "jwt.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(secrets.token_urlsafe(48))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # first writer wins; everyone reads the same key
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()
