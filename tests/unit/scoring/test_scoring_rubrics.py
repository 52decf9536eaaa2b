"""Rubric files: shape, competency names shared with the world generator, error messages."""

from __future__ import annotations

import pytest
import yaml

from scoring_tasks.rubric import (
    LEVELS,
    RUBRIC_DIR,
    RubricError,
    available_rubrics,
    load_rubric,
    rubric_for_job_family,
)

GENERAL = ["communication", "problem_solving", "teamwork", "ownership", "learning_agility", "innovation"]
EXTRAS = {
    "sales": ["customer_focus", "negotiation"],
    "engineering": ["technical_depth", "system_design"],
    "operations": ["process_improvement", "planning"],
    "management": ["leadership", "coaching"],
}


def test_every_job_family_has_a_rubric_plus_general():
    assert available_rubrics() == sorted(["general", *EXTRAS])


def test_general_rubric_has_exactly_the_six_general_competencies():
    assert list(load_rubric("general").competencies) == GENERAL


@pytest.mark.parametrize("family", sorted(EXTRAS))
def test_job_family_rubric_is_general_plus_its_two_extras(family):
    rubric = load_rubric(family)
    assert list(rubric.competencies) == GENERAL + EXTRAS[family]
    assert rubric.job_family == family
    assert rubric.version_tag == f"{family}@2025.1+general@2025.1"
    assert rubric.motivation is not None  # inherited from general


@pytest.mark.parametrize("rubric_id", ["general", *sorted(EXTRAS)])
def test_each_competency_has_questions_and_a_five_level_anchored_scale(rubric_id):
    rubric = load_rubric(rubric_id)
    for comp in rubric.competencies.values():
        assert len(comp.questions) >= 2, comp.key
        assert tuple(comp.levels) == LEVELS
        for level in comp.levels.values():
            assert len(level.anchors) >= 2
            assert all(len(a.split()) >= 4 for a in level.anchors)
    ids = list(rubric.question_index())
    assert len(ids) == len(set(ids))


def test_job_family_without_a_rubric_falls_back_to_general():
    assert rubric_for_job_family("finance").id == "general"
    assert rubric_for_job_family("sales").id == "sales"


def test_unknown_rubric_names_the_available_ones():
    with pytest.raises(RubricError, match=r"unknown rubric 'legal' \(available: engineering, general"):
        load_rubric("legal")


def _write(tmp_path, name, data):
    (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(data))


def _general_copy():
    return yaml.safe_load((RUBRIC_DIR / "general.yaml").read_text())


def test_a_level_missing_from_the_scale_is_reported_with_its_place(tmp_path):
    data = _general_copy()
    del data["competencies"]["teamwork"]["levels"][3]
    _write(tmp_path, "general", data)
    with pytest.raises(RubricError, match=r"competencies\.teamwork\.levels.*exactly 1 to 5"):
        load_rubric("general", tmp_path)


def test_duplicate_question_ids_are_rejected(tmp_path):
    data = _general_copy()
    data["competencies"]["teamwork"]["questions"][0]["id"] = "gen-com-1"
    _write(tmp_path, "general", data)
    with pytest.raises(RubricError, match="question ids must be unique.*gen-com-1"):
        load_rubric("general", tmp_path)


def test_extension_may_not_redefine_a_general_competency(tmp_path):
    _write(tmp_path, "general", _general_copy())
    family = yaml.safe_load((RUBRIC_DIR / "sales.yaml").read_text())
    family["competencies"]["teamwork"] = family["competencies"].pop("negotiation")
    _write(tmp_path, "sales", family)
    with pytest.raises(RubricError, match=r"\['teamwork'\] are already defined in 'general'"):
        load_rubric("sales", tmp_path)


def test_extends_cycle_is_reported(tmp_path):
    a = {"id": "a", "version": "1", "title": "A", "job_family": "a", "extends": "b", "competencies": {}}
    b = {"id": "b", "version": "1", "title": "B", "job_family": "b", "extends": "a", "competencies": {}}
    _write(tmp_path, "a", a)
    _write(tmp_path, "b", b)
    with pytest.raises(RubricError, match="cycle"):
        load_rubric("a", tmp_path)


def test_rubric_that_is_not_yaml_is_reported(tmp_path):
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n")
    with pytest.raises(RubricError, match="not valid YAML"):
        load_rubric("broken", tmp_path)
