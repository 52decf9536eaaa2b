"""How the identity provider's claims become a TalentFlow role and scope, and which OIDC settings are
refused before the service starts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from talentflow.service.settings import OidcSettings
from talentflow.service.web.access import Refused
from talentflow.service.web.oidc import profile_from_claims

OIDC = OidcSettings(
    issuer="https://sso.example.com/realms/acme",
    client_id="talentflow",
    role_map={"/tf/admins": "hr_admin", "/tf/hrbp": "hrbp", "heads": "hiring_manager", "cand": "candidate"},
)


def test_widest_mapped_role_wins_and_departments_come_in_the_local_users_shape():
    profile = profile_from_claims(
        {
            "sub": "u1",
            "preferred_username": "li.na",
            "groups": ["staff", "/tf/hrbp", "/tf/admins"],
            "departments": ["ENG-PLT"],
        },
        OIDC,
    )
    assert profile.role == "hr_admin" and profile.username == "li.na"
    assert profile.issuer == OIDC.issuer and profile.subject == "u1"
    hrbp = profile_from_claims(
        {"sub": "u2", "groups": "staff /tf/hrbp", "departments": "ENG-PLT, eng-dat"}, OIDC
    )
    assert hrbp.role == "hrbp" and hrbp.departments == ("eng-plt", "eng-dat")
    assert hrbp.username == "u2"  # no preferred_username, no email: the subject
    head = profile_from_claims(
        {"sub": "u3", "email": "w@x.cn", "groups": ["heads"], "departments": ["sls"], "employee_id": 42}, OIDC
    )
    assert (head.role, head.employee_id, head.username) == ("hiring_manager", "42", "w@x.cn")


@pytest.mark.parametrize(
    "claims, why",
    [
        ({"sub": "u", "groups": ["staff"]}, "no TalentFlow role"),
        ({"sub": "u"}, "no TalentFlow role"),
        ({"sub": "u", "groups": ["/tf/hrbp"]}, "names no department"),
        ({"sub": "u", "groups": ["cand"]}, "candidate_id"),
        ({"groups": ["/tf/admins"]}, "no subject"),
    ],
)
def test_claims_that_give_no_usable_role_are_refused(claims, why):
    with pytest.raises(Refused, match=why):
        profile_from_claims(claims, OIDC)


def test_local_passwords_are_off_by_default_only_when_oidc_is_on():
    assert OidcSettings().local_passwords and not OidcSettings().enabled
    assert OIDC.enabled and not OIDC.local_passwords
    assert OIDC.model_copy(update={"allow_local_passwords": True}).local_passwords
    assert OIDC.discovery_url == "https://sso.example.com/realms/acme/.well-known/openid-configuration"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"role_map": {"g": "superuser"}}, "unknown role"),
        ({"issuer": "http://sso.example.com"}, "https"),
        ({"scopes": "profile email"}, "openid"),
    ],
)
def test_bad_oidc_settings_are_refused(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        OidcSettings(**{"issuer": "https://sso.example.com", "client_id": "c", **kwargs})
