"""Bias audit: wiring only; the logic is in talentflow.fairness.bias_audit."""

from __future__ import annotations

from datetime import date, timedelta

from airflow.sdk import Param, dag, get_current_context, task

from talentflow.core.dag_defaults import DEFAULT_ARGS, START_DATE
from talentflow.fairness import bias_audit


@dag(
    dag_id="bias_audit",
    schedule="@yearly",
    start_date=START_DATE,
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["fairness", "audit", "privacy"],
    params={
        "date_from": Param(
            None, type=["null", "string"], description="First day (YYYY-MM-DD); default: a year ago"
        ),
        "date_to": Param(
            None, type=["null", "string"], description="Last day (YYYY-MM-DD); default: yesterday"
        ),
    },
    doc_md="""
### Bias audit (NYC Local Law 144 form), yearly and on demand
Selection rates (interview recommendation `advance`) and scoring rates (overall score above the
median) with impact ratios by sex, by race/ethnicity and intersectionally; unknowns counted apart,
categories under 2% shown but left out of the ratios.

- **Reads** `raw.interview_results` (scored interviews) and `restricted.candidate_demographics`.
- **Writes** `reports/bias-audit/<from>_<to>.html` (self-contained page) and `.json` on the object store
  and one row in `audit.bias_audits`.
- **On demand**: trigger with `{"date_from": "2025-01-01", "date_to": "2025-12-31"}`; the default period
  is the twelve months before the run. Re-running for the same period replaces the published files.
""",
)
def bias_audit_dag():
    @task
    def publish_audit() -> dict:
        context = get_current_context()
        params = context["params"]
        today = context["logical_date"].date() if context.get("logical_date") else date.today()
        date_to = (
            date.fromisoformat(params["date_to"]) if params.get("date_to") else today - timedelta(days=1)
        )
        date_from = (
            date.fromisoformat(params["date_from"])
            if params.get("date_from")
            else date_to - timedelta(days=364)
        )
        report = bias_audit.run_audit(date_from, date_to, run_id=context["run_id"])
        # keys and counts only: the report itself is on the object store
        return {
            "html_key": report["html_key"],
            "json_key": report["json_key"],
            "assessed": report["assessed"],
            "below_four_fifths": len(report["below_four_fifths"]),
        }

    publish_audit()


bias_audit_dag()
