"""Interview question sets generated from a requisition's competency profile."""

from __future__ import annotations

import pytest

from scoring_tasks.rubric import MOTIVATION, RubricError, load_rubric, questions_for


def test_question_set_follows_the_profile_most_important_first():
    rubric = load_rubric("engineering")
    profile = {"technical_depth": 3, "system_design": 2, "communication": 1, "teamwork": 1}
    questions = questions_for(profile, rubric)
    comps = [q.competency for q in questions]
    assert comps == [
        "technical_depth",
        "technical_depth",
        "system_design",
        "system_design",
        "communication",
        "teamwork",
        MOTIVATION,
    ]
    assert len({q.question_id for q in questions}) == len(questions)
    assert all(q.question for q in questions)
    assert questions[0].weight == pytest.approx(3 / 7, abs=1e-3)


def test_same_profile_gives_same_interview():
    profile = ["communication", "ownership", "innovation"]
    assert questions_for(profile) == questions_for(profile)


def test_every_competency_gets_at_least_one_question_and_no_more_than_exist():
    rubric = load_rubric("sales")
    questions = questions_for({"negotiation": 100, "teamwork": 1}, rubric, total=20, include_motivation=False)
    counts = {c: sum(q.competency == c for q in questions) for c in ("negotiation", "teamwork")}
    assert counts == {"negotiation": 3, "teamwork": 3}  # each competency has three questions


def test_profile_as_weighted_records():
    questions = questions_for(
        [{"competency": "teamwork", "weight": 2}, {"competency": "ownership", "weight": 1}],
        total=2,
        include_motivation=False,
    )
    assert [q.competency for q in questions] == ["teamwork", "ownership"]


def test_motivation_question_is_added_and_marked_unscored():
    last = questions_for(["communication"])[-1]
    assert last.competency == MOTIVATION and last.question_id == "gen-mot-1"


def test_unknown_competency_is_named():
    with pytest.raises(RubricError, match="competency 'negotiation' is not in rubric 'engineering'"):
        questions_for(["negotiation"], load_rubric("engineering"))


@pytest.mark.parametrize("profile", [{}, {"teamwork": 0}])
def test_empty_profile_is_an_error(profile):
    with pytest.raises(ValueError, match="profile is empty"):
        questions_for(profile)


def test_negative_weight_is_an_error():
    with pytest.raises(ValueError, match="non-negative"):
        questions_for({"teamwork": -1})
