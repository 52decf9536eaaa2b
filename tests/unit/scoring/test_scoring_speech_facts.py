"""Descriptive speech facts from word timestamps."""

from __future__ import annotations

import pytest

from scoring_tasks.speech_facts import speech_facts
from scoring_tasks.transcribe import Segment, Transcript, Word


def transcript(words: list[tuple[str, float, float]], duration: float) -> Transcript:
    seg = Segment(
        start=words[0][1],
        end=words[-1][2],
        text=" ".join(w for w, _, _ in words),
        words=[Word(word=w, start=s, end=e, probability=0.9) for w, s, e in words],
    )
    return Transcript(
        source="x.wav",
        text=seg.text,
        segments=[seg],
        language="en",
        language_probability=1.0,
        duration=duration,
        model="test",
    )


def test_rate_pauses_and_fillers():
    # 10 words over 4 s of speech with one 1.0 s pause and one 0.6 s pause
    words = [("So", 0.0, 0.2), ("um", 0.2, 0.4), ("I", 0.4, 0.5), ("fixed", 0.5, 0.8), ("the", 0.8, 0.9),
             ("bug", 1.9, 2.2), ("and", 2.2, 2.4), ("uh", 2.4, 2.6), ("we", 3.2, 3.5), ("shipped", 3.5, 4.0)]  # fmt: skip
    facts = speech_facts([transcript(words, duration=5.0)])
    assert facts.words == 10
    assert facts.speaking_time_s == pytest.approx(4.0)
    assert facts.words_per_minute == pytest.approx(150.0)
    assert facts.pause_count == 2 and facts.longest_pause_s == pytest.approx(1.0)
    assert facts.filler_count == 2 and facts.filler_rate_per_100_words == pytest.approx(20.0)
    assert facts.included_in_score is False


def test_facts_add_up_over_answers():
    a = transcript([("one", 0.0, 0.5), ("two", 0.5, 1.0)], duration=2.0)
    b = transcript([("three", 0.0, 0.5), ("four", 0.5, 1.0)], duration=2.0)
    facts = speech_facts([a, b])
    assert facts.words == 4 and facts.duration_s == 4.0 and facts.words_per_minute == pytest.approx(120.0)


def test_fluency_is_high_in_the_normal_range_and_low_outside():
    normal = speech_facts([transcript([(f"w{i}", i * 0.4, i * 0.4 + 0.35) for i in range(50)], 20.0)])
    rushed = speech_facts([transcript([(f"w{i}", i * 0.2, i * 0.2 + 0.19) for i in range(50)], 10.0)])
    assert normal.fluency == 1.0
    assert rushed.fluency < 0.75
