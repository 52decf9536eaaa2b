"""Mapping files declare extra export columns as typed features (issue 21): conversion, row errors,
protected ones kept apart, and the declarations validated with messages that say what to fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from talentflow.core.tables.hris import ENTITIES
from talentflow.hris.mapping import apply_mapping, load_mapping, read_source

MAPPING = """
system: x
as_of: 2026-06-30
entities:
  snapshot:
    file: "*.csv"
    columns: {Id: employee_id, Left: left_company, Gender: sex}
    features:
      DistanceFromHome: numeric
      BusinessTravel: {type: ordinal, order: [Non-Travel, Travel_Rarely, Travel_Frequently]}
      Remote: boolean
      Field: categorical
      LastHike: {type: date, format: "%d/%m/%Y"}
      Religion: {type: categorical, protected: true}
"""
EXPORT = (
    "Id,Left,Gender,DistanceFromHome,BusinessTravel,Remote,Field,LastHike,Religion\n"
    "1,Yes,F,3,travel_rarely,yes,Sales,30/06/2024,a\n"
    "2,No,M,,Non-Travel,no,,,\n"
    "3,No,M,far,Sometimes,maybe,Ops,31/02/2024,b\n"
)


def _apply(tmp_path: Path, body: str = MAPPING, export: str = EXPORT):
    (tmp_path / "m.yaml").write_text(body)
    (tmp_path / "e.csv").write_text(export)
    mapping = load_mapping(tmp_path / "m.yaml")
    em = mapping.entities["snapshot"]
    (chunk,) = read_source(tmp_path / "e.csv", em)
    return apply_mapping(chunk, ENTITIES["snapshot"], em, mapping, str(tmp_path / "e.csv"))


def test_features_are_typed_and_kept_as_json(tmp_path):
    good, errors = _apply(tmp_path)
    first = json.loads(good.loc[0, "features"])
    assert first == {
        "distance_from_home": 3.0,
        "business_travel": 1.0,  # its position in `order`, case-insensitive
        "remote": True,
        "field": "Sales",
        "last_hike": 2.0,  # years between the date and the row's date (as_of)
    }
    assert json.loads(good.loc[1, "features"]) == {
        **dict.fromkeys(first),
        "business_travel": 0.0,
        "remote": False,
    }
    # protected ones never sit beside the others
    assert json.loads(good.loc[0, "protected_features"]) == {"religion": "a"}
    assert "religion" not in good.loc[0, "features"]
    (error,) = errors
    assert error["row_ref"] == "4" and error["reason_code"] == "bad_value"
    for part in ("distance_from_home (from DistanceFromHome): 'far'", "'Sometimes' is not a level of",
                 "remote (from Remote): 'maybe'", "last_hike (from LastHike): '31/02/2024'"):  # fmt: skip
        assert part in error["message"]


def test_raw_and_restricted_tables_have_the_json_columns():
    employees = ENTITIES["employees"]
    assert employees.raw_spec().columns["features"] == "jsonb"
    assert employees.pii_spec().columns["protected_features"] == "jsonb"
    assert "features" not in ENTITIES["attendance"].raw_spec().columns


@pytest.mark.parametrize(
    "features, message",
    [
        ("{Travel: ordinal}", "ordinal feature needs its levels"),
        ("{Travel: {type: numeric, order: [a, b]}}", "'order' is for ordinal features"),
        ("{Field: {type: categorical, monotonic: increasing}}", "no direction"),
        ("{Distance: lengthy}", "Input should be 'numeric'"),
        ("{Tenure: {name: left_company, type: numeric}}", "clashes with a canonical column"),
        ("{Gender: numeric}", "mapped and also declared a feature"),
    ],
)
def test_bad_feature_declarations_say_what_to_fix(tmp_path, features, message):
    body = (
        "system: x\nas_of: 2026-06-30\nentities:\n  snapshot:\n    file: a.csv\n"
        f"    columns: {{Id: employee_id, Gender: sex}}\n    features: {features}\n"
    )
    (tmp_path / "m.yaml").write_text(body)
    with pytest.raises(ValueError, match=message):
        load_mapping(tmp_path / "m.yaml")


def test_only_entities_that_keep_features_accept_them(tmp_path):
    (tmp_path / "m.yaml").write_text(
        "system: x\nentities:\n  exits:\n    file: a.csv\n"
        "    columns: {Id: employee_id, D: exit_date, T: exit_type}\n    features: {Notice: numeric}\n"
    )
    with pytest.raises(ValueError, match="does not keep extra features.*employees, snapshot"):
        load_mapping(tmp_path / "m.yaml")
