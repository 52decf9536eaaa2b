"""Sign-in to the HR pages through the company's OpenID Connect provider (authorization code flow
with PKCE, state and nonce, by Authlib's Starlette client).

The provider says who the person is; :func:`profile_from_claims` turns its claims into the same
role and scope a local user has (``TALENTFLOW_OIDC_ROLE_MAP`` and the departments claim), the user is
recorded in the same users table (source ``oidc``), and from then on the session, CSRF and every
role check are the ones local users get (:func:`talentflow.service.web.pages.begin_session`).
A person whose claims map to no role, a state the session does not know, an ID token with the wrong
nonce, audience or issuer are refused with a page that says why.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.starlette_client import OAuth
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from joserfc.errors import JoseError
from starlette.concurrency import run_in_threadpool

from talentflow.core import accounts as users
from talentflow.core.errors import UserError
from talentflow.service.deps import state
from talentflow.service.settings import OidcSettings
from talentflow.service.web.access import Refused

log = logging.getLogger(__name__)
router = APIRouter(prefix="/hr", include_in_schema=False)
CLIENT_NAME = "company"
CALLBACK_PATH = "/hr/login/oidc/callback"
# Several mapped groups: the widest role wins (an HR admin who is also in the HRBP group is an admin).
ROLE_ORDER = ("hr_admin", "hrbp", "hiring_manager", "candidate")


def settings_of(request: Request) -> OidcSettings:
    return request.app.state.oidc


def make_client(oidc: OidcSettings) -> OAuth:
    """Authlib's registry with the one provider; metadata and keys are fetched on first use."""
    oauth = OAuth()
    secret = oidc.client_secret.get_secret_value() if oidc.client_secret else None
    oauth.register(
        CLIENT_NAME,
        client_id=oidc.client_id,
        client_secret=secret,
        server_metadata_url=oidc.discovery_url,
        client_kwargs={
            "scope": oidc.scopes,
            "code_challenge_method": "S256",
            "timeout": oidc.timeout_s,
            # a public client (no secret) authenticates with PKCE alone
            "token_endpoint_auth_method": "client_secret_basic" if secret else "none",
        },
    )
    return oauth


def _values(claim) -> list[str]:
    """A claim as a list of strings: providers send groups as a list, or one space/comma-separated string."""
    if claim is None:
        return []
    if isinstance(claim, str):
        return [v for v in claim.replace(",", " ").split() if v]
    if isinstance(claim, Iterable):
        return [str(v) for v in claim if v is not None and str(v)]
    return [str(claim)]


def profile_from_claims(claims: dict, oidc: OidcSettings) -> users.OidcProfile:
    """The TalentFlow user these claims describe; :class:`Refused` when they map to no usable role."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise Refused("the identity provider sent no subject (sub) for this sign-in")
    found = _values(claims.get(oidc.role_claim))
    roles = {oidc.role_map[v] for v in found if v in oidc.role_map}
    if not roles:
        raise Refused(
            f"your account at {oidc.provider_name} has no TalentFlow role: none of the values of its "
            f"{oidc.role_claim!r} claim ({', '.join(found) or 'none'}) is mapped to a role. Ask an HR "
            "admin to add you to a group that TALENTFLOW_OIDC_ROLE_MAP maps."
        )
    role = next(r for r in ROLE_ORDER if r in roles)
    departments = tuple(d.lower() for d in _values(claims.get(oidc.departments_claim)))
    candidate_id = claims.get(oidc.candidate_id_claim)
    if role in ("hrbp", "hiring_manager") and not departments:
        raise Refused(
            f"your account is a {role} at {oidc.provider_name} but its {oidc.departments_claim!r} "
            "claim names no department, so there is nothing you may see. Ask an HR admin."
        )
    if role == "candidate" and not candidate_id:
        raise Refused(
            f"a candidate account needs the {oidc.candidate_id_claim!r} claim (your own candidate id)"
        )
    username = str(claims.get(oidc.username_claim) or claims.get("email") or subject)
    employee_id = claims.get(oidc.employee_id_claim)
    return users.OidcProfile(
        issuer=oidc.issuer or "",
        subject=subject,
        username=username,
        role=role,
        display_name=claims.get("name") or username,
        email=claims.get("email"),
        locale=claims.get("locale"),
        departments=departments,
        employee_id=str(employee_id) if employee_id else None,
        candidate_id=str(candidate_id) if candidate_id else None,
    )


def _safe_next(value: str | None) -> str:
    return value if value and value.startswith("/hr") and not value.startswith("//") else "/hr/"


async def _provider(request: Request):
    """The registered client, after checking the discovery document names the configured issuer."""
    oidc = settings_of(request)
    client = request.app.state.oidc_client.create_client(CLIENT_NAME)
    try:
        metadata = await client.load_server_metadata()
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("OIDC discovery at %s failed: %s", oidc.discovery_url, type(exc).__name__)
        raise Refused(f"{oidc.provider_name} cannot be reached right now; try again later") from None
    if metadata.get("issuer", "").rstrip("/") != oidc.issuer:
        client.server_metadata = {}  # read it again next time: it may be fixed meanwhile
        raise Refused(
            f"the provider's discovery document names issuer {metadata.get('issuer')!r}, not the "
            f"configured {oidc.issuer!r} (TALENTFLOW_OIDC_ISSUER)"
        )
    return client


@router.get("/login/oidc")
async def oidc_start(request: Request, next: str | None = None):  # noqa: A002 - the conventional name
    """Send the browser to the provider (a fresh state, nonce and PKCE verifier kept in the session)."""
    client = await _provider(request)
    request.session["oidc_next"] = _safe_next(next)
    callback = state(request).settings.public_url.rstrip("/") + CALLBACK_PATH
    return await client.authorize_redirect(request, callback)


@router.get("/login/oidc/callback")
async def oidc_callback(request: Request):
    """Check the answer (state, code exchange, ID token's signature, issuer, audience, nonce), map the
    claims to a role, record the user, and begin the same session a local sign-in begins."""
    from talentflow.service.web import pages

    oidc = settings_of(request)
    client = await _provider(request)
    try:
        token = await client.authorize_access_token(
            request, claims_options={"iss": {"essential": True, "values": [oidc.issuer]}}
        )
        id_claims = token.get("userinfo")
        if not id_claims:
            raise Refused(f"{oidc.provider_name} sent no ID token: is the openid scope allowed?")
        claims = dict(id_claims)
        if (await client.load_server_metadata()).get("userinfo_endpoint"):
            # groups/departments often come only from userinfo (DingTalk, WeCom, Keycloak mappers)
            extra = await client.userinfo(token=token)
            if str(extra.get("sub")) == str(claims["sub"]):
                claims = {**extra, **claims}
    except (AuthlibBaseError, JoseError, httpx.HTTPError, KeyError, ValueError) as exc:
        what = getattr(exc, "description", None) or getattr(exc, "error", None) or type(exc).__name__
        log.warning("OIDC sign-in refused: %s: %s", type(exc).__name__, what)
        raise Refused(f"sign-in through {oidc.provider_name} was refused: {what}") from None
    profile = profile_from_claims(claims, oidc)
    try:
        user = await run_in_threadpool(_record, request, profile)
    except UserError as exc:
        raise Refused(str(exc)) from None
    next_path = request.session.get("oidc_next")
    pages.begin_session(request, user)
    log.info("signed in through OIDC: %s (%s)", user.username, user.role)
    return RedirectResponse(_safe_next(next_path), status_code=303)


def _record(request: Request, profile: users.OidcProfile) -> users.User:
    with state(request).connect() as conn:
        return users.sign_in_oidc(conn, profile)
