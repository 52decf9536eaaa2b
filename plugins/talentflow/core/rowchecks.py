"""Row-level checks of an ``expectations/`` suite, vectorised with pandas, for loaders' hot paths.

``quality.find_bad_rows`` runs a suite through Great Expectations and asks for every unexpected row
index; on millions of rows (HRIS) that costs more than the load itself, and on a batch of resumes
its fixed cost is seconds. The loaders' suites use a few column-map expectations whose row rule is
simple, so this module applies the same rules to whole columns at once and returns the same ``(QualityReport, {row index: [label, ...]})`` (same labels,
recorded in ``audit.data_quality_results`` like GX's). A suite with any other expectation type (or
kwargs this module does not know) goes to GX unchanged, so nothing is ever checked less.
tests/unit/test_rowchecks.py holds the two side by side on the same frames.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from talentflow.core import quality
from talentflow.core.config import Settings

# kwargs each vectorised rule understands; anything else means "let GX do it".
_KNOWN = {
    "expect_column_values_to_be_between": {"column", "min_value", "max_value", "strict_min", "strict_max"},
    "expect_column_values_to_be_in_set": {"column", "value_set"},
    "expect_column_values_to_match_regex": {"column", "regex"},
    "expect_column_values_to_not_be_null": {"column"},
    "expect_column_values_to_be_unique": {"column"},
}
_COMMON = {"mostly", "result_format", "catch_exceptions", "meta"}


def supported(suite: dict, frame: pd.DataFrame) -> bool:
    for exp in suite["expectations"]:
        kwargs = set(exp.get("kwargs", {}))
        known = _KNOWN.get(exp["type"])
        if known is None or not kwargs <= known | _COMMON:
            return False
        if exp["kwargs"].get("column") not in frame.columns:
            return False
    return True


def _unexpected(series: pd.Series, kind: str, kwargs: dict) -> np.ndarray:
    """Boolean mask of rows that break the rule (NULLs break only ``not_be_null``, as in GX)."""
    present = series.notna().to_numpy()
    if kind == "expect_column_values_to_not_be_null":
        return ~present
    if kind == "expect_column_values_to_be_unique":  # every copy of a repeated value, as GX
        return present & series.duplicated(keep=False).to_numpy()
    if kind == "expect_column_values_to_be_in_set":
        return present & ~series.isin(list(kwargs["value_set"])).to_numpy()
    if kind == "expect_column_values_to_match_regex":
        text = series[present].astype(str)
        bad = np.zeros(len(series), dtype=bool)
        bad[present] = ~text.str.contains(re.compile(kwargs["regex"]), regex=True).to_numpy()
        return bad
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = np.zeros(len(series), dtype=bool)
    lo, hi = kwargs.get("min_value"), kwargs.get("max_value")
    with np.errstate(invalid="ignore"):
        if lo is not None:
            bad |= values <= lo if kwargs.get("strict_min") else values < lo
        if hi is not None:
            bad |= values >= hi if kwargs.get("strict_max") else values > hi
    # A present value that is not a number cannot be between anything.
    bad |= present & np.isnan(values)
    return bad


def find_bad_rows(
    frame: pd.DataFrame,
    suite_name: str,
    dataset: str,
    *,
    run_id: str | None = None,
    settings: Settings | None = None,
    record: bool = True,
) -> tuple[quality.QualityReport, dict]:
    """Same contract as ``quality.find_bad_rows``; vectorised when the suite allows it."""
    suite = quality.load_suite(suite_name)
    if not supported(suite, frame):
        return quality.find_bad_rows(
            frame, suite_name, dataset, run_id=run_id, settings=settings, record=record
        )
    bad: dict = {}
    failed = []
    for exp in suite["expectations"]:
        kind, kwargs = exp["type"], exp.get("kwargs", {})
        column = kwargs["column"]
        mask = _unexpected(frame[column], kind, kwargs)
        count = int(mask.sum())
        if not count:
            continue
        nonnull = (
            int(frame[column].notna().sum()) if kind != "expect_column_values_to_not_be_null" else len(frame)
        )
        mostly = kwargs.get("mostly", 1.0)
        if nonnull and 1 - count / nonnull >= mostly:
            continue  # GX calls the expectation a success and reports no bad rows
        label = f"{kind} on {column}"
        for idx in frame.index[mask]:
            bad.setdefault(idx, []).append(label)
        failed.append(
            {
                "type": kind,
                "column": column,
                "kwargs": kwargs,
                "unexpected_count": count,
                "sample": [str(v) for v in frame[column][mask].head(5)],
                "observed_value": None,
                "exception": None,
            }
        )
    report = quality.QualityReport(
        suite_name,
        dataset,
        not failed,
        len(suite["expectations"]),
        len(failed),
        len(frame),
        failed,
    )
    if record:
        quality.record_result(report, run_id=run_id, settings=settings)
    return report, bad
