"""The platform's batched transcription (answers packed into shared 30 s windows, decoded in
batches): as accurate as file-by-file decoding on real and synthesised speech, every word back in its
own answer, and a wrong-language answer among English ones still flagged."""

from __future__ import annotations

import pytest

from scoring_tasks.audio import FailureReason
from scoring_tasks.evaluation import word_error_rate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def packed():
    from talentflow.core import models

    transcriber = models.transcriber()
    assert transcriber.batched and transcriber.pack, "the platform's default is the packed batched mode"
    return transcriber


def test_jfk_word_error_rate_packed_with_other_answers(packed, jfk, recordings, spoken):
    wav, reference = jfk
    keys = list(spoken)
    # jfk.wav (11 s, real speech) shares windows with the synthesised answers either side of it.
    paths = [recordings[keys[0]], wav, *[recordings[k] for k in keys[1:]]]
    results = packed.transcribe_many(paths)
    assert all(r.ok for r in results), [r.message for r in results]
    jfk_text = results[1].transcript
    wer = word_error_rate(reference, jfk_text.text)
    print(f"\njfk.wav (packed) WER={wer:.3f}: {jfk_text.text!r}")
    assert wer < 0.15
    assert jfk_text.words[0].word.lower().strip(",.") == "and"
    assert all(0 <= w.start <= w.end <= jfk_text.duration + 0.1 for w in jfk_text.words)
    for key, result in zip([keys[0], *keys[1:]], [results[0], *results[2:]], strict=True):
        assert word_error_rate(spoken[key], result.transcript.text) < 0.35, (key, result.transcript.text)


def test_german_answer_among_english_ones_is_flagged(packed, recordings, spoken):
    keys = list(spoken)
    paths = [recordings[keys[0]], recordings["german"], recordings[keys[1]]]
    english_a, german, english_b = packed.transcribe_many(paths)
    assert german.reason == FailureReason.wrong_language, german
    assert english_a.ok and english_b.ok, (english_a.message, english_b.message)
