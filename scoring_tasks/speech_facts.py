"""Descriptive speech facts from word timestamps: speaking rate, pauses, filler words.

They are stored apart from the scores and describe *how much and how fast* someone spoke, nothing
about emotion, face or voice quality. They enter the score only when an operator switches
``speech_facts.enabled`` on in the scoring-model version. Note that whisper tends to drop fillers
("um", "uh") from transcripts, so the filler rate is a lower bound.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel

FILLERS = (
    "um",
    "uh",
    "erm",
    "er",
    "ah",
    "hmm",
    "like",
    "you know",
    "i mean",
    "sort of",
    "kind of",
    "basically",
)
_FILLER = re.compile(r"\b(?:" + "|".join(re.escape(f) for f in FILLERS) + r")\b", re.I)
_WORD = re.compile(r"[\w']+")


class SpeechFacts(BaseModel):
    words: int
    duration_s: float
    speaking_time_s: float
    words_per_minute: float
    pause_count: int
    pauses_per_minute: float
    mean_pause_s: float
    longest_pause_s: float
    filler_count: int
    filler_rate_per_100_words: float
    pause_threshold_s: float
    included_in_score: bool = False

    @property
    def fluency(self) -> float:
        """0-1, used only when an operator enables speech facts: rate in 110-170 wpm, few fillers."""
        wpm = self.words_per_minute
        rate = 1.0 if 110 <= wpm <= 170 else max(0.0, 1.0 - min(abs(wpm - 110), abs(wpm - 170)) / 60)
        fillers = max(0.0, 1.0 - self.filler_rate_per_100_words / 10)
        return round(0.5 * rate + 0.5 * fillers, 3)


def speech_facts(transcripts: Sequence, pause_threshold_s: float = 0.5) -> SpeechFacts:
    """Facts over one or more transcripts (``Transcript`` objects with word timestamps)."""
    words = duration = speaking = longest = pause_total = 0.0
    pauses = fillers = 0
    for transcript in transcripts:
        duration += transcript.duration
        words += len(_WORD.findall(transcript.text))
        fillers += len(_FILLER.findall(transcript.text))
        timed = transcript.words
        if timed:
            speaking += max(0.0, timed[-1].end - timed[0].start)
        for prev, cur in zip(timed, timed[1:], strict=False):
            gap = cur.start - prev.end
            if gap >= pause_threshold_s:
                pauses += 1
                pause_total += gap
                longest = max(longest, gap)
    minutes = speaking / 60 if speaking else duration / 60
    return SpeechFacts(
        words=int(words),
        duration_s=round(duration, 2),
        speaking_time_s=round(speaking, 2),
        words_per_minute=round(words / minutes, 1) if minutes else 0.0,
        pause_count=pauses,
        pauses_per_minute=round(pauses / minutes, 2) if minutes else 0.0,
        mean_pause_s=round(pause_total / pauses, 2) if pauses else 0.0,
        longest_pause_s=round(longest, 2),
        filler_count=fillers,
        filler_rate_per_100_words=round(100 * fillers / words, 2) if words else 0.0,
        pause_threshold_s=pause_threshold_s,
    )
