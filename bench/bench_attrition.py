"""Attrition: the statistical model against the HR rules on the held-out year, over many worlds.

    python -m bench.bench_attrition [--seeds 3,5,7] [--employees 1000] [--years 3]

Each world runs in its own process on its own embedded runtime (a temporary TALENTFLOW_HOME):
generate → load the HRIS export through the mapping loader (COPY) → dbt build → the platform's own
held-out comparison (``talentflow.attrition.evaluate.evaluate_held_out``) → the generator's hazard
oracle on the same held-out rows. Writes bench/results/attrition.json. A benchmark measures: it never
fails on the figures.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
MAPPING = Path(__file__).resolve().parents[1] / "sample_data" / "mappings" / "larkspur_hris.yaml"
SEEDS = "3,5,7,11,13,17,19,23,29,31,37,41,43,47,53,59"


def one_world(seed: int, employees: int, years: int, candidates: int) -> dict:
    """Runs in a child process whose TALENTFLOW_HOME is a fresh temporary folder."""
    from sklearn.metrics import roc_auc_score
    from talentflow_demo.world import generate_world
    from talentflow_demo.world.oracle import HazardOracle

    from talentflow.attrition import features
    from talentflow.attrition.evaluate import evaluate_held_out
    from talentflow.core import airflow_env, runtime, warehouse
    from talentflow.core import tables as raw_tables
    from talentflow.core.config import get_settings
    from talentflow.hris.load import load_export
    from talentflow.warehouse_build import dbt_project as dbt

    settings = get_settings()
    runtime.up(settings, migrate=False)
    airflow_env.configure_process(settings)
    started = time.perf_counter()
    try:
        world = settings.home_dir / "world"
        generate_world(
            world, seed=seed, candidates=candidates, employees=employees, years=years, recordings=0
        )
        raw_tables.ensure_all(settings)
        load_export(world / "hris", MAPPING, settings=settings)
        dbt.run(["build", "--quiet"], settings)
        with warehouse.connect(settings) as conn:
            outcome = evaluate_held_out(conn)
            rows = features.landmark_rows(conn, outcome.split.held_out, outcome.scorer.horizon_months)
            keys = {
                r["employee_key"]: r["employee_id"]
                for r in warehouse.fetch_all(
                    conn, "SELECT employee_key, employee_id FROM restricted.employee_key_map"
                )
            }
        y = rows[features.LABEL].to_numpy()
        oracle = roc_auc_score(y, HazardOracle(world).score(rows, keys)) if 0 < y.sum() < len(y) else None
        summary = outcome.summary()
        return {
            "seed": seed,
            "rules_auc": summary["rules_auc"],
            "model_auc": summary["model_auc"],
            "oracle_auc": round(oracle, 4) if oracle is not None else None,
            "used": summary["used"],
            "held_out_rows": summary["held_out_rows"],
            "held_out_leavers": summary["held_out_positives"],
            "model_precision_at_top_decile": summary["model_precision_at_top_decile"],
            "rules_precision_at_top_decile": summary["rules_precision_at_top_decile"],
            "seconds": round(time.perf_counter() - started, 1),
        }
    finally:
        runtime.down(settings)


def summarise(worlds: list[dict]) -> dict:
    paired = [w for w in worlds if w["model_auc"] is not None and w["rules_auc"] is not None]
    diffs = [w["model_auc"] - w["rules_auc"] for w in paired]
    n = len(diffs)
    mean = sum(diffs) / n if n else None
    sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1)) if n > 1 else None

    def avg(key):
        values = [w[key] for w in paired if w[key] is not None]
        return round(sum(values) / len(values), 4) if values else None

    return {
        "worlds": n,
        "model_wins": sum(d > 0 for d in diffs),
        "mean_model_auc": avg("model_auc"),
        "mean_rules_auc": avg("rules_auc"),
        "mean_oracle_auc": avg("oracle_auc"),
        "mean_difference": round(mean, 4) if mean is not None else None,
        "paired_t": round(mean / (sd / math.sqrt(n)), 2) if sd else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default=SEEDS, help="Comma-separated world seeds.")
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--candidates", type=int, default=80, help="Candidates per world (the tests use 80).")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one_world(args.one, args.employees, args.years, args.candidates)))
        return

    from talentflow.core.runtime import free_port

    worlds = []
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    for i, seed in enumerate(seeds, 1):
        home = Path(tempfile.mkdtemp(prefix=f"talentflow-bench-attrition-{seed}-"))
        env = {**os.environ, "TALENTFLOW_HOME": str(home), "TALENTFLOW_PG_PORT": str(free_port())}
        for var in ("AIRFLOW_HOME", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__CORE__DAGS_FOLDER"):
            env.pop(var, None)
        try:
            out = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.bench_attrition",
                    "--one",
                    str(seed),
                    "--employees",
                    str(args.employees),
                    "--years",
                    str(args.years),
                    "--candidates",
                    str(args.candidates),
                ],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
        finally:
            shutil.rmtree(home, ignore_errors=True)
        if out.returncode != 0:
            print(f"[{i}/{len(seeds)}] seed {seed}: failed\n{out.stderr[-2000:]}", file=sys.stderr)
            continue
        world = json.loads(out.stdout.strip().splitlines()[-1])
        worlds.append(world)
        print(
            f"[{i}/{len(seeds)}] seed {seed}: model {world['model_auc']}, rules {world['rules_auc']}, "
            f"oracle {world['oracle_auc']} ({world['held_out_leavers']} leavers in {world['held_out_rows']} "
            f"rows; {world['used']} used; {world['seconds']} s)",
            flush=True,
        )
    report = {
        "employees": args.employees,
        "years": args.years,
        "candidates": args.candidates,
        "horizon_months": 6,
        "summary": summarise(worlds),
        "worlds": worlds,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"attrition-{args.employees}x{args.candidates}.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report["summary"], indent=2))


if __name__ == "__main__":
    main()
