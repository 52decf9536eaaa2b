"""Recommendations are advice: advance, talent pool or human review, never a rejection."""

from __future__ import annotations

import pytest

from scoring_tasks.model_version import Thresholds
from scoring_tasks.recommend import Decision, recommend

THRESHOLDS = Thresholds(advance=70, talent_pool=50, min_confidence=0.45)


def test_there_is_no_reject_decision():
    assert {d.value for d in Decision} == {"advance", "talent_pool", "human_review"}


@pytest.mark.parametrize("overall", [0.0, 10.0, 25.0, 49.9, 50.0, 69.9, 70.0, 100.0, None])
@pytest.mark.parametrize("confidence", [0.0, 0.44, 0.45, 1.0, None])
@pytest.mark.parametrize("consent", [True, False])
def test_no_input_ever_yields_a_rejection(overall, confidence, consent):
    rec = recommend(overall, confidence, THRESHOLDS, "v1", consent=consent)
    assert rec.decision in {Decision.advance, Decision.talent_pool, Decision.human_review}
    assert "reject" not in rec.decision.value
    assert rec.final is False and rec.model_version == "v1"


@pytest.mark.parametrize(
    ("overall", "decision"),
    [
        (95, "advance"),
        (70, "advance"),
        (69.9, "talent_pool"),
        (50, "talent_pool"),
        (49.9, "human_review"),
        (0, "human_review"),
    ],
)
def test_thresholds_decide(overall, decision):
    assert recommend(overall, 0.9, THRESHOLDS, "v1").decision == decision


def test_low_score_goes_to_a_person_and_says_so():
    rec = recommend(12.0, 0.9, THRESHOLDS, "v1")
    assert rec.decision == "human_review"
    assert "never rejected automatically" in rec.reason


def test_low_confidence_goes_to_human_review_even_when_score_is_high():
    assert recommend(95, 0.2, THRESHOLDS, "v1").decision == "human_review"


def test_no_consent_goes_to_human_review():
    rec = recommend(95, 0.9, THRESHOLDS, "v1", consent=False)
    assert rec.decision == "human_review" and "consent" in rec.reason


def test_thresholds_are_configuration():
    strict = Thresholds(advance=90, talent_pool=80, min_confidence=0.0)
    assert recommend(85, 0.9, strict, "v2").decision == "talent_pool"
    assert recommend(85, 0.9, strict, "v2").thresholds == strict
    with pytest.raises(ValueError, match="talent_pool must not exceed"):
        Thresholds(advance=40, talent_pool=60)
