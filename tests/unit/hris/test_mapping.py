"""Mapping files: validation with actionable messages, conversion, codes, scales, row errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from talentflow.core.tables.hris import ENTITIES
from talentflow.hris.mapping import Mapping, apply_mapping, load_mapping, read_source

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "hris"


def test_fixture_mappings_load():
    acme = load_mapping(FIXTURES / "acme_mapping.yaml")
    assert set(acme.entities) == {
        "employees",
        "job_history",
        "performance_reviews",
        "training",
        "compensation",
        "exits",
    }
    assert load_mapping(FIXTURES / "snapshot" / "ibm_style_mapping.yaml").as_of.isoformat() == "2026-06-30"


@pytest.mark.parametrize(
    "body, message",
    [
        ("system: x\nentities: {payroll: {file: a.csv, columns: {a: b}}}", "unknown entity 'payroll'"),
        (
            "system: x\nentities: {exits: {file: a.csv, columns: {Id: employee_id, D: exit_date, T: kind}}}",
            "unknown target columns \\['kind'\\]",
        ),
        (
            "system: x\nentities: {exits: {file: a.csv, columns: {Id: employee_id, D: exit_date}}}",
            "required columns \\['exit_type'\\] are not mapped",
        ),
        ("system: [unclosed", "not valid YAML"),
        (
            "system: x\nentities: {exits: {file: ../../etc/*.csv, columns: {Id: employee_id, D: exit_date, T: exit_type}}}",
            "inside the export folder",
        ),
        (
            "system: x\nentities: {exits: {file: /etc/passwd, columns: {Id: employee_id, D: exit_date, T: exit_type}}}",
            "inside the export folder",
        ),
    ],
)
def test_bad_mappings_say_what_is_wrong(tmp_path, body, message):
    path = tmp_path / "m.yaml"
    path.write_text(body)
    with pytest.raises(ValueError, match=message):
        load_mapping(path)


def test_missing_mapping_file():
    with pytest.raises(FileNotFoundError, match="mapping file not found"):
        load_mapping("/nonexistent/mapping.yaml")


def _mapping(entity: str, **em) -> Mapping:
    return Mapping.model_validate({"system": "t", "entities": {entity: em}})


def test_conversion_codes_scale_and_row_errors():
    m = _mapping(
        "performance_reviews",
        file="r.csv",
        columns={"Id": "employee_id", "When": "review_date", "Score": "rating"},
        dates={"review_date": "%d/%m/%Y"},
        scale={"rating": [1, 4]},
    )
    frame = pd.DataFrame(
        {
            "Id": ["a", "b", "", "d"],
            "When": ["31/12/2024", "31/13/2024", "01/01/2024", "01/02/2024"],
            "Score": ["4", "2", "3", "x"],
        }
    )
    good, errors = apply_mapping(
        frame, ENTITIES["performance_reviews"], m.entities["performance_reviews"], m, "r.csv"
    )
    assert good["employee_id"].tolist() == ["a"]
    assert good["rating"].tolist() == [5.0]
    assert str(good["review_date"].iloc[0]) == "2024-12-31"
    by_row = {e["row_ref"]: e for e in errors}
    assert (
        by_row["3"]["reason_code"] == "bad_value"
        and "'31/13/2024' is not a valid date in format %d/%m/%Y" in by_row["3"]["message"]
    )
    assert by_row["4"]["reason_code"] == "missing_required"
    assert "rating (from Score): 'x' is not a valid number" in by_row["5"]["message"]


def test_unknown_codes_are_rejected_known_and_canonical_pass():
    m = _mapping(
        "exits",
        file="x.csv",
        columns={"Id": "employee_id", "D": "exit_date", "T": "exit_type"},
        codes={"exit_type": {"V": "voluntary", "I": "involuntary"}},
    )
    frame = pd.DataFrame({"Id": ["a", "b", "c"], "D": ["2024-01-01"] * 3, "T": ["V", "voluntary", "Z"]})
    good, errors = apply_mapping(frame, ENTITIES["exits"], m.entities["exits"], m, "x.csv")
    assert good["exit_type"].tolist() == ["voluntary", "voluntary"]
    assert errors == [
        {"row_ref": "4", "reason_code": "unknown_code", "message": "exit_type: unknown code 'Z'"}
    ]


def test_missing_source_column_names_the_column():
    m = _mapping("exits", file="x.csv", columns={"Id": "employee_id", "D": "exit_date", "T": "exit_type"})
    with pytest.raises(ValueError, match="columns \\['T'\\] named in the mapping are not in the export"):
        apply_mapping(
            pd.DataFrame({"Id": ["a"], "D": ["2024-01-01"]}),
            ENTITIES["exits"],
            m.entities["exits"],
            m,
            "x.csv",
        )


def test_employee_versions_hash_attributes_not_pii():
    m = load_mapping(FIXTURES / "acme_mapping.yaml")
    em = m.entities["employees"]
    frame = next(iter(read_source(FIXTURES / "acme_export" / "PEOPLE_EXPORT.csv", em)))
    good, _ = apply_mapping(frame, ENTITIES["employees"], em, m, "PEOPLE_EXPORT.csv")
    changed_pii = frame.copy()
    changed_pii.loc[0, "Mobile"] = "+351 999"
    good2, _ = apply_mapping(changed_pii, ENTITIES["employees"], em, m, "PEOPLE_EXPORT.csv")
    assert good["version_hash"].tolist() == good2["version_hash"].tolist()
    moved = frame.copy()
    moved.loc[0, "Dept_Code"] = "SAL"
    good3, _ = apply_mapping(moved, ENTITIES["employees"], em, m, "PEOPLE_EXPORT.csv")
    assert good3["version_hash"].iloc[0] != good["version_hash"].iloc[0]


def test_nested_json_records_are_flattened():
    m = load_mapping(FIXTURES / "acme_mapping.yaml")
    em = m.entities["training"]
    frame = next(iter(read_source(FIXTURES / "acme_export" / "LEARNING.json", em)))
    good, errors = apply_mapping(frame, ENTITIES["training"], em, m, "LEARNING.json")
    assert errors == [] and good["course_id"].tolist() == ["SD-101", "NEG-2"]
    assert good["hours"].tolist() == [8.0, 6.0]


def test_a_symlink_in_an_export_is_not_followed_out_of_it(tmp_path):
    from talentflow.hris.load import resolve_files

    outside = tmp_path / "secret.csv"
    outside.write_text("Id,D,T\nE1,2024-01-01,voluntary\n")
    export = tmp_path / "export"
    export.mkdir()
    (export / "exits.csv").write_text("Id,D,T\nE2,2024-02-01,voluntary\n")
    (export / "exits-link.csv").symlink_to(outside)
    assert resolve_files(export, "exits*.csv", single_entity=False) == [export / "exits.csv"]


def test_implausible_dates_are_row_errors_not_data():
    m = _mapping(
        "employees",
        file="e.csv",
        columns={"Id": "employee_id", "Hired": "hire_date", "Born": "birth_date"},
    )
    frame = pd.DataFrame(
        {
            "Id": ["ok", "old-hire", "future-birth", "child", "far-future-hire"],
            "Hired": ["2020-03-01", "1850-01-01", "2021-01-01", "2022-01-01", "2090-01-01"],
            "Born": [
                "1990-05-05",
                "1980-01-01",
                "2090-01-01",
                f"{date.today().year - 5}-01-01",
                "1985-01-01",
            ],
        }
    )
    good, errors = apply_mapping(frame, ENTITIES["employees"], m.entities["employees"], m, "e.csv")
    assert good["employee_id"].tolist() == ["ok"]
    messages = " | ".join(e["message"] for e in errors)
    assert "'1850-01-01' is not a plausible hire date" in messages
    assert "'2090-01-01' is not a plausible birth date" in messages
    assert "'2090-01-01' is not a plausible hire date" in messages
    assert len(errors) == 4
