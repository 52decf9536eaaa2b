"""Gaming the scorer must not pay: padded, repeated, echoed, keyword-listed and off-topic answers.

Every honest answer in tests/fixtures/answers/general.yaml at the level its author meant 2 or more is
turned into the answers a candidate (or a tool) might give to look better, and each is scored with
the real MiniLM model beside the honest one:

* padded — filler sentences and filler words added, the story unchanged;
* repeated — the same answer said twice;
* question echo — the question said back, then nothing else;
* keyword list — the competency's rubric words, listed;
* off-topic — a well-told story (situation, own actions, numbers, result) about something the
  question did not ask.

None may score higher than the honest answer it came from; the echo, the keyword list and the
off-topic story must score low (below 2 of 5) and say why: a flag on the answer and a signal on
the evidence sentence that shows it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from scoring_tasks.score import Answer

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "answers" / "general.yaml"

FILLER = (
    "Um, you know, basically, at the end of the day I think this kind of thing is really important. "
    "I always try to do my best and I am a team player, so, like, things usually work out. "
    "I mean, it depends on the situation, but in general I would say communication and hard work are key."
)

OFF_TOPIC = [
    "Last summer I decided to cook dinner for twenty guests at my sister's wedding. I planned the menu "
    "three weeks ahead, bought 12 kilos of vegetables and baked four cakes myself. As a result everyone "
    "was fed on time and we finished 30 minutes early.",
    "Two years ago I trained for my first marathon. I ran four times a week, increased my distance by "
    "ten percent every week and changed my diet. In the end I finished in 3 hours 50 minutes, twenty "
    "minutes faster than my goal.",
    "When we moved house last spring I packed 40 boxes, labelled each one by room and booked the van "
    "for a Saturday. I painted two bedrooms before we moved in. The whole move took one day and nothing "
    "was broken.",
]

# The difference the tests allow between two scores that should be equal: scores are rounded to
# three decimals and the embedding of a longer text moves in the last digits.
TOLERANCE = 0.01


def _honest(scorer) -> list[Answer]:
    items = yaml.safe_load(FIXTURE.read_text())["answers"]
    questions = scorer.rubric.question_index()
    return [
        Answer(
            question=questions[a["question_id"]][1].text,
            text=a["text"].strip(),
            competency=a["competency"],
            question_id=a["question_id"],
        )
        for a in items
        if a["level"] >= 2
    ]


def _keywords(scorer, competency: str) -> str:
    """The rubric's own words for a competency, listed: title, description and level labels."""
    comp = scorer.rubric.competencies[competency]
    text = " ".join([comp.title, comp.description] + [level.label for level in comp.levels.values()])
    words = [w for w in dict.fromkeys(re.findall(r"[a-z]{5,}", text.lower()))]
    return ", ".join(words[:18]) + "."


def _variant(answer: Answer, text: str) -> Answer:
    return answer.model_copy(update={"text": text})


@pytest.fixture(scope="module")
def scored(general_scorer):
    """Each honest answer with its variants, all scored in one batch."""
    honest = _honest(general_scorer)
    variants: dict[str, list[Answer]] = {
        "honest": honest,
        "padded": [_variant(a, f"{FILLER} {a.text} {FILLER}") for a in honest],
        "repeated": [_variant(a, f"{a.text} {a.text}") for a in honest],
        "question_echo": [_variant(a, f"{a.question} {a.question}") for a in honest],
        "keyword_list": [_variant(a, _keywords(general_scorer, a.competency)) for a in honest],
        **{f"off_topic_{k}": [_variant(a, story) for a in honest] for k, story in enumerate(OFF_TOPIC)},
    }
    names = list(variants)
    flat = [a for name in names for a in variants[name]]
    results = general_scorer.score_answers(flat)
    n = len(honest)
    return {name: results[i * n : (i + 1) * n] for i, name in enumerate(names)}


def _higher(scored, variant: str) -> list[str]:
    return [
        f"{h.question_id}: honest {h.score:.2f} -> {variant} {v.score:.2f}"
        for h, v in zip(scored["honest"], scored[variant], strict=True)
        if v.score > h.score + TOLERANCE
    ]


@pytest.mark.parametrize("variant", ["padded", "repeated"])
def test_padding_and_repetition_do_not_raise_the_score(scored, variant):
    assert len(scored["honest"]) >= 30
    assert _higher(scored, variant) == []


def test_a_repeated_answer_is_flagged(scored):
    for v in scored["repeated"]:
        assert "repeated" in v.flags, v.question_id


def test_padding_is_flagged_as_filler(scored):
    for v in scored["padded"]:
        assert "filler" in v.flags, v.question_id
        assert all(FILLER.split(".")[0] not in e.sentence for e in v.evidence), v.question_id


@pytest.mark.parametrize(
    "variant, flag",
    [
        ("question_echo", "question_echo"),
        ("keyword_list", "keyword_list"),
        ("off_topic_0", "off_topic"),
        ("off_topic_1", "off_topic"),
        ("off_topic_2", "off_topic"),
    ],
)
def test_gamed_answers_score_low_and_say_why(scored, variant, flag):
    assert _higher(scored, variant) == []
    for v in scored[variant]:
        assert v.score < 2.0, f"{variant} for {v.question_id} scored {v.score}"
        assert flag in v.flags, f"{variant} for {v.question_id}: flags {v.flags}"
        assert v.flags[flag]  # a reason a person can read
        assert v.evidence and flag in v.evidence[0].signals, f"{variant} for {v.question_id}"


def test_honest_answers_are_not_taken_for_gamed_ones(scored, general_scorer):
    """No honest answer is flagged as repeated, echoed, listed or off-topic; one with substance (the
    level its author meant 3 or more) not even as filler: the fixture's rambling level-2 answer may be."""
    levels = {a["text"].strip(): a["level"] for a in yaml.safe_load(FIXTURE.read_text())["answers"]}
    flagged = {
        h.question_id: h.flags
        for a, h in zip(_honest(general_scorer), scored["honest"], strict=True)
        if set(h.flags) - {"filler"} or (h.flags and levels[a.text] >= 3)
    }
    assert flagged == {}
