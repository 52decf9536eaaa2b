"""Scoring-task manifests (``scoring-tasks/pending/<task_id>.json``) and the records written for them.

A manifest names the candidate, requisition, rubric, language, consent and one recording per
answer. ``parse_manifest`` validates the shape; ``consent_status`` decides whether the task may be
scored automatically (no consent: human review); ``validate_recordings`` checks that every recording
exists and is usable audio. The finished task is written as a :class:`DoneRecord` (``done/``), a
:class:`ReviewRecord` (routed to human review, ``done/`` with ``status: human_review``) or a
:class:`FailedRecord` with the reason (``failed/``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from scoring_tasks.audio import AudioCheck, FailureReason, probe

SAFE_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"


class TaskFailure(StrEnum):
    """Why a task failed for a reason that is not about its audio (see :class:`FailureReason`)."""

    # The manifest's own ``task_id`` differs from its object name: the object key is the task's
    # identity, so a manifest can never write another task's results.
    task_id_mismatch = "task_id_mismatch"
    # A recording key the object store refuses (absolute, ``..``, backslashes).
    invalid_recording_key = "invalid_recording_key"
    # The task crashed the worker that often (a poison pill): given up instead of retried forever.
    poison = "poison"
    # An unexpected error while preparing or scoring this one task (the rest of the batch went on).
    processing_error = "processing_error"


class ManifestError(ValueError):
    """The manifest is not a valid scoring task; ``reason`` says which kind of problem."""

    reason: FailureReason | TaskFailure = FailureReason.invalid_manifest


class TaskIdMismatch(ManifestError):
    """The manifest's ``task_id`` is not the id in its object name."""

    reason = TaskFailure.task_id_mismatch


class Consent(BaseModel):
    given: bool
    recorded_at: datetime | None = None
    purpose: str | None = None


class AnswerRef(BaseModel):
    question_id: str = Field(min_length=1)
    competency: str | None = None
    question: str = Field(min_length=1)
    recording: str | None = Field(
        default=None, min_length=1, description="object key (or local path) of the recording"
    )
    text: str | None = Field(
        default=None,
        description="the answer as text, for chat/typed interviews "
        "whose platform delivers a transcript instead of audio",
    )

    @model_validator(mode="after")
    def _recording_or_text(self) -> AnswerRef:
        if not self.recording and self.text is None:
            raise ValueError(f"answer {self.question_id}: needs a 'recording' or a 'text'")
        return self


class ScoringTask(BaseModel):
    """One interview to score. Unknown extra fields are kept (and written back with the result)."""

    model_config = ConfigDict(extra="allow")

    task_id: str = Field(pattern=SAFE_ID)
    candidate_id: str = Field(min_length=1)
    interview_id: str = Field(min_length=1)
    requisition_id: str = Field(min_length=1)
    rubric_id: str = Field(min_length=1)
    language: str = Field(default="en", pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
    consent: Consent | None = None
    answers: list[AnswerRef] = Field(min_length=1)

    @field_validator("language")
    @classmethod
    def _base_language(cls, value: str) -> str:
        return value.split("-")[0]

    @model_validator(mode="after")
    def _unique_questions(self) -> ScoringTask:
        ids = [a.question_id for a in self.answers]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"each question may be answered once; repeated question_id: {dupes}")
        return self


def parse_manifest(
    raw: bytes | str | Mapping[str, Any], source: str = "manifest", expected_task_id: str | None = None
) -> ScoringTask:
    """Validate a manifest (JSON bytes/text or a dict); raises :class:`ManifestError` with one line.

    ``expected_task_id``: the id taken from the manifest's object name (``pending/<task_id>.json``);
    a manifest carrying any other ``task_id`` raises :class:`TaskIdMismatch`."""
    if isinstance(raw, bytes | str):
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ManifestError(f"{source}: not valid JSON ({exc})") from exc
    else:
        data = dict(raw)
    if not isinstance(data, dict):
        raise ManifestError(f"{source}: a manifest must be a JSON object")
    if expected_task_id is not None and data.get("task_id") != expected_task_id:
        claimed = data.get("task_id")
        shown = repr(claimed)[:80] if isinstance(claimed, str) else type(claimed).__name__
        raise TaskIdMismatch(
            f"{source}: the manifest's task_id {shown} is not {expected_task_id!r}, the id in its object "
            f"name; a task's identity is its object key: deliver it as '{expected_task_id}' or rename it"
        )
    try:
        return ScoringTask.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise ManifestError(f"{source}: invalid manifest at '{where}': {first['msg']}{more}") from exc


def consent_status(task: ScoringTask) -> tuple[bool, str]:
    """(may be scored automatically, why). Missing or withdrawn consent means human review."""
    if task.consent is None:
        return False, "no consent recorded in the manifest"
    if not task.consent.given:
        return False, "the candidate did not consent to automated scoring"
    if task.consent.recorded_at is None:
        return False, "consent has no recorded_at time, so it cannot be evidenced"
    return True, f"consent given at {task.consent.recorded_at.isoformat()}"


class AnswerProblem(BaseModel):
    question_id: str
    recording: str
    reason: FailureReason
    message: str


def validate_recordings(
    task: ScoringTask,
    local_paths: Mapping[str, str | Path | None],
    limits: AudioCheck | None = None,
) -> list[AnswerProblem]:
    """Problems with the task's recordings: ``local_paths`` maps question_id -> downloaded file
    (None or absent: the object does not exist). Empty list: every recording is usable audio."""
    problems = []
    for answer in task.answers:
        if not answer.recording:  # typed answer: nothing to probe
            continue
        path = local_paths.get(answer.question_id)
        if path is None:
            problems.append(
                AnswerProblem(
                    question_id=answer.question_id,
                    recording=answer.recording,
                    reason=FailureReason.missing_recording,
                    message=f"{answer.recording}: recording not found",
                )
            )
            continue
        problem = probe(path, limits or AudioCheck())
        if problem:
            problems.append(
                AnswerProblem(
                    question_id=answer.question_id,
                    recording=answer.recording,
                    reason=problem.reason,
                    message=problem.message.replace(str(path), answer.recording),
                )
            )
    return problems


def _now() -> datetime:
    return datetime.now(UTC)


class _TaskIds(BaseModel):
    task_id: str
    candidate_id: str | None = None
    interview_id: str | None = None
    requisition_id: str | None = None
    rubric_id: str | None = None


class AnswerResult(BaseModel):
    question_id: str
    competency: str
    question: str
    recording: str | None = None
    transcript: dict
    score: dict | None = None


class DoneRecord(_TaskIds):
    """``done/<task_id>.json``: scores, evidence, transcripts, speech facts and every version."""

    status: Literal["done"] = "done"
    scored_at: datetime = Field(default_factory=_now)
    language: str
    rubric_version: str
    scoring_model_version: str
    transcription_model: str
    transcription_options: dict
    embedding_model: str
    overall: float | None
    confidence: float
    scores: dict[str, float]
    competencies: list[dict]
    answers: list[AnswerResult]
    motivation: dict | None
    speech_facts: dict  # descriptive, stored apart; ``included_in_score`` says if they counted
    recommendation: dict
    feedback: str
    explanation: dict
    manifest: dict


class ReviewRecord(_TaskIds):
    """Routed to human review without automated scoring (e.g. no consent)."""

    status: Literal["human_review"] = "human_review"
    routed_at: datetime = Field(default_factory=_now)
    reason: str
    recommendation: dict
    manifest: dict


class FailedRecord(_TaskIds):
    """``failed/<task_id>.json``: why the task could not be scored, per answer where it applies."""

    status: Literal["failed"] = "failed"
    failed_at: datetime = Field(default_factory=_now)
    reason: FailureReason | TaskFailure
    message: str
    answers: list[AnswerProblem] = Field(default_factory=list)
    manifest: dict | None = None


def failed_from_problems(task: ScoringTask, problems: list[AnswerProblem]) -> FailedRecord:
    """One failed record for a task whose answers have problems; the task reason is the first one."""
    first = problems[0]
    more = f" (and {len(problems) - 1} more answers)" if len(problems) > 1 else ""
    return FailedRecord(
        **task_ids(task),
        reason=first.reason,
        message=f"{first.message}{more}",
        answers=problems,
        manifest=task.model_dump(mode="json"),
    )


def task_ids(task: ScoringTask) -> dict:
    return {
        "task_id": task.task_id,
        "candidate_id": task.candidate_id,
        "interview_id": task.interview_id,
        "requisition_id": task.requisition_id,
        "rubric_id": task.rubric_id,
    }
