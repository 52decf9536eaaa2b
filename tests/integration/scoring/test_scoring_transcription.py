"""Transcription with the bundled faster-whisper tiny.en on real and synthesised speech."""

from __future__ import annotations

import pytest

from scoring_tasks.audio import AudioProblem, FailureReason
from scoring_tasks.evaluation import normalize, word_error_rate

pytestmark = pytest.mark.slow


def corpus_wer(pairs: list[tuple[str, str]]) -> float:
    words = sum(len(normalize(ref)) for ref, _ in pairs)
    return sum(word_error_rate(ref, hyp) * len(normalize(ref)) for ref, hyp in pairs) / words


def test_jfk_word_error_rate(transcriber, jfk):
    wav, reference = jfk
    transcript = transcriber.transcribe(wav)
    wer = word_error_rate(reference, transcript.text)
    print(f"\njfk.wav WER={wer:.3f}: {transcript.text!r}")
    assert wer < 0.15
    assert transcript.language == "en" and transcript.duration == pytest.approx(11.0, abs=0.1)
    starts = [s.start for s in transcript.segments]
    assert starts == sorted(starts) and transcript.segments[-1].end <= transcript.duration + 0.1
    words = transcript.words
    assert len(words) >= 20 and all(w.start <= w.end for w in words)
    assert words[0].word.lower().strip(",.") == "and"


@pytest.mark.parametrize("batched", [False, True], ids=["sequential", "batched"])
def test_synthesised_answers_word_error_rate(recordings, spoken, batched):
    from scoring_tasks.transcribe import Transcriber

    transcriber = Transcriber(cpu_threads=2, batched=batched)
    keys = list(spoken)
    results = transcriber.transcribe_many([recordings[k] for k in keys])
    assert all(r.ok for r in results), [r.message for r in results]
    pairs = [(spoken[k], r.transcript.text) for k, r in zip(keys, results, strict=True)]
    wer = corpus_wer(pairs)
    print(f"\nsynthesised ({'batched' if batched else 'sequential'}) corpus WER={wer:.3f}")
    assert wer < 0.2
    for r in results:
        assert r.transcript.segments and r.transcript.words
        assert all(0 <= w.start <= w.end <= r.transcript.duration + 0.1 for w in r.transcript.words)


def test_bad_recordings_get_reasons_and_do_not_stop_the_batch(transcriber, recordings, tmp_path):
    paths = [
        recordings["silence"],
        recordings["team"],
        recordings["not_audio"],
        recordings["german"],
        tmp_path / "missing.wav",
    ]
    results = transcriber.transcribe_many(paths)
    assert [r.source for r in results] == [str(p) for p in paths]
    assert [r.reason for r in results] == [
        FailureReason.silence,
        None,
        FailureReason.unreadable_audio,
        FailureReason.wrong_language,
        FailureReason.missing_recording,
    ]
    assert results[1].ok and "colleagues" in results[1].transcript.text
    assert all(r.message for r in results if not r.ok)


def test_batched_pipeline_flags_german_speech_too(recordings):
    from scoring_tasks.transcribe import Transcriber

    [result] = Transcriber(cpu_threads=2, batched=True).transcribe_many([recordings["german"]])
    assert result.reason == FailureReason.wrong_language


def test_non_english_interview_needs_a_multilingual_model(transcriber, recordings):
    [result] = transcriber.transcribe_many([recordings["team"]], language="de")
    assert result.reason == FailureReason.wrong_language
    assert "only knows English" in result.message


def test_transcribe_one_raises_with_the_reason(transcriber, recordings):
    with pytest.raises(AudioProblem) as err:
        transcriber.transcribe(recordings["silence"])
    assert err.value.reason == FailureReason.silence
