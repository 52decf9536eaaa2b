"""``dbt build`` with nothing new against a full build and against dbt's own floor, on one world.

    python -m bench.bench_dbt_incremental [--employees 10000 --years 3] [--world PATH]

On its own runtime (a temporary TALENTFLOW_HOME and a free port): generates the world (or reuses
``--world``), loads its HRIS export with the mapping loader, then times, in one run:

1. the floor: ``dbt parse`` and ``dbt build`` selecting no node (start-up, parse, connection: what
   any dbt invocation costs);
2. ``dbt build --full-refresh`` (every model from scratch, every test);
3. ``dbt build`` with nothing new (incremental facts insert nothing; the table marts and the tests
   still run);
4. the same with dbt's own skipping: ``dbt source freshness`` then ``dbt build --select
   source_status:fresher+ state:modified+ --state <previous build>`` (only what new data or changed
   code reaches);
5. ``dbt build`` after one new day of attendance for every employee (a daily HRIS delta).

Reports seconds, each build as a ratio to the full build and to the floor, and the slowest nodes of
each build (from dbt's run_results.json), so what still grows with the data is visible. The figures
for a bigger world are extrapolated only where labelled so. Writes
bench/results/dbt_incremental.json; never fails on timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
MAPPING = Path(__file__).resolve().parents[1] / "sample_data" / "mappings" / "larkspur_hris.yaml"


def _own_runtime(home: Path | None) -> None:
    from talentflow.core.runtime import free_port

    os.environ["TALENTFLOW_HOME"] = str(home or tempfile.mkdtemp(prefix="tf-bench-dbt-"))
    os.environ["TALENTFLOW_PG_PORT"] = str(free_port())
    for var in ("TALENTFLOW_WAREHOUSE_URL", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW_HOME"):
        os.environ.pop(var, None)


def _dbt(settings, args: list[str]) -> dict:
    """One in-process dbt invocation: wall seconds and its nodes' own times."""
    from talentflow.warehouse_build import dbt_project as dbt

    target = dbt.profiles_dir(settings) / "target"
    (target / "run_results.json").unlink(missing_ok=True)
    started = time.perf_counter()
    dbt.run(args, settings)
    seconds = time.perf_counter() - started
    nodes = []
    if (target / "run_results.json").exists() and args[0] == "build":
        results = json.loads((target / "run_results.json").read_text())["results"]
        nodes = sorted(
            ((r["unique_id"], round(r["execution_time"], 2)) for r in results), key=lambda n: -n[1]
        )
    return {
        "args": " ".join(args),
        "seconds": round(seconds, 1),
        "nodes": len(nodes),
        "node_seconds_sum": round(sum(t for _, t in nodes), 1),
        "slowest": [{"node": n, "seconds": t} for n, t in nodes[:8]],
    }


def _freshness(settings) -> float:
    """``dbt source freshness``, which writes sources.json for ``source_status:`` selection; it fails
    when a source is stale or empty (a world without ATS data), which does not matter here."""
    from talentflow.warehouse_build import dbt_project as dbt

    sources = dbt.profiles_dir(settings) / "target" / "sources.json"
    sources.unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        dbt.run(["source", "freshness"], settings)
    except RuntimeError:
        pass
    if not sources.exists():
        raise SystemExit("dbt source freshness wrote no sources.json: see the dbt log")
    return time.perf_counter() - started


def _hris_rows(settings, every_table: bool = False) -> int:
    """Rows already loaded: attendance's, or every raw HRIS table's."""
    from talentflow.core import warehouse

    with warehouse.connect(settings) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'raw' AND tablename LIKE 'hris_%'"
            )
        ]
        wanted = tables if every_table else [t for t in tables if t == "hris_attendance"]
        return sum(conn.execute(f'SELECT count(*) FROM raw."{t}"').fetchone()[0] for t in wanted)


def _add_one_day(settings) -> int:
    """One new attendance day per employee, through the loader's upsert (as a daily export would)."""
    import pandas as pd

    from talentflow.core import warehouse

    with warehouse.connect(settings) as conn:
        cur = conn.execute(
            "SELECT DISTINCT ON (employee_id) * FROM raw.hris_attendance ORDER BY employee_id, work_date DESC"
        )
        last = pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])
        types = dict(
            conn.execute(
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = 'raw.hris_attendance'::regclass AND attnum > 0 AND NOT attisdropped"
            ).fetchall()
        )
        new = last.drop(columns=[warehouse.LOADED_AT]).assign(
            work_date=last["work_date"] + dt.timedelta(days=1), status="present", hours=8
        )
        spec = warehouse.TableSpec(
            "raw", "hris_attendance", {c: types[c] for c in new.columns}, ["employee_id", "work_date"]
        )
        return warehouse.upsert(conn, spec, new, create=False).inserted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--world", type=Path, default=None, help="Reuse a generated world folder.")
    parser.add_argument(
        "--home", type=Path, default=None, help="Reuse this runtime home (its loaded export is kept)."
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "dbt_incremental.json")
    args = parser.parse_args()

    _own_runtime(args.home)
    from talentflow.core import runtime
    from talentflow.core.config import get_settings

    settings = get_settings()
    from talentflow_demo.world import generate_world

    from talentflow.hris.load import load_export
    from talentflow.warehouse_build import dbt_project as dbt

    runtime.up(settings, migrate=False)
    report: dict = {
        "employees": args.employees,
        "years": args.years,
        "cpus": os.cpu_count(),
        "note": "shared 2-core machine: compare the ratios (same run), not the seconds across runs",
    }
    try:
        world = args.world or settings.home_dir / "world"
        if not (world / "hris" / "employees.csv").exists():
            started = time.perf_counter()
            generate_world(
                world, seed=7, candidates=300, employees=args.employees, years=args.years, recordings=0
            )
            report["generate_s"] = round(time.perf_counter() - started, 1)
        if not _hris_rows(settings):
            started = time.perf_counter()
            loaded = load_export(world / "hris", MAPPING, settings=settings)
            report["hris_rows"] = sum(e.rows_read for e in loaded.entities.values())
            report["hris_load_s"] = round(time.perf_counter() - started, 1)
        else:
            report["hris_rows"] = _hris_rows(settings, every_table=True)
        print(json.dumps({k: v for k, v in report.items() if k != "note"}), flush=True)

        state = settings.home_dir / "dbt-state"
        target = dbt.profiles_dir(settings) / "target"
        runs: dict = {}

        def timed(name: str, dbt_args: list[str]) -> None:
            runs[name] = _dbt(settings, dbt_args)
            print(json.dumps({name: {k: runs[name][k] for k in ("seconds", "nodes")}}), flush=True)

        timed("parse", ["parse"])
        timed("build_nothing_selected", ["build", "--select", "tag:bench-selects-nothing"])
        timed("full_refresh", ["build", "--full-refresh"])
        _freshness(settings)  # the state the next selective build compares with
        shutil.rmtree(state, ignore_errors=True)
        shutil.copytree(target, state)
        timed("nothing_new", ["build"])
        freshness_s = _freshness(settings)
        timed(
            "nothing_new_selected",
            ["build", "--select", "source_status:fresher+", "state:modified+", "--state", str(state)],
        )
        runs["nothing_new_selected"]["source_freshness_s"] = round(freshness_s, 1)
        runs["nothing_new_selected"]["seconds_with_freshness"] = round(
            runs["nothing_new_selected"]["seconds"] + freshness_s, 1
        )
        report["one_day_added_rows"] = _add_one_day(settings)
        timed("one_new_day", ["build"])
    finally:
        runtime.down(settings)

    full = runs["full_refresh"]["seconds"]
    floor = runs["build_nothing_selected"]["seconds"]
    for run in runs.values():
        run["ratio_to_full_refresh"] = round(run["seconds"] / full, 3)
        run["ratio_to_floor"] = round(run["seconds"] / floor, 2)
    report["runs"] = runs
    report["limit"] = "dbt build selecting no node (start-up + parse): build_nothing_selected"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2))
    print(
        json.dumps(
            {n: (r["seconds"], r["ratio_to_full_refresh"], r["ratio_to_floor"]) for n, r in runs.items()}
        )
    )
    print(f"written {args.output}")


if __name__ == "__main__":
    main()
