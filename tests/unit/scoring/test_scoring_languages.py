"""Interview languages: word counts, sentence splitting, Chinese STAR/specificity cues, Chinese rubrics."""

from __future__ import annotations

import pytest

from scoring_tasks.features import split_sentences, text_features
from scoring_tasks.languages import (
    UnsupportedLanguage,
    base_language,
    convert_text,
    count_words,
    get_language,
    words,
)
from scoring_tasks.manifest import parse_manifest
from scoring_tasks.rubric import RUBRIC_DIR, RubricError, available_rubrics, get_rubric, rubric_dir

STRONG_ZH = (
    "去年我们的订单系统在双十一期间经常超时。我负责在两周内解决这个问题。"
    "我分析了数据库的慢查询，增加了索引和缓存。结果等待时间减少了一半，系统可以处理两倍的流量！"
)
WEAK_ZH = "我们团队一起工作，效果很好。我觉得我是一个很好的团队合作者。"


def test_chinese_words_are_counted_without_spaces():
    jieba = pytest.importorskip("jieba", reason="jieba (requirements-zh.txt) segments Chinese words")
    assert jieba
    # The bug of issue 18: "too_short: answer has 1 words" for a whole Chinese sentence.
    assert count_words("我负责客户服务") >= 3
    assert count_words(STRONG_ZH) > 30
    assert "，" not in words(STRONG_ZH) and "。" not in words(STRONG_ZH)
    assert count_words("I fixed the index, and it worked.") == 7  # English unchanged
    assert count_words("我用 Python 写了一个脚本") >= 5  # mixed text: both counted
    assert count_words("") == 0 and count_words("。！？") == 0


def test_chinese_sentences_split_on_chinese_punctuation():
    assert split_sentences(STRONG_ZH) == [
        "去年我们的订单系统在双十一期间经常超时。",
        "我负责在两周内解决这个问题。",
        "我分析了数据库的慢查询，增加了索引和缓存。",
        "结果等待时间减少了一半，系统可以处理两倍的流量！",
    ]
    assert split_sentences("第一点；第二点？好的") == ["第一点；", "第二点？", "好的"]
    long = "，".join(["我先检查了所有的订单数据和日志文件"] * 12)  # speech without full stops
    pieces = split_sentences(long)
    assert len(pieces) > 1 and all(len(p) <= 80 for p in pieces) and "".join(pieces) == long
    english = "I fixed it. Then it worked."
    assert split_sentences(english) == ["I fixed it.", "Then it worked."]


def test_chinese_star_and_specificity_cues():
    pytest.importorskip("jieba", reason="jieba (requirements-zh.txt) segments Chinese words")
    strong, weak = text_features(STRONG_ZH), text_features(WEAK_ZH)
    assert strong.star_parts == {"situation": True, "task": True, "action": True, "result": True}
    assert strong.quantities >= 3  # 两周, 一半, 两倍
    assert strong.specificity > 0.7 > weak.specificity
    assert weak.star < 0.5 and weak.generic_rate == 1.0 and weak.own_ratio == 0.0
    assert weak.quantities == 0  # "一个" is an article here, not a number
    assert strong.depth > weak.depth


def test_languages_resolve_from_manifest_spelling():
    assert base_language("zh-CN") == base_language("zh_Hans") == base_language("ZH") == "zh"
    assert base_language(None) == "en"
    assert get_language("zh-CN").locale == "zh-CN"
    with pytest.raises(UnsupportedLanguage, match="supported: en, zh"):
        get_language("ja")
    task = parse_manifest(
        {
            "task_id": "t1",
            "candidate_id": "c",
            "interview_id": "i",
            "requisition_id": "r",
            "rubric_id": "general",
            "language": "zh-CN",
            "answers": [
                {"question_id": "gen-com-1", "question": "请讲一次经历。", "text": "我负责客户服务。"}
            ],
        }
    )
    assert task.language == "zh"


@pytest.mark.parametrize("rubric_id", available_rubrics())
def test_chinese_rubrics_share_competencies_and_question_ids(rubric_id):
    """Scores are comparable across languages only if every rubric has the same keys in Chinese."""
    zh_dir = rubric_dir("zh")
    if not (zh_dir / f"{rubric_id}.yaml").is_file():
        pytest.fail(f"rubric {rubric_id} has no Chinese version in {zh_dir}")
    en, zh = get_rubric(rubric_id), get_rubric(rubric_id, language="zh")
    assert zh.language == "zh-CN" and zh.id == en.id
    assert list(zh.competencies) == list(en.competencies)
    assert sorted(zh.question_index()) == sorted(en.question_index())
    for key, comp in zh.competencies.items():
        texts = [comp.title, comp.description, *(q.text for q in comp.questions)]
        texts += [a for level in comp.levels.values() for a in [level.label, *level.anchors]]
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in texts), key
        assert [len(level.anchors) for level in comp.levels.values()] == [
            len(level.anchors) for level in en.competencies[key].levels.values()
        ]
    if en.motivation:
        assert zh.motivation and set(zh.motivation.categories) == set(en.motivation.categories)


def test_a_language_without_rubrics_is_a_clear_error(tmp_path):
    (tmp_path / "general.yaml").write_text((RUBRIC_DIR / "general.yaml").read_text(encoding="utf-8"))
    with pytest.raises(RubricError, match="no rubrics in language 'zh'"):
        rubric_dir("zh", tmp_path)
    assert rubric_dir("en", tmp_path) == tmp_path


def test_traditional_characters_become_simplified():
    pytest.importorskip("opencc", reason="opencc (requirements-zh.txt) converts traditional characters")
    assert convert_text("我們可以處理這個問題", "t2s") == "我们可以处理这个问题"
    assert convert_text("unchanged", None) == "unchanged"
