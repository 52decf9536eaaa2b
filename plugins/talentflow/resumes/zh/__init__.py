"""Chinese resumes (zh-CN): 51job/Zhaopin/BOSS layouts and free-form biographies.

:func:`parse_zh` turns a normalised Chinese resume text into the English parser's ``Fields`` after
dropping its sensitive facts (:mod:`.sensitive`); :func:`is_chinese` is the dispatch test that
``talentflow.resumes.parse`` uses. Word lists live in ``resumes/data/zh.yaml``; segmentation is jieba.
"""

from talentflow.resumes.zh.fields import ZhParse, is_chinese, parse_zh
from talentflow.resumes.zh.text import count_units, count_words

LANGUAGE = "zh-CN"

__all__ = ["LANGUAGE", "ZhParse", "count_units", "count_words", "is_chinese", "parse_zh"]
