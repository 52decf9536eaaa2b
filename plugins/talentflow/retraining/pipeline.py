"""The steps of one feedback-retraining run, each one Airflow task (and callable without Airflow).

analyse validity → propose a candidate → guard and register it → wait for a person's approval →
promote. Steps pass small JSON (ids, counts, weights, reasons), never data frames; each step reads
the warehouse itself, and the guard checks that it sees the same data the proposal was fitted on.

Why the approval is a record plus a sensor, not Airflow's human-in-the-loop operators: Airflow 3.3
ships ``ApprovalOperator``/``HITLOperator`` (providers-standard). On 3.3 such a task parks in
``awaiting_input`` and only the Required Actions UI or the HITL REST API of an api-server sharing the
metadata DB can answer it; ``dag.test()`` then logs "Waiting for Human-in-the-loop input" every
second for ever (checked on 3.3.2: after 45 s the task was still ``awaiting_input``), and the
response timeout is enforced only by the scheduler. The demo, the tests and any headless run would
hang, and the answer would live only in Airflow's metadata, not in the audit trail beside the
version. So a person's decision is a row in ``audit.scoring_model_approvals`` (given with
``talentflow scoring approve VERSION --by NAME`` or the run's ``approve_version``/``approved_by``
params), and a reschedule-mode sensor waits for it; a ``dag.test()`` run does not wait.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from talentflow.core import notifications as alerts
from talentflow.core import warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.tables.retraining import VALIDITY
from talentflow.retraining import backfill as backfill_mod
from talentflow.retraining import dataset, guard, registry, reweight, validity
from talentflow.retraining.settings import get_retraining_settings

log = logging.getLogger(__name__)


def analyse_validity(
    run_id: str, *, settings: Settings | None = None, data: dataset.HiringData | None = None
) -> dict:
    """Validity of the active version's scores → ``raw.interview_validity``; returns a summary."""
    settings = settings or get_settings()
    registry.ensure_root(settings)
    data = data or dataset.load_from_warehouse(settings)
    active = registry.active_version(settings)
    rows = validity.validity_rows(data, active, run_id)
    with warehouse.connect(settings) as conn:
        warehouse.upsert(conn, VALIDITY, rows)
    return {
        "run_id": run_id,
        "rows": len(rows),
        "scoring_model_version": active.version,
        "counts": data.counts(),
        "overall": validity.summary(rows),
    }


def propose_candidate(
    run_id: str,
    overrides: dict | None = None,
    *,
    settings: Settings | None = None,
    data: dataset.HiringData | None = None,
) -> dict:
    """Fit new weights where there are enough rated hires; the candidate version as JSON."""
    settings = settings or get_settings()
    cfg = get_retraining_settings(overrides)
    registry.ensure_root(settings)
    data = data or dataset.load_from_warehouse(settings)
    proposal = reweight.propose(data, registry.active_version(settings), cfg)
    for fam, fit in proposal.families.items():
        log.info("%s: %s", fam, fit["reason"])
    return proposal.to_dict()


def guard_and_register(
    proposal: dict,
    run_id: str,
    overrides: dict | None = None,
    *,
    settings: Settings | None = None,
    data: dataset.HiringData | None = None,
) -> dict:
    """Run the guard; keep the candidate (status candidate or rejected) with its metrics and reasons."""
    settings = settings or get_settings()
    cfg = get_retraining_settings(overrides)
    prop = reweight.Proposal.from_dict(proposal)
    data = data or dataset.load_from_warehouse(settings)
    if data.fingerprint() != prop.data_fingerprint:
        raise RuntimeError(
            "the warehouse changed between fitting and guarding this run (a warehouse build ran "
            "in between); re-run feedback_retraining so both steps see the same data"
        )
    active = registry.load_version(prop.parent_version, settings)
    result = guard.evaluate(data, active, prop, cfg)
    status = "candidate" if result.passed else "rejected"
    metrics = {**result.metrics, "fit": prop.families, "data_fingerprint": prop.data_fingerprint}
    reasons = result.reasons or ["passed the guard: waiting for a person's approval"]
    row = registry.register(
        prop.candidate_version(),
        parent=prop.parent_version,
        status=status,
        metrics=metrics,
        reasons=reasons,
        run_id=run_id,
        settings=settings,
    )
    summary = {
        "version": prop.version,
        "parent_version": prop.parent_version,
        "status": row["status"],
        "reasons": row["reasons"],
        "refit_families": prop.refit_families,
        "holdout_validity": result.metrics["holdout_validity"]["pooled"],
        "adverse_impact": {k: v["air"] for k, v in result.metrics["adverse_impact"]["candidate"].items()},
    }
    if row["status"] == "candidate":
        _ask_for_approval(summary, settings)
    log.info("candidate %s: %s (%s)", prop.version, row["status"], "; ".join(map(str, row["reasons"])))
    return summary


def _ask_for_approval(summary: dict, settings: Settings) -> None:
    v = summary["version"]
    text = (
        f"Scoring-model version {v} (from {summary['parent_version']}) passed the guard: held-out validity "
        f"{summary['holdout_validity']}, adverse-impact ratios {summary['adverse_impact']}.\n"
        f"Approve: `talentflow scoring approve {v} --by NAME` (or reject: `talentflow scoring reject {v} "
        "--by NAME --reason ...`)."
    )
    alerts.send(alerts.Message(f"TalentFlow: scoring model {v} awaits approval", text), settings)


def apply_param_approval(version: str, params: dict, *, settings: Settings | None = None) -> bool:
    """An approval given in the DAG-run form (``approve_version`` + ``approved_by``) for this candidate."""
    if params.get("approve_version") != version or not params.get("approved_by"):
        return False
    row = registry.get(version, settings)
    if row and row["status"] == "candidate":
        registry.decide(
            version,
            "approved",
            params["approved_by"],
            comment="approved in the DAG-run form",
            channel="dag_param",
            settings=settings,
        )
        return True
    return False


DAG_TEST_USER = "dag_test"  # the triggering user of every dag.test() run (tests, `talentflow demo`)


def approval_wait_hours(param: float | None, triggering_user: str | None = None) -> float:
    """How long this run waits for a person: the run's param, else the setting; a ``dag.test()`` run
    (tests, the demo) has nobody who could answer in-process, so it does not wait unless told to."""
    if param is not None:
        return float(param)
    if triggering_user == DAG_TEST_USER:
        return 0.0
    return get_retraining_settings().approval_timeout_hours


def approval_state(
    version: str, waiting_since: datetime, timeout_hours: float, *, settings: Settings | None = None
) -> tuple[str, str]:
    """('approved' | 'waiting' | 'stop', why) for the approval sensor."""
    row = registry.get(version, settings)
    if row is None:
        return "stop", f"version {version} is not registered"
    status = row["status"]
    if status == "approved":
        return "approved", f"approved by {row['approved_by']} at {row['approved_at']}"
    if status == "active":
        return "stop", f"{version} is already active"
    if status != "candidate":
        return "stop", f"{version} is {status}: " + "; ".join(map(str, row.get("reasons") or []))
    deadline = waiting_since + timedelta(hours=timeout_hours)
    if datetime.now(UTC) >= deadline:
        return "stop", (
            f"no approval within {timeout_hours:g} h; {version} stays a candidate: approve it with "
            f"`talentflow scoring approve {version} --by NAME` and re-run (or promote by rollback)"
        )
    return "waiting", f"waiting for approval until {deadline.isoformat()}"


def promote(version: str, run_id: str, *, settings: Settings | None = None) -> dict:
    row = registry.get(version, settings)
    by = row.get("approved_by") if row else None
    promoted = registry.promote(version, by=by, run_id=run_id, settings=settings)
    return {"version": version, "previous_version": promoted.get("previous_version"), "approved_by": by}


def run_backfill(version: str, run_id: str, *, settings: Settings | None = None) -> dict:
    return backfill_mod.backfill(version, settings=settings, run_id=run_id)


def retrain(
    run_id: str,
    overrides: dict | None = None,
    *,
    settings: Settings | None = None,
    data: dataset.HiringData | None = None,
) -> dict:
    """Validity, proposal and guard in one call (the CLI and tests; the DAG runs them as tasks)."""
    settings = settings or get_settings()
    data = data or dataset.load_from_warehouse(settings)
    analysed = analyse_validity(run_id, settings=settings, data=data)
    proposal = propose_candidate(run_id, overrides, settings=settings, data=data)
    guarded = guard_and_register(proposal, run_id, overrides, settings=settings, data=data)
    return {"validity": analysed, "proposal": proposal, "guard": guarded}
