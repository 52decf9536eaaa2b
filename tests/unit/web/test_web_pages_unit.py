"""The HR pages' pure parts: who may see what, the language a page is in, the Chinese catalogue covers
every text the templates show, and the links alerts carry."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from jinja2.ext import babel_extract

from talentflow.core import i18n, links
from talentflow.core.accounts import User
from talentflow.core.config import Settings
from talentflow.service.web import TEMPLATE_DIR, access, render

ADMIN = User("a", "A", "hr_admin")
HRBP = User("b", "B", "hrbp", departments=("eng-plt", "eng-dat"))
HEAD = User("m", "M", "hiring_manager", departments=("sls-ent",))
CAND = User("c", "C", "candidate", candidate_id="CAND-1")


def test_departments_bound_what_hrbps_and_managers_see():
    assert access.in_scope(ADMIN, "anything")
    assert access.in_scope(HRBP, "ENG-PLT") and not access.in_scope(HRBP, "sls-ent")
    assert access.in_scope(HEAD, "sls-ent") and not access.in_scope(HEAD, "eng-plt")
    assert not access.in_scope(CAND, "eng-plt")
    with pytest.raises(access.Refused):
        access.require_department(HRBP, "sls-smb")


def test_candidates_see_only_themselves():
    access.require_candidate(CAND, "CAND-1", [])
    with pytest.raises(access.Refused):
        access.require_candidate(CAND, "CAND-2", ["eng-plt"])
    access.require_candidate(HRBP, "CAND-2", ["ENG-DAT"])
    with pytest.raises(access.Refused):
        access.require_candidate(HEAD, "CAND-2", ["eng-dat"])
    with pytest.raises(access.Refused):
        access.require_role(CAND, *access.HR_ROLES)


def test_locale_comes_from_query_then_session_then_profile_then_browser():
    assert render.pick_locale("zh", None, "en", "en-US") == "zh-CN"
    assert render.pick_locale(None, None, None, "zh-CN,zh;q=0.9,en;q=0.5") == "zh-CN"
    assert render.pick_locale(None, "en", "zh-CN", "zh-CN") == "en"
    assert render.pick_locale("ja", None, None, "fr-FR, de;q=0.8") == "en"


def _template_messages() -> set[str]:
    found = set()
    for path in Path(TEMPLATE_DIR).glob("*.html"):
        with path.open("rb") as fh:
            for _, _, msg, _ in babel_extract(
                fh, ["_"], [], {"trim_blocks": "true", "lstrip_blocks": "true"}
            ):
                found.add(msg[0] if isinstance(msg, tuple) else msg)
    return found | set(render.LABELS.values())


def test_every_page_text_has_a_chinese_translation():
    catalogue = i18n.translations("zh-CN", "web")
    untranslated = sorted(m for m in _template_messages() if catalogue.gettext(m) == m)
    assert not untranslated


def test_pages_render_in_both_languages():
    for locale, expected in (("en", "Sign in"), ("zh-CN", "登录")):
        html = render.render(
            locale, "login.html", user=None, csrf="t", path="/hr/login", next="/hr/", error=True
        )
        assert expected in html and 'name="csrf" value="t"' in html


def test_links_point_to_the_hr_pages_under_the_public_url():
    settings = Settings(public_url="https://talent.example.com/")
    assert links.employee_url(settings, "k/1") == "https://talent.example.com/hr/employees/k%2F1"
    assert (
        links.dashboard_url(settings, date(2026, 12, 1))
        == "https://talent.example.com/hr/dashboard/2026-12-01"
    )
    assert (
        links.attrition_url(settings, "eng-plt")
        == "https://talent.example.com/hr/attrition?department=eng-plt"
    )


def test_dashboard_says_no_channel_configured_instead_of_failures_and_links_to_the_pages():
    from talentflow.attrition.dashboard import DashboardData, render

    data = DashboardData("2026-12-04", "now", alerts={"not_configured": 34}, base_url="https://t.example")
    data.risk_by_department = [
        {"department": "eng-plt", "high": 1, "medium": 0, "low": 2, "mean_probability": 0.1}
    ]
    page = render(data)
    kpi = page.split('id="alerts-kpi"', 1)[1].split("</div>", 1)[0]
    assert "no channel configured" in kpi and "failed" not in kpi
    assert 'href="https://t.example/hr/attrition?department=eng-plt"' in page
    assert "file://" not in page and "s3://" not in page
    data.alerts = {"sent": 3, "failed": 2}
    kpi = render(data).split('id="alerts-kpi"', 1)[1].split("</div>", 1)[0]
    assert "2 failed" in kpi and "no channel configured" not in kpi
