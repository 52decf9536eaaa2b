"""HR pages (``/hr/...``): server-rendered Jinja2 pages for HR admins, HR business partners, hiring
managers and candidates, served by the same FastAPI app as the HR-system API.

Sign-in: the local user store (``restricted.web_users``, argon2id hashes) or the company's OpenID
Connect provider when configured; sessions are signed cookies (HttpOnly, SameSite=Lax, Secure behind
https) carrying only the username and a CSRF token; every POST checks the token. Every page and every
download checks the signed-in user's role and scope on the server (:mod:`.access`).
"""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def install(app, settings, session_key: str, oidc=None) -> None:
    """Add the pages to ``app``: session middleware, ``/hr/static``, the page routes, and the OIDC
    sign-in when ``oidc`` (default: ``TALENTFLOW_OIDC_*``) names a provider."""
    import hashlib
    import hmac

    from fastapi.staticfiles import StaticFiles
    from starlette.middleware.sessions import SessionMiddleware

    from talentflow.service.settings import get_oidc_settings
    from talentflow.service.web import oidc as oidc_login
    from talentflow.service.web import pages

    secret = hmac.new(session_key.encode(), b"talentflow-web-session", hashlib.sha256).hexdigest()
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie="tf_session",
        max_age=8 * 3600,
        same_site="lax",
        https_only=settings.public_url.startswith("https://"),
    )
    app.state.web_reader = ReaderPool(settings)
    app.mount("/hr/static", StaticFiles(directory=STATIC_DIR), name="hr-static")
    app.state.oidc = oidc if oidc is not None else get_oidc_settings()
    if app.state.oidc.enabled:
        app.state.oidc_client = oidc_login.make_client(app.state.oidc)
        app.include_router(oidc_login.router)
    app.include_router(pages.router)
    pages.install_handlers(app)


class ReaderPool:
    """Warehouse connections as the ``hr_admin`` role, for the pages' reads (marts, the key map, the
    audit trail): the API's ``loader`` login may write raw tables but not read marts. Opened on first
    use, shared by every request of the process."""

    def __init__(self, settings, size: int = 4) -> None:
        import threading

        self.settings, self.size, self.pool, self._lock = settings, size, None, threading.Lock()

    def _open(self):
        from psycopg import sql
        from psycopg_pool import ConnectionPool

        from talentflow.core import warehouse

        if self.settings.embedded_warehouse:
            dsn, configure = self.settings.embedded_url(warehouse.WAREHOUSE_DB, role="hr_admin"), None
        else:

            def configure(conn) -> None:
                conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier("hr_admin")))
                conn.commit()

            # the owner login is granted hr_admin (infra/postgres/init); the loader login is not
            dsn = self.settings.admin_dsn
        return ConnectionPool(
            dsn,
            min_size=1,
            max_size=self.size,
            open=True,
            configure=configure,
            kwargs={"connect_timeout": 10},
        )

    def connection(self):
        with self._lock:
            if self.pool is None:
                self.pool = self._open()
        return self.pool.connection()
