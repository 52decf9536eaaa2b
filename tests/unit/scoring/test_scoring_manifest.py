"""Scoring-task manifests: schema, consent, recordings."""

from __future__ import annotations

import json

import pytest

from scoring_tasks.audio import FailureReason
from scoring_tasks.manifest import (
    ManifestError,
    consent_status,
    failed_from_problems,
    parse_manifest,
    validate_recordings,
)


def manifest(**changes) -> dict:
    data = {
        "task_id": "task-0001",
        "candidate_id": "cand-42",
        "interview_id": "iv-7",
        "requisition_id": "req-3",
        "rubric_id": "engineering",
        "language": "en",
        "consent": {
            "given": True,
            "recorded_at": "2025-01-10T09:00:00Z",
            "purpose": "automated interview scoring",
        },
        "answers": [
            {
                "question_id": "eng-td-1",
                "competency": "technical_depth",
                "question": "Tell me about the hardest technical problem you debugged.",
                "recording": "recordings/cand-42/iv-7/eng-td-1.wav",
            },
            {
                "question_id": "gen-tw-1",
                "competency": "teamwork",
                "question": "Tell me about a time you worked with a team.",
                "recording": "recordings/cand-42/iv-7/gen-tw-1.wav",
            },
        ],
    }
    data.update(changes)
    return data


def test_valid_manifest_parses_from_json_bytes_and_keeps_extra_fields():
    task = parse_manifest(json.dumps(manifest(created_by="world-generator")).encode())
    assert task.task_id == "task-0001" and len(task.answers) == 2
    assert task.model_dump()["created_by"] == "world-generator"


def test_language_region_is_reduced_to_the_language():
    assert parse_manifest(manifest(language="en-GB")).language == "en"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (
            json.dumps({k: v for k, v in manifest().items() if k != "rubric_id"}),
            "at 'rubric_id': Field required",
        ),
        (json.dumps(manifest(answers=[])), "at 'answers'"),
        (json.dumps(manifest(task_id="../../etc/passwd")), "at 'task_id'"),
        (json.dumps(manifest(language="english")), "at 'language'"),
    ],
)
def test_invalid_manifest_gives_one_line_with_the_place(raw, message):
    with pytest.raises(ManifestError, match=message) as err:
        parse_manifest(raw, source="pending/task-0001.json")
    assert "\n" not in str(err.value)
    assert str(err.value).startswith("pending/task-0001.json: ")
    assert err.value.reason == FailureReason.invalid_manifest


def test_each_question_is_answered_once():
    data = manifest()
    data["answers"][1]["question_id"] = "eng-td-1"
    with pytest.raises(ManifestError, match="repeated question_id"):
        parse_manifest(data)


def test_consent_given_and_recorded_allows_scoring():
    allowed, why = consent_status(parse_manifest(manifest()))
    assert allowed and "2025-01-10" in why


@pytest.mark.parametrize(
    ("consent", "why"),
    [
        (None, "no consent recorded"),
        ({"given": False, "recorded_at": "2025-01-10T09:00:00Z"}, "did not consent"),
        ({"given": True}, "no recorded_at"),
    ],
)
def test_without_consent_the_task_goes_to_human_review(consent, why):
    data = manifest()
    if consent is None:
        del data["consent"]
    else:
        data["consent"] = consent
    allowed, reason = consent_status(parse_manifest(data))
    assert not allowed and why in reason


def test_recordings_must_exist_and_be_audio(tone, silent, not_audio, blip):
    task = parse_manifest(manifest())
    assert validate_recordings(task, {"eng-td-1": tone, "gen-tw-1": tone}) == []
    problems = validate_recordings(task, {"eng-td-1": not_audio})
    assert [(p.question_id, p.reason) for p in problems] == [
        ("eng-td-1", FailureReason.unreadable_audio),
        ("gen-tw-1", FailureReason.missing_recording),
    ]
    # messages name the object key, not the local download path
    assert problems[0].message.startswith("recordings/cand-42/iv-7/eng-td-1.wav: not a readable audio file")
    reasons = [p.reason for p in validate_recordings(task, {"eng-td-1": silent, "gen-tw-1": blip})]
    assert reasons == [FailureReason.silence, FailureReason.too_short]


def test_failed_record_carries_every_answer_problem(not_audio):
    task = parse_manifest(manifest())
    record = failed_from_problems(task, validate_recordings(task, {"eng-td-1": not_audio}))
    assert record.status == "failed" and record.reason == FailureReason.unreadable_audio
    assert record.message.endswith("(and 1 more answers)")
    assert len(record.answers) == 2 and record.manifest["task_id"] == "task-0001"
    assert json.loads(record.model_dump_json())["reason"] == "unreadable_audio"


@pytest.mark.parametrize("claimed", ["task-0002", "", None, 7, "../done/task-0001", "task-0001 "])
def test_task_id_must_match_the_object_name(claimed):
    from scoring_tasks.manifest import TaskFailure, TaskIdMismatch

    with pytest.raises(TaskIdMismatch, match="is not 'task-0001', the id in its object name") as info:
        parse_manifest(
            manifest(task_id=claimed), source="pending/task-0001.json", expected_task_id="task-0001"
        )
    assert info.value.reason == TaskFailure.task_id_mismatch
    # the same manifest under its own name is fine
    assert parse_manifest(manifest(), expected_task_id="task-0001").task_id == "task-0001"


def test_failed_record_takes_task_failures():
    from scoring_tasks.manifest import FailedRecord, TaskFailure

    record = FailedRecord(
        task_id="p-x", reason=TaskFailure.poison, message="poison: gave up after 3 attempts"
    )
    assert json.loads(record.model_dump_json())["reason"] == "poison"
