"""Feedback retraining: wiring only; the logic is in talentflow.retraining (see its pipeline module)."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Param, PokeReturnValue, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowSkipException

from talentflow.core import assets
from talentflow.core.asset_events import announce
from talentflow.core.dag_defaults import DEFAULT_ARGS, START_DATE
from talentflow.retraining import pipeline

GUARD_PARAMS = (
    "min_hires",
    "holdout_fraction",
    "criterion",
    "validity_margin",
    "air_threshold",
    "air_tolerance",
    "min_group_size",
)


def _optional(kind: str, description: str) -> Param:
    return Param(None, type=["null", kind], description=description)


@dag(
    dag_id="feedback_retraining",
    schedule="@monthly",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["scoring", "retraining", "fairness"],
    params={
        "min_hires": _optional("integer", "Rated hires a job family needs before refitting (default 30)."),
        "holdout_fraction": _optional("number", "Share of hires held out for the guard (default 0.3)."),
        "criterion": _optional("string", "mean | rating_6m | rating_12m (default mean)."),
        "validity_margin": _optional("number", "Held-out r the candidate must gain (default 0.02)."),
        "air_threshold": _optional("number", "Acceptable adverse-impact ratio (default 0.8)."),
        "air_tolerance": _optional("number", "How much worse than active below the threshold (default 0)."),
        "min_group_size": _optional("integer", "Smallest group counted in the ratio (default 20)."),
        "approval_timeout_hours": _optional("number", "How long this run waits for approval (default 168)."),
        "approve_version": _optional(
            "string", "Approve this candidate version in this run (with approved_by)."
        ),
        "approved_by": _optional("string", "Who approves approve_version."),
        "backfill_version": _optional("string", "Re-score earlier interviews under this version."),
    },
    doc_md="""
### Feedback retraining (monthly)
Learns from later performance which interview competencies predict success, per job family.

- **Reads** `marts.fct_interview_scores` + `raw.interview_results` (hiring-time scores),
  `marts.employee_lifecycle_profile` + `restricted.employee_key_map` (ratings ~6 and ~12 months
  after hire), `restricted.candidate_demographics` (adverse-impact guard only).
- **Writes** `raw.interview_validity` (Pearson/Spearman r, Fisher CI, Thorndike-II corrected r per
  job family, predictor and criterion; dbt mart `marts.interview_validity`), every candidate version
  with metrics and reasons in `audit.scoring_model_versions` and its YAML under
  `models/scoring/<version>.yaml`; approvals and activations in `audit.scoring_model_approvals` /
  `audit.scoring_model_activations`.
- **Steps**: `analyse_validity` → `propose_candidate` (refit where a family has `min_hires` rated
  hires, else keep and say why) → `guard_candidate` (held-out validity gain ≥ margin, adverse-impact
  ratio by sex and ethnicity ≥ 0.8 or not worse; status `candidate` or `rejected`) →
  `wait_for_approval` (a person approves with `talentflow scoring approve VERSION --by NAME`, or in
  the trigger form with `approve_version` + `approved_by`; skipped when rejected or after
  `approval_timeout_hours`, default 168; a `dag.test()` run such as the demo does not wait) →
  `promote`. `backfill` runs only with `backfill_version`.
- **Rollback** any time: `talentflow scoring rollback VERSION`.
- **Re-run** safely: version ids are hashes of parent and weights, artefacts are written once, rows
  are upserts; a re-run on the same data proposes the same candidate, and promotes it if it was
  approved meanwhile. Validity rows are keyed by run id.
""",
)
def feedback_retraining():
    @task
    def analyse_validity() -> dict:
        return pipeline.analyse_validity(get_current_context()["run_id"])

    @task
    def propose_candidate(_validity: dict) -> dict:
        ctx = get_current_context()
        return pipeline.propose_candidate(ctx["run_id"], {k: ctx["params"].get(k) for k in GUARD_PARAMS})

    @task
    def guard_candidate(proposal: dict) -> dict:
        ctx = get_current_context()
        return pipeline.guard_and_register(
            proposal, ctx["run_id"], {k: ctx["params"].get(k) for k in GUARD_PARAMS}
        )

    @task.sensor(
        poke_interval=600, timeout=timedelta(days=8).total_seconds(), mode="reschedule", soft_fail=True
    )
    def wait_for_approval(registered: dict) -> PokeReturnValue:
        ctx = get_current_context()
        params, version = ctx["params"], registered["version"]
        pipeline.apply_param_approval(version, params)
        run = ctx["dag_run"]
        hours = pipeline.approval_wait_hours(params.get("approval_timeout_hours"), run.triggering_user_name)
        state, why = pipeline.approval_state(version, run.start_date, hours)
        if state == "stop":
            raise AirflowSkipException(why)
        return PokeReturnValue(is_done=state == "approved", xcom_value=version)

    @task
    def promote(version: str) -> dict:
        return pipeline.promote(version, get_current_context()["run_id"])

    @task
    def backfill() -> dict:
        ctx = get_current_context()
        version = ctx["params"].get("backfill_version")
        if not version:
            raise AirflowSkipException("no backfill_version given")
        return pipeline.run_backfill(version, ctx["run_id"])

    @task(outlets=[assets.INTERVIEW_VALIDITY])
    def announce_validity(validity: dict) -> int:
        return announce(validity["rows"], "validity rows")

    validity = analyse_validity()
    announce_validity(validity)
    promote(wait_for_approval(guard_candidate(propose_candidate(validity))))
    backfill()


feedback_retraining()
