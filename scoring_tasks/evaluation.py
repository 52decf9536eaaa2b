"""Accuracy measures used by the tests and benchmarks: word error rate for transcription."""

from __future__ import annotations

import re

_NUMBERS = {
    "0": "zero", "1": "one", "2": "two", "3": "three", "4": "four", "5": "five",
    "6": "six", "7": "seven", "8": "eight", "9": "nine", "10": "ten",
}  # fmt: skip
_CONTRACTIONS = {
    "i'm": "i am", "i've": "i have", "i'd": "i would", "i'll": "i will", "it's": "it is",
    "we're": "we are", "we've": "we have", "don't": "do not", "doesn't": "does not",
    "didn't": "did not", "can't": "cannot", "won't": "will not", "that's": "that is",
    "there's": "there is", "wasn't": "was not", "isn't": "is not",
}  # fmt: skip


def normalize(text: str) -> list[str]:
    """Lower-case words without punctuation, contractions expanded, digits 0-10 spelled out."""
    text = text.lower().replace("%", " percent").replace("-", " ")
    words = re.findall(r"[a-z0-9']+", text.replace("’", "'"))
    out: list[str] = []
    for w in words:
        out += _CONTRACTIONS.get(w, _NUMBERS.get(w, w)).split()
    return out


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, by word-level edit distance."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h))
        previous = current
    return previous[-1] / len(ref)
