"""Interview scoring: scoring-task manifests on object storage to scores in the warehouse (wiring only)."""

from __future__ import annotations

from airflow.sdk import Param, dag, get_current_context, task

from talentflow.core import assets
from talentflow.core.asset_events import announce
from talentflow.core.dag_defaults import DEFAULT_ARGS, START_DATE
from talentflow.interviews import scoring


@dag(
    dag_id="interview_scoring",
    schedule="*/15 * * * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=2,
    default_args=DEFAULT_ARGS,
    tags=["interviews", "scoring", "models"],
    params={
        "batch_size": Param(
            16, type="integer", minimum=1, description="Tasks per mapped batch (one model load each)."
        ),
        "max_tasks": Param(500, type="integer", minimum=1, description="Tasks claimed per run."),
        "stale_after_minutes": Param(
            60,
            type="integer",
            minimum=1,
            description="A claim older than this is considered dead and retried.",
        ),
    },
    doc_md="""
### Interview scoring
- **Reads** `scoring-tasks/pending/<task_id>.json` (candidate, requisition, rubric, language, consent,
  one recording under `recordings/…` — or the text of a typed interview — per answer).
- **Claims** each manifest by an atomic move to `processing/`; overlapping runs never score one twice;
  a claim older than `stale_after_minutes` is retried; a manifest re-delivered after it finished goes
  to `duplicates/` and `audit.ingest_errors`.
- **Scores** in mapped batches: faster-whisper loads once per batch (queue/pool `transcription`),
  the rubric scorer once per rubric; scores come only from what was said.
- **Writes** `done/<task_id>.json` (scores, evidence, transcript, feedback, explanation, versions) or
  `failed/<task_id>.json` (reason); `raw.interview_results`, `raw.interview_competency_scores`,
  `raw.interview_answers`; every recommendation (advance / human review / talent pool — never a
  rejection) with its model version in `audit.recommendations`; no consent → human review.
- **Validates** the loaded results with Great Expectations; **emits** the `raw.interview_results` Asset
  (`announce_results`) only when a task finished.
- **Tells** connected HR systems (`notify_hr_systems`): `interview.scored` / `interview.needs_review`
  and `candidate.status_changed` webhooks for interviews invited through `talentflow serve`.
- **Re-run** safely: results are upserts keyed by task; a task leaves `processing/` only after its
  rows are in the warehouse.
""",
)
def interview_scoring():
    @task
    def claim() -> list[list[str]]:
        context = get_current_context()
        params = context["params"]
        from datetime import timedelta

        claimed = scoring.claim_pending(
            context["run_id"],
            limit=params["max_tasks"],
            stale_after=timedelta(minutes=params["stale_after_minutes"]),
        )
        return scoring.batches(claimed.claimed, params["batch_size"])

    # Speech-to-text is the heavy step: its own Celery queue (workers with the models, GPUs) and
    # its own pool (slots: TALENTFLOW_TRANSCRIPTION_POOL_SLOTS; `talentflow up` creates it).
    @task(queue="transcription", pool="transcription", max_active_tis_per_dag=2)
    def score(batch: list[str]) -> dict:
        return scoring.score_batch(batch, get_current_context()["run_id"])

    @task
    def validate(counts: list[dict]) -> dict:
        totals = {k: sum(c.get(k, 0) for c in counts) for k in ("done", "failed", "human_review")}
        return {**totals, "quality": scoring.validate_results(get_current_context()["run_id"])}

    @task(outlets=[assets.INTERVIEW_RESULTS])
    def announce_results(summary: dict) -> int:
        return announce(summary["done"] + summary["failed"] + summary["human_review"], "interview results")

    @task
    def notify_hr_systems() -> dict:
        # Connected HR systems (talentflow serve) hear about new results now, not at the next poll.
        from talentflow.service.webhooks import dispatch

        return dispatch()

    summary = validate(score.expand(batch=claim()))
    summary >> notify_hr_systems()
    announce_results(summary)


interview_scoring()
