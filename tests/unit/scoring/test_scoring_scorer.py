"""The scorer's arithmetic with a stand-in embedder (validity with MiniLM: tests/integration/scoring)."""

from __future__ import annotations

import pytest

from scoring_tasks.model_version import load_model_version
from scoring_tasks.rubric import RubricError, load_rubric
from scoring_tasks.score import Answer, Scorer
from scoring_tasks.speech_facts import SpeechFacts

STRONG = (
    "Last year our payroll run failed for 120 employees. I was responsible for finding the cause by the "
    "next morning. I compared the failed records with the good ones, found a new bank code format and "
    "wrote a correction script. As a result everyone was paid on time and the error has not come back."
)
VAGUE = "I think problems usually get solved. We generally work on things together as a team."


@pytest.fixture
def scorer(fake_embedder):
    return Scorer(load_rubric("general"), load_model_version(), embedder=fake_embedder)


def facts(wpm: float, fillers: float) -> SpeechFacts:
    return SpeechFacts(
        words=200, duration_s=100, speaking_time_s=90, words_per_minute=wpm, pause_count=3,
        pauses_per_minute=2, mean_pause_s=0.7, longest_pause_s=1.2, filler_count=int(fillers * 2),
        filler_rate_per_100_words=fillers, pause_threshold_s=0.5,
    )  # fmt: skip


def test_specific_star_answer_scores_above_a_vague_one(scorer):
    q = "Tell me about a difficult problem you solved. How did you approach it?"
    strong, vague = scorer.score_answers([Answer(question=q, text=STRONG), Answer(question=q, text=VAGUE)])
    assert strong.competency == vague.competency == "problem_solving"  # found from the question text
    assert strong.score > vague.score + 1.0
    assert 1.0 <= vague.score < strong.score <= 5.0
    assert strong.features["star_parts"] == {"situation": True, "task": True, "action": True, "result": True}
    assert sum(strong.level_probabilities) == pytest.approx(1.0, abs=1e-3)
    assert strong.evidence and all(e.sentence in STRONG for e in strong.evidence)


def test_competency_comes_from_field_then_question_id_then_question(scorer):
    answers = [
        Answer(text=STRONG, competency="ownership"),
        Answer(text=STRONG, question_id="gen-inn-2"),
        Answer(
            text=STRONG, question="Describe a disagreement you had with a colleague. How did you handle it?"
        ),
    ]
    scored = scorer.score_answers(answers)
    assert [a.competency for a in scored] == ["ownership", "innovation", "teamwork"]
    assert not any(a.competency_inferred for a in scored)


def test_unknown_competency_is_an_error_naming_the_answer(scorer):
    with pytest.raises(RubricError, match="answer 2: competency 'negotiation' is not in rubric 'general'"):
        scorer.score_interview(
            [Answer(text=STRONG, competency="teamwork"), Answer(text=STRONG, competency="negotiation")]
        )


def test_overall_is_weighted_with_the_model_versions_weights(fake_embedder):
    version = load_model_version(
        {"version": "weights-test", "competency_weights": {"general": {"teamwork": 3.0, "ownership": 1.0}}}
    )
    scorer = Scorer(load_rubric("general"), version, embedder=fake_embedder)
    result = scorer.score_interview(
        [Answer(text=STRONG, competency="ownership"), Answer(text=VAGUE, competency="teamwork")]
    )
    by = {c.competency: c for c in result.competencies}
    expected = (
        3.0 * (by["teamwork"].score - 1) / 4 * 100 + 1.0 * (by["ownership"].score - 1) / 4 * 100
    ) / 4.0
    assert result.overall == pytest.approx(expected, abs=0.06)
    assert by["teamwork"].weight == 3.0 and result.model_version == "weights-test"
    assert 0 <= result.overall <= 100


def test_competency_score_is_the_mean_of_its_answers(scorer):
    result = scorer.score_interview(
        [Answer(text=STRONG, competency="ownership"), Answer(text=VAGUE, competency="ownership")]
    )
    [comp] = result.competencies
    assert comp.score == pytest.approx(sum(a.score for a in result.answers) / 2, abs=0.051)
    assert (
        comp.level == round(comp.score)
        and comp.label == load_rubric("general").competencies["ownership"].levels[comp.level].label
    )


def test_speech_facts_do_not_count_unless_switched_on(fake_embedder):
    answers = [Answer(text=STRONG, competency="communication")]
    off = Scorer(load_rubric("general"), load_model_version(), embedder=fake_embedder)
    plain = off.score_interview(answers)
    with_facts = off.score_interview(answers, speech_facts=facts(wpm=260, fillers=12))
    assert with_facts.overall == plain.overall and with_facts.speech_facts_used is False

    version = load_model_version({"version": "facts-on", "speech_facts": {"enabled": True, "weight": 0.2}})
    on = Scorer(load_rubric("general"), version, embedder=fake_embedder)
    fluent = on.score_interview(answers, speech_facts=facts(wpm=140, fillers=0))
    halting = on.score_interview(answers, speech_facts=facts(wpm=260, fillers=12))
    assert fluent.speech_facts_used and halting.speech_facts_used
    assert fluent.overall > halting.overall


def test_motivation_is_classified_not_scored(scorer):
    result = scorer.score_interview(
        [
            Answer(text=STRONG, competency="problem_solving"),
            Answer(
                question_id="gen-mot-1",
                text="I want to learn new skills and develop my career into a senior role.",
            ),
        ]
    )
    assert [c.competency for c in result.competencies] == ["problem_solving"]
    assert result.motivation is not None and result.motivation.category == "growth"
    assert set(result.motivation.scores) == {"growth", "stability", "compensation", "mission"}


def test_off_topic_answer_is_pulled_towards_level_one(scorer):
    q = "Give an example of how you helped a teammate who was struggling."
    off_topic = (
        "Sunny weather, warm beaches and 3 ice creams: my holiday in 2019 lasted 14 days and cost 900 euros."
    )
    [answer] = scorer.score_answers([Answer(question=q, text=off_topic, competency="teamwork")])
    assert answer.features["relevance_factor"] == 0.0
    assert answer.score < 2.0


def test_empty_answer_scores_one_with_no_confidence(scorer):
    [answer] = scorer.score_answers([Answer(text="  ", competency="teamwork")])
    assert answer.score == 1.0 and answer.confidence == 0.0 and answer.evidence == []


def test_batch_gives_the_same_scores_as_one_at_a_time(scorer):
    a = [Answer(text=STRONG, competency="ownership")]
    b = [Answer(text=VAGUE, competency="teamwork")]
    batch = scorer.score_interviews([a, b])
    assert [r.overall for r in batch] == [
        scorer.score_interview(a).overall,
        scorer.score_interview(b).overall,
    ]


def test_public_output_has_the_cli_contract(scorer):
    out = scorer.score_interview([Answer(text=STRONG, competency="ownership")]).public()
    assert {"overall", "scores", "evidence", "model_version", "rubric", "dimensions"} <= set(out)
    assert out["scores"]["ownership"] == out["dimensions"][0]["score"]
    assert out["evidence"]["ownership"]
