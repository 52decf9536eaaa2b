"""Interview-scoring benchmark: transcription speed (sequential vs batched) and scoring throughput.

    python -m bench.bench_scoring [--answers 16] [--threads 2] [--repeat-scoring 4] [--repeats 3]

Recordings are synthesised with espeak-ng from the hand-written answers in
tests/fixtures/answers/general.yaml (no downloads). Measured on ``--threads`` CPU threads:

* transcription: real-time factor (processing seconds per audio second) and audio-hours per hour,
  for ``WhisperModel.transcribe`` file by file (sequential) and for clips of all files decoded
  together by ``BatchedInferencePipeline`` (batched), plus the WER of each on the synthesised corpus;
* scoring: answers scored per second when a batch of answers is embedded in one pass against one
  ``score_answers`` call per answer;
* peak resident memory (``ru_maxrss``) of each phase, each run in its own process so that one
  phase's models do not count in the other's figure.

Transcription modes are timed interleaved (one run of each, then again), so a shared machine's load
falls on all of them alike; compare the ratios, not the seconds across runs.

It measures and reports; it never fails on timings. Results: bench/results/scoring.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "answers" / "general.yaml"
RESULTS = ROOT / "bench" / "results" / "scoring.json"


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def load_answers() -> list[dict]:
    import yaml

    return yaml.safe_load(FIXTURE.read_text())["answers"]


def synthesise(texts: list[str], folder: Path) -> list[Path]:
    espeak = shutil.which("espeak-ng")
    if not espeak:
        sys.exit("espeak-ng is needed to synthesise the benchmark recordings: apt-get install espeak-ng")
    paths = []
    for i, text in enumerate(texts):
        path = folder / f"answer-{i:03d}.wav"
        subprocess.run([espeak, "-v", "en-us", "-s", "150", "-w", str(path), text], check=True)
        paths.append(path)
    return paths


def _wer(texts: list[str], results) -> float:
    from scoring_tasks.evaluation import normalize, word_error_rate

    ref_words = sum(len(normalize(t)) for t in texts)
    return (
        sum(
            word_error_rate(t, r.transcript.text) * len(normalize(t)) if r.ok else len(normalize(t))
            for t, r in zip(texts, results, strict=True)
        )
        / ref_words
    )


def bench_transcription(
    paths: list[Path], texts: list[str], threads: int, batch_size: int, repeats: int
) -> dict:
    """Every mode loaded first, then the timed runs interleaved (sequential, batched, packed,
    faster-whisper's own, again …), so that each mode sees the same share of a shared machine's
    load; the median of ``repeats`` runs per mode is reported."""
    from scoring_tasks.audio import decode
    from scoring_tasks.transcribe import Transcriber

    audio_s = sum(decode(p).duration for p in paths)
    out: dict = {"recordings": len(paths), "audio_seconds": round(audio_s, 1)}
    modes = {
        "sequential": {"batched": False},
        "batched": {"batched": True, "batch_size": batch_size},
        # Short answers share 30 s windows (see scoring_tasks.transcribe, ``pack``): the tuned mode.
        "batched_packed": {"batched": True, "batch_size": batch_size, "pack": True},
    }
    runners, loads, results = {}, {}, {}
    for name, options in modes.items():
        started = time.perf_counter()
        transcriber = Transcriber(cpu_threads=threads, beam_size=1, **options)
        loads[name] = time.perf_counter() - started
        transcriber.transcribe_many(paths[:1])  # warm-up: first call allocates buffers

        def run(transcriber=transcriber, name=name):
            results[name] = transcriber.transcribe_many(paths)

        runners[name] = (run, transcriber.options | options)
    own_run = _faster_whisper_own(paths, threads, batch_size)
    runners["faster_whisper_pipeline"] = (own_run, {})
    walls: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(repeats):
        for name, (run, _) in runners.items():
            started = time.perf_counter()
            run()
            walls[name].append(time.perf_counter() - started)
    for name in modes:
        wall = statistics.median(walls[name])
        wer = _wer(texts, results[name])
        out[name] = {
            "options": runners[name][1],
            "model_load_s": round(loads[name], 2),
            "wall_s": round(wall, 2),
            "wall_s_runs": [round(w, 2) for w in walls[name]],
            "real_time_factor": round(wall / audio_s, 4),
            "audio_hours_per_hour": round(audio_s / wall, 1),
            "failed": sum(not r.ok for r in results[name]),
            "wer": round(wer, 4),
        }
        print(
            f"  {name:14} RTF {out[name]['real_time_factor']:.3f}  "
            f"{out[name]['audio_hours_per_hour']:5.1f} audio-h/h  WER {wer:.3f}  ({wall:.1f} s)"
        )
    own = statistics.median(walls["faster_whisper_pipeline"])
    print(f"  {'fw own':14} RTF {own / audio_s:.3f}  ({own:.1f} s)")
    # The limit: faster-whisper's own BatchedInferencePipeline, file by file, same model and options.
    out["faster_whisper_pipeline"] = {
        "what": "faster_whisper.BatchedInferencePipeline.transcribe per file (its own VAD), word timestamps",
        "wall_s": round(own, 2),
        "wall_s_runs": [round(w, 2) for w in walls["faster_whisper_pipeline"]],
        "real_time_factor": round(own / audio_s, 4),
    }
    out["batched_unpacked_speedup"] = round(out["sequential"]["wall_s"] / out["batched"]["wall_s"], 2)
    out["batched_packed_speedup"] = round(out["sequential"]["wall_s"] / out["batched_packed"]["wall_s"], 2)
    # The platform's batched mode is the packed one (talentflow.core.models.transcriber).
    out["batched_speedup"] = out["batched_packed_speedup"]
    out["ratio_to_faster_whisper_pipeline"] = round(own / out["batched_packed"]["wall_s"], 2)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def _faster_whisper_own(paths: list[Path], threads: int, batch_size: int):
    """A runner for faster-whisper's own batched pipeline, file by file (it batches within a file)."""
    from faster_whisper import BatchedInferencePipeline, WhisperModel

    from scoring_tasks.model_paths import default_whisper_path

    model = WhisperModel(
        default_whisper_path(), device="cpu", compute_type="int8", cpu_threads=threads, local_files_only=True
    )
    pipeline = BatchedInferencePipeline(model)
    list(pipeline.transcribe(str(paths[0]), language="en", beam_size=1, batch_size=batch_size)[0])  # warm-up

    def run() -> None:
        for path in paths:
            segments, _ = pipeline.transcribe(
                str(path), language="en", beam_size=1, batch_size=batch_size, word_timestamps=True
            )
            list(segments)

    return run


def bench_scoring(items: list[dict], repeat: int, repeats: int) -> dict:
    from scoring_tasks.rubric import get_rubric
    from scoring_tasks.score import Answer, Scorer
    from talentflow.core.models import get_embedder

    started = time.perf_counter()
    embedder = get_embedder()
    embedder_load_s = time.perf_counter() - started
    rubric = get_rubric("general")
    started = time.perf_counter()
    scorer = Scorer(rubric, embedder=embedder)
    scorer_init_s = time.perf_counter() - started
    questions = rubric.question_index()
    answers = [
        Answer(question=questions[a["question_id"]][1].text, text=a["text"], competency=a["competency"])
        for a in items
    ] * repeat
    scorer.score_answers(answers[:4])  # warm-up
    single = answers[: len(items)]
    batched_runs, single_runs = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        scorer.score_answers(answers)
        batched_runs.append(time.perf_counter() - started)
        started = time.perf_counter()
        for answer in single:
            scorer.score_answers([answer])
        single_runs.append(time.perf_counter() - started)
    batched_s, single_s = statistics.median(batched_runs), statistics.median(single_runs)
    out = {
        "embedding_model": scorer.embedding_version,
        "embedder_load_s": round(embedder_load_s, 2),
        "scorer_init_s (anchors embedded)": round(scorer_init_s, 2),
        "batched": {
            "answers": len(answers),
            "wall_s": round(batched_s, 2),
            "answers_per_s": round(len(answers) / batched_s, 1),
        },
        "one_at_a_time": {
            "answers": len(single),
            "wall_s": round(single_s, 2),
            "answers_per_s": round(len(single) / single_s, 1),
        },
        "peak_rss_mb": peak_rss_mb(),
    }
    out["batched_speedup"] = round(out["batched"]["answers_per_s"] / out["one_at_a_time"]["answers_per_s"], 2)
    print(
        f"  batched {out['batched']['answers_per_s']} answers/s, one at a time "
        f"{out['one_at_a_time']['answers_per_s']} answers/s"
    )
    return out


def run_phase(phase: str, args: argparse.Namespace) -> dict:
    items = load_answers()
    if phase == "transcription":
        texts = [a["text"] for a in items][: args.answers]
        print(f"transcription: {len(texts)} synthesised answers, {args.threads} threads", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            paths = synthesise(texts, Path(tmp))
            return bench_transcription(paths, texts, args.threads, args.batch_size, args.repeats)
    import torch  # only the scoring phase needs it; importing it costs memory

    torch.set_num_threads(args.threads)
    print(f"scoring: {len(items) * args.repeat_scoring} answers, {args.threads} threads", flush=True)
    return bench_scoring(items, args.repeat_scoring, args.repeats)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=16, help="Recordings to synthesise and transcribe.")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for CTranslate2 and torch.")
    parser.add_argument("--batch-size", type=int, default=8, help="Clips per batch in batched mode.")
    parser.add_argument(
        "--repeat-scoring", type=int, default=4, help="Times the 56 fixture answers are scored."
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="Timed runs per measurement (median reported)."
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--phase", choices=["transcription", "scoring"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:  # child process: one phase, its result as JSON on the last line
        result = run_phase(args.phase, args)
        print(json.dumps(result))
        return result

    result: dict = {
        "benchmark": "interview scoring",
        "machine": {
            "cpu_count": os.cpu_count(),
            "threads_used": args.threads,
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "note": "shared 2-core machine: timings vary with other load; nothing here is asserted",
    }
    passthrough = [
        f"--answers={args.answers}",
        f"--threads={args.threads}",
        f"--batch-size={args.batch_size}",
        f"--repeat-scoring={args.repeat_scoring}",
        f"--repeats={args.repeats}",
    ]
    for phase in ("transcription", "scoring"):
        proc = subprocess.run(
            [sys.executable, "-m", "bench.bench_scoring", f"--phase={phase}", *passthrough],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        lines = proc.stdout.strip().splitlines()
        print("\n".join(lines[:-1]))
        result[phase] = json.loads(lines[-1])
        # after each phase, so a later phase that is stopped leaves the earlier one's figures
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, indent=2))
    print(
        f"peak RSS: transcription {result['transcription']['peak_rss_mb']} MB, "
        f"scoring {result['scoring']['peak_rss_mb']} MB; results in {args.output}"
    )
    return result


if __name__ == "__main__":
    main()
