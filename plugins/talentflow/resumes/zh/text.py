"""Chinese text basics: which characters are Han, how long a text is, and word segmentation (jieba).

Chinese has no spaces between words, so every length or word count in the resume code goes through
:func:`count_words` (segmented words) or :func:`count_units` (Han characters plus Latin words), never
``str.split()``: "负责后端服务的设计与开发" is one "word" by spaces and seven by jieba.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from talentflow.core.datafiles import packaged_yaml

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{HAN}]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#.\-']*")
_PUNCT = re.compile(r"^[\W_]+$")


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """The Chinese parser's word lists (``data/zh.yaml``), loaded once."""
    return packaged_yaml("talentflow.resumes", "zh.yaml")


def han_count(text: str) -> int:
    return len(HAN_RE.findall(text))


def han_share(text: str) -> float:
    """Share of Han characters among the letters of ``text`` (0 for a text without letters)."""
    letters = sum(ch.isalpha() for ch in text)
    return han_count(text) / letters if letters else 0.0


def count_units(text: str) -> int:
    """Length of a mixed text: each Han character counts one, each Latin word or number one."""
    return han_count(text) + len(_LATIN_WORD.findall(HAN_RE.sub(" ", text)))


@lru_cache(maxsize=1)
def _tokenizer():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary build at INFO on stderr
    tok = jieba.Tokenizer()
    lex = lexicon()
    for word in [
        *lex["title_heads"],
        *lex["org_suffixes"]["strong"],
        *lex["school_suffixes"],
        *[w for words in lex["degrees"].values() for w in words],
        *[w for words in lex["headings"].values() for w in words],
    ]:
        if HAN_RE.search(word):
            tok.add_word(word, freq=2000)
    for word in _taxonomy_words():
        tok.add_word(word, freq=5000, tag="nz")
    return tok, jieba.posseg.POSTokenizer(tok)


def _taxonomy_words() -> list[str]:
    """The Chinese spellings of the skills taxonomy, kept whole by the segmenter ("机器学习")."""
    from talentflow.resumes.taxonomy import load_taxonomy

    tax = load_taxonomy()
    phrases = [*tax.skills, *tax.certifications]
    return [p.replace(" ", "") for p in phrases if HAN_RE.search(p)]


def segment(text: str) -> list[str]:
    """jieba words of ``text`` (precise mode), whitespace dropped."""
    tok, _ = _tokenizer()
    return [w for w in tok.lcut(text) if w.strip()]


def tag(text: str) -> list[tuple[str, str]]:
    """(word, part-of-speech) pairs from jieba's tagger (``nr`` person, ``ns`` place, ``nt`` organisation)."""
    _, pos = _tokenizer()
    return [(p.word, p.flag) for p in pos.lcut(text) if p.word.strip()]


def count_words(text: str) -> int:
    """Words in a text of any language: jieba's segmentation for Chinese, spaces elsewhere; punctuation
    is no word."""
    if not HAN_RE.search(text):
        return len(text.split())
    return sum(1 for w in segment(text) if not _PUNCT.match(w))


def spaced(text: str) -> str:
    """``text`` with spaces between its Chinese words, so space-tokenised matchers (the skills
    taxonomy) see "熟悉 Python 和 机器学习" instead of one long token."""
    out = []
    for line in text.split("\n"):
        out.append(" ".join(segment(line)) if HAN_RE.search(line) else line)
    return "\n".join(out)
