"""Great Expectations suites from expectations/ against DataFrames and warehouse tables."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from talentflow.core import quality, warehouse
from talentflow.core.quality import DataQualityError


@pytest.fixture
def suite_dir(tmp_path, monkeypatch):
    (tmp_path / "people.json").write_text(
        json.dumps(
            {
                "name": "people",
                "expectations": [
                    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "person_id"}},
                    {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "person_id"}},
                    {
                        "type": "expect_column_values_to_match_regex",
                        "kwargs": {"column": "email", "regex": r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$"},
                    },
                    {
                        "type": "expect_column_values_to_be_between",
                        "kwargs": {"column": "age", "min_value": 16, "max_value": 90},
                    },
                ],
            }
        )
    )
    monkeypatch.setenv("TALENTFLOW_EXPECTATIONS_DIR", str(tmp_path))
    return tmp_path


def _results(conn, suite):
    return warehouse.fetch_all(
        conn,
        "SELECT success, evaluated, failed, failed_expectations, row_count "
        "FROM audit.data_quality_results WHERE suite=%s ORDER BY result_id",
        (suite,),
    )


def test_passing_dataframe_is_recorded(suite_dir, warehouse_conn):
    df = pd.DataFrame({"person_id": ["a", "b"], "email": ["a@x.com", "b@y.org"], "age": [30, 41]})
    report = quality.validate_dataframe(df, "people", "test.people_ok", run_id="r1")
    assert report.success and report.evaluated == 4 and report.failed == 0
    rows = _results(warehouse_conn, "people")
    assert rows[-1]["success"] is True and rows[-1]["row_count"] == 2


def test_failing_dataframe_raises_naming_the_failed_expectations(suite_dir, warehouse_conn):
    df = pd.DataFrame(
        {"person_id": ["a", "a", None], "email": ["bad", "b@y.org", "c@z.io"], "age": [30, 12, 40]}
    )
    with pytest.raises(DataQualityError) as err:
        quality.validate_dataframe(df, "people", "test.people_bad", run_id="r2")
    message = str(err.value)
    for name in (
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_unique",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_be_between",
    ):
        assert name in message
    assert "on email" in message and "bad" in message
    row = _results(warehouse_conn, "people")[-1]
    assert row["success"] is False and row["failed"] == 4
    assert {f["column"] for f in row["failed_expectations"]} == {"person_id", "email", "age"}


def test_failure_can_be_reported_without_raising(suite_dir, tf_runtime):
    df = pd.DataFrame({"person_id": [None], "email": ["a@b.cd"], "age": [20]})
    report = quality.validate_dataframe(df, "people", "t", raise_on_failure=False, record=False)
    assert (
        not report.success and report.failed_expectations[0]["type"] == "expect_column_values_to_not_be_null"
    )


def test_table_validation_runs_in_the_warehouse(suite_dir, tf_runtime):
    spec = warehouse.TableSpec(
        "raw", "test_dq_people", {"person_id": "text", "email": "text", "age": "int"}, ["person_id"]
    )
    with warehouse.connect(tf_runtime) as conn:
        warehouse.upsert(
            conn,
            spec,
            [
                {"person_id": "a", "email": "a@x.com", "age": 30},
                {"person_id": "b", "email": "b@x.com", "age": 99},
            ],
        )
    with pytest.raises(DataQualityError, match="expect_column_values_to_be_between on age"):
        quality.validate_table("raw.test_dq_people", "people")


def test_unknown_suite_is_a_clear_error(suite_dir):
    with pytest.raises(FileNotFoundError, match="no expectation suite 'nope'.*known: \\['people'\\]"):
        quality.load_suite("nope")


def test_shipped_suites_are_well_formed():
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    suites = sorted(quality.expectations_dir().glob("*.json"))
    assert suites, "expectations/ holds no suites"
    for path in suites:
        spec = quality.load_suite(path.stem)
        assert spec["name"] == path.stem
        for exp in spec["expectations"]:
            ExpectationConfiguration(type=exp["type"], kwargs=exp.get("kwargs", {})).to_domain_obj()
