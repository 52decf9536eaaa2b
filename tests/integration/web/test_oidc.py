"""OIDC sign-in to the HR pages against a real OpenID provider over real HTTP (``oidc-provider-mock``,
a Flask app built on Authlib's server, in a thread on 127.0.0.1), with the real browser: the provider's
claims map to roles and departments, the same role checks then apply, and a person with no mapped
role, a tampered state, a wrong nonce, an ID token from another issuer and local passwords (off while
OIDC is on) are refused.

One provider and one service per module; the world and the test users come from ``conftest.py``."""

from __future__ import annotations

import os
import threading
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from tests.integration.web.conftest import PASSWORD, LiveServer, Session, query, still_shown

ROLE_MAP = {"tf-hr-admins": "hr_admin", "/tf/hrbp": "hrbp", "tf-managers": "hiring_manager"}


class IssuerSwitch:
    """WSGI wrapper of the provider: while ``rogue`` is set, its token endpoint believes it is another
    host, so the ID tokens it signs name another issuer (a mix-up the client must refuse)."""

    def __init__(self, app) -> None:
        self.app, self.rogue = app, False

    def __call__(self, environ, start_response):
        if self.rogue and environ.get("PATH_INFO") == "/oauth2/token":
            environ = {**environ, "HTTP_HOST": "issuer.invalid"}
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def provider(people):
    """The OpenID provider with its users: an HRBP of the world's largest department (groups and
    departments as Keycloak sends them), an HR admin, and an employee in no mapped group."""
    import oidc_provider_mock
    import werkzeug.serving

    from talentflow.core.runtime import free_port

    saved = os.environ.get("AUTHLIB_INSECURE_TRANSPORT")
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # the provider's own check: plain http on loopback
    users = [
        oidc_provider_mock.User(
            sub="sub-hrbp",
            claims={
                "preferred_username": "oidc.hrbp",
                "name": "Oidc Partner",
                "email": "oidc.hrbp@example.com",
                "groups": ["all-staff", "/tf/hrbp"],
                "departments": [people["own_department"]],
            },
        ),
        oidc_provider_mock.User(
            sub="sub-admin",
            claims={"preferred_username": "oidc.admin", "name": "Oidc Admin", "groups": ["tf-hr-admins"]},
        ),
        oidc_provider_mock.User(
            sub="sub-nobody",
            claims={"preferred_username": "oidc.nobody", "name": "No Role", "groups": ["all-staff"]},
        ),
        # a username a local user already has: must not take over that account
        oidc_provider_mock.User(
            sub="sub-squatter",
            claims={"preferred_username": "t.hr_admin", "groups": ["tf-hr-admins"]},
        ),
    ]
    switch = IssuerSwitch(oidc_provider_mock.app(require_nonce=True, user_claims=users))
    port = free_port()
    server = werkzeug.serving.make_server("127.0.0.1", port, switch, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    server.issuer, server.switch = f"http://127.0.0.1:{port}", switch
    yield server
    server.shutdown()
    thread.join(5)
    if saved is None:
        os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)
    else:
        os.environ["AUTHLIB_INSECURE_TRANSPORT"] = saved


@pytest.fixture(scope="module")
def oidc_server(web_world, people, provider):
    """The service with OIDC on (local passwords left at their default: off)."""
    from talentflow.service.app import create_app
    from talentflow.service.settings import OidcSettings, ServiceSettings

    settings, port, _ = web_world
    oidc = OidcSettings(
        issuer=provider.issuer,
        client_id="talentflow-hr",
        client_secret="provider-secret-not-to-be-shown",
        provider_name="Test IdP",
        role_map=ROLE_MAP,
    )
    assert not oidc.local_passwords
    app = create_app(settings, ServiceSettings(dispatch_interval_s=0), oidc=oidc)
    with LiveServer(app, port) as live:
        yield live


def _wait(driver, condition, what: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 60).until(lambda d: condition(d), message=what)


def oidc_sign_in(browser, server, provider, sub: str, next_path: str = "/hr/", tamper=None) -> Session:
    """Click "Sign in with Test IdP", choose ``sub`` on the provider's page (after ``tamper`` rewrote the
    authorization URL, if given), and wait until the browser is back on the service."""
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/hr/login")
    browser.delete_all_cookies()
    browser.get(f"{server.url}/hr/login?next={next_path}")
    assert not browser.find_elements(By.ID, "password"), "local password form shown while OIDC is on"
    browser.find_element(By.ID, "sign-in-oidc").click()
    _wait(browser, lambda d: d.current_url.startswith(provider.issuer + "/oauth2/authorize"), "provider page")
    asked = dict(parse_qsl(urlsplit(browser.current_url).query))
    # PKCE, state and nonce on every request (the provider here does not enforce PKCE; real ones do)
    assert asked.get("code_challenge_method") == "S256" and len(asked.get("code_challenge", "")) >= 43
    assert asked.get("state") and asked.get("nonce") and "openid" in asked.get("scope", "").split()
    if tamper:
        browser.get(tamper(browser.current_url))
    button = browser.find_element(By.CSS_SELECTOR, f'button[name="sub"][value="{sub}"]')
    old = browser.find_element(By.TAG_NAME, "body")
    button.click()
    _wait(browser, lambda d: d.current_url.startswith(server.url) and not still_shown(old), "back")
    return Session(browser, server.url, sub)


def _with_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    assert name in params, f"the authorization request carries no {name}"
    params[name] = value
    return urlunsplit(parts._replace(query=urlencode(params)))


def test_login_page_offers_the_provider_and_refuses_local_passwords(browser, oidc_server, people):
    from selenium.webdriver.common.by import By

    session = Session(browser, oidc_server.url, "t.hr_admin")
    session.open("/hr/login")
    assert "Sign in with Test IdP" in session.text()
    assert not browser.find_elements(By.ID, "password")
    session.shot("oidc-login")
    with session.http() as client:  # the form is gone; a post of the right password is refused
        resp = client.post("/hr/login", data={"username": "t.hr_admin", "password": PASSWORD, "next": "/hr/"})
        assert resp.status_code == 403 and "password sign-in is off" in resp.text
        assert client.get("/hr/employees").status_code == 303  # still not signed in


def test_hrbp_mapped_from_claims_sees_own_department_and_is_refused_another(
    browser, oidc_server, provider, people
):
    settings = _settings()
    own, other = (
        query(
            settings,
            "SELECT employee_key FROM marts.employee_lifecycle_profile WHERE department = %s"
            " ORDER BY employee_key LIMIT 1",
            (dept,),
        )[0]["employee_key"]
        for dept in (people["own_department"], people["other_department"])
    )
    session = oidc_sign_in(browser, oidc_server, provider, "sub-hrbp", next_path="/hr/employees")
    assert urlsplit(browser.current_url).path == "/hr/employees", browser.current_url
    text = session.text()
    assert "Oidc Partner" in text and people["own_department"] in text
    assert people["other_department"] not in text
    session.shot("oidc-hrbp-employees")
    session.open(f"/hr/employees/{own}")
    assert not session.refused() and "Performance trend" in session.text()
    session.open(f"/hr/employees/{other}")
    assert session.refused()
    with session.http() as client:
        assert client.get(f"/hr/employees/{other}").status_code == 403
        assert client.get("/hr/health").status_code == 403  # operators' page: hr_admin only
    row = query(
        settings,
        "SELECT username, role, source, subject, issuer, departments, password_hash, last_login_at"
        " FROM restricted.web_users WHERE subject = 'sub-hrbp'",
    )[0]
    assert row["username"] == "oidc.hrbp" and row["role"] == "hrbp" and row["source"] == "oidc"
    assert row["issuer"] == provider.issuer and row["departments"] == [people["own_department"].lower()]
    assert row["password_hash"] == "" and row["last_login_at"] is not None


def test_hr_admin_from_claims_lands_on_the_page_asked_for(browser, oidc_server, provider):
    session = oidc_sign_in(browser, oidc_server, provider, "sub-admin", next_path="/hr/health")
    assert urlsplit(browser.current_url).path == "/hr/health"
    assert not session.refused() and "Oidc Admin" in session.text()
    # the same session rules as local users: POSTs need the session's CSRF token
    with session.http() as client:
        assert client.post("/hr/logout", data={"csrf": "forged"}).status_code == 403


def test_person_with_no_mapped_role_is_refused_with_a_clear_page(browser, oidc_server, provider):
    session = oidc_sign_in(browser, oidc_server, provider, "sub-nobody")
    assert session.refused()
    text = session.text()
    assert "no TalentFlow role" in text and "all-staff" in text
    session.shot("oidc-no-role")
    assert not query(_settings(), "SELECT 1 FROM restricted.web_users WHERE subject = 'sub-nobody'")
    with session.http() as client:
        assert client.get("/hr/").status_code == 303  # not signed in


def test_an_oidc_user_cannot_take_over_a_local_username(browser, oidc_server, provider):
    session = oidc_sign_in(browser, oidc_server, provider, "sub-squatter")
    assert session.refused() and "already belongs to another account" in session.text()
    row = query(
        _settings(), "SELECT source, password_hash FROM restricted.web_users WHERE username = 't.hr_admin'"
    )
    assert row[0]["source"] == "local" and row[0]["password_hash"]


@pytest.mark.parametrize(
    "param, value, reason",
    [
        ("state", "forged-state-value", "state not equal in request and response"),
        ("nonce", "not-the-nonce-we-sent", "invalid claim: 'nonce'"),
    ],
)
def test_tampered_state_or_nonce_is_refused(browser, oidc_server, provider, param, value, reason):
    session = oidc_sign_in(
        browser, oidc_server, provider, "sub-admin", tamper=lambda url: _with_param(url, param, value)
    )
    assert session.refused(), browser.current_url
    assert reason in session.text().lower()
    with session.http() as client:
        assert client.get("/hr/").status_code == 303


def test_id_token_from_another_issuer_is_refused(browser, oidc_server, provider):
    provider.switch.rogue = True
    try:
        session = oidc_sign_in(browser, oidc_server, provider, "sub-admin")
    finally:
        provider.switch.rogue = False
    assert session.refused() and "Invalid claim: 'iss'" in session.text()
    with session.http() as client:
        assert client.get("/hr/").status_code == 303


def test_client_secret_is_never_shown(oidc_server, provider):
    from talentflow.core.config import describe_settings
    from talentflow.service.settings import OidcSettings

    shown = describe_settings(
        OidcSettings(issuer=provider.issuer, client_id="x", client_secret="s3cret-value")
    )
    assert all("s3cret-value" not in value for _, value, _ in shown)
    assert ("TALENTFLOW_OIDC_CLIENT_SECRET", "***") in [(v, val) for v, val, _ in shown]


def _settings():
    from talentflow.core.config import get_settings

    return get_settings()
