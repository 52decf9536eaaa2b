"""Attrition: the platform on public HR data beside plain logistic regression, and the statistical
model against the HR rules on the held-out year over many generated worlds.

    python -m bench.bench_attrition [--seeds 3,5,7] [--employees 1000] [--years 3] [--public-only | --worlds-only]

Public data (bench/public_hr.py: fetched from PyPI, hashes checked; never the IBM HR Analytics file):
``talentflow attrition evaluate`` (its mapping in sample_data/mappings, 5-fold, model family chosen
inside each training fold) beside "ten lines of scikit-learn": logistic regression on every column
but the label, the protected ones and those known only after the outcome, one-hot categories,
standardised numbers, the same 5 folds. Writes bench/results/attrition-public.json.

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


def plain_baseline(path: Path, label: str, drop: tuple[str, ...], folds: int = 5) -> float:
    """Cross-validated ROC AUC of plain logistic regression on every other column of the CSV."""
    import pandas as pd
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    data = pd.read_csv(path)
    y = data[label].astype(str).str.lower().isin({"1", "yes", "true"}).to_numpy()
    x = data.drop(columns=[label, "employee_number", *drop])
    categorical = [c for c in x.columns if not pd.api.types.is_numeric_dtype(x[c])]
    pipe = make_pipeline(
        make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), categorical), remainder=StandardScaler()
        ),
        LogisticRegression(max_iter=2000),
    )
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    return float(roc_auc_score(y, cross_val_predict(pipe, x, y, cv=cv, method="predict_proba")[:, 1]))


def public_sets(folds: int = 5) -> list[dict]:
    from bench.public_hr import SETS, FetchError, fetch
    from talentflow.attrition.cli import evaluate_export

    out = []
    for name, spec in SETS.items():
        try:
            path = fetch(name)
        except FetchError as exc:
            print(f"{name}: not measured ({exc})", file=sys.stderr)
            continue
        baseline = plain_baseline(path, spec.label, (*spec.protected, *spec.outcome_columns), folds)
        started = time.perf_counter()
        platform = evaluate_export(path, spec.mapping, folds=folds)
        seconds = time.perf_counter() - started
        row = {
            "dataset": name,
            "source": spec.source,
            "rows": platform["employees"],
            "leavers": platform["leavers"],
            "platform_roc_auc": platform["roc_auc"],
            "plain_logistic_roc_auc": round(baseline, 4),
            "ratio": round(platform["roc_auc"] / baseline, 4),
            "platform_family_per_fold": platform["family_per_fold"],
            "platform_features": platform["features"],
            "left_out_of_every_model": {
                "protected": list(spec.protected),
                "after_outcome": list(spec.outcome_columns),
            },
            "fairness_min_impact_ratio": {k: v["min_impact_ratio"] for k, v in platform["fairness"].items()},
            "proxy_warnings": platform["proxy_warnings"],
            "platform_seconds": round(seconds, 1),
        }
        out.append(row)
        print(
            f"{name}: platform ROC AUC {row['platform_roc_auc']:.4f} vs plain logistic regression "
            f"{row['plain_logistic_roc_auc']:.4f} (ratio {row['ratio']:.3f}; families {platform['family_per_fold']}; "
            f"{row['rows']} rows, {seconds:.0f} s)",
            flush=True,
        )
    return out


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
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--public-only", action="store_true", help="Only the public HR data sets.")
    which.add_argument("--worlds-only", action="store_true", help="Only the generated worlds.")
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one_world(args.one, args.employees, args.years, args.candidates)))
        return
    if not args.worlds_only:
        public = public_sets()
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "attrition-public.json").write_text(json.dumps(public, indent=2))
        if args.public_only:
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
