"""Scoring tasks on object storage: claim, score in batches, write results, load the warehouse.

Lifecycle of ``scoring-tasks/<state>/<task_id>.json``::

    pending/ --claim (atomic move)--> processing/ --score--> done/ | failed/

A claim is an atomic create-if-absent move, so two overlapping runs never score one manifest twice.
A claim older than ``stale_after`` (a worker died midway) goes back to ``pending/`` and is retried.
A manifest delivered again after it finished is set aside in ``duplicates/`` and logged, never
re-scored or lost. Results reach the warehouse (upserts keyed by task) before the manifest leaves
``processing/``, so a crash at any point is repaired by the retry. The transcription and scoring
themselves are ``scoring_tasks`` (no Airflow in there).
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from talentflow.core import models, quality, recommendations, storage, warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.tables.interviews import ANSWERS, COMPETENCY_SCORES, RESULTS
from talentflow.core.warehouse import IngestError

log = logging.getLogger(__name__)
PREFIX = "scoring-tasks"
SOURCE = "interview_scoring"
STALE_AFTER = timedelta(minutes=60)
# Scorers (rubric anchors embedded once) reused by every batch a worker process scores.
_SCORERS: dict = {}


def key(state: str, task_id: str) -> str:
    return f"{PREFIX}/{state}/{task_id}.json"


def _task_id(object_key: str) -> str:
    return object_key.rsplit("/", 1)[1].removesuffix(".json")


@dataclass
class ClaimResult:
    claimed: list[str] = field(default_factory=list)
    requeued: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def claim_pending(
    run_id: str,
    *,
    limit: int | None = None,
    stale_after: timedelta = STALE_AFTER,
    settings: Settings | None = None,
) -> ClaimResult:
    settings = settings or get_settings()
    store = storage.get_store(settings)
    result = ClaimResult()
    now = datetime.now(UTC)
    for obj in store.list(f"{PREFIX}/processing/"):
        if obj.key.endswith(".claim.json"):
            continue
        task_id = _task_id(obj.key)
        try:
            claimed_at = datetime.fromisoformat(store.get_json(f"{obj.key[:-5]}.claim.json")["claimed_at"])
        except (storage.ObjectNotFound, KeyError, ValueError):
            claimed_at = obj.modified
        if now - claimed_at > stale_after:
            try:
                if store.move(obj.key, key("pending", task_id), if_absent=True):
                    store.delete(f"{obj.key[:-5]}.claim.json")
                    result.requeued.append(task_id)
                    log.warning("claim on %s is stale (since %s): back to pending", task_id, claimed_at)
            except storage.ObjectExists:
                pass
    finished = {_task_id(o.key) for state in ("done", "failed") for o in store.list(f"{PREFIX}/{state}/")}
    for obj in store.list(f"{PREFIX}/pending/"):
        if limit is not None and len(result.claimed) >= limit:
            break
        task_id = _task_id(obj.key)
        if task_id in finished:
            _set_aside_duplicate(store, obj.key, task_id, run_id, settings)
            result.duplicates.append(task_id)
            continue
        try:
            if not store.move(obj.key, key("processing", task_id), if_absent=True):
                continue  # another run moved it first
        except storage.ObjectExists:
            continue  # the same task is being processed right now; leave this copy for later
        store.put_json(
            key("processing", task_id)[:-5] + ".claim.json",
            {"claimed_at": datetime.now(UTC).isoformat(), "run_id": run_id},
        )
        result.claimed.append(task_id)
    return result


def _set_aside_duplicate(store, object_key: str, task_id: str, run_id: str, settings) -> None:
    digest = hashlib.sha256(store.get(object_key)).hexdigest()[:12]
    target = f"{PREFIX}/duplicates/{task_id}-{digest}.json"
    store.move(object_key, target)
    with warehouse.connect(settings) as conn:
        warehouse.record_ingest_errors(
            conn,
            [
                IngestError(
                    SOURCE,
                    "duplicate_task",
                    f"task {task_id} was already scored; the new copy is kept at {target} "
                    "and was not re-scored (give it a new task_id to score it again)",
                    object_key=object_key,
                    run_id=run_id,
                )
            ],
        )


def batches(task_ids: list[str], size: int) -> list[list[str]]:
    from scoring_tasks.pipeline import batches as split

    return split(task_ids, size) if task_ids else []


# ---- scoring one batch --------------------------------------------------------------------------


class _ProvidedTextOnly:
    """Stands in for the Transcriber when a batch has no audio (typed interviews): no model load."""

    def __init__(self) -> None:
        from scoring_tasks.pipeline import PROVIDED_TRANSCRIPT

        self.version, self.options = PROVIDED_TRANSCRIPT, {}

    def transcribe_many(self, paths, language=None):  # pragma: no cover - never called without audio
        raise RuntimeError("no transcriber loaded for a batch without recordings")


def active_model_version(settings: Settings | None = None):
    """The scoring-model version interviews are scored with (the registry's active one, if any)."""
    try:
        from talentflow.retraining.registry import active_version
    except ImportError:
        from scoring_tasks.model_version import load_model_version

        return load_model_version()
    return active_version(settings)


def score_batch(
    task_ids: list[str],
    run_id: str,
    *,
    settings: Settings | None = None,
    transcriber_options: dict | None = None,
) -> dict:
    """Score claimed tasks: one Transcriber (if there is audio) and one Scorer per rubric per batch."""
    from scoring_tasks.manifest import FailedRecord, ManifestError, parse_manifest
    from scoring_tasks.pipeline import TaskOutcome, process_batch

    settings = settings or get_settings()
    store = storage.get_store(settings)
    counts = {"done": 0, "failed": 0, "human_review": 0}
    tasks, outcomes = [], []
    with tempfile.TemporaryDirectory(prefix="tf-scoring-") as tmp:
        local: dict[str, dict[str, Path]] = {}
        for task_id in task_ids:
            try:
                raw = store.get(key("processing", task_id))
            except storage.ObjectNotFound:
                log.warning("task %s is no longer in processing/ (finished by another run)", task_id)
                continue
            try:
                task = parse_manifest(raw, source=key("processing", task_id))
            except ManifestError as exc:
                outcomes.append(
                    TaskOutcome(
                        task_id=task_id,
                        status="failed",
                        record=FailedRecord(task_id=task_id, reason=exc.reason, message=str(exc)),
                    )
                )
                continue
            tasks.append(task)
            for answer in task.answers:
                if answer.recording and store.exists(answer.recording):
                    path = Path(tmp) / task_id / f"{answer.question_id}{Path(answer.recording).suffix}"
                    local.setdefault(task_id, {})[answer.question_id] = store.get_file(answer.recording, path)
        if tasks:
            has_audio = any(a.recording for t in tasks for a in t.answers)
            if has_audio:
                transcriber = models.transcriber(settings, **(transcriber_options or {}))
            else:
                transcriber = _ProvidedTextOnly()
            outcomes += process_batch(
                tasks,
                local,
                transcriber=transcriber,
                model_version=active_model_version(settings),
                scorers=_SCORERS,
                embedder=models.get_embedder(settings=settings),
            )
    with warehouse.connect(settings) as conn:
        load_outcomes(conn, outcomes, run_id)
    for outcome in outcomes:
        store.put_json(f"{PREFIX}/{outcome.key}", outcome.record.model_dump(mode="json"))
        store.delete(key("processing", outcome.task_id))
        store.delete(key("processing", outcome.task_id)[:-5] + ".claim.json")
        counts[outcome.status] += 1
    return counts


def load_outcomes(conn, outcomes, run_id: str) -> None:
    """Warehouse rows for finished tasks: results, competency scores, answers, recommendations."""
    results, scores, answers, errors = [], [], [], []
    for o in outcomes:
        r = o.record
        row = {
            "task_id": o.task_id,
            "interview_id": r.interview_id,
            "candidate_id": r.candidate_id,
            "requisition_id": r.requisition_id,
            "rubric_id": r.rubric_id,
            "status": o.status,
            "content_hash": hashlib.sha256(
                json.dumps(getattr(r, "manifest", None) or {}, sort_keys=True, default=str).encode()
            ).hexdigest()[:16],
        }
        if o.status == "done":
            decision = r.recommendation["decision"]
            row.update(
                rubric_version=r.rubric_version,
                overall=r.overall,
                recommendation=decision,
                motivation=(r.motivation or {}).get("category"),
                scoring_model_version=r.scoring_model_version,
                transcription_model=r.transcription_model,
                embedding_model=r.embedding_model,
                speech_facts=r.speech_facts,
                scored_at=r.scored_at,
            )
            for c in r.competencies:
                scores.append(
                    {
                        "task_id": o.task_id,
                        "competency": c["competency"],
                        "score": c["score"],
                        "confidence": c["confidence"],
                        "evidence": c["evidence"],
                        "scoring_model_version": r.scoring_model_version,
                    }
                )
            for a in r.answers:
                answers.append(
                    {
                        "task_id": o.task_id,
                        "question_id": a.question_id,
                        "competency": a.competency,
                        "question": a.question,
                        "transcript": a.transcript.get("text"),
                        "segments": a.transcript.get("segments"),
                        "language": r.language,
                        "duration_s": a.transcript.get("duration"),
                    }
                )
            recommendations.record(
                conn,
                "interview",
                "candidate",
                r.candidate_id,
                decision,
                r.scoring_model_version,
                {
                    "task_id": o.task_id,
                    "overall": r.overall,
                    "scores": r.scores,
                    "thresholds": r.recommendation.get("thresholds"),
                },
                r.explanation,
            )
        elif o.status == "human_review":
            row.update(
                recommendation=r.recommendation["decision"],
                reason=r.reason,
                scoring_model_version=r.recommendation.get("model_version"),
                scored_at=r.routed_at,
            )
            recommendations.record(
                conn,
                "interview",
                "candidate",
                r.candidate_id,
                r.recommendation["decision"],
                r.recommendation.get("model_version") or "none",
                {"task_id": o.task_id},
                {"reason": r.reason},
            )
        else:
            row.update(reason=f"{r.reason}: {r.message}", scored_at=r.failed_at)
            errors.append(
                IngestError(
                    SOURCE, str(r.reason), r.message, object_key=key("failed", o.task_id), run_id=run_id
                )
            )
        results.append(row)
    warehouse.upsert(conn, RESULTS, results)
    warehouse.upsert(conn, COMPETENCY_SCORES, scores)
    warehouse.upsert(conn, ANSWERS, answers)
    warehouse.record_ingest_errors(conn, errors)


def validate_results(run_id: str, settings: Settings | None = None) -> dict:
    """Great Expectations on the loaded results: scores in range, never an automatic rejection."""
    reports = [
        quality.validate_table(
            "raw.interview_results", "interview_results", run_id=run_id, settings=settings
        ),
        quality.validate_table(
            "raw.interview_competency_scores", "interview_competency_scores", run_id=run_id, settings=settings
        ),
    ]
    return {r.suite: r.success for r in reports}
