"""Who an alert goes to, what it says, the payload each channel expects, and the channel it takes
(delivery and retries are the notification layer's: tests/unit/test_alerts.py)."""

from __future__ import annotations

from datetime import date

import pytest

from talentflow.attrition.alerting import (
    Episode,
    Partner,
    alert_id,
    alert_message,
    channel_for,
    load_partners,
    parse_partners,
    partners_for,
    partners_seed_file,
    payload_for,
)
from talentflow.attrition.settings import AttritionSettings
from talentflow.core.config import Settings
from talentflow.core.notifications import EmailChannel, NotConfigured, WebhookChannel

EPISODE = Episode("k" * 32, "ep1", date(2026, 3, 2), "new")
SCORE = {
    "probability": 0.18,
    "rules_score": 3.0,
    "top_factors": [
        {
            "feature": "overtime_hours_90d",
            "label": "Overtime hours, last 90 days",
            "value": 44.0,
            "contribution": 0.4,
        }
    ],
    "reasons": [
        {
            "rule_id": "pay_below_band",
            "weight": 2.0,
            "description": "Paid below the band",
            "suggested_action": "Pay review",
        },
        {
            "rule_id": "high_overtime",
            "weight": 1.0,
            "description": "30+ overtime hours",
            "suggested_action": "Workload review",
        },
    ],
}
PARTNER = Partner("eng-plt", "Wei Zhang", "wei.zhang@larkspur.example", "wecom")


def test_the_seed_routes_every_department_with_a_fallback():
    partners = load_partners(partners_seed_file())
    assert [p.channel for p in partners_for("ENG-PLT", partners)] == ["wecom"]
    assert [p.name for p in partners_for("unknown-dept", partners)] == ["HR Operations"]
    assert {p.channel for p in partners} == {"email", "slack", "wecom", "dingtalk"}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"department": "x", "hrbp_name": "A", "hrbp_email": "a@x", "channel": "fax"}, "channel 'fax'"),
        ({"department": "x", "hrbp_name": "A", "hrbp_email": "", "channel": "email"}, "needs an address"),
        ({"department": "", "hrbp_name": "A", "hrbp_email": "a@x", "channel": "slack"}, "required"),
    ],
)
def test_partner_seed_mistakes_name_the_row(row, message):
    with pytest.raises(ValueError, match=message):
        parse_partners([row])


def test_the_message_says_who_why_what_to_do_and_where_to_look():
    msg = alert_message(
        EPISODE,
        SCORE,
        "E100123",
        "eng-plt",
        PARTNER,
        "s3://talentflow/reports/dashboard/d.html",
        6,
        base_rate=0.06,
    )
    assert msg.title == "Attrition risk: employee E100123 (eng-plt)"
    text = msg.text
    assert text.startswith("@Wei Zhang")
    assert (
        "is newly at high risk: 18% chance of leaving voluntarily within 6 months (3.0x the average)" in text
    )
    assert "- Paid below the band" in text and "- 30+ overtime hours" in text
    assert "Suggested action: Pay review; Workload review" in text
    assert "Overtime hours, last 90 days (44)" in text
    assert "Dashboard: s3://talentflow/reports/dashboard/d.html" in text
    assert "never a decision about the employee" in text
    worsened = alert_message(
        Episode("k", "e", date(2026, 1, 1), "worsened"),
        {**SCORE, "probability": None},
        None,
        None,
        PARTNER,
        None,
        6,
    )
    assert "has moved from medium to high risk: HR rules score 3" in worsened.text


def test_each_channel_gets_its_own_payload():
    msg = alert_message(EPISODE, SCORE, "E1", "eng-plt", PARTNER, None, 6)
    wecom = payload_for(PARTNER, msg)
    assert wecom["msgtype"] == "markdown" and "Pay review" in wecom["markdown"]["content"]
    dingtalk = payload_for(Partner("x", "A", "a@x", "dingtalk"), msg)
    assert dingtalk["markdown"]["title"] == msg.title
    assert payload_for(Partner("x", "A", "a@x", "slack"), msg)["text"].startswith("*Attrition risk")
    mail = payload_for(Partner("x", "A", "a@x.example", "email"), msg)
    assert mail["to"] == ["a@x.example"] and mail["subject"] == msg.title
    assert "<li>Paid below the band</li>" in mail["html"]


def test_alert_ids_are_per_episode_channel_and_recipient():
    assert alert_id(EPISODE, "email", "a@x") == alert_id(EPISODE, "email", "a@x")
    assert (
        len(
            {
                alert_id(EPISODE, "email", "a@x"),
                alert_id(EPISODE, "slack", "a@x"),
                alert_id(Episode("k" * 32, "ep2", date(2026, 3, 9), "new"), "email", "a@x"),
            }
        )
        == 3
    )


def test_hostile_text_reaches_the_email_as_text():
    hostile = Partner("x", "<script>alert(1)</script>", "a@x.example", "email")
    msg = alert_message(EPISODE, SCORE, 'E1"><img src=x onerror=alert(1)>', "<b>ops</b>", hostile, None, 6)
    html = payload_for(hostile, msg)["html"]
    assert "<script>" not in html and "<img" not in html and "<b>ops" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x" in html


def test_each_partner_gets_the_channel_of_the_seed(monkeypatch):
    for kind in ("SLACK", "WECOM", "DINGTALK"):
        monkeypatch.delenv(f"TALENTFLOW_{kind}_WEBHOOK_URL", raising=False)
    att = AttritionSettings(smtp_conn_id="smtp_hr")
    mail = channel_for(Partner("x", "A", "a@x.example", "email"), Settings(), att)
    assert mail == EmailChannel(["a@x.example"], "smtp_hr")
    with pytest.raises(NotConfigured, match="set TALENTFLOW_WECOM_WEBHOOK_URL"):
        channel_for(PARTNER, Settings(), att)
    wecom = channel_for(PARTNER, Settings(wecom_webhook_url="https://qyapi.example/send?key=k" * 2), att)
    assert isinstance(wecom, WebhookChannel) and wecom.kind == "wecom"
