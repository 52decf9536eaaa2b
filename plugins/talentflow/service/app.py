"""The FastAPI application factory of ``talentflow serve``."""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI

from talentflow.core import storage
from talentflow.core import tables as warehouse_tables
from talentflow.core.config import Settings, get_settings
from talentflow.service import problems, web
from talentflow.service.auth import TokenBucket
from talentflow.service.deps import ServiceState
from talentflow.service.routers import candidates, decisions, interviews, oauth, requisitions, webhooks
from talentflow.service.settings import OidcSettings, ServiceSettings, get_service_settings, jwt_key

log = logging.getLogger(__name__)
API_VERSION = "1.0.0"
DESCRIPTION = """
The TalentFlow API for HR systems (ATS, HRIS, attendance, payroll).

* **Auth**: OAuth 2.0 client credentials at `POST /oauth/token`; send `Authorization: Bearer <token>`.
  One client per HR system/tenant, scopes per endpoint family. Errors are RFC 9457 problem+json.
* **Writes** need an `Idempotency-Key` header: a replay returns the first result and creates nothing.
* **Lists** are cursor-paginated (`next_cursor`) and take `updated_since`; reads carry ETags.
* **Webhooks** are signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
* Interview recommendations are never automatic rejections: low scores go to human review.
"""


def _dispatch_loop(stop: threading.Event, settings: Settings, service: ServiceSettings) -> None:
    from talentflow.service.webhooks import dispatch

    while not stop.wait(service.dispatch_interval_s):
        try:
            dispatch(settings, service)
        except Exception:  # noqa: BLE001 - the loop must outlive a bad round; the next one retries
            log.exception("webhook dispatch round failed")


def create_app(
    settings: Settings | None = None,
    service: ServiceSettings | None = None,
    *,
    dispatch_loop: bool = False,
    oidc: OidcSettings | None = None,
) -> FastAPI:
    settings, service = settings or get_settings(), service or get_service_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        warehouse_tables.ensure_all(settings)
        app.state.tf.store.ensure_ready()
        app.state.tf.open_pool()
        stop = threading.Event()
        if dispatch_loop and service.dispatch_interval_s > 0:
            threading.Thread(target=_dispatch_loop, args=(stop, settings, service), daemon=True).start()
        yield
        stop.set()
        app.state.tf.close_pool()

    app = FastAPI(
        title="TalentFlow API",
        version=API_VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=[
            {"name": "auth", "description": "OAuth 2.0 client credentials."},
            {"name": "requisitions", "description": "Requisitions with their competency profile."},
            {"name": "candidates", "description": "Candidates with resumes, and consents."},
            {
                "name": "interviews",
                "description": "Assessment-partner surface: templates, invitations, status.",
            },
            {"name": "decisions", "description": "Hiring manager decisions and onboarding hand-off."},
            {"name": "webhooks", "description": "Webhook endpoints (Standard Webhooks signatures)."},
        ],
    )
    app.state.tf = ServiceState(
        settings=settings,
        service=service,
        key=jwt_key(service, settings),
        bucket=TokenBucket(service.rate_per_s, service.rate_burst),
        store=storage.get_store(settings),
    )
    problems.install(app)
    for module in (oauth, requisitions, candidates, interviews, decisions, webhooks):
        app.include_router(module.router)
    app.include_router(interviews.uploads)
    web.install(app, settings, app.state.tf.key, oidc)  # the HR pages (/hr): same app, same runtime

    @app.get("/healthz", tags=["auth"], summary="Liveness (no auth)")
    def healthz() -> dict:
        return {"status": "ok"}

    return app
