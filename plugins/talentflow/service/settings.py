"""Settings of the HR-system API (``TALENTFLOW_API_*``) and of the HR pages' OpenID Connect sign-in
(``TALENTFLOW_OIDC_*``), read from the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from talentflow.core.accounts import ROLES
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


class OidcSettings(BaseSettings):
    """Sign-in to the HR pages through the company's OpenID Connect provider (Keycloak, Azure AD / Entra
    ID, Okta, DingTalk, WeCom…). Every field maps to ``TALENTFLOW_OIDC_<FIELD>``; OIDC is on when
    ``TALENTFLOW_OIDC_ISSUER`` and ``TALENTFLOW_OIDC_CLIENT_ID`` are set."""

    model_config = SettingsConfigDict(env_prefix="TALENTFLOW_OIDC_", extra="ignore")

    issuer: str | None = Field(
        default=None,
        description="The provider's issuer URL (its /.well-known/openid-configuration is read); unset = "
        "no OIDC sign-in, local users only.",
    )
    metadata_url: str | None = Field(
        default=None,
        description="Discovery document URL when it is not <issuer>/.well-known/openid-configuration.",
    )
    client_id: str | None = Field(default=None, description="This service's client id at the provider.")
    client_secret: SecretStr | None = Field(
        default=None, description="Its client secret (never logged or shown); unset = a public client."
    )
    provider_name: str = Field(
        default="company sign-in", description='Shown on the sign-in page as "Sign in with <name>".'
    )
    scopes: str = Field(
        default="openid profile email", description="Scopes asked for (space-separated; openid is required)."
    )
    role_claim: str = Field(
        default="groups", description="ID-token/userinfo claim whose values map to roles (list or string)."
    )
    role_map: dict[str, str] = Field(
        default_factory=dict,
        description="JSON: claim value -> role (hr_admin, hrbp, hiring_manager, candidate), e.g. "
        '{"tf-hr-admins": "hr_admin", "tf-hrbp": "hrbp"}; several matches = the widest role.',
    )
    departments_claim: str = Field(
        default="departments",
        description="Claim with an HRBP's or hiring manager's department codes (list or comma-separated).",
    )
    employee_id_claim: str = Field(
        default="employee_id", description="Claim with a hiring manager's own HRIS id (optional)."
    )
    candidate_id_claim: str = Field(
        default="candidate_id", description="Claim with a candidate user's own candidate id."
    )
    username_claim: str = Field(
        default="preferred_username",
        description="Claim used as the username in the HR pages (then email, then the subject).",
    )
    allow_local_passwords: bool | None = Field(
        default=None,
        description="Keep local password sign-in while OIDC is on; unset = off when OIDC is configured.",
    )
    timeout_s: float = Field(default=10.0, gt=0, description="Timeout of each call to the provider.")

    @field_validator("role_map")
    @classmethod
    def _known_roles(cls, value: dict[str, str]) -> dict[str, str]:
        bad = sorted({r for r in value.values() if r not in ROLES})
        if bad:
            raise ValueError(f"unknown role(s) {', '.join(bad)}; roles are {', '.join(ROLES)}")
        return value

    @field_validator("issuer", "metadata_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if not value:
            return None
        host = urlsplit(value).hostname or ""
        if not value.startswith("https://") and host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the identity provider must be reached over https (http only on loopback)")
        return value.rstrip("/")

    @field_validator("scopes")
    @classmethod
    def _openid_scope(cls, value: str) -> str:
        if "openid" not in value.split():
            raise ValueError("scopes must include openid")
        return value

    @property
    def enabled(self) -> bool:
        return bool(self.issuer and self.client_id)

    @property
    def local_passwords(self) -> bool:
        """Whether the local password form works: always without OIDC, else as configured (off)."""
        if not self.enabled:
            return True
        return bool(self.allow_local_passwords)

    @property
    def discovery_url(self) -> str:
        return self.metadata_url or f"{self.issuer}/.well-known/openid-configuration"


def get_oidc_settings() -> OidcSettings:
    return load_settings(OidcSettings)
