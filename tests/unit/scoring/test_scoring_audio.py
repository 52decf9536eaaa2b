"""Audio checks: each unusable recording gets a reason an operator can act on."""

from __future__ import annotations

import pytest

from scoring_tasks.audio import AudioCheck, AudioProblem, FailureReason, load_checked, probe


def test_usable_audio_is_decoded_to_16k_mono(tone):
    audio = load_checked(tone)
    assert audio.sample_rate == 16_000
    assert audio.duration == pytest.approx(2.0, abs=0.01)
    assert audio.peak_dbfs > -20


@pytest.mark.parametrize(
    ("fixture", "reason", "words"),
    [
        ("silent", FailureReason.silence, "silent"),
        ("blip", FailureReason.too_short, "less than the 1.0 s"),
        ("not_audio", FailureReason.unreadable_audio, "not a readable audio file"),
    ],
)
def test_unusable_recordings_have_reasons(request, fixture, reason, words):
    path = request.getfixturevalue(fixture)
    problem = probe(path)
    assert isinstance(problem, AudioProblem)
    assert problem.reason == reason and words in problem.message and str(path) in problem.message


def test_missing_file(tmp_path):
    assert probe(tmp_path / "nope.wav").reason == FailureReason.missing_recording


def test_limits_are_configurable(blip):
    assert probe(blip, AudioCheck(min_duration_s=0.2)) is None
