"""OAuth 2.0 client credentials: API clients with scrypt-hashed secrets, HS256 access tokens with
scopes, a per-client token bucket, and the access log of personal-data reads.

Rate limiting is in-process per replica (a token bucket per client): N replicas allow N times the rate.
That is the trade we chose over a PostgreSQL counter on every request; put the reverse proxy's limit in
front when the total matters.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import jwt

from talentflow.core import warehouse
from talentflow.core.config import Settings
from talentflow.core.errors import UserError
from talentflow.core.tables.service import ACCESS_LOG, API_CLIENTS

ISSUER = "talentflow"
# One scope per endpoint family and direction.
SCOPES = (
    "requisitions:read",
    "requisitions:write",
    "candidates:read",
    "candidates:write",
    "interviews:read",
    "interviews:write",
    "decisions:write",
    "onboarding:read",
    "onboarding:write",
    "webhooks:manage",
)
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, dklen=32, **_SCRYPT)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${b64(salt).decode()}${b64(digest).decode()}"


def verify_secret(secret: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(
            secret.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    client_secret: str
    name: str
    tenant: str
    scopes: list[str]


def _check_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise UserError(f"unknown scopes {unknown}; choose from: {', '.join(SCOPES)}")
    return sorted(set(scopes))


def create_client(
    name: str, tenant: str, scopes: list[str] | None = None, settings: Settings | None = None
) -> ClientCredentials:
    """A new client for one HR system/tenant; the secret is shown here once and stored hashed."""
    scopes = _check_scopes(scopes or list(SCOPES))
    client_id = "tfc_" + secrets.token_hex(8)
    secret = "tfs_" + secrets.token_urlsafe(32)
    with warehouse.connect(settings) as conn:
        warehouse.ensure_table(conn, API_CLIENTS)
        conn.execute(
            "INSERT INTO restricted.api_clients (client_id, name, tenant, scopes, secret_hash, secret_version,"
            " status, created_at) VALUES (%s, %s, %s, %s, %s, 1, 'active', now())",
            (client_id, name, tenant, json.dumps(scopes), hash_secret(secret)),
        )
    return ClientCredentials(client_id, secret, name, tenant, scopes)


def rotate_client(client_id: str, settings: Settings | None = None) -> ClientCredentials:
    """A new secret; the old one and every token issued with it stop working at once."""
    secret = "tfs_" + secrets.token_urlsafe(32)
    with warehouse.connect(settings) as conn:
        rows = warehouse.fetch_all(
            conn,
            "UPDATE restricted.api_clients SET secret_hash = %s, secret_version = secret_version + 1,"
            " rotated_at = now() WHERE client_id = %s AND status = 'active' RETURNING name, tenant, scopes",
            (hash_secret(secret), client_id),
        )
    if not rows:
        raise UserError(f"no active API client {client_id!r} (see `talentflow api-client list`)")
    return ClientCredentials(client_id, secret, rows[0]["name"], rows[0]["tenant"], rows[0]["scopes"])


def revoke_client(client_id: str, settings: Settings | None = None) -> dict:
    with warehouse.connect(settings) as conn:
        rows = warehouse.fetch_all(
            conn,
            "UPDATE restricted.api_clients SET status = 'revoked', revoked_at = now() WHERE client_id = %s"
            " RETURNING client_id, name, tenant, status, revoked_at",
            (client_id,),
        )
    if not rows:
        raise UserError(f"no API client {client_id!r} (see `talentflow api-client list`)")
    return rows[0]


def list_clients(settings: Settings | None = None) -> list[dict]:
    with warehouse.connect(settings) as conn:
        warehouse.ensure_table(conn, API_CLIENTS)
        return warehouse.fetch_all(
            conn,
            "SELECT client_id, name, tenant, scopes, status, secret_version, created_at, rotated_at,"
            " revoked_at FROM restricted.api_clients ORDER BY created_at",
        )


@dataclass(frozen=True)
class Principal:
    """Who is calling: the client, its tenant and the scopes its token carries."""

    client_id: str
    tenant: str
    scopes: frozenset[str]


class AuthError(Exception):
    def __init__(self, status: int, error: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.error, self.detail = status, error, detail


def issue_token(
    conn, client_id: str, client_secret: str, requested: str | None, key: str, ttl_s: int
) -> dict:
    """The RFC 6749 §4.4 token response, or AuthError(invalid_client / invalid_scope)."""
    rows = warehouse.fetch_all(
        conn,
        "SELECT tenant, scopes, secret_hash, secret_version, status FROM restricted.api_clients"
        " WHERE client_id = %s",
        (client_id,),
    )
    if not rows or rows[0]["status"] != "active" or not verify_secret(client_secret, rows[0]["secret_hash"]):
        raise AuthError(401, "invalid_client", "unknown client, wrong secret or revoked client")
    allowed = set(rows[0]["scopes"])
    scopes = set(requested.split()) if requested else allowed
    if not scopes <= allowed:
        raise AuthError(400, "invalid_scope", f"not granted to this client: {sorted(scopes - allowed)}")
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": client_id,
        "tenant": rows[0]["tenant"],
        "scope": " ".join(sorted(scopes)),
        "sv": rows[0]["secret_version"],
        "iat": now,
        "exp": now + ttl_s,
        "jti": uuid.uuid4().hex,
    }
    token = jwt.encode(claims, key, algorithm="HS256")
    return {"access_token": token, "token_type": "Bearer", "expires_in": ttl_s, "scope": claims["scope"]}


class ClientCache:
    """Client status and secret version, re-read at most every ``ttl`` seconds (revocation latency)."""

    def __init__(self, ttl: float = 2.0) -> None:
        self.ttl, self._rows, self._lock = ttl, {}, threading.Lock()

    def get(self, conn_factory, client_id: str) -> dict | None:
        now = time.monotonic()
        with self._lock:
            hit = self._rows.get(client_id)
        if hit and now - hit[0] < self.ttl:
            return hit[1]
        with conn_factory() as conn:
            rows = warehouse.fetch_all(
                conn,
                "SELECT status, secret_version FROM restricted.api_clients WHERE client_id = %s",
                (client_id,),
            )
        row = rows[0] if rows else None
        with self._lock:
            self._rows[client_id] = (now, row)
        return row


def authenticate(token: str, key: str, cache: ClientCache, conn_factory) -> Principal:
    try:
        claims = jwt.decode(
            token, key, algorithms=["HS256"], issuer=ISSUER, options={"require": ["exp", "sub", "iat"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthError(401, "invalid_token", "the access token has expired; request a new one") from exc
    except jwt.InvalidTokenError as exc:
        raise AuthError(401, "invalid_token", f"the access token is not valid: {exc}") from exc
    if claims.get("typ") == "upload":
        raise AuthError(401, "invalid_token", "an upload token is not an access token")
    row = cache.get(conn_factory, claims["sub"])
    if not row or row["status"] != "active" or row["secret_version"] != claims.get("sv"):
        raise AuthError(401, "invalid_token", "the client was revoked or its secret rotated")
    return Principal(claims["sub"], claims["tenant"], frozenset(claims.get("scope", "").split()))


class TokenBucket:
    """Per-client token bucket (in-process, per replica)."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client_id: str) -> float:
        """0 when allowed, else seconds until a token is available."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._state.get(client_id, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._state[client_id] = (tokens - 1, now)
                return 0.0
            self._state[client_id] = (tokens, now)
            return (1 - tokens) / self.rate


def log_access(
    conn, principal: Principal, subject_type: str, subject_ids, purpose: str, method: str, path: str
) -> None:
    """One audit row per person whose data a request read."""
    now = datetime.now(UTC)
    rows = [
        (uuid.uuid4().hex, principal.client_id, subject_type, sid, purpose, method, path, 200, now)
        for sid in subject_ids
    ]
    if rows:
        with conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {ACCESS_LOG.qualified} (access_id, client_id, subject_type, subject_id, purpose,"
                " method, path, status_code, accessed_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
