"""The attrition_alerts DAG through dag.test() on a generated world: evaluations, scores, the BI mart,
recommendations, alerts by e-mail and webhooks, once per episode, and the stored dashboard."""

from __future__ import annotations

import json
import re

from talentflow.core import storage
from tests.integration.attrition.conftest import query


def test_dag_runs_every_task(first_run):
    states = first_run["result"].task_states
    assert set(states) == {
        "train_and_evaluate",
        "score",
        "publish_risk_mart",
        "send_alerts",
        "notify_hr_systems",
        "render_dashboard",
    }
    assert set(states.values()) == {"success"}


def test_model_and_rules_are_evaluated_and_the_decision_is_recorded(first_run, attrition_world):
    _, settings = attrition_world
    trained = first_run["result"].xcoms["train_and_evaluate"]
    rows = {r["model_name"]: r for r in query(settings, "SELECT * FROM audit.model_evaluations")}
    assert set(rows) == {"attrition_logistic", "attrition_rules"}
    model, rules = rows["attrition_logistic"], rows["attrition_rules"]
    for row in (model, rules):
        assert 0 < row["n_test"] and 0 < row["positives"] < row["n_test"] and row["n_train"] > row["n_test"]
        assert 0 <= row["brier"] <= 0.25 and 0 <= row["precision_at_top_decile"] <= 1
        assert len(row["calibration"]) == 10
        assert row["details"]["split"]["holdout_start"] == "2024-01-01"
    # The model is used only when it beats the rules on the held-out period; the other is recorded unused.
    model_wins = model["roc_auc"] > rules["roc_auc"]
    assert trained["used"] == ("model" if model_wins else "rules")
    assert model["details"]["used"] is model_wins and rules["details"]["used"] is (not model_wins)
    assert (
        trained["reason"] == model["details"]["decision"]["reason"] == rules["details"]["decision"]["reason"]
    )
    assert storage.get_store(settings).exists(trained["scorer_key"])


def test_every_current_employee_is_scored_once_for_the_day(first_run, attrition_world):
    _, settings = attrition_world
    scored = first_run["result"].xcoms["score"]
    current = query(settings, "SELECT count(*) AS n FROM marts.attrition_features WHERE NOT exited")[0]["n"]
    rows = query(settings, "SELECT * FROM raw.attrition_scores")
    assert len(rows) == scored["scored"] == current
    assert {r["scored_at"].isoformat() for r in rows} == {scored["scored_at"]}
    assert {r["model_version"] for r in rows} == {first_run["result"].xcoms["train_and_evaluate"]["version"]}
    assert all(0 < r["probability"] < 1 for r in rows)
    assert {r["risk_band"] for r in rows} == {"high", "medium", "low"}
    matched = [r for r in rows if r["reasons"]]
    assert matched and all(r["rules_score"] == sum(x["weight"] for x in r["reasons"]) for r in matched)
    assert all(x["suggested_action"] for r in matched for x in r["reasons"])
    if scored["scorer"] == "model":
        assert all(r["top_factors"] for r in rows if r["risk_band"] == "high")


def test_bi_reads_risk_by_department_from_the_documented_mart(first_run, attrition_world):
    from talentflow.core import warehouse

    _, settings = attrition_world
    with warehouse.connect(settings, role="bi_reader") as conn:
        rows = warehouse.fetch_all(
            conn, "SELECT department, risk_band, count(*) AS n FROM marts.attrition_risk GROUP BY 1, 2"
        )
        cols = {
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'marts' AND table_name = 'attrition_risk'"
            )
        }
    assert sum(r["n"] for r in rows) == first_run["result"].xcoms["score"]["scored"]
    assert len({r["department"] for r in rows}) >= 8
    assert (
        "employee_id" not in cols
        and {"probability", "risk_band", "matched_rules", "suggested_actions"} <= cols
    )
    doc = query(settings, "SELECT obj_description('marts.attrition_risk'::regclass) AS d")[0]["d"]
    assert doc.startswith("One row per current employee")


def test_high_risks_are_logged_as_automated_recommendations(first_run, attrition_world):
    _, settings = attrition_world
    high = query(
        settings, "SELECT employee_key, model_version FROM raw.attrition_scores WHERE risk_band = 'high'"
    )
    logged = query(
        settings, "SELECT * FROM audit.recommendations WHERE recommendation LIKE 'attrition_risk:%%'"
    )
    assert high and {r["subject_id"] for r in logged} == {r["employee_key"] for r in high}
    assert {r["model_version"] for r in logged} == {high[0]["model_version"]}
    sample = logged[0]
    assert (
        sample["subject_type"] == "employee"
        and "never an automated decision" in sample["explanation"]["note"]
    )
    assert "overtime_hours_90d" in sample["inputs"]


def test_each_high_risk_employee_reaches_their_hr_business_partner(first_run, attrition_world):
    _, settings = attrition_world
    sent = first_run["result"].xcoms["send_alerts"]
    high = query(settings, "SELECT count(*) AS n FROM raw.attrition_scores WHERE risk_band = 'high'")[0]["n"]
    rows = query(
        settings,
        "SELECT a.*, f.department FROM audit.alerts_sent AS a "
        "JOIN marts.attrition_features AS f USING (employee_key)",
    )
    assert sent["high_risk"] == high == len(rows) == sent["sent"] and sent["failed"] == 0
    assert {r["status"] for r in rows} == {"sent"} and all(r["attempts"] == 1 for r in rows)
    by_channel = {c: [r for r in rows if r["channel"] == c] for c in ("email", "slack", "wecom", "dingtalk")}
    # The seed routes eng-plt to WeCom, ops-scm to DingTalk, ops-biz to Slack, the rest to e-mail.
    assert {r["department"] for r in by_channel["wecom"]} <= {"eng-plt"}
    assert {r["department"] for r in by_channel["dingtalk"]} <= {"ops-scm"}
    assert {r["department"] for r in by_channel["slack"]} <= {"ops-biz"}
    emails = first_run["emails"]
    assert len(emails) == len(by_channel["email"]) > 0
    assert {e["to"][0] for e in emails} == {r["recipient"] for r in by_channel["email"]}
    hooks = first_run["webhooks"]
    for channel in ("slack", "wecom", "dingtalk"):
        assert len(hooks.get(channel, [])) == len(by_channel[channel])
    # What the HR business partner reads: the reasons, a suggested action, the dashboard link.
    mail = emails[0]
    assert mail["from"] == "talentflow@larkspur.example" and mail["subject"].startswith(
        "Attrition risk: employee E1"
    )
    assert "Why:" in mail["html"] and "Suggested action:" in mail["html"]
    assert (
        "/hr/dashboard/" in mail["html"]
        and "/hr/employees/" in mail["html"]
        and "never a decision about the employee" in mail["html"]
    )
    for channel, body in ((c, hooks[c][0]) for c in ("slack", "wecom", "dingtalk") if hooks.get(c)):
        text = json.dumps(body)
        assert "Suggested action" in text and "Attrition risk" in text, channel
        assert body.get("msgtype") == "markdown" if channel != "slack" else "text" in body


def test_a_rerun_sends_nothing_twice(first_run, attrition_world, receivers, run_dag):
    _, settings = attrition_world
    sink, hooks = receivers
    mails, posts = len(sink.messages), sum(len(v) for v in hooks.received.values())
    again = run_dag("attrition_alerts", retries=0, xcom_tasks=("send_alerts",))
    assert again.ok, again.failed_tasks()
    assert again.xcoms["send_alerts"]["sent"] == 0
    assert again.xcoms["send_alerts"]["already_sent"] == first_run["result"].xcoms["send_alerts"]["sent"]
    assert len(sink.messages) == mails and sum(len(v) for v in hooks.received.values()) == posts
    rows = query(settings, "SELECT count(*) AS n, count(DISTINCT employee_key) AS e FROM audit.alerts_sent")[
        0
    ]
    assert rows["n"] == rows["e"]


def test_dashboard_is_stored_by_date_and_as_latest(first_run, attrition_world):
    _, settings = attrition_world
    rendered = first_run["result"].xcoms["render_dashboard"]
    day = first_run["result"].xcoms["score"]["scored_at"]
    store = storage.get_store(settings)
    assert rendered["keys"] == [f"reports/dashboard/{day}.html", "reports/dashboard/latest.html"]
    page = store.get("reports/dashboard/latest.html").decode()
    assert page == store.get(f"reports/dashboard/{day}.html").decode()
    assert page.count("<svg") >= 3
    # readable offline: nothing loaded from anywhere; the only addresses are links to the HR pages
    assert "<script" not in page and 'src="http' not in page and "<link" not in page
    addresses = set(re.findall(r'href="(https?://[^"]*)"', page))
    assert addresses and all(a.startswith(f"{settings.public_url.rstrip('/')}/hr") for a in addresses)
    assert "No interviews scored yet." in page  # no interview_scoring run in this world
