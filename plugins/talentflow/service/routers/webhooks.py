"""Webhook endpoints an HR system registers to receive events (secret shown once, at creation)."""

from __future__ import annotations

import json
from typing import Literal

from fastapi import APIRouter, Depends, Request
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

from talentflow.core import warehouse
from talentflow.service import ids
from talentflow.service.auth import Principal
from talentflow.service.deps import idempotent, require, state, with_etag
from talentflow.service.problems import Problem
from talentflow.service.webhooks import EVENT_TYPES, new_secret

router = APIRouter(prefix="/v1/webhook-endpoints", tags=["webhooks"])
EventType = Literal[EVENT_TYPES]  # type: ignore[valid-type]


class EndpointIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl
    event_types: list[EventType] = Field(default_factory=list, description="Empty: every event type.")


@router.post("", status_code=201, summary="Register a webhook endpoint (returns its whsec_ secret once)")
def create_endpoint(
    request: Request, body: EndpointIn, principal: Principal = Depends(require("webhooks:manage"))
):
    def write(conn):
        endpoint_id, secret = ids.new("ep"), new_secret()
        conn.execute(
            "INSERT INTO restricted.webhook_endpoints (endpoint_id, client_id, url, secret, event_types, active,"
            " created_at) VALUES (%s, %s, %s, %s, %s, true, now())",
            (endpoint_id, principal.client_id, str(body.url), secret, json.dumps(body.event_types)),
        )
        return {
            "endpoint_id": endpoint_id,
            "url": str(body.url),
            "event_types": body.event_types,
            "secret": secret,
        }

    return idempotent(request, principal, body, write)


@router.get("", summary="This client's webhook endpoints")
def list_endpoints(request: Request, principal: Principal = Depends(require("webhooks:manage"))):
    with state(request).connect() as conn:
        rows = warehouse.fetch_all(
            conn,
            "SELECT endpoint_id, url, event_types, active, created_at FROM restricted.webhook_endpoints"
            " WHERE client_id = %s ORDER BY created_at",
            (principal.client_id,),
        )
    return with_etag(request, {"data": rows, "next_cursor": None})


@router.delete("/{endpoint_id}", status_code=204, summary="Stop sending to an endpoint")
def delete_endpoint(
    request: Request, endpoint_id: str, principal: Principal = Depends(require("webhooks:manage"))
):
    with state(request).connect() as conn:
        cur = conn.execute(
            "UPDATE restricted.webhook_endpoints SET active = false WHERE endpoint_id = %s AND client_id = %s",
            (endpoint_id, principal.client_id),
        )
        if not cur.rowcount:
            raise Problem(404, f"no webhook endpoint {endpoint_id!r} for this client", kind="not-found")
