"""Correction paths and values, applying corrections over a parsed record, and requisition files for
``talentflow resume match`` (pure: no warehouse, no model)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from talentflow.core.errors import UserError
from talentflow.resumes.corrections import apply_corrections, get_value, parse_path, parse_value
from talentflow.resumes.requisition_files import load_requisition

RECORD = {
    "name": "Jane Exmple",
    "skills": ["Python"],
    "experience": [{"company": None, "title": "Engineer", "start": "2019-01", "end": None}],
    "education": [],
    "experience_years": 4.0,
}


def _c(i: int, path: str, value, minute: int) -> dict:
    return {
        "correction_id": f"c{i}",
        "field_path": path,
        "new_value": value,
        "corrected_at": datetime(2026, 1, 1, 9, minute, tzinfo=UTC),
    }


def test_paths_and_values_are_checked():
    assert parse_path("experience[0].company") == ("experience", 0, "company")
    assert parse_path("skills") == ("skills", None, None)
    for bad in ("experience.company", "experience[0].salary", "nickname", "name[0]", "education[1]"):
        with pytest.raises(UserError, match="unknown field path"):
            parse_path(bad)
    assert parse_value("skills", "Python, SQL , ") == ["Python", "SQL"]
    assert parse_value("skills", '["Go", "Rust"]') == ["Go", "Rust"]
    assert parse_value("experience[0].end", "present") is None
    assert parse_value("experience_years", "3.5") == 3.5
    assert parse_value("education[0].year", "2012") == 2012
    assert parse_value("email", "Jane@Example.COM") == "jane@example.com"
    assert parse_value("name", "null") is None
    for path, raw in (
        ("experience[0].start", "Jan 2019"),
        ("experience_years", "lots"),
        ("experience_years", "99"),
        ("education[0].degree_level", "phd"),
    ):
        with pytest.raises(UserError):
            parse_value(path, raw)


def test_corrections_apply_in_order_and_add_entries():
    corrected = apply_corrections(
        RECORD,
        [
            _c(2, "name", "Jane Example", 5),
            _c(1, "name", "Jane Exampel", 1),  # older: overridden by the later one
            _c(3, "experience[0].company", "Acme Corp", 2),
            _c(4, "education[0].school", "State University", 3),
            _c(5, "skills", ["Python", "SQL"], 4),
        ],
    )
    assert corrected["name"] == "Jane Example"
    assert get_value(corrected, "experience[0].company") == "Acme Corp"
    assert get_value(corrected, "experience[0].title") == "Engineer"  # untouched
    assert corrected["education"] == [
        {"degree": None, "degree_level": None, "school": "State University", "year": None}
    ]
    assert corrected["corrected_fields"] == ["name", "experience[0].company", "education[0].school", "skills"]
    assert RECORD["name"] == "Jane Exmple" and RECORD["experience"][0]["company"] is None  # not mutated
    with pytest.raises(UserError, match="add the next one"):
        apply_corrections(RECORD, [_c(1, "experience[3].company", "X", 1)])


def test_requisition_from_json_yaml_and_text(tmp_path):
    js = tmp_path / "req.json"
    js.write_text(
        json.dumps(
            {
                "id": "REQ-9",
                "title": "Data Engineer",
                "description": "Pipelines.",
                "competency_profile": {"Data modelling": 3, "Stakeholder communication": 2},
                "hard_requirements": {"skills": ["Python", "SQL"], "min_years": 3, "degree": "bachelor"},
                "status": "closed",
            }
        )
    )
    req = load_requisition(js)
    assert req["requisition_id"] == "REQ-9" and req["status"] == "open"
    assert req["required_skills"] == ["Python", "SQL"] and req["min_experience_years"] == 3.0
    assert req["degree"] == "bachelor"
    assert "Data modelling" in req["description"] and req["competencies"] == list(req["competencies"])

    yml = tmp_path / "nurse.yaml"
    yml.write_text("title: Staff Nurse\nrequired_skills: Patient Care, BLS\nmin_experience_years: 2\n")
    req = load_requisition(yml)
    assert (req["requisition_id"], req["required_skills"]) == ("nurse", ["Patient Care", "BLS"])

    jd = tmp_path / "jd.txt"
    jd.write_text(
        "Senior Data Engineer\nAt least 5+ years with Python, SQL and Kubernetes.\n"
        "A Bachelor's degree in Computer Science.\n"
    )
    req = load_requisition(jd)
    assert req["title"] == "Senior Data Engineer" and req["min_experience_years"] == 5.0
    assert {"Python", "SQL", "Kubernetes"} <= set(req["required_skills"])
    assert req["degree"] == "bachelor"

    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n")
    with pytest.raises(UserError, match="one object"):
        load_requisition(bad)
    with pytest.raises(UserError, match="no such"):
        load_requisition(tmp_path / "missing.json")
