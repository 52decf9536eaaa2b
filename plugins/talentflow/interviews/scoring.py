"""Scoring tasks on object storage: claim, score in batches, write results, load the warehouse.

Lifecycle of ``scoring-tasks/<state>/<task_id>.json``::

    pending/ --claim (atomic move)--> processing/ --score--> done/ | failed/

A claim is an atomic create-if-absent move, so two overlapping runs never score one manifest twice.
A claim older than ``stale_after`` (a worker died midway) goes back to ``pending/`` and is retried.
Every claim is counted in ``processing/<task_id>.claim.json``: a task claimed ``max_attempts`` times
without finishing (a poison pill that kills its worker) goes to ``failed/`` with reason ``poison``,
so every claimed task ends in ``done/`` or ``failed/`` within a bounded number of attempts.
A task's identity is its object key: a manifest whose own ``task_id`` differs from its object name
fails with ``task_id_mismatch`` and never writes another task's records. One bad task (a hostile
recording key, a crash while scoring it) fails alone with its reason; the rest of its batch goes on.
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
from talentflow.core.errors import UserError
from talentflow.core.tables.interviews import ANSWERS, COMPETENCY_SCORES, RESULTS
from talentflow.core.warehouse import IngestError
from talentflow.people import refusals as people_refusals

log = logging.getLogger(__name__)
PREFIX = "scoring-tasks"
SOURCE = "interview_scoring"
STALE_AFTER = timedelta(minutes=60)
# Scorers (rubric anchors embedded once) reused by every batch a worker process scores.
_SCORERS: dict = {}


def key(state: str, task_id: str) -> str:
    return f"{PREFIX}/{state}/{task_id}.json"


def claim_key(task_id: str) -> str:
    return f"{PREFIX}/processing/{task_id}.claim.json"


def _task_id(object_key: str) -> str:
    return object_key.rsplit("/", 1)[1].removesuffix(".json")


MAX_ATTEMPTS = 3


@dataclass
class ClaimResult:
    claimed: list[str] = field(default_factory=list)
    requeued: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    gave_up: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _read_claim(store, task_id: str) -> dict:
    try:
        claim = store.get_json(claim_key(task_id))
    except (storage.ObjectNotFound, ValueError):
        return {}
    return claim if isinstance(claim, dict) else {}


def _attempts(claim: dict) -> int:
    value = claim.get("attempts", 1 if claim.get("claimed_at") else 0)
    return value if isinstance(value, int) and value >= 0 else 0


def claim_pending(
    run_id: str,
    *,
    limit: int | None = None,
    stale_after: timedelta = STALE_AFTER,
    max_attempts: int = MAX_ATTEMPTS,
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
        claim = _read_claim(store, task_id)
        try:
            claimed_at = datetime.fromisoformat(claim["claimed_at"])
        except (KeyError, TypeError, ValueError):
            claimed_at = obj.modified
        if now - claimed_at <= stale_after:
            continue
        attempts = max(_attempts(claim), 1)
        if attempts >= max_attempts:
            _give_up(store, task_id, key("processing", task_id), attempts, run_id, settings)
            result.gave_up.append(task_id)
            continue
        try:
            if store.move(obj.key, key("pending", task_id), if_absent=True):
                # The claim file stays (without a claim time) so the next claim counts on from here.
                store.put_json(claim_key(task_id), {**claim, "claimed_at": None, "attempts": attempts})
                result.requeued.append(task_id)
                log.warning(
                    "claim on %s is stale (since %s, attempt %d of %d): back to pending",
                    task_id,
                    claimed_at,
                    attempts,
                    max_attempts,
                )
        except storage.ObjectExists:
            pass
    finished = {_task_id(o.key) for state in ("done", "failed") for o in store.list(f"{PREFIX}/{state}/")}
    refuse_erased = people_refusals.scoring_task_refuser(store, run_id, settings)
    for obj in store.list(f"{PREFIX}/pending/"):
        if limit is not None and len(result.claimed) >= limit:
            break
        if obj.key.count("/") != 2:
            log.warning("%s is in a sub-folder of pending/: not a scoring task, left where it is", obj.key)
            continue
        task_id = _task_id(obj.key)
        if refuse_erased(obj.key):  # a task about an erased person: deleted, the refusal in audit
            continue
        if task_id in finished:
            _set_aside_duplicate(store, obj.key, task_id, run_id, settings)
            result.duplicates.append(task_id)
            continue
        attempts = _attempts(_read_claim(store, task_id))
        if attempts >= max_attempts:
            _give_up(store, task_id, obj.key, attempts, run_id, settings)
            result.gave_up.append(task_id)
            continue
        try:
            if not store.move(obj.key, key("processing", task_id), if_absent=True):
                continue  # another run moved it first
        except storage.ObjectExists:
            continue  # the same task is being processed right now; leave this copy for later
        store.put_json(
            claim_key(task_id),
            {"claimed_at": datetime.now(UTC).isoformat(), "run_id": run_id, "attempts": attempts + 1},
        )
        result.claimed.append(task_id)
    return result


def _give_up(store, task_id: str, manifest_key: str, attempts: int, run_id: str, settings) -> None:
    """A poison pill: claimed ``attempts`` times, never finished. Failed with its reason, for good."""
    from scoring_tasks.manifest import FailedRecord, TaskFailure
    from scoring_tasks.pipeline import TaskOutcome

    try:
        manifest = json.loads(store.get(manifest_key))
    except (storage.ObjectNotFound, ValueError):
        manifest = None
    ids = {k: v for k, v in (manifest or {}).items() if k in _ID_FIELDS and isinstance(v, str)}
    record = FailedRecord(
        **{**ids, "task_id": task_id},
        reason=TaskFailure.poison,
        message=f"poison: gave up after {attempts} attempts (every claim ended without a result: the "
        "worker crashed or was stopped on this task); fix its manifest or recordings and deliver it again "
        "under a new task_id",
        manifest=manifest if isinstance(manifest, dict) else None,
    )
    outcome = TaskOutcome(task_id=task_id, status="failed", record=record)
    _finish(store, [outcome], run_id, settings)
    store.delete(manifest_key)
    log.error("task %s gave up after %d attempts: failed/ with reason poison", task_id, attempts)


_ID_FIELDS = ("candidate_id", "interview_id", "requisition_id", "rubric_id")


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


def _english(task) -> bool:
    from scoring_tasks.languages import base_language

    return base_language(task.language) == "en"


def _translate(message: str, language: str) -> str:
    """Candidate feedback in the interview's language, from the one message catalogue."""
    from talentflow.core import i18n

    try:
        return i18n.gettext(message, language)
    except UserError:  # a language with models but no catalogue yet: English
        return message


def language_models(settings: Settings, transcriber=None, transcriber_options: dict | None = None):
    """English models from the settings (TALENTFLOW_WHISPER_*, TALENTFLOW_EMBEDDING_MODEL); other
    interview languages from scoring_tasks/languages.yaml, on the same device, loaded on first use."""
    from scoring_tasks.languages import LanguageModels

    def other_language(options: dict):
        extra = {k: v for k, v in (transcriber_options or {}).items() if k not in options}
        return models.transcriber(settings, **options, **extra)

    return LanguageModels(
        transcriber=transcriber,
        embedder=models.get_embedder(settings=settings),
        transcriber_factory=other_language,
    )


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
    """Score claimed tasks: one Transcriber (if there is audio) and one Scorer per rubric per batch.

    A task that cannot be prepared or scored fails alone (``failed/`` with its reason); an error that
    stops every task of the batch (no model, no database) is raised so Airflow retries the batch."""
    from scoring_tasks.pipeline import process_batch

    settings = settings or get_settings()
    store = storage.get_store(settings)
    tasks, outcomes = [], []
    consent_gate = people_refusals.scoring_consent_gate(settings)  # a withdrawal in the warehouse wins
    with tempfile.TemporaryDirectory(prefix="tf-scoring-") as tmp:
        local: dict[str, dict[str, Path]] = {}
        for task_id in task_ids:
            try:
                raw = store.get(key("processing", task_id))
            except storage.ObjectNotFound:
                log.warning("task %s is no longer in processing/ (finished by another run)", task_id)
                continue
            prepared = _prepare(store, task_id, raw, Path(tmp) / "task", local)
            if hasattr(prepared, "task_id") and not hasattr(prepared, "answers"):
                outcomes.append(prepared)  # a failed outcome
            else:
                tasks.append(consent_gate(prepared))
        if tasks:
            has_audio = any(a.recording for t in tasks if _english(t) for a in t.answers)
            if has_audio:
                transcriber = models.transcriber(settings, **(transcriber_options or {}))
            else:
                transcriber = _ProvidedTextOnly()
            languages = language_models(settings, transcriber, transcriber_options)

            def run(group):
                return process_batch(
                    group,
                    local,
                    transcriber=transcriber,
                    model_version=active_model_version(settings),
                    scorers=_SCORERS,
                    embedder=languages.embedder("en"),
                    languages=languages,
                    translate=_translate,
                )

            outcomes += _isolated(run, tasks)
    return _finish(store, outcomes, run_id, settings)


def _prepare(store, task_id: str, raw: bytes, tmp: Path, local: dict):
    """The parsed task with its recordings downloaded, or a failed TaskOutcome saying why not."""
    from scoring_tasks.manifest import FailedRecord, ManifestError, TaskFailure, parse_manifest
    from scoring_tasks.pipeline import TaskOutcome

    def failed(reason, message: str, task=None) -> TaskOutcome:
        ids = {k: getattr(task, k) for k in _ID_FIELDS} if task is not None else {}
        manifest = task.model_dump(mode="json") if task is not None else None
        record = FailedRecord(task_id=task_id, **ids, reason=reason, message=message, manifest=manifest)
        return TaskOutcome(task_id=task_id, status="failed", record=record)

    try:
        task = parse_manifest(raw, source=key("processing", task_id), expected_task_id=task_id)
    except ManifestError as exc:
        return failed(exc.reason, str(exc))
    for answer in task.answers:
        if not answer.recording:
            continue
        try:
            storage.validate_key(answer.recording)
        except ValueError:
            return failed(
                TaskFailure.invalid_recording_key,
                f"answer {answer.question_id}: recording {answer.recording[:200]!r} is not an object key "
                "under the bucket (absolute paths, '..' and backslashes are refused); use "
                "'recordings/<candidate_id>/<interview_id>/<file>'",
                task,
            )
    try:
        for answer in task.answers:
            if answer.recording and store.exists(answer.recording):
                path = tmp / task_id / f"{answer.question_id}{Path(answer.recording).suffix[:16]}"
                local.setdefault(task_id, {})[answer.question_id] = store.get_file(answer.recording, path)
    except (OSError, ValueError) as exc:
        return failed(TaskFailure.processing_error, f"could not fetch a recording: {exc}"[:500], task)
    return task


def _isolated(run, tasks: list) -> list:
    """``run(tasks)``; when it raises, each task alone: the ones that still raise fail with the error.
    When every task raises, the cause is not one task (a model, the database): raise it for a retry."""
    from scoring_tasks.manifest import FailedRecord, TaskFailure, task_ids
    from scoring_tasks.pipeline import TaskOutcome

    try:
        return run(tasks)
    except Exception:
        if len(tasks) == 1:
            raise  # one task alone: the claim's attempt counter bounds its retries
        log.exception("a batch of %d tasks failed: scoring each task alone to find the cause", len(tasks))
    outcomes, errors = [], []
    for task in tasks:
        try:
            outcomes += run([task])
        except Exception as exc:  # noqa: BLE001 - per-task isolation: the error is recorded as its reason
            errors.append(exc)
            record = FailedRecord(
                **task_ids(task),
                reason=TaskFailure.processing_error,
                message=f"scoring this task raised {type(exc).__name__}: {exc}"[:500],
                manifest=task.model_dump(mode="json"),
            )
            outcomes.append(TaskOutcome(task_id=task.task_id, status="failed", record=record))
    if len(errors) == len(tasks):
        raise errors[0]
    return outcomes


def _finish(store, outcomes: list, run_id: str, settings: Settings) -> dict:
    """Rows in the warehouse first, then ``done/``/``failed/`` records, then out of ``processing/``."""
    counts = {"done": 0, "failed": 0, "human_review": 0}
    with warehouse.connect(settings) as conn:
        load_outcomes(conn, outcomes, run_id)
    for outcome in outcomes:
        store.put_json(f"{PREFIX}/{outcome.key}", outcome.record.model_dump(mode="json"))
        store.delete(key("processing", outcome.task_id))
        store.delete(claim_key(outcome.task_id))
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
