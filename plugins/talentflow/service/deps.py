"""What every route shares: the application state, the caller (token, scope, rate limit), the
warehouse connection, idempotent writes, cursor pagination and ETags."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from fastapi import Depends, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from psycopg_pool import ConnectionPool

from talentflow.core import storage, warehouse
from talentflow.core.config import Settings
from talentflow.service.auth import AuthError, ClientCache, Principal, TokenBucket, authenticate
from talentflow.service.problems import Problem
from talentflow.service.settings import ServiceSettings


@dataclass
class ServiceState:
    settings: Settings
    service: ServiceSettings
    key: str
    cache: ClientCache = field(default_factory=ClientCache)
    bucket: TokenBucket | None = None
    store: storage.ObjectStore | None = None
    pool: ConnectionPool | None = None

    def open_pool(self) -> None:
        """Reuse warehouse connections across requests (a new PostgreSQL backend per request costs
        more than most requests themselves)."""
        self.pool = ConnectionPool(
            self.settings.warehouse_dsn,
            min_size=1,
            max_size=self.service.db_pool_size,
            open=True,
            kwargs={"connect_timeout": 10},
        )

    def close_pool(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    def connect(self):
        """A warehouse connection for one unit of work: committed when the block ends cleanly."""
        if self.pool is None:
            return warehouse.connect(self.settings)
        return self.pool.connection()


def state(request: Request) -> ServiceState:
    return request.app.state.tf


_bearer = HTTPBearer(auto_error=False, description="OAuth 2.0 access token from POST /oauth/token")


def _unauthorized(detail: str, error: str = "invalid_token") -> Problem:
    return Problem(
        401,
        detail,
        kind="unauthorized",
        headers={"WWW-Authenticate": f'Bearer realm="talentflow", error="{error}"'},
    )


def require(scope: str):
    """Dependency: a valid token carrying ``scope``; the client within its rate limit."""

    def dependency(
        request: Request, creds: HTTPAuthorizationCredentials | None = Depends(_bearer)
    ) -> Principal:
        st = state(request)
        if creds is None:
            raise _unauthorized("no access token: send 'Authorization: Bearer <token>'", "invalid_request")
        try:
            principal = authenticate(creds.credentials, st.key, st.cache, st.connect)
        except AuthError as exc:
            raise _unauthorized(exc.detail, exc.error) from None
        if scope not in principal.scopes:
            raise Problem(
                403,
                f"the token lacks the scope '{scope}' this endpoint needs",
                kind="insufficient-scope",
                headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'},
            )
        wait = st.bucket.take(principal.client_id) if st.bucket else 0
        if wait:
            raise Problem(
                429,
                "rate limit exceeded for this client",
                kind="rate-limited",
                headers={"Retry-After": str(max(1, round(wait)))},
            )
        request.state.principal = principal
        return principal

    return dependency


# ---- idempotent writes --------------------------------------------------------------------------


def fingerprint(method: str, path: str, body) -> str:
    blob = json.dumps([method, path, jsonable_encoder(body)], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def idempotency_key(request: Request) -> str:
    key = request.headers.get("Idempotency-Key")
    if not key or len(key) > 255:
        raise Problem(
            400, "every write needs an 'Idempotency-Key' header (1-255 characters)", kind="idempotency-key"
        )
    return key


def idempotent(request: Request, principal: Principal, body, write, status_code: int = 201) -> JSONResponse:
    """Run ``write(conn)`` once per (client, Idempotency-Key). A replay with the same body returns the
    first response and writes nothing; the same key with another body is a 422."""
    st = state(request)
    key = idempotency_key(request)
    digest = fingerprint(request.method, request.url.path, body)
    with st.connect() as conn:
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"{principal.client_id}:{key}",)
        )
        rows = warehouse.fetch_all(
            conn,
            "SELECT request_sha256, status_code, response FROM restricted.api_idempotency_keys"
            " WHERE client_id = %s AND idempotency_key = %s",
            (principal.client_id, key),
        )
        if rows:
            if rows[0]["request_sha256"] != digest:
                raise Problem(
                    422,
                    "this Idempotency-Key was already used with a different request; use a new key",
                    kind="idempotency-key-reused",
                )
            return JSONResponse(
                rows[0]["response"],
                status_code=rows[0]["status_code"],
                headers={"Idempotent-Replayed": "true"},
            )
        result = write(conn)
        if isinstance(result, tuple):
            status_code, result = result
        result = jsonable_encoder(result)
        conn.execute(
            "INSERT INTO restricted.api_idempotency_keys (client_id, idempotency_key, method, path,"
            " request_sha256, status_code, response, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, now())",
            (
                principal.client_id,
                key,
                request.method,
                request.url.path,
                digest,
                status_code,
                json.dumps(result),
            ),
        )
    return JSONResponse(result, status_code=status_code)


# ---- lists and ETags ------------------------------------------------------------------------------


def encode_cursor(updated_at: datetime, ident: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([updated_at.isoformat(), ident]).encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        stamp, ident = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return datetime.fromisoformat(stamp), str(ident)
    except (ValueError, TypeError) as exc:
        raise Problem(400, "the cursor is not one this API returned", kind="bad-cursor") from exc


def page_query(
    conn,
    table: str,
    id_col: str,
    where: list[str],
    params: list,
    *,
    cursor: str | None,
    updated_since: datetime | None,
    limit: int,
) -> tuple[list[dict], str | None]:
    """Keyset pagination on (updated_at, id): stable under concurrent writes, no OFFSET scans."""
    where, params = list(where), list(params)
    if updated_since:
        where.append("updated_at >= %s")
        params.append(updated_since)
    if cursor:
        stamp, ident = decode_cursor(cursor)
        where.append(f"(updated_at, {id_col}) > (%s, %s)")
        params += [stamp, ident]
    rows = warehouse.fetch_all(
        conn,
        f"SELECT * FROM {table} WHERE {' AND '.join(where) or 'true'} ORDER BY updated_at, {id_col} LIMIT %s",
        [*params, limit + 1],
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1]["updated_at"], rows[-1][id_col]) if more else None
    return rows, next_cursor


def with_etag(request: Request, payload) -> Response:
    """JSON with a strong ETag of its body; ``If-None-Match`` with the same tag gives 304."""
    body = json.dumps(jsonable_encoder(payload), sort_keys=True, separators=(",", ":")).encode()
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    match = request.headers.get("If-None-Match", "")
    if tag in [t.strip().removeprefix("W/") for t in match.split(",")] or match.strip() == "*":
        return Response(status_code=304, headers={"ETag": tag})
    return Response(body, media_type="application/json", headers={"ETag": tag})
