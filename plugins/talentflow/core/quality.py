"""Data-quality gates: Great Expectations suites from ``expectations/`` run on a DataFrame or a table.

Every run is recorded in ``audit.data_quality_results``; a failed suite raises
``DataQualityError`` naming each failed expectation, which fails the Airflow task that called it.
(airflow-provider-great-expectations cannot be installed beside Airflow 3.3, see DESIGN.md, so the
GX core API is called from here.)
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from talentflow.core.config import Settings, get_settings

log = logging.getLogger(__name__)
# Great Expectations reports usage unless told not to: nothing leaves the machine by default.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def expectations_dir() -> Path:
    return get_settings().expectations_dir


class DataQualityError(RuntimeError):
    """A suite failed; the message names the failed expectations."""

    def __init__(self, report: QualityReport) -> None:
        self.report = report
        super().__init__(report.summary())


@dataclass
class QualityReport:
    suite: str
    dataset: str
    success: bool
    evaluated: int
    failed: int
    row_count: int | None
    failed_expectations: list[dict] = field(default_factory=list)

    def summary(self) -> str:
        if self.success:
            return f"{self.suite} on {self.dataset}: all {self.evaluated} expectations passed"
        parts = []
        for f in self.failed_expectations:
            where = f" on {f['column']}" if f.get("column") else ""
            count = (
                f" ({f['unexpected_count']} unexpected, e.g. {f['sample'][:3]})"
                if f.get("unexpected_count")
                else ""
            )
            parts.append(f"{f['type']}{where}{count}")
        return (
            f"data quality suite '{self.suite}' failed on {self.dataset}: {self.failed} of "
            f"{self.evaluated} expectations failed: " + "; ".join(parts)
        )


def load_suite(name: str) -> dict:
    path = expectations_dir() / f"{name}.json"
    if not path.exists():
        known = sorted(p.stem for p in expectations_dir().glob("*.json"))
        raise FileNotFoundError(f"no expectation suite '{name}' in {expectations_dir()} (known: {known})")
    suite = json.loads(path.read_text())
    if not isinstance(suite.get("expectations"), list):
        raise ValueError(f"{path}: a suite needs an 'expectations' list of {{type, kwargs}}")
    return suite


@lru_cache(maxsize=1)
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return ctx


def _gx_suite(name: str):
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    spec = load_suite(name)
    suite = gx.ExpectationSuite(name=f"{name}-{os.getpid()}-{id(spec)}")
    for exp in spec["expectations"]:
        suite.add_expectation_configuration(
            ExpectationConfiguration(type=exp["type"], kwargs=exp.get("kwargs", {}), meta=exp.get("meta", {}))
        )
    return suite


def _report(result: Any, suite: str, dataset: str, row_count: int | None) -> QualityReport:
    failed = []
    for r in result.results:
        if r.success:
            continue
        cfg = r.expectation_config
        kwargs = {k: v for k, v in cfg.kwargs.items() if k != "batch_id"}
        res = r.result or {}
        failed.append(
            {
                "type": cfg.type,
                "column": kwargs.get("column"),
                "kwargs": kwargs,
                "unexpected_count": res.get("unexpected_count"),
                "sample": [str(v) for v in (res.get("partial_unexpected_list") or [])[:5]],
                "observed_value": str(res.get("observed_value")) if "observed_value" in res else None,
                "exception": (r.exception_info or {}).get("exception_message")
                if isinstance(r.exception_info, dict)
                else None,
            }
        )
    stats = result.statistics
    return QualityReport(
        suite,
        dataset,
        bool(result.success),
        int(stats["evaluated_expectations"]),
        int(stats["unsuccessful_expectations"]),
        row_count,
        failed,
    )


def validate_dataframe(
    df,
    suite: str,
    dataset: str,
    *,
    run_id: str | None = None,
    settings: Settings | None = None,
    record: bool = True,
    raise_on_failure: bool = True,
) -> QualityReport:
    """Validate a pandas DataFrame against ``expectations/<suite>.json``."""
    ctx = _context()
    name = f"df-{suite}-{id(df)}"
    source = ctx.data_sources.add_or_update_pandas(name)
    batch = (
        source.add_dataframe_asset("frame")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": df})
    )
    report = _report(batch.validate(_gx_suite(suite)), suite, dataset, len(df))
    ctx.data_sources.delete(name)
    return _finish(report, run_id, settings, record, raise_on_failure)


def find_bad_rows(
    df,
    suite: str,
    dataset: str,
    *,
    run_id: str | None = None,
    settings: Settings | None = None,
    record: bool = True,
) -> tuple[QualityReport, dict]:
    """Row-level validation: the report plus ``{row index: [failed expectation, ...]}``.

    Loaders use it to quarantine exactly the rows that break a suite and load the rest; the result
    is recorded like any other run, but never raised.
    """
    ctx = _context()
    name = f"rows-{suite}-{id(df)}"
    source = ctx.data_sources.add_or_update_pandas(name)
    batch = (
        source.add_dataframe_asset("frame")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": df})
    )
    result = batch.validate(_gx_suite(suite), result_format={"result_format": "COMPLETE"})
    ctx.data_sources.delete(name)
    bad: dict = {}
    for r in result.results:
        if r.success:
            continue
        cfg = r.expectation_config
        label = cfg.type + (f" on {cfg.kwargs['column']}" if cfg.kwargs.get("column") else "")
        for idx in (r.result or {}).get("unexpected_index_list") or []:
            bad.setdefault(idx, []).append(label)
    report = _report(result, suite, dataset, len(df))
    return _finish(report, run_id, settings, record, raise_on_failure=False), bad


def validate_table(
    table: str,
    suite: str,
    *,
    run_id: str | None = None,
    settings: Settings | None = None,
    record: bool = True,
    raise_on_failure: bool = True,
) -> QualityReport:
    """Validate a warehouse table ``schema.table`` in place (GX pushes the checks down as SQL)."""
    settings = settings or get_settings()
    schema, _, name = table.partition(".")
    if not name:
        raise ValueError(f"table must be 'schema.table', got {table!r}")
    ctx = _context()
    url = settings.warehouse_dsn.replace("postgresql://", "postgresql+psycopg2://", 1)
    source_name = f"wh-{schema}-{name}"
    source = ctx.data_sources.add_or_update_postgres(source_name, connection_string=url)
    asset = source.add_table_asset(name, table_name=name, schema_name=schema)
    batch = asset.add_batch_definition_whole_table("all").get_batch()
    from talentflow.core import warehouse

    with warehouse.connect(settings) as conn:
        row_count = conn.execute(f'SELECT count(*) FROM "{schema}"."{name}"').fetchone()[0]
    report = _report(batch.validate(_gx_suite(suite)), suite, table, row_count)
    ctx.data_sources.delete(source_name)
    return _finish(report, run_id, settings, record, raise_on_failure)


def _finish(report: QualityReport, run_id, settings, record, raise_on_failure) -> QualityReport:
    if record:
        record_result(report, run_id=run_id, settings=settings)
    log.info(report.summary())
    if raise_on_failure and not report.success:
        raise DataQualityError(report)
    return report


def record_result(
    report: QualityReport, *, run_id: str | None = None, settings: Settings | None = None
) -> None:
    from talentflow.core import warehouse

    with warehouse.connect(settings) as conn:
        conn.execute(
            "INSERT INTO audit.data_quality_results (suite, dataset, success, evaluated, failed,"
            " failed_expectations, row_count, run_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            (
                report.suite,
                report.dataset,
                report.success,
                report.evaluated,
                report.failed,
                json.dumps(report.failed_expectations, default=str),
                report.row_count,
                run_id,
            ),
        )
