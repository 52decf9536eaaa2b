"""STAR structure and specificity features: what the rules see in a sentence."""

from __future__ import annotations

import pytest

from scoring_tasks.features import sentence_signals, split_sentences, text_features

STAR_ANSWER = (
    "Last year our warehouse kept missing delivery slots. "
    "I was responsible for getting the on-time rate back up. "
    "I mapped every step, moved the paperwork checks to the supplier and trained the night shift. "
    "As a result, late deliveries fell from 12% to 3% within two months."
)
VAGUE_ANSWER = "I think I'm a team player. We usually work well together and things generally turn out fine."


def test_sentences_are_split_on_punctuation_and_long_speech_is_chunked():
    assert split_sentences("One thing. Another thing! A third? yes") == [
        "One thing.",
        "Another thing!",
        "A third? yes",
    ]
    raw = " ".join(["word"] * 100)  # an unpunctuated transcript
    assert [len(s.split()) for s in split_sentences(raw)] == [40, 40, 20]
    assert split_sentences("   ") == []


def test_full_star_answer_has_all_four_parts():
    feats = text_features(STAR_ANSWER)
    assert feats.star_parts == {"situation": True, "task": True, "action": True, "result": True}
    assert feats.star == 1.0


@pytest.mark.parametrize(
    ("sentence", "part"),
    [
        ("At my previous job the billing system crashed every month.", "situation"),
        ("My goal was to cut the backlog before the audit.", "task"),
        ("I rewrote the import script and tested it on real data.", "action"),
        ("The error rate dropped to zero afterwards.", "result"),
    ],
)
def test_each_star_part_is_recognised(sentence, part):
    assert part in sentence_signals(sentence)


def test_opinions_and_habits_are_not_actions():
    for sentence in ("I think communication matters.", "I would talk to them.", "I always help people."):
        assert "action" not in sentence_signals(sentence)


def test_specific_answer_beats_vague_answer():
    specific, vague = text_features(STAR_ANSWER), text_features(VAGUE_ANSWER)
    assert specific.quantities >= 3  # 12%, 3%, two
    assert specific.own_ratio > 0.6
    assert vague.generic_rate >= 0.5
    assert vague.star == 0.0
    assert specific.specificity > vague.specificity + 0.4


def test_own_actions_against_we():
    own = text_features("I called the supplier. I arranged a visit. I fixed the form.")
    we = text_features("We called the supplier. We arranged a visit. The team fixed the form.")
    assert own.own_ratio == 1.0 and we.own_ratio == 0.0
    assert own.specificity > we.specificity


def test_depth_is_capped():
    assert text_features("word " * 45).depth == pytest.approx(0.5)
    assert text_features("word " * 300).depth == 1.0
