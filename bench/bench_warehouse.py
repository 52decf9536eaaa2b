"""Warehouse loading and dbt build times on a large synthetic HRIS history.

    python -m bench.bench_warehouse --employees 100000 --years 3

Generates (or reuses, --world) a world, then in one run:
1. COPY upsert (``talentflow.core.warehouse.upsert``) against ``pandas.DataFrame.to_sql`` on the same
   rows (a sample of daily attendance, ``--compare-rows``), both into fresh tables;
2. the whole HRIS export through the mapping loader (COPY, chunked, with GX row validation);
3. ``dbt build`` from scratch (full refresh) and again with nothing new (incremental facts).
Needs the runtime (``talentflow up``). Measures and writes bench/results/warehouse.json; never
fails on timings.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _timed(func, *args, **kwargs):
    started = time.perf_counter()
    value = func(*args, **kwargs)
    return value, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--world", type=Path, default=None, help="Reuse an existing world folder.")
    parser.add_argument("--compare-rows", type=int, default=200_000)
    args = parser.parse_args()

    from sqlalchemy import create_engine
    from talentflow_demo.world import generate_world

    from talentflow.core import airflow_env, runtime, warehouse
    from talentflow.core.config import get_settings
    from talentflow.core.tables.hris import ENTITIES
    from talentflow.hris.load import load_export
    from talentflow.hris.mapping import apply_mapping, load_mapping, read_source
    from talentflow.warehouse_build import dbt_project as dbt

    settings = get_settings()
    runtime.up(settings, migrate=False)
    airflow_env.configure_process(settings)
    report: dict = {"employees": args.employees, "years": args.years}

    world = args.world or settings.home_dir / "bench" / f"world-{args.employees}"
    if not (world / "hris" / "employees.csv").exists():
        _, secs = _timed(
            generate_world,
            world,
            seed=7,
            candidates=1000,
            employees=args.employees,
            years=args.years,
            recordings=0,
        )
        report["generate_s"] = round(secs, 1)
    mapping_path = Path(__file__).resolve().parents[1] / "sample_data" / "mappings" / "larkspur_hris.yaml"
    mapping = load_mapping(mapping_path)

    # 1. COPY upsert vs pandas.to_sql on the same canonical attendance rows.
    em = mapping.entities["attendance"]
    chunk = next(iter(read_source(world / "hris" / em.file, em, chunksize=args.compare_rows)))
    frame, _ = apply_mapping(chunk, ENTITIES["attendance"], em, mapping, em.file)
    spec = warehouse.TableSpec(
        "raw",
        "bench_attendance_copy",
        ENTITIES["attendance"].raw_spec().columns,
        ["employee_id", "work_date"],
    )
    with warehouse.connect(settings) as conn:
        conn.execute("DROP TABLE IF EXISTS raw.bench_attendance_copy, raw.bench_attendance_to_sql")
    with warehouse.connect(settings) as conn:
        _, copy_s = _timed(warehouse.upsert, conn, spec, frame)
    with warehouse.connect(settings) as conn:
        _, reload_s = _timed(warehouse.upsert, conn, spec, frame)
    engine = create_engine(settings.warehouse_dsn.replace("postgresql://", "postgresql+psycopg://", 1))
    _, to_sql_s = _timed(
        frame.to_sql, "bench_attendance_to_sql", engine, schema="raw", index=False, chunksize=10_000
    )
    _, to_sql_multi_s = _timed(
        frame.to_sql,
        "bench_attendance_to_sql",
        engine,
        schema="raw",
        index=False,
        if_exists="replace",
        chunksize=1_000,
        method="multi",
    )
    n = len(frame)
    report["copy_vs_to_sql"] = {
        "rows": n,
        "copy_upsert_s": round(copy_s, 2),
        "copy_upsert_rows_per_s": round(n / copy_s),
        "copy_reload_unchanged_s": round(reload_s, 2),
        "to_sql_s": round(to_sql_s, 2),
        "to_sql_rows_per_s": round(n / to_sql_s),
        "to_sql_multi_s": round(to_sql_multi_s, 2),
        "to_sql_multi_rows_per_s": round(n / to_sql_multi_s),
        "speedup_vs_to_sql": round(to_sql_s / copy_s, 1),
    }
    print(json.dumps(report["copy_vs_to_sql"], indent=2), flush=True)

    # 2. The whole export through the mapping loader.
    summary, load_s = _timed(load_export, world / "hris", mapping, settings=settings, progress=True)
    rows = sum(e.rows_read for e in summary.entities.values())
    report["hris_load"] = {
        "rows": rows,
        "seconds": round(load_s, 1),
        "rows_per_s": round(rows / load_s),
        "rejected": summary.rejected,
    }
    print(json.dumps(report["hris_load"], indent=2), flush=True)

    # 3. dbt: from scratch, then incremental with nothing new.
    _, full_s = _timed(dbt.run, ["build", "--full-refresh"], settings)
    _, incr_s = _timed(dbt.run, ["build"], settings)
    report["dbt_build"] = {"full_refresh_s": round(full_s, 1), "incremental_s": round(incr_s, 1)}
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "warehouse.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
