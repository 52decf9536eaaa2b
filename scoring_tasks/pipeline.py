"""One batch of scoring tasks, end to end, without Airflow or object storage.

The interview_scoring DAG claims manifests, downloads a batch's recordings to local files and calls
:func:`process_batch`; it writes each :class:`TaskOutcome` to ``outcome.key`` and loads it into the
warehouse. Models are loaded once per batch by the caller (``Transcriber``; ``Scorer`` per rubric,
cached in ``scorers``); all recordings of the batch go through one ``transcribe_many`` call per
language and all interviews of one rubric through one ``score_interviews`` call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from scoring_tasks.audio import FailureReason
from scoring_tasks.feedback import candidate_feedback, explanation
from scoring_tasks.languages import LanguageModels, UnsupportedLanguage, base_language
from scoring_tasks.manifest import (
    AnswerProblem,
    AnswerRef,
    AnswerResult,
    DoneRecord,
    FailedRecord,
    ReviewRecord,
    ScoringTask,
    consent_status,
    failed_from_problems,
    task_ids,
)
from scoring_tasks.model_paths import ModelLoadError
from scoring_tasks.model_version import ScoringModelVersion, load_model_version
from scoring_tasks.recommend import recommend
from scoring_tasks.rubric import MOTIVATION, RubricError, get_rubric
from scoring_tasks.score import Answer, Scorer
from scoring_tasks.speech_facts import speech_facts
from scoring_tasks.transcribe import Transcriber, Transcript

log = logging.getLogger(__name__)

Status = Literal["done", "failed", "human_review"]
PROVIDED_TRANSCRIPT = "provided-transcript"
RecordingResolver = Callable[[ScoringTask, AnswerRef], "str | Path | None"]


class TaskOutcome(BaseModel):
    task_id: str
    status: Status
    record: DoneRecord | ReviewRecord | FailedRecord

    @property
    def key(self) -> str:
        """Object key under the scoring-tasks prefix: ``done/<id>.json`` or ``failed/<id>.json``."""
        folder = "failed" if self.status == "failed" else "done"
        return f"{folder}/{self.task_id}.json"


def batches(items: Sequence, size: int) -> list[list]:
    """Split ``items`` into lists of at most ``size`` (for dynamic task mapping)."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _resolver(recordings: Mapping[str, Mapping[str, str | Path]] | RecordingResolver) -> RecordingResolver:
    if callable(recordings):
        return recordings
    return lambda task, answer: recordings.get(task.task_id, {}).get(answer.question_id)


def process_batch(
    tasks: Iterable[ScoringTask],
    recordings: Mapping[str, Mapping[str, str | Path]] | RecordingResolver,
    *,
    transcriber: Transcriber,
    model_version: ScoringModelVersion | None = None,
    scorers: dict[str, Scorer] | None = None,
    embedder=None,
    languages: LanguageModels | None = None,
    translate: Callable[[str, str], str] | None = None,
) -> list[TaskOutcome]:
    """Transcribe, score and explain every task of a batch; one outcome per task, in order.

    ``recordings`` maps task_id -> question_id -> local file (or is a function of task and answer
    returning the local file, None when the object does not exist). A task without consent is not
    transcribed at all (human review); a task with any unusable recording fails with the reason.

    ``transcriber`` and ``embedder`` serve English; a task in another language gets its language's
    models and rubrics from ``languages`` (loaded on first use). ``translate(msgid, language)`` gives
    the candidate feedback in the task's language (the platform passes its message catalogue).
    """
    tasks = list(tasks)
    languages = languages or LanguageModels(transcriber=transcriber, embedder=embedder)
    version = model_version or load_model_version()
    scorers = {} if scorers is None else scorers
    resolve = _resolver(recordings)
    outcomes: dict[str, TaskOutcome] = {}

    to_transcribe: list[ScoringTask] = []
    for task in tasks:
        allowed, why = consent_status(task)
        if not allowed:
            rec = recommend(None, None, version.thresholds, version.version, consent=False)
            outcomes[task.task_id] = TaskOutcome(
                task_id=task.task_id,
                status="human_review",
                record=ReviewRecord(
                    **task_ids(task),
                    reason=why,
                    recommendation=rec.model_dump(mode="json"),
                    manifest=task.model_dump(mode="json"),
                ),
            )
            continue
        try:
            rubric = get_rubric(task.rubric_id, language=task.language)
            for a in task.answers:
                if a.competency and a.competency != MOTIVATION:
                    rubric.competency(a.competency)
        except (RubricError, UnsupportedLanguage) as exc:
            outcomes[task.task_id] = _failed(task, FailureReason.invalid_manifest, str(exc))
            continue
        to_transcribe.append(task)

    transcripts = _transcribe(to_transcribe, resolve, languages)
    scorable: dict[tuple[str, str], list[tuple[ScoringTask, list[Transcript]]]] = {}
    for task in to_transcribe:
        problems, texts = [], []
        for answer in task.answers:
            result = transcripts[(task.task_id, answer.question_id)]
            if isinstance(result, AnswerProblem):
                problems.append(result)
            else:
                texts.append(result)
        if problems:
            outcomes[task.task_id] = TaskOutcome(
                task_id=task.task_id, status="failed", record=failed_from_problems(task, problems)
            )
        else:
            scorable.setdefault((task.rubric_id, base_language(task.language)), []).append((task, texts))

    for (rubric_id, language), items in scorable.items():
        # English scorers keep their old cache key, so callers' caches stay valid.
        cache_key = rubric_id if language == "en" else f"{rubric_id}@{language}"
        lang_embedder = languages.embedder(language)
        scorer = scorers.get(cache_key)
        if (
            scorer is None
            or scorer.model_version.version != version.version
            or scorer.embedder is not lang_embedder
        ):
            scorer = scorers[cache_key] = Scorer(
                get_rubric(rubric_id, language=language), version, embedder=lang_embedder
            )
        speech = (
            languages.transcriber(language)
            if any(a.recording for task, _ in items for a in task.answers)
            else None
        )
        interviews = [
            [
                Answer(question=a.question, text=t.text, competency=a.competency, question_id=a.question_id)
                for a, t in zip(task.answers, texts, strict=True)
            ]
            for task, texts in items
        ]
        facts = [speech_facts(texts) for _, texts in items]
        scores = scorer.score_interviews(interviews, speech_facts=facts)
        for (task, texts), score, fact in zip(items, scores, facts, strict=True):
            fact.included_in_score = score.speech_facts_used
            rec = recommend(score.overall, score.confidence, version.thresholds, version.version)
            by_question = {a.question_id: a for a in score.answers}
            # A typed interview scored in a batch that also holds recordings was never transcribed.
            transcribed = speech is not None and any(a.recording for a in task.answers)
            record = DoneRecord(
                **task_ids(task),
                language=task.language,
                rubric_version=score.rubric_version,
                scoring_model_version=score.model_version,
                transcription_model=speech.version if transcribed else PROVIDED_TRANSCRIPT,
                transcription_options=speech.options if transcribed else {},
                embedding_model=score.embedding_model,
                overall=score.overall,
                confidence=score.confidence,
                scores={c.competency: c.score for c in score.competencies},
                competencies=[c.model_dump() for c in score.competencies],
                answers=[
                    AnswerResult(
                        question_id=a.question_id,
                        competency=(
                            by_question[a.question_id].competency
                            if a.question_id in by_question
                            else MOTIVATION
                        ),
                        question=a.question,
                        recording=a.recording,
                        transcript=t.public(),
                        score=by_question[a.question_id].model_dump()
                        if a.question_id in by_question
                        else None,
                    )
                    for a, t in zip(task.answers, texts, strict=True)
                ],
                motivation=score.motivation.model_dump() if score.motivation else None,
                speech_facts=fact.model_dump(),
                recommendation=rec.model_dump(mode="json"),
                feedback=candidate_feedback(score, translate=_translator(translate, language)),
                explanation=explanation(
                    score, version, rec, speech.version if transcribed else None
                ).model_dump(mode="json"),
                manifest=task.model_dump(mode="json"),
            )
            log.info(
                "task %s scored: overall=%s recommendation=%s (model %s)",
                task.task_id,
                score.overall,
                rec.decision,
                version.version,
            )
            outcomes[task.task_id] = TaskOutcome(task_id=task.task_id, status="done", record=record)
    return [outcomes[t.task_id] for t in tasks]


def _failed(task: ScoringTask, reason: FailureReason, message: str) -> TaskOutcome:
    record = FailedRecord(
        **task_ids(task), reason=reason, message=message, manifest=task.model_dump(mode="json")
    )
    return TaskOutcome(task_id=task.task_id, status="failed", record=record)


def provided_transcript(text: str, language: str) -> Transcript:
    """A transcript the interview platform supplied (no audio, so no timings or speech facts)."""
    return Transcript(
        source="provided",
        text=text,
        segments=[],
        language=language,
        language_probability=1.0,
        duration=0.0,
        model=PROVIDED_TRANSCRIPT,
    )


def _translator(translate: Callable[[str, str], str] | None, language: str) -> Callable[[str], str] | None:
    if translate is None or language == "en":
        return None
    return lambda message: translate(message, language)


def _transcribe(
    tasks: list[ScoringTask], resolve: RecordingResolver, languages: LanguageModels
) -> dict[tuple[str, str], Transcript | AnswerProblem]:
    out: dict[tuple[str, str], Transcript | AnswerProblem] = {}
    by_language: dict[str, list[tuple[ScoringTask, AnswerRef, str]]] = {}
    for task in tasks:
        for answer in task.answers:
            if not answer.recording:  # a typed/chat interview: the platform gave us the text
                out[(task.task_id, answer.question_id)] = provided_transcript(
                    answer.text or "", task.language
                )
                continue
            path = resolve(task, answer)
            if path is None:
                out[(task.task_id, answer.question_id)] = AnswerProblem(
                    question_id=answer.question_id,
                    recording=answer.recording,
                    reason=FailureReason.missing_recording,
                    message=f"{answer.recording}: recording not found",
                )
            else:
                by_language.setdefault(task.language, []).append((task, answer, str(path)))
    for language, items in by_language.items():
        try:
            transcriber = languages.transcriber(language)
        except (ModelLoadError, UnsupportedLanguage) as exc:
            # Only this language's tasks fail (the rest of the batch goes on): the operator installs
            # the language's models (the message says how) and re-queues them.
            for task, answer, _ in items:
                out[(task.task_id, answer.question_id)] = AnswerProblem(
                    question_id=answer.question_id,
                    recording=answer.recording,
                    reason=FailureReason.wrong_language,
                    message=f"interview language '{language}': {exc}",
                )
            continue
        results = transcriber.transcribe_many([p for _, _, p in items], language=language)
        for (task, answer, path), result in zip(items, results, strict=True):
            key = (task.task_id, answer.question_id)
            if result.transcript is not None:
                out[key] = result.transcript
            else:
                out[key] = AnswerProblem(
                    question_id=answer.question_id,
                    recording=answer.recording,
                    reason=result.reason or FailureReason.unreadable_audio,
                    message=(result.message or "").replace(path, answer.recording),
                )
    return out
