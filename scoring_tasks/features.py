"""What an answer says, as transparent text features: STAR structure, specificity, depth.

These are rules a reviewer can read and an HR user can be shown: which sentence gave the situation,
which one the candidate's own action, which one a measurable result. They complement the
embedding similarity to the rubric's anchors in ``score.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_MAX_SENTENCE_WORDS = 40

_NUMBER_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
    r"thousand|million|billion|half|halved|third|quarter|double|doubled|twice|triple|tripled|"
    r"percent|per cent"
)
QUANTITY = re.compile(rf"(?:\d+(?:[.,]\d+)*\s*%?|\b(?:{_NUMBER_WORDS})\b)", re.I)

_IRREGULAR_PAST = (
    r"built|made|wrote|rewrote|led|set|ran|took|gave|found|brought|chose|met|told|spoke|began|"
    r"sent|held|drew|put|sought|taught|broke|did|went|got|kept|cut|moved|reached|won|sold|paid|"
    r"showed|knew|understood|paired|split|shut|spent|stood|thought through|undertook|oversaw|"
    r"rebuilt|withdrew|fixed|saw|heard|read|sat|stayed|made sure"
)
_ADVERB = r"(?:\w+ly |then |also |first |personally |immediately |finally |just |actually |still )?"
OWN_ACTION = re.compile(rf"\bI {_ADVERB}(?:\w+ed\b|(?:{_IRREGULAR_PAST})\b|decided to\b)", re.I)
# "I" as the grammatical subject of something the candidate did, not of an opinion or a habit.
_I_HEDGE = (
    r"think|believe|guess|feel|would|'d|am|'m|like|love|hope|try|always|usually|prefer|don't|"
    r"do not|can't|cannot|mean|suppose|know|really|just think|generally|normally"
)
OWN_SUBJECT = re.compile(rf"\bI\b(?!\s+(?:{_I_HEDGE})\b)(?!')", re.I)
COLLECTIVE = re.compile(r"\b(?:we|us|our|ours|the team|everyone|everybody|they|people)\b", re.I)
GENERIC = re.compile(
    r"\b(?:always|usually|generally|normally|typically|in general|I would|I'd|I think|I believe|"
    r"I guess|probably|somehow|things|stuff|a lot of|I try to|I like to|I am a|I'm a|good at|"
    r"team player|hard worker|fast learner|people person|it depends|whatever|kind of|sort of)\b",
    re.I,
)

STAR_PATTERNS = {
    "situation": re.compile(
        r"\b(?:when|while|last (?:year|month|week|quarter|summer|spring|autumn|winter)|"
        r"(?:a few |two |three |several )?(?:years?|months?|weeks?) ago|"
        r"in my (?:last|previous|current|first|old|former) (?:job|role|position|company|team)|"
        r"at my (?:last|previous|current|former) (?:job|company|employer|workplace)|"
        r"at (?:a|an|my) (?:\w+ )?(?:company|startup|bank|hospital|store|shop|warehouse|plant|factory|agency|firm)|"
        r"one time|there was|there were|we had|during|our (?:client|customer|biggest|largest|main|"
        r"key|system|service|warehouse|team|department|project|product)|the situation)\b",
        re.I,
    ),
    "task": re.compile(
        r"\b(?:I was (?:responsible|asked|tasked|in charge|given|supposed|expected|hired)|"
        r"my (?:goal|task|job|role|responsibility|aim|target|challenge|brief) was|"
        r"the (?:goal|task|aim|target|challenge|problem|deadline|objective|issue) was|"
        r"(?:I|we) (?:had|needed|wanted) to|needed to|had to|in order to|deadline|target|objective)\b",
        re.I,
    ),
    "result": re.compile(
        r"\b(?:as a result|result(?:ed|s)?|outcome|in the end|afterwards|since then|which meant|"
        r"that meant|led to|so that|reduced|increased|improved|cut|fell|dropped|rose|grew|saved|"
        r"doubled|halved|won|delivered|achieved|went (?:up|down)|came down|became|promoted|"
        r"approved|adopted|stopped|solved|resolved|on time|ahead of|faster|fewer|lower|higher)\b",
        re.I,
    ),
}


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``; long unpunctuated stretches (raw speech) are cut every ~40 words."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return []
    out: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        words = sentence.split()
        for start in range(0, len(words), _MAX_SENTENCE_WORDS):
            piece = " ".join(words[start : start + _MAX_SENTENCE_WORDS]).strip()
            if piece:
                out.append(piece)
    return out


def sentence_signals(sentence: str) -> list[str]:
    """Which STAR parts and specificity markers one sentence shows (for evidence and explanations)."""
    signals = [part for part, pattern in STAR_PATTERNS.items() if pattern.search(sentence)]
    if OWN_ACTION.search(sentence):
        signals.insert(min(2, len(signals)), "action")
    if QUANTITY.search(sentence):
        signals.append("quantity")
    if GENERIC.search(sentence):
        signals.append("generic")
    return signals


@dataclass
class TextFeatures:
    """Rule-based features of one answer, each in [0, 1] except the counts."""

    words: int
    sentences: list[str]
    star_parts: dict[str, bool]
    quantities: int
    own_mentions: int
    collective_mentions: int
    generic_mentions: int
    signals: list[list[str]] = field(default_factory=list)

    @property
    def star(self) -> float:
        """Share of situation, task, action and result present."""
        return sum(self.star_parts.values()) / 4.0

    @property
    def own_ratio(self) -> float:
        """Own actions ("I did") against collective, general ones ("we", "the team")."""
        total = self.own_mentions + self.collective_mentions
        return self.own_mentions / total if total else 0.0

    @property
    def generic_rate(self) -> float:
        return min(1.0, self.generic_mentions / max(1, len(self.sentences)))

    @property
    def specificity(self) -> float:
        """Numbers and outcomes, own actions over "we", few generalities."""
        return round(
            0.45 * min(1.0, self.quantities / 3.0) + 0.30 * self.own_ratio + 0.25 * (1.0 - self.generic_rate),
            4,
        )

    @property
    def depth(self) -> float:
        """Enough said to judge: 90 words or more count in full."""
        return min(1.0, self.words / 90.0)

    def as_dict(self) -> dict:
        return {
            "words": self.words,
            "star": round(self.star, 3),
            "star_parts": self.star_parts,
            "specificity": round(self.specificity, 3),
            "quantities": self.quantities,
            "own_ratio": round(self.own_ratio, 3),
            "generic_rate": round(self.generic_rate, 3),
            "depth": round(self.depth, 3),
        }


def text_features(text: str, sentences: list[str] | None = None) -> TextFeatures:
    sentences = split_sentences(text) if sentences is None else sentences
    joined = " ".join(sentences)
    signals = [sentence_signals(s) for s in sentences]
    star_parts = {
        "situation": any("situation" in s for s in signals),
        "task": any("task" in s for s in signals),
        "action": any("action" in s for s in signals),
        "result": any("result" in s for s in signals),
    }
    return TextFeatures(
        words=len(joined.split()),
        sentences=sentences,
        star_parts=star_parts,
        quantities=len(QUANTITY.findall(joined)),
        own_mentions=len(OWN_SUBJECT.findall(joined)),
        collective_mentions=len(COLLECTIVE.findall(joined)),
        generic_mentions=len(GENERIC.findall(joined)),
        signals=signals,
    )
