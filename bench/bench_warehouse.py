"""Warehouse loading and dbt build times on a large synthetic HRIS history.

    python -m bench.bench_warehouse --employees 100000 --years 3

Generates (or reuses, --world) a world, then in one run:
1. ``talentflow.core.warehouse.upsert`` (first load, merge, unchanged reload) against its limit, a
   plain ``to_csv`` + one ``COPY (FORMAT csv)`` into a keyless table, and against the row-by-row
   upsert it replaced (bench/legacy_upsert.py), on the same rows (daily attendance, ``--compare-rows``);
2. the whole HRIS export through the mapping loader into empty tables, then again (nothing changes),
   as a ratio to the plain COPY rate of 1;
3. ``dbt build`` from scratch (full refresh) and again with nothing new (``--skip-dbt`` skips it).
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


def _truncate_hris(settings) -> None:
    from talentflow.core import warehouse
    from talentflow.hris.load import ensure_tables

    ensure_tables(settings)
    with warehouse.connect(settings) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT schemaname || '.' || tablename FROM pg_tables "
                "WHERE tablename LIKE 'hris_%' AND schemaname IN ('raw', 'restricted')"
            )
        ]
        conn.execute(f"TRUNCATE {', '.join(tables)}")
        conn.execute("DELETE FROM audit.ingest_errors WHERE source = 'hris'")


def _load_vs_limit(settings, frame, columns, args) -> dict:
    """``warehouse.upsert`` (first load, merge with 10% changed, unchanged reload), the pre-issue-20
    row-by-row upsert, and the limit: ``DataFrame.to_csv`` + one ``COPY (FORMAT csv)`` into a plain
    table without a key."""
    import io

    from bench import legacy_upsert
    from talentflow.core import warehouse

    key = ["employee_id", "work_date"]
    spec = warehouse.TableSpec("raw", "bench_attendance_copy", columns, key)
    legacy_spec = warehouse.TableSpec("raw", "bench_attendance_legacy", columns, key)
    merge_spec = warehouse.TableSpec("raw", "bench_attendance_merge", columns, key)
    tables = "raw.bench_attendance_copy, raw.bench_attendance_legacy, raw.bench_attendance_merge"
    with warehouse.connect(settings) as conn:
        conn.execute(
            f"DROP TABLE IF EXISTS {tables}, raw.bench_attendance_plain, raw.bench_attendance_to_sql"
        )
        cols = ", ".join(f'"{c}" {t}' for c, t in columns.items())
        conn.execute(f"CREATE TABLE raw.bench_attendance_plain ({cols})")

    def plain_copy():
        with warehouse.connect(settings) as conn:
            buf = io.StringIO()
            frame.to_csv(buf, index=False, header=False)
            with conn.cursor().copy("COPY raw.bench_attendance_plain FROM STDIN (FORMAT csv)") as copy:
                copy.write(buf.getvalue())

    def upsert(spec, data=frame, fn=warehouse.upsert):
        with warehouse.connect(settings) as conn:
            return fn(conn, spec, data)

    n = len(frame)
    _, plain_s = _timed(plain_copy)
    first, first_s = _timed(upsert, spec)
    again, reload_s = _timed(upsert, spec)
    # The merge path: a non-empty target that already holds 90% of the keys, 10% of them changed.
    upsert(merge_spec, frame.iloc[: n // 10])
    changed = frame.copy()
    changed.loc[changed.index[: n // 10], "hours"] = changed["hours"].iloc[: n // 10].fillna(0) + 0.5
    merged, merge_s = _timed(upsert, merge_spec, changed.iloc[: n * 9 // 10 + n // 10])
    _, legacy_s = _timed(upsert, legacy_spec, frame, legacy_upsert.upsert)
    out = {
        "rows": n,
        "plain_copy_s": round(plain_s, 2),
        "plain_copy_rows_per_s": round(n / plain_s),
        "upsert_first_load_s": round(first_s, 2),
        "upsert_first_load_rows_per_s": round(n / first_s),
        "upsert_first_load_ratio_to_limit": round(plain_s / first_s, 2),
        "upsert_merge_s": round(merge_s, 2),
        "upsert_merge_rows_per_s": round(n / merge_s),
        "upsert_merge_ratio_to_limit": round(plain_s / merge_s, 2),
        "upsert_merge_counts": {"inserted": merged.inserted, "updated": merged.updated},
        "upsert_reload_unchanged_s": round(reload_s, 2),
        "upsert_reload_ratio_to_limit": round(plain_s / reload_s, 2),
        "reload_changed_rows": again.inserted + again.updated,
        "legacy_upsert_s": round(legacy_s, 2),
        "legacy_upsert_rows_per_s": round(n / legacy_s),
        "speedup_vs_legacy_first_load": round(legacy_s / first_s, 1),
        "speedup_vs_legacy_merge": round(legacy_s / merge_s, 1),
        "inserted": first.inserted,
    }
    if args.to_sql:
        from sqlalchemy import create_engine

        engine = create_engine(settings.warehouse_dsn.replace("postgresql://", "postgresql+psycopg://", 1))
        _, to_sql_s = _timed(
            frame.to_sql, "bench_attendance_to_sql", engine, schema="raw", index=False, chunksize=10_000
        )
        out["to_sql_s"] = round(to_sql_s, 2)
        out["to_sql_rows_per_s"] = round(n / to_sql_s)
    with warehouse.connect(settings) as conn:
        conn.execute(
            f"DROP TABLE IF EXISTS {tables}, raw.bench_attendance_plain, raw.bench_attendance_to_sql"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--world", type=Path, default=None, help="Reuse an existing world folder.")
    parser.add_argument("--compare-rows", type=int, default=1_000_000)
    parser.add_argument("--to-sql", action="store_true", help="Also time pandas.to_sql (slow).")
    parser.add_argument("--skip-dbt", action="store_true", help="Loads only (dbt is bench_warehouse_build).")
    args = parser.parse_args()

    from talentflow_demo.world import generate_world

    from talentflow.core import airflow_env, runtime
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

    # 1. The bulk path against its limit, in the same run, on the same canonical attendance rows.
    em = mapping.entities["attendance"]
    chunk = next(iter(read_source(world / "hris" / em.file, em, chunksize=args.compare_rows)))
    frame, _ = apply_mapping(chunk, ENTITIES["attendance"], em, mapping, em.file)
    report["copy_vs_limit"] = _load_vs_limit(settings, frame, ENTITIES["attendance"].raw_spec().columns, args)
    print(json.dumps(report["copy_vs_limit"], indent=2), flush=True)

    # 2. The whole export through the mapping loader.
    _truncate_hris(settings)
    summary, load_s = _timed(load_export, world / "hris", mapping, settings=settings, progress=True)
    rows = sum(e.rows_read for e in summary.entities.values())
    limit_rps = report["copy_vs_limit"]["plain_copy_rows_per_s"]
    report["hris_load"] = {
        "rows": rows,
        "seconds": round(load_s, 1),
        "rows_per_s": round(rows / load_s),
        "rejected": summary.rejected,
        "limit": "plain COPY rows/s of section 1",
        "ratio_to_limit": round(rows / load_s / limit_rps, 2),
        # Linear in rows: the loader streams fixed-size chunks.
        "extrapolated_100k_employees_s": round(load_s * 100_000 / args.employees),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(report["hris_load"], indent=2), flush=True)
    _, reload_s = _timed(load_export, world / "hris", mapping, settings=settings)
    report["hris_load"]["reload_unchanged_s"] = round(reload_s, 1)
    print(json.dumps(report["hris_load"], indent=2), flush=True)

    # 3. dbt: from scratch, then incremental with nothing new.
    if not args.skip_dbt:
        _, full_s = _timed(dbt.run, ["build", "--full-refresh"], settings)
        _, incr_s = _timed(dbt.run, ["build"], settings)
        report["dbt_build"] = {"full_refresh_s": round(full_s, 1), "incremental_s": round(incr_s, 1)}
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "warehouse.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
