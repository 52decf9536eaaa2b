"""Alert delivery against the real local receivers: retries with back-off, a failing endpoint given up
after the bounded attempts, and risk episodes over several days (once per episode, again after it ends);
webhook secrets kept out of ``audit.alerts_sent``, the logs and raised messages when deliveries fail, and
an unconfigured channel recorded as such, not as failed attempts.

Score histories are written for days in 2099 for employees the real run found low-risk, and removed
afterwards, so the DAG tests see only the real day."""

from __future__ import annotations

import json
import logging
import socket
import traceback
from datetime import date

import pytest

from talentflow.attrition import alerting
from talentflow.attrition.settings import AttritionSettings
from talentflow.core import warehouse
from talentflow.core.config import get_settings
from talentflow.core.notifications import DeliveryError, webhook_channel
from talentflow.core.tables.attrition import SCORES
from tests.integration.attrition.conftest import query

DAYS = [date(2099, 1, d) for d in range(1, 6)]


@pytest.fixture(scope="module")
def people(first_run, attrition_world):
    """One low-risk employee in a Slack, a DingTalk, a WeCom and two e-mail departments (seed
    hr_business_partners)."""
    _, settings = attrition_world
    rows = query(
        settings,
        """
        SELECT DISTINCT ON (f.department) f.department, s.employee_key
        FROM raw.attrition_scores AS s JOIN marts.attrition_features AS f USING (employee_key)
        WHERE s.risk_band = 'low' AND f.department IN ('ops-biz', 'ops-scm', 'sls-smb', 'eng-prd', 'eng-plt')
        ORDER BY f.department, s.employee_key""",
    )
    found = {r["department"]: r["employee_key"] for r in rows}
    assert {"ops-biz", "ops-scm", "sls-smb", "eng-prd", "eng-plt"} <= set(found)
    yield found
    with warehouse.connect(settings) as conn:
        # low-risk on the real day, so every alert of theirs belongs to the 2099 histories
        conn.execute("DELETE FROM audit.alerts_sent WHERE employee_key = ANY(%s)", (list(found.values()),))
        conn.execute(f"DELETE FROM {SCORES.qualified} WHERE scored_at >= %s", (DAYS[0],))


def _score(settings, day: date, bands: dict[str, str]) -> None:
    rows = [
        {
            "employee_key": k,
            "scored_at": day,
            "as_of": date(2024, 12, 31),
            "model_version": "test",
            "scorer": "rules",
            "probability": {"high": 0.3, "medium": 0.1, "low": 0.02}[b],
            "risk_band": b,
            "rules_score": 3.0 if b == "high" else 0.0,
            "reasons": [
                {
                    "rule_id": "pay_below_band",
                    "weight": 2.0,
                    "description": "Paid below the band",
                    "suggested_action": "Pay review",
                    "evidence": {"pay_below_band": True},
                }
            ]
            if b == "high"
            else [],
            "top_factors": [],
        }
        for k, b in bands.items()
    ]
    with warehouse.connect(settings) as conn:
        warehouse.upsert(conn, SCORES, rows)


def _alerts(settings, key: str) -> list[dict]:
    return query(
        settings,
        "SELECT * FROM audit.alerts_sent WHERE employee_key = %s ORDER BY sent_at NULLS LAST",
        (key,),
    )


def test_retry_backoff_give_up_and_episodes(people, attrition_world, receivers):
    _, settings = attrition_world
    sink, hooks = receivers
    hooks.reset()
    slack, dingtalk, mail, later = people["ops-biz"], people["ops-scm"], people["sls-smb"], people["eng-prd"]
    # Slack answers 503 twice then accepts; DingTalk's address points at an endpoint that always fails.
    hooks.fail_first.update({"slack": 2, "down": 10**6})
    settings = get_settings().model_copy(
        update={"dingtalk_webhook_url": hooks.url("down")}
    )  # webhook env set
    att = AttritionSettings(alert_attempts=3, alert_backoff_seconds=0.5, alert_max_total_attempts=5)
    waits: list[float] = []

    # Day 1: three employees become high risk, one is medium.
    _score(settings, DAYS[0], {slack: "high", dingtalk: "high", mail: "high", later: "medium"})
    mails_before = len(sink.messages)
    day1 = alerting.send_alerts(DAYS[0], settings, att, sleep=waits.append)
    assert (day1["high_risk"], day1["sent"], day1["failed"]) == (3, 2, 1)
    assert waits == [0.5, 1.0, 0.5, 1.0]  # slack: 2 retries; dingtalk: 2 retries, then the run moves on
    [s] = _alerts(settings, slack)
    assert (s["status"], s["attempts"], s["channel"]) == ("sent", 3, "slack")
    assert len(hooks.received["slack"]) == 1 and hooks.attempts["slack"] == 3
    [d] = _alerts(settings, dingtalk)
    assert (d["status"], d["attempts"]) == ("failed", 3) and "HTTP 503" in d["error"] and d["sent_at"] is None
    assert len(sink.messages) == mails_before + 1 and sink.messages[-1]["to"] == [
        "maria.lopez@larkspur.example"
    ]

    # The same day again: nothing new is sent; the failed alert is retried until its attempts run out.
    again = alerting.send_alerts(DAYS[0], settings, att, sleep=waits.append)
    assert (again["sent"], again["already_sent"], again["gave_up"]) == (0, 2, 1)
    [d] = _alerts(settings, dingtalk)
    assert (d["status"], d["attempts"]) == ("gave_up", 5)
    assert alerting.send_alerts(DAYS[0], settings, att, sleep=waits.append)["already_sent"] == 3
    assert hooks.attempts["down"] == 5

    # Day 2: still high (same episode, nothing sent); the medium one worsens to high (alerted once).
    _score(settings, DAYS[1], {slack: "high", dingtalk: "high", mail: "high", later: "high"})
    day2 = alerting.send_alerts(DAYS[1], settings, att, sleep=waits.append)
    assert (day2["sent"], day2["episodes_new"]) == (1, 1)
    assert "has moved from medium to high risk" in sink.messages[-1]["html"]

    # Day 3 the slack employee falls below the threshold: the episode ends. Day 4 high again: a new alert.
    _score(settings, DAYS[2], {slack: "low", mail: "high"})
    assert alerting.send_alerts(DAYS[2], settings, att, sleep=waits.append)["sent"] == 0
    _score(settings, DAYS[3], {slack: "high", mail: "high"})
    day4 = alerting.send_alerts(DAYS[3], settings, att, sleep=waits.append)
    assert (day4["sent"], day4["already_sent"]) == (1, 1)
    episodes = [a["episode_id"] for a in _alerts(settings, slack)]
    assert len(episodes) == len(set(episodes)) == 2
    assert len(hooks.received["slack"]) == 2
    hooks.reset()


WECOM_KEY = "wecom-fake-secret-3f0d9b7a-5c21-4e8f"
DINGTALK_TOKEN = "dingtalkfakesecretfedcba9876543210"
SLACK_TOKEN = "SlackFakeSecretTokenABCD"
SECRETS = (WECOM_KEY, DINGTALK_TOKEN, SLACK_TOKEN)


def _episode_alerts(settings, key: str, started: date) -> list[dict]:
    return query(
        settings,
        "SELECT * FROM audit.alerts_sent WHERE employee_key = %s AND episode_id = %s",
        (key, alerting.episode_id(key, started)),
    )


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_failed_deliveries_store_and_log_no_webhook_secret(
    people, attrition_world, receivers, caplog, capsys
):
    """WeCom's receiver is down, DingTalk's answers 503 every time, Slack's is not configured."""
    _, settings = attrition_world
    _, hooks = receivers
    hooks.reset()
    caplog.set_level(logging.DEBUG)
    slack, dingtalk, wecom = people["ops-biz"], people["ops-scm"], people["eng-plt"]
    dingtalk_path = f"robot/send?access_token={DINGTALK_TOKEN}"
    hooks.fail_first[dingtalk_path] = 10**6
    settings = get_settings().model_copy(
        update={
            "slack_webhook_url": None,
            "wecom_webhook_url": f"http://127.0.0.1:{_closed_port()}/cgi-bin/webhook/send?key={WECOM_KEY}",
            "dingtalk_webhook_url": hooks.url(dingtalk_path),
        }
    )
    att = AttritionSettings(alert_attempts=2, alert_backoff_seconds=0.01, alert_max_total_attempts=4)
    low, high = date(2099, 6, 1), date(2099, 6, 2)  # a low day first: new episodes whatever ran before
    _score(settings, low, {slack: "low", dingtalk: "low", wecom: "low"})
    _score(settings, high, {slack: "high", dingtalk: "high", wecom: "high"})

    run = alerting.send_alerts(high, settings, att, sleep=lambda s: None)
    assert (run["sent"], run["failed"], run["not_configured"]) == (0, 2, 1)
    assert hooks.attempts[dingtalk_path] == 2  # the faults were real: the receiver saw both tries
    [d], [w], [s] = (_episode_alerts(settings, k, high) for k in (dingtalk, wecom, slack))
    assert (d["status"], d["attempts"]) == ("failed", 2) and "HTTP 503" in d["error"]
    assert (w["status"], w["attempts"]) == ("failed", 2) and "unreachable" in w["error"]
    assert (s["status"], s["attempts"]) == ("not_configured", 0)
    assert s["error"] == "no channel configured: set TALENTFLOW_SLACK_WEBHOOK_URL"

    # Nothing is counted against an unconfigured channel: the next run tries it again (still unset).
    again = alerting.send_alerts(high, settings, att, sleep=lambda s: None)
    assert again["not_configured"] == 1 and _episode_alerts(settings, slack, high)[0]["attempts"] == 0

    stored = query(
        settings,
        "SELECT row_to_json(a)::text AS r FROM audit.alerts_sent AS a WHERE employee_key = ANY(%s)",
        ([slack, dingtalk, wecom],),
    )
    raised = []
    for kind in ("wecom", "dingtalk"):
        with pytest.raises(DeliveryError) as exc:
            webhook_channel(kind, settings).post({"msgtype": "text"})
        raised += [str(exc.value), "".join(traceback.format_exception(exc.value))]
    printed = capsys.readouterr()
    assert '"POST *** HTTP/1.1" 503' in caplog.text  # urllib3's request line was logged, masked
    everything = [*(r["r"] for r in stored), caplog.text, printed.out, printed.err, *raised, json.dumps(run)]
    assert [s for s in SECRETS if any(s in text for text in everything)] == []
    hooks.reset()
