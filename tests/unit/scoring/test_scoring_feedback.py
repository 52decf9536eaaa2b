"""Candidate feedback and the HR explanation record."""

from __future__ import annotations

import pytest

from scoring_tasks.feedback import candidate_feedback, explanation
from scoring_tasks.model_version import load_model_version
from scoring_tasks.recommend import recommend
from scoring_tasks.rubric import load_rubric
from scoring_tasks.score import Answer, Scorer

STRONG = (
    "Last year our payroll run failed for 120 employees. I was responsible for finding the cause by the "
    "next morning. I compared the failed records with the good ones and wrote a correction script. "
    "As a result everyone was paid on time and the error has not come back."
)
VAGUE = "I think we usually work well as a team. Things generally turn out fine."


@pytest.fixture
def scored(fake_embedder):
    version = load_model_version()
    scorer = Scorer(load_rubric("general"), version, embedder=fake_embedder)
    score = scorer.score_interview(
        [Answer(text=STRONG, competency="problem_solving"), Answer(text=VAGUE, competency="teamwork")]
    )
    return score, version


def test_candidate_feedback_names_strengths_with_their_words_and_concrete_improvements(scored):
    score, _ = scored
    text = candidate_feedback(score, candidate_name="Ana")
    assert text.startswith("Dear Ana,")
    strengths, improve = text.split("What went well:")[1].split("What you could improve:")
    assert "Problem solving" in strengths and "you said:" in strengths
    assert "Teamwork" in improve
    tips = (
        "answer the question",
        "set the scene",
        "finish with the result",
        "own part",
        "one real situation",
    )
    assert any(tip in improve for tip in tips)
    assert "reject" not in text.lower()
    assert "a person reviews every hiring decision" in text


def test_explanation_shows_how_every_score_came_about(scored):
    score, version = scored
    rec = recommend(score.overall, score.confidence, version.thresholds, version.version)
    record = explanation(score, version, rec, transcription_model="tiny.en").model_dump(mode="json")
    assert record["scoring_model_version"] == version.version
    assert record["transcription_model"] == "tiny.en"
    assert {c["competency"] for c in record["competencies"]} == {"problem_solving", "teamwork"}
    contributions = sum(c["contribution_to_overall"] for c in record["competencies"])
    assert contributions == pytest.approx(score.overall, abs=0.2)
    first = record["competencies"][0]
    assert {"anchor_level", "star", "specificity", "depth", "relevance"} <= set(first["features"])
    assert first["evidence"][0]["matched_anchor"]
    assert record["recommendation"]["decision"] in {"advance", "talent_pool", "human_review"}
    assert any("emotion" in item for item in record["not_used"])
    assert record["speech_facts_in_score"] is False
