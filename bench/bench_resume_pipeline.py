"""Resume ingestion end to end as the DAG runs it: object store → parse → identity → embed → match →
GX → COPY load → archive, on N world resumes (default 1,000).

    python -m bench.bench_resume_pipeline --resumes 1000 --batch 200

Needs the runtime (``talentflow up``); uses its own world and clears ``incoming/resumes/`` first.
The batched-vs-one-at-a-time embedding comparison is ``bench.bench_resumes``. Measures only;
writes bench/results/resume_pipeline.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resumes", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=200)
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

    started = time.perf_counter()
    totals: dict[str, int] = {}
    for i in range(0, len(keys), args.batch):
        counts = resume_ingestion.process_batch(keys[i : i + args.batch], "bench", settings=settings)
        for k, v in counts.items():
            totals[k] = totals.get(k, 0) + v
    seconds = time.perf_counter() - started
    report = {
        "resumes": len(keys),
        "batch": args.batch,
        "seconds": round(seconds, 1),
        "resumes_per_s": round(len(keys) / seconds, 1),
        **totals,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "resume_pipeline.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
