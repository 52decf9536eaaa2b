"""The secret behind the pseudonymous keys (``employee_key``, ``candidate_key``, ...).

A key is HMAC-SHA256 of ``<kind>:<id>`` under a secret that never enters the repository, dbt's
vars or any view definition: dbt models call ``restricted.pseudonym(kind, id)`` (core/sql/warehouse.sql),
a SECURITY DEFINER function that reads the secret's HMAC pads from ``keyring.pseudonym_key``, a table
only its owner can read. Without the secret the keys cannot be recomputed from guessable ids.

Where the secret comes from: ``TALENTFLOW_PSEUDONYM_SECRET`` (production: from the environment or a
secrets backend); on the embedded runtime without it, a random secret generated once at ``talentflow up``
and kept in ``$TALENTFLOW_HOME/secrets/pseudonym.key`` (mode 0600). Changing the secret changes every key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import psycopg

from talentflow.core.config import Settings, get_settings
from talentflow.core.errors import ConfigError

BLOCK = 64  # SHA-256 block size (RFC 2104's B)
MIN_SECRET_BYTES = 16


def secret_file(settings: Settings) -> Path:
    return settings.home_dir / "secrets" / "pseudonym.key"


def _generate(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process generated it first: use theirs
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(48) + "\n")


def secret(settings: Settings | None = None) -> bytes:
    """The configured secret, or the embedded runtime's own (generated on first use)."""
    settings = settings or get_settings()
    if settings.pseudonym_secret is not None and settings.pseudonym_secret.get_secret_value():
        value = settings.pseudonym_secret.get_secret_value().encode()
        if value.startswith(b"change-me"):
            raise ConfigError(
                "TALENTFLOW_PSEUDONYM_SECRET still holds the example value: set a random secret"
            )
        if len(value) < MIN_SECRET_BYTES:
            raise ConfigError(
                f"TALENTFLOW_PSEUDONYM_SECRET is too short ({len(value)} bytes): use at least "
                f"{MIN_SECRET_BYTES} random bytes, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
            )
        return value
    if not settings.embedded_warehouse:
        raise ConfigError(
            "TALENTFLOW_PSEUDONYM_SECRET is not set: an external warehouse needs the pseudonym secret from "
            "the environment or a secrets backend (the same value on every worker)"
        )
    path = secret_file(settings)
    if not path.exists():
        _generate(path)
    if path.stat().st_mode & 0o077:
        raise ConfigError(f"{path} is readable by other users: chmod 600 it")
    return path.read_text().strip().encode()


def key(secret_value: bytes, kind: str, identifier: str) -> str:
    """The key restricted.pseudonym(kind, id) computes (for tests and hr_admin tooling)."""
    return hmac.new(secret_value, f"{kind}:{identifier}".encode(), hashlib.sha256).hexdigest()


def fingerprint(secret_value: bytes) -> str:
    """Which secret is installed, without revealing it."""
    return key(secret_value, "fingerprint", "talentflow")[:12]


def _pads(secret_value: bytes) -> tuple[bytes, bytes]:
    k = hashlib.sha256(secret_value).digest() if len(secret_value) > BLOCK else secret_value
    k = k.ljust(BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in k), bytes(b ^ 0x5C for b in k)


def install(conn: psycopg.Connection, secret_value: bytes) -> str:
    """Store the secret's HMAC pads in keyring.pseudonym_key (idempotent); returns its fingerprint.

    A different secret than the one installed replaces it: every key changes at the next dbt build.
    """
    inner, outer = _pads(secret_value)
    fp = fingerprint(secret_value)
    conn.execute(
        """
        INSERT INTO keyring.pseudonym_key (singleton, inner_pad, outer_pad, fingerprint)
        VALUES (true, %s, %s, %s)
        ON CONFLICT (singleton) DO UPDATE
            SET inner_pad = EXCLUDED.inner_pad, outer_pad = EXCLUDED.outer_pad,
                fingerprint = EXCLUDED.fingerprint, installed_at = now()
            WHERE keyring.pseudonym_key.fingerprint IS DISTINCT FROM EXCLUDED.fingerprint
        """,
        (inner, outer, fp),
    )
    return fp


def ensure_installed(settings: Settings | None = None) -> str:
    """Install the configured (or embedded) secret in the warehouse; returns its fingerprint."""
    from talentflow.core import warehouse

    settings = settings or get_settings()
    value = secret(settings)
    with warehouse.connect(settings, login="admin") as conn:  # keyring: the owner's alone
        return install(conn, value)
