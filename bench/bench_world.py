"""World-generator benchmark: wall time and peak memory at demo size and at a large size.

    python -m bench.bench_world [--employees 100000] [--candidates 1000] [--years 3]
                                [--attendance daily|weekly] [--skip-demo] [--skip-large] [--tracemalloc]

Each size runs in its own process so that one size's peak resident memory (``ru_maxrss``) does not
count in the other's. Reported per size: wall seconds, seconds per stage (company, resumes,
recordings, hris), peak RSS of the process, the Python-heap peak (``tracemalloc``, demo size only and
only with ``--tracemalloc``, because tracing slows generation several times), bytes written and the
main row counts. The worlds are written to a temporary folder and deleted afterwards (``--keep DIR``
keeps them). It measures and reports; it never fails on timings. Results: bench/results/world.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "world.json"
DEMO = {"candidates": 300, "employees": 200, "years": 3, "recordings": 24}


def folder_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def run_child(out: Path, sizes: dict, attendance: str, trace: bool) -> dict:
    """Generate one world in this process and report what it cost."""
    import tracemalloc

    from talentflow_demo.world import generate_world

    stages: dict[str, float] = {}
    current = {"stage": None, "since": 0.0}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if stage != current["stage"]:
            if current["stage"] is not None:
                stages[current["stage"]] = stages.get(current["stage"], 0.0) + now - current["since"]
            current.update(stage=stage, since=now)

    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    summary = generate_world(out, seed=7, attendance=attendance, progress=progress, **sizes)
    wall = time.perf_counter() - started
    heap_peak = tracemalloc.get_traced_memory()[1] if trace else None
    if trace:
        tracemalloc.stop()
    return {
        "sizes": sizes,
        "attendance": attendance,
        "wall_s": round(wall, 2),
        "stages_s": {k: round(v, 2) for k, v in stages.items() if k != "done"},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "python_heap_peak_mb": None if heap_peak is None else round(heap_peak / 2**20, 1),
        "traced": trace,
        "output_mb": round(folder_bytes(out) / 2**20, 1),
        "audio_source": summary.audio_source,
        "counts": summary.counts,
    }


def measure(label: str, sizes: dict, attendance: str, trace: bool, workdir: Path) -> dict:
    out = workdir / label
    cmd = [
        sys.executable,
        "-m",
        "bench.bench_world",
        "--child",
        str(out),
        "--child-sizes",
        json.dumps(sizes),
        "--attendance",
        attendance,
    ]
    if trace:
        cmd.append("--tracemalloc")
    print(f"[{label}] generating {sizes} ...", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"label": label, "sizes": sizes, "error": proc.stderr.strip().splitlines()[-1:]}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["label"] = label
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000, help="employees in the large world")
    parser.add_argument("--candidates", type=int, default=1000, help="candidates in the large world")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--recordings", type=int, default=24, help="recordings in the large world")
    parser.add_argument("--attendance", choices=("daily", "weekly"), default="daily")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace the Python heap (demo size only)"
    )
    parser.add_argument("--keep", type=Path, help="keep the generated worlds in this folder")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-sizes", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        print(
            json.dumps(run_child(args.child, json.loads(args.child_sizes), args.attendance, args.tracemalloc))
        )
        return

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="talentflow-bench-world-"))
    workdir.mkdir(parents=True, exist_ok=True)
    runs = []
    try:
        if not args.skip_demo:
            runs.append(measure("demo", DEMO, "daily", False, workdir))
            if args.tracemalloc:
                runs.append(measure("demo-traced", DEMO, "daily", True, workdir))
        if not args.skip_large:
            large = {
                "candidates": args.candidates,
                "employees": args.employees,
                "years": args.years,
                "recordings": args.recordings,
            }
            runs.append(measure("large", large, args.attendance, False, workdir))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    report = {
        "benchmark": "world generation",
        "machine": {
            "python": platform.python_version(),
            "cpu_count": _cpus(),
            "platform": platform.platform(),
        },
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    for run in runs:
        if "error" in run:
            print(f"{run['label']:<12} failed: {run['error']}")
            continue
        c = run["counts"]
        heap = f", python heap peak {run['python_heap_peak_mb']} MB (traced)" if run["traced"] else ""
        print(
            f"{run['label']:<12} {run['wall_s']:>7.1f} s  peak RSS {run['peak_rss_mb']:>6.0f} MB{heap}  "
            f"output {run['output_mb']:.0f} MB  employees {c['employees']}  resumes {c['resumes']}  "
            f"recordings {c['recordings']} ({run['audio_source']})  attendance rows {c['attendance_rows']}  "
            f"stages {run['stages_s']}"
        )
    print(f"results: {RESULTS.relative_to(ROOT)}")


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    main()
