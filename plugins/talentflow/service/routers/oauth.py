"""``POST /oauth/token``: OAuth 2.0 client credentials (RFC 6749 §4.4)."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Form, Request

from talentflow.service.auth import AuthError, issue_token
from talentflow.service.deps import state
from talentflow.service.problems import Problem

router = APIRouter(tags=["auth"])


def _basic(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return None
    return user, password


@router.post(
    "/oauth/token",
    summary="Exchange client credentials for an access token",
    responses={401: {"description": "invalid_client (problem+json)"}},
)
def token(
    request: Request,
    grant_type: Annotated[str, Form()],
    client_id: Annotated[str | None, Form()] = None,
    client_secret: Annotated[str | None, Form()] = None,
    scope: Annotated[str | None, Form()] = None,
) -> dict:
    """Client credentials in the form body or as HTTP Basic. Returns a Bearer JWT (HS256) with the
    granted scopes and its lifetime."""
    if grant_type != "client_credentials":
        raise Problem(
            400,
            "grant_type must be client_credentials",
            kind="unsupported-grant-type",
            error="unsupported_grant_type",
        )
    basic = _basic(request)
    if basic:
        client_id, client_secret = basic
    if not client_id or not client_secret:
        raise Problem(
            401,
            "client_id and client_secret are required",
            kind="invalid-client",
            error="invalid_client",
            headers={"WWW-Authenticate": 'Basic realm="talentflow"'},
        )
    st = state(request)
    with st.connect() as conn:
        try:
            return issue_token(conn, client_id, client_secret, scope, st.key, st.service.token_ttl_s)
        except AuthError as exc:
            raise Problem(
                exc.status,
                exc.detail,
                kind=exc.error.replace("_", "-"),
                error=exc.error,
                headers={"WWW-Authenticate": 'Basic realm="talentflow"'} if exc.status == 401 else None,
            ) from None
