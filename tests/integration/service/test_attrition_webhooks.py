"""attrition_alerts' notify_hr_systems task through dag.test(): the day's alerted risk episodes reach a
subscribed HR system's own receiver over HTTP as signed ``attrition.alert`` webhooks, one per episode,
pseudonymous key only; a re-run of the day and the next day of the same episode send nothing new.

The scores and alerts are rows the attrition domain writes (``raw.attrition_scores``,
``audit.alerts_sent``), laid down here for a handful of employees so that only the notify task runs (the
whole DAG, world included, runs in tests/integration/attrition/, where this task also has to succeed)."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest

from talentflow.attrition.alerting import episode_id
from talentflow.core import warehouse

from .conftest import Receiver, make_client, token_for

DAY = date(2026, 11, 30)
KEYS = {k: f"emp_test_{k}" for k in ("steady", "worsened", "again", "unrouted", "low")}


def _scores(day: date) -> list[tuple]:
    """(employee_key, scored_at, risk_band) for the three days up to ``day``."""
    d2, d1 = day - timedelta(days=2), day - timedelta(days=1)
    bands = {
        "steady": ("low", "high", "high"),  # high since d1: one episode
        "worsened": ("low", "medium", "high"),  # medium -> high today
        "again": ("high", "low", "high"),  # an old episode (d2) ended, a new one starts today
        "unrouted": ("low", "low", "high"),  # high, but the alerting step raised no alert
        "low": ("low", "low", "low"),
    }
    return [(KEYS[k], d, b) for k, bs in bands.items() for d, b in zip((d2, d1, day), bs, strict=True)]


@pytest.fixture(scope="module")
def seeded(clean_runtime):
    from talentflow.core import tables

    tables.ensure_all(clean_runtime)
    d2, d1 = DAY - timedelta(days=2), DAY - timedelta(days=1)
    alerted = {
        "steady": episode_id(KEYS["steady"], d1),
        "worsened": episode_id(KEYS["worsened"], DAY),
        "again": episode_id(KEYS["again"], DAY),
    }
    old_episode = episode_id(KEYS["again"], d2)
    reasons = (
        '[{"rule": "no_promotion_3y", "description": "No promotion for 3 years", "weight": 2,'
        ' "suggested_action": "Discuss a career path", "evidence": {"years_since_last_promotion": 3.4}}]'
    )
    with warehouse.connect(clean_runtime) as conn:
        for key, day, band in _scores(DAY):
            conn.execute(
                "INSERT INTO raw.attrition_scores (employee_key, scored_at, as_of, model_version, scorer,"
                " probability, risk_band, rules_score, reasons, top_factors)"
                " VALUES (%s, %s, %s, 'rules-test', 'rules', %s, %s, 2, %s, '[]')",
                (key, day, day, 0.42 if band == "high" else 0.05, band, reasons),
            )
        for name, ep in [*alerted.items(), ("again", old_episode)]:
            conn.execute(
                "INSERT INTO audit.alerts_sent (alert_id, employee_key, episode_id, channel, recipient, status,"
                " attempts, sent_at, payload) VALUES (%s, %s, %s, 'wecom', 'wecom:Partner', 'sent', 1, now(),"
                " '{}')",
                (f"alert-{ep}", KEYS[name], ep),
            )
    yield alerted, old_episode
    with warehouse.connect(clean_runtime) as conn:
        conn.execute("DELETE FROM raw.attrition_scores WHERE employee_key LIKE 'emp_test_%%'")
        conn.execute("DELETE FROM audit.alerts_sent WHERE employee_key LIKE 'emp_test_%%'")


def _notify(day: date):
    """Only the notify_hr_systems task of the real attrition_alerts DAG, for ``day``."""
    from datetime import UTC, datetime

    from talentflow.core.dagrun import get_dag

    dag = get_dag("attrition_alerts").partial_subset(task_ids=["notify_hr_systems"], include_upstream=False)
    assert [t.task_id for t in dag.tasks] == ["notify_hr_systems"]
    for t in dag.tasks:
        t.retries = 0
    run = dag.test(logical_date=datetime(day.year, day.month, day.day, 6, tzinfo=UTC))
    return run


def test_alerted_episodes_are_webhooked_once_signed_and_pseudonymous(api, clean_runtime, seeded):
    alerted, old_episode = seeded
    subscriber, other = make_client(clean_runtime, "hris-alerts"), make_client(clean_runtime, "ats-only")
    with Receiver() as receiver, Receiver() as elsewhere:
        endpoints = {}
        for creds, rcv, events in (
            (subscriber, receiver, ["attrition.alert"]),
            (other, elsewhere, ["interview.scored"]),
        ):
            resp = httpx.post(
                f"{api.url}/v1/webhook-endpoints",
                json={"url": rcv.url, "event_types": events},
                headers={
                    "Authorization": f"Bearer {token_for(api.url, creds)}",
                    "Idempotency-Key": f"attr-hook-{creds.client_id}",
                },
            )
            assert resp.status_code == 201, resp.text
            endpoints[creds.client_id] = resp.json()

        run = _notify(DAY)
        assert str(getattr(run.state, "value", run.state)) == "success"
        events = receiver.events(endpoints[subscriber.client_id]["secret"])  # every signature verified
        assert sorted(e["data"]["episode_id"] for e in events) == sorted(alerted.values())
        assert old_episode not in {e["data"]["episode_id"] for e in events}  # an ended episode is not news
        assert {e["type"] for e in events} == {"attrition.alert"}
        by_key = {e["data"]["employee_key"]: e["data"] for e in events}
        assert set(by_key) == {KEYS["steady"], KEYS["worsened"], KEYS["again"]}
        assert by_key[KEYS["worsened"]]["kind"] == "worsened" and by_key[KEYS["again"]]["kind"] == "new"
        assert by_key[KEYS["steady"]]["episode_started_at"] == (DAY - timedelta(days=1)).isoformat()
        assert all(d["risk_band"] == "high" and d["probability"] == 0.42 for d in by_key.values())
        # nothing that names or locates a person: the key, the score and the rule text only
        for d in by_key.values():
            assert set(d) == {
                "episode_id",
                "employee_key",
                "kind",
                "episode_started_at",
                "scored_at",
                "risk_band",
                "probability",
                "rules_score",
                "scorer",
                "model_version",
                "reasons",
            }
            assert d["reasons"] == [
                {
                    "rule": "no_promotion_3y",
                    "description": "No promotion for 3 years",
                    "suggested_action": "Discuss a career path",
                }
            ]
        assert elsewhere.received == []  # not subscribed to attrition.alert

        # the same day again, and the next day with the same episodes still high: nothing new is sent
        assert _notify(DAY) is not None
        with warehouse.connect(clean_runtime) as conn:
            for key in (KEYS["steady"], KEYS["worsened"], KEYS["again"]):
                conn.execute(
                    "INSERT INTO raw.attrition_scores (employee_key, scored_at, as_of, model_version, scorer,"
                    " probability, risk_band, rules_score, reasons, top_factors)"
                    " VALUES (%s, %s, %s, 'rules-test', 'rules', 0.5, 'high', 2, '[]', '[]')",
                    (key, DAY + timedelta(days=1), DAY + timedelta(days=1)),
                )
        _notify(DAY + timedelta(days=1))
        assert len(receiver.received) == len(alerted)
    with warehouse.connect(clean_runtime) as conn:
        rows = warehouse.fetch_all(
            conn,
            "SELECT d.status, count(*) AS n, count(DISTINCT d.payload->'data'->>'episode_id') AS episodes"
            " FROM audit.webhook_deliveries d WHERE d.event_type = 'attrition.alert' AND d.client_id = %s"
            " GROUP BY d.status",
            (subscriber.client_id,),
        )
    assert rows == [{"status": "delivered", "n": 3, "episodes": 3}]
