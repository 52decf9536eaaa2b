"""Attrition risk, HR alerts and the HR dashboard (wiring only; the logic is in talentflow.attrition)."""

from __future__ import annotations

from datetime import date

from airflow.sdk import AssetOrTimeSchedule, CronTriggerTimetable, dag, get_current_context, task

from talentflow.attrition import alerting, dashboard, evaluate, scoring
from talentflow.core import assets, warehouse
from talentflow.core.dag_defaults import DEFAULT_ARGS, START_DATE
from talentflow.warehouse_build import dbt_project as dbt


def _run_day() -> date:
    """The day this run scores for: its logical date, or when it was due (asset-triggered runs have none)."""
    context = get_current_context()
    moment = context.get("logical_date") or context["dag_run"].run_after
    return moment.date()


@dag(
    dag_id="attrition_alerts",
    # Daily at 06:00 UTC, and also whenever warehouse_build refreshes the marts.
    schedule=AssetOrTimeSchedule(
        timetable=CronTriggerTimetable("0 6 * * *", timezone="UTC"), assets=[assets.MARTS]
    ),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["attrition", "alerts", "dashboard", "hr"],
    doc_md="""
### Attrition risk, HR alerts and dashboard
- **Reads** `marts.attrition_features` (and the workforce facts behind it for past landmarks), the
  seeded tables `hr_config.attrition_rules` and `restricted.hr_business_partners`, `restricted.employee_key_map` (the HRIS id
  in an alert), and the marts and audit tables the dashboard shows.
- **train_and_evaluate**: the statistical model vs the HR rules on the held-out latest period; both
  evaluations and the decision (the model is used only if its ROC AUC is higher) go to
  `audit.model_evaluations`; the chosen scorer is stored under `models/attrition/<version>.joblib`.
- **score**: every current employee into `raw.attrition_scores` (one row per employee and day); high
  risks are logged in `audit.recommendations`. **publish_risk_mart** rebuilds `marts.attrition_risk`.
- **send_alerts**: new or worsened high-risk employees to their department's HR business partner
  (e-mail via the Airflow connection `smtp_default`, or WeCom/DingTalk/Slack webhooks), once per risk
  episode, retried with back-off, logged in `audit.alerts_sent`.
- **notify_hr_systems**: after the alerts, one signed `attrition.alert` webhook per alerted risk episode
  to every HR system subscribed to it (`talentflow serve`'s endpoints; pseudonymous `employee_key`
  only), keyed on the episode id; deliveries and attempts in `audit.webhook_deliveries`/`_attempts`.
- **render_dashboard**: `reports/dashboard/<date>.html` and `reports/dashboard/latest.html`.
- **Schedule**: daily 06:00 UTC, and whenever `warehouse_build` updates the marts Asset.
- **Re-run** safely: scores upsert on (employee, day), evaluation and recommendation ids are content
  hashes, an alert id is derived from its risk episode, channel and recipient so a re-run never sends
  an alert twice (a failed one is retried), a webhook message id is derived from the episode and the
  endpoint so no episode is webhooked twice, and the dashboard objects are overwritten.
""",
)
def attrition_alerts():
    @task
    def train_and_evaluate() -> dict:
        return evaluate.train_and_evaluate()

    @task(outlets=[assets.ATTRITION_SCORES])
    def score(trained: dict) -> dict:
        return scoring.score_current(trained["scorer_key"], _run_day())

    @task
    def publish_risk_mart(scored: dict) -> None:
        dbt.run(["build", "--select", "stg_attrition__scores", "attrition_risk"])
        warehouse.refresh_grants()

    @task
    def send_alerts(scored: dict) -> dict:
        return alerting.send_alerts(date.fromisoformat(scored["scored_at"]))

    @task
    def notify_hr_systems() -> dict:
        # The day's alerted episodes as attrition.alert webhooks (read back from audit.alerts_sent).
        from talentflow.service.attrition_hooks import notify_attrition_alerts

        return notify_attrition_alerts(_run_day())

    @task
    def render_dashboard(scored: dict) -> dict:
        return dashboard.render_and_store(date.fromisoformat(scored["scored_at"]))

    scored = score(train_and_evaluate())
    alerts = send_alerts(scored)
    alerts >> notify_hr_systems()
    [alerts, publish_risk_mart(scored)] >> render_dashboard(scored)


attrition_alerts()
