"""Which sentences of an answer count: repeats, filler talk, the question read back, word lists."""

from __future__ import annotations

import pytest

from scoring_tasks.answer_checks import (
    check_answer,
    echoes_question,
    filler_kind,
    is_keyword_list,
    speaks_of_work,
)
from scoring_tasks.features import split_sentences

QUESTION = "Tell me about a time you had to explain something complicated to someone without your background."
STORY = (
    "Last year a customer did not understand our new pricing. I drew a one-page diagram and walked "
    "her through it on a call. She signed the renewal the same week."
)


def test_an_honest_story_counts_in_full():
    checks = check_answer(split_sentences(STORY), QUESTION)
    assert checks.verdicts == [None, None, None]
    assert checks.kept == split_sentences(STORY)
    assert checks.shrink == 1.0
    assert checks.flags() == {}


def test_the_same_answer_twice_counts_once_and_costs():
    checks = check_answer(split_sentences(f"{STORY} {STORY}"), QUESTION)
    assert checks.verdicts == [None, None, None, "repeated", "repeated", "repeated"]
    assert checks.kept == split_sentences(STORY)
    assert checks.distinct_words == check_answer(split_sentences(STORY), QUESTION).distinct_words
    assert checks.shrink == pytest.approx(0.75)
    assert "3 of 6 sentences repeat an earlier sentence" in checks.flags()["repeated"]
    assert check_answer(["I fixed the label.", "i fixed the LABEL"]).verdicts == [None, "repeated"]


def test_filler_talk_is_set_aside_but_general_statements_are_scored():
    assert filler_kind("Um, you know, basically, at the end of the day it is what it is.") == "filler"
    assert filler_kind("I always try to do my best and I am a team player.") == "generic"
    assert filler_kind("I drew a diagram, you know, and she signed the next week.") is None
    padded = check_answer(
        split_sentences(f"Um, you know, I mean, it is basically important. {STORY}"), QUESTION
    )
    assert padded.verdicts[0] == "filler"
    assert "filler" in padded.flags()
    assert padded.shrink < 1.0
    assert padded.kept == split_sentences(STORY)


def test_one_filler_phrase_is_not_named():
    checks = check_answer(["I prefer working alone, to be honest."], "")
    assert checks.verdicts == ["filler"]
    assert checks.kept == ["I prefer working alone, to be honest."]  # all there is
    assert checks.flags() == {}


def test_the_question_read_back_does_not_count():
    assert echoes_question(QUESTION, QUESTION)
    assert echoes_question("You want a time I had to explain something complicated.", QUESTION)
    assert echoes_question("What did you do about it?", "Describe a problem. What did you do about it?")
    assert not echoes_question("I had to explain our pricing to a new customer.", QUESTION)
    checks = check_answer(split_sentences(f"{QUESTION} {QUESTION}"), QUESTION)
    assert checks.kept == []
    assert set(checks.flags()) == {"question_echo", "repeated"}


def test_a_list_of_rubric_words_is_not_an_answer():
    assert is_keyword_list("Communication, clarity, audience, listening, stakeholders, feedback.")
    assert is_keyword_list(
        "leadership teamwork ownership communication stakeholder alignment delivery impact"
    )
    assert not is_keyword_list("I called the supplier, checked the order, fixed the label and told the team.")
    checks = check_answer(["Communication, clarity, audience, listening, stakeholders, feedback."], QUESTION)
    assert checks.kept == [] and "keyword_list" in checks.flags()


def test_chinese_answers_are_checked_by_characters():
    question = "请讲一次你向没有专业背景的人解释复杂事情的经历。"
    assert echoes_question("请讲一次你向没有专业背景的人解释复杂事情的经历", question)
    assert not echoes_question("去年我用一张图向客户解释了新的价格方案，她当周就续约了。", question)
    assert is_keyword_list("沟通、倾听、反馈、协作、表达、总结。")
    assert speaks_of_work("去年我去跑了马拉松。")  # not checked for Chinese: never called off-topic


def test_work_cues_tell_a_work_story_from_a_holiday():
    assert speaks_of_work(STORY)
    assert not speaks_of_work("Last summer I cooked dinner for twenty guests and baked four cakes.")
