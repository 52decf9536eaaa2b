"""The vectorised row checks flag exactly the rows Great Expectations flags, with the same labels."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from talentflow.core import quality, rowchecks

SUITES = [
    "hris_attendance",
    "hris_compensation",
    "hris_employees",
    "hris_performance_reviews",
    "resume_submissions",
]


def _frame(suite: str, n: int = 400) -> pd.DataFrame:
    """Columns each expectation of ``suite`` names, with good values, bad values and NULLs mixed."""
    rng = np.random.default_rng(len(suite))
    spec = quality.load_suite(suite)
    frame = pd.DataFrame(index=range(n))
    for exp in spec["expectations"]:
        col, kw = exp["kwargs"]["column"], exp["kwargs"]
        if col in frame:
            continue
        if exp["type"] == "expect_column_values_to_be_between":
            lo, hi = kw.get("min_value") or 0, kw.get("max_value") or 100
            values = rng.uniform(lo - (hi - lo) * 0.2, hi + (hi - lo) * 0.2, n).round(1)
            values[::7] = lo  # the bounds themselves
            values[::11] = hi
            frame[col] = pd.Series(values, dtype=object).where(rng.random(n) > 0.1, None)
        elif exp["type"] == "expect_column_values_to_be_in_set":
            choices = [*kw["value_set"], "bogus", "", None]
            frame[col] = pd.Series([choices[i] for i in rng.integers(0, len(choices), n)], dtype=object)
        elif exp["type"] == "expect_column_values_to_match_regex":
            choices = ["E100001", "E1", "X100001", "e100001x", None, ""]
            frame[col] = pd.Series([choices[i] for i in rng.integers(0, len(choices), n)], dtype=object)
        else:
            frame[col] = pd.Series([None if i % 5 == 0 else f"v{i}" for i in range(n)], dtype=object)
    return frame


@pytest.mark.parametrize("suite", SUITES)
def test_vectorised_rows_equal_great_expectations_rows(suite):
    frame = _frame(suite)
    assert rowchecks.supported(quality.load_suite(suite), frame)
    fast_report, fast = rowchecks.find_bad_rows(frame, suite, "t", record=False)
    gx_report, gx = quality.find_bad_rows(frame, suite, "t", record=False)
    assert fast, "the frame must contain bad rows for the comparison to mean anything"
    assert {k: sorted(v) for k, v in fast.items()} == {k: sorted(v) for k, v in gx.items()}
    assert (fast_report.success, fast_report.evaluated, fast_report.failed) == (
        gx_report.success,
        gx_report.evaluated,
        gx_report.failed,
    )


def test_unknown_expectation_goes_to_great_expectations(tmp_path, monkeypatch):
    suite = {
        "name": "odd",
        "expectations": [
            {"type": "expect_column_value_lengths_to_be_between", "kwargs": {"column": "a", "max_value": 2}}
        ],
    }
    (tmp_path / "odd.json").write_text(json.dumps(suite))
    monkeypatch.setattr(quality, "expectations_dir", lambda: tmp_path)
    frame = pd.DataFrame({"a": ["ok", "too long", None]})
    assert not rowchecks.supported(suite, frame)
    _, bad = rowchecks.find_bad_rows(frame, "odd", "t", record=False)
    assert bad == {1: ["expect_column_value_lengths_to_be_between on a"]}


def test_unique_flags_every_copy_of_a_repeated_value_like_great_expectations(tmp_path, monkeypatch):
    suite = {
        "name": "u",
        "expectations": [{"type": "expect_column_values_to_be_unique", "kwargs": {"column": "k"}}],
    }
    (tmp_path / "u.json").write_text(json.dumps(suite))
    monkeypatch.setattr(quality, "expectations_dir", lambda: tmp_path)
    frame = pd.DataFrame({"k": ["a", "b", "a", None, None, "c", "b"]})
    _, fast = rowchecks.find_bad_rows(frame, "u", "t", record=False)
    _, gx = quality.find_bad_rows(frame, "u", "t", record=False)
    assert fast == gx == {i: ["expect_column_values_to_be_unique on k"] for i in (0, 1, 2, 6)}
