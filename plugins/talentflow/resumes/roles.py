"""Whether a phrase of a job header reads as a job title ("Senior Engineer") or as an employer
("Meridian Retail Group"), by the words of ``data/job_words.yaml``."""

from __future__ import annotations

import re

from talentflow.resumes.lexicon import COMPANY_WORDS, TITLE_WORDS
from talentflow.resumes.normalize import fold


def _words(s: str) -> list[str]:
    # "CEO/President" is two title words; "I/O" or "N/A" stay whole words (single letters)
    return [w for part in re.findall(r"[\w&.'/-]+", fold(s)) for w in _split_slash(part)]


def _split_slash(word: str) -> list[str]:
    pieces = word.split("/")
    return pieces if len(pieces) > 1 and all(len(p) > 1 for p in pieces) else [word]


def title_score(s: str) -> int:
    words = _words(s)
    text = " ".join(words)
    score = sum(1 for w in words if w.strip(".") in TITLE_WORDS)
    score += sum(1 for t in TITLE_WORDS if " " in t and t in text)
    return score


def company_score(s: str) -> int:
    words = _words(s)
    return sum(1 for w in words if w in COMPANY_WORDS) + (
        1 if re.search(r"\b(?:Inc|LLC|Ltd|GmbH|Corp|plc)\b", s) else 0
    )
