"""Resume ingestion end to end as the DAG runs it: object store → parse → identity → embed → match →
GX → COPY load → archive, on N world resumes (default 1,000).

    python -m bench.bench_resume_pipeline --resumes 1000 --batch 200

Needs the runtime (``talentflow up``); uses its own world and clears ``incoming/resumes/`` first.
The batched-vs-one-at-a-time embedding comparison is ``bench.bench_resumes``. Measures only;
writes bench/results/resume_pipeline.json.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


# Stages of process_batch, by the function that does each (cumulative seconds in the profile).
STAGES = {
    "parse": ("parse.py", "parse_batch"),
    "identity_records": ("identity.py", "identity_record"),
    "erased_refusals": ("refusals.py", "refuse_erased_resumes"),
    "known_identities": ("ingestion.py", "_known_identities"),
    "resolve_identities": ("identity.py", "resolve_identities"),
    "gx_rows": ("quality.py", "find_bad_rows"),
    "embed": ("matching.py", "embed_resumes"),
    "match": ("matching.py", "match_requisitions"),
    "prescreen": ("prescreen.py", "prescreen"),
    "upsert": ("warehouse.py", "upsert"),
    "store_move": ("storage.py", "move"),
    "store_get": ("storage.py", "get"),
}


def _timed(func, *args, **kwargs):
    started = time.perf_counter()
    value = func(*args, **kwargs)
    return value, time.perf_counter() - started


def _stages(profiler: cProfile.Profile) -> dict[str, float]:
    stats = pstats.Stats(profiler).stats
    out = {}
    for stage, (file, func) in STAGES.items():
        out[stage] = round(
            sum(v[3] for (f, _line, name), v in stats.items() if f.endswith(file) and name == func), 2
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resumes", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="cProfile the batches: where the time goes.")
    args = parser.parse_args()

    from talentflow_demo.delivery import deliver_world
    from talentflow_demo.world import generate_world

    from talentflow.core import runtime, storage
    from talentflow.core.config import get_settings
    from talentflow.hris import ats_exports as ats
    from talentflow.resumes import ingestion as resume_ingestion

    settings = get_settings()
    runtime.up(settings, migrate=False)
    world = settings.home_dir / "bench" / f"resumes-{args.resumes}"
    if not (world / "resumes").exists():
        generate_world(world, seed=13, candidates=args.resumes, employees=20, years=1, recordings=0)
    store = storage.get_store(settings)
    for obj in list(store.list(resume_ingestion.INCOMING)):
        store.delete(obj.key)
    ats.load_export(world / "company", settings=settings)
    deliver_world(world, "bench", settings, exports=False, interviews=False)
    keys = resume_ingestion.pending_keys(settings)

    # The limit: parsing alone (extract + fields) of the same files, measured in the same run.
    from talentflow.resumes import parse_batch

    items = [(k[len(resume_ingestion.INCOMING) :], store.get(k)) for k in keys]
    _, parse_s = _timed(parse_batch, items)
    del items

    profiler = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    totals: dict[str, int] = {}
    for i in range(0, len(keys), args.batch):
        if profiler:
            profiler.enable()
        counts = resume_ingestion.process_batch(keys[i : i + args.batch], "bench", settings=settings)
        if profiler:
            profiler.disable()
        for k, v in counts.items():
            totals[k] = totals.get(k, 0) + v
    seconds = time.perf_counter() - started
    report = {
        "resumes": len(keys),
        "batch": args.batch,
        "profiled": args.profile,  # cProfile slows the Python-heavy stages
        "seconds": round(seconds, 1),
        "resumes_per_s": round(len(keys) / seconds, 1),
        "limit": "parse_batch alone on the same files",
        "parse_only_s": round(parse_s, 1),
        "parse_only_resumes_per_s": round(len(keys) / parse_s, 1),
        "ratio_to_limit": round(parse_s / seconds, 2),
        **totals,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    RESULTS.mkdir(exist_ok=True)
    if profiler:
        report["profile_s"] = _stages(profiler)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        (RESULTS / "resume_pipeline_profile.txt").write_text(out.getvalue())
    (RESULTS / "resume_pipeline.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
