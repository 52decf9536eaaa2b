"""Interview questions and answers whose quality follows the candidate's latent competencies.

An answer's level (1..5) comes from the candidate's observed quality for that competency. Level 5 is a
full STAR story (situation, task, several "I" actions, a measured result, a lesson); level 1 is vague,
collective ("we") and has no outcome. Text is assembled from varied fragments so that two answers at
the same level rarely read the same; questions and fragments are data (``data/interviews.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from talentflow.core.datafiles import packaged_yaml
from talentflow_demo.world import lexicon
from talentflow_demo.world.lexicon import frozen


@dataclass(frozen=True)
class CompetencyBank:
    questions: tuple[str, ...]
    situations: tuple[str, ...]
    tasks: tuple[str, ...]
    actions: tuple[str, ...]  # past-tense verb phrases: work after "I" and after "we"
    results: tuple[str, ...]  # clauses with numbers ({n}, {n2}, {pct}, {k}, {weeks})
    lessons: tuple[str, ...]  # infinitive phrases
    generic: tuple[str, ...]  # empty statements a weak answer falls back on


@dataclass(frozen=True)
class AnswerFragments:
    """The sentences an answer is assembled from, strongest answers first."""

    intros: tuple[str, ...]  # level 4-5: "At {company} last year,"
    tasks: tuple[str, ...]  # "My job was to {task}."
    first_actions: tuple[str, ...]
    next_actions: tuple[str, ...]
    results: tuple[str, ...]  # "As a result, {r}."
    lessons: tuple[str, ...]
    mid_intros: tuple[str, ...]  # level 3
    vague_results: tuple[str, ...]
    weak_intros: tuple[str, ...]  # level 2
    weak_ends: tuple[str, ...]
    fillers: tuple[str, ...]  # level 1
    low_generic: tuple[str, ...]


_DATA = frozen(packaged_yaml("talentflow_demo.world", "interviews.yaml"))
BANK: dict[str, CompetencyBank] = {
    name: CompetencyBank(**fields) for name, fields in _DATA["competencies"].items()
}
"""Per competency, its questions and the answer material (``data/interviews.yaml``)."""
FRAGMENTS = AnswerFragments(**_DATA["fragments"])
_DATA_ZH = frozen(packaged_yaml("talentflow_demo.world", "interviews_zh.yaml"))
BANK_ZH: dict[str, CompetencyBank] = {
    name: CompetencyBank(**fields) for name, fields in _DATA_ZH["competencies"].items()
}
"""The Chinese bank (``data/interviews_zh.yaml``): the zh-CN rubrics' questions, Chinese answers."""
FRAGMENTS_ZH = AnswerFragments(**_DATA_ZH["fragments"])


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def answer_text(
    competency: str,
    level: int,
    rng: np.random.Generator,
    company: str | None = None,
    concise: bool = False,
    locale: str = "en",
) -> str:
    """An answer to a question on ``competency`` at quality ``level`` (1..5).

    ``concise`` keeps answers short (the spoken recordings), without changing what marks the level.
    ``locale`` ``zh-CN`` answers in Chinese (我 for own actions, 我们 for collective ones).
    """
    if locale == "zh-CN":
        return _answer_text_zh(competency, level, rng, company, concise)
    bank = BANK[competency]
    values = _answer_values(rng, lexicon, company)
    situation = _pick(rng, bank.situations).format(**values)
    action_idx = rng.permutation(len(bank.actions))
    acts = [bank.actions[int(i)] for i in action_idx]
    result = _pick(rng, bank.results).format(**values)
    intro = _pick(rng, FRAGMENTS.intros).format(**values)
    if level >= 5:
        parts = [f"{intro} {situation}."]
        if concise:
            parts = [
                f"{_cap(situation)}.",
                f"I {acts[0]}, and I {acts[1]}.",
                _pick(rng, FRAGMENTS.results).format(r=result),
            ]
        else:
            parts += [
                _pick(rng, FRAGMENTS.tasks).format(task=_pick(rng, bank.tasks)),
                _pick(rng, FRAGMENTS.first_actions).format(a=acts[0]),
                _pick(rng, FRAGMENTS.next_actions).format(a=acts[1]),
                _pick(rng, FRAGMENTS.next_actions[:2]).format(a=acts[2]),
                _pick(rng, FRAGMENTS.results).format(r=result),
                _pick(rng, FRAGMENTS.lessons).format(l=_pick(rng, bank.lessons)),
            ]
    elif level == 4:
        parts = [f"{intro} {situation}."]
        if concise:
            parts = [f"{_cap(situation)}.", f"I {acts[0]}.", _pick(rng, FRAGMENTS.results).format(r=result)]
        else:
            parts += [
                _pick(rng, FRAGMENTS.tasks).format(task=_pick(rng, bank.tasks)),
                f"I {acts[0]}, and I {acts[1]}.",
                _pick(rng, FRAGMENTS.results).format(r=result),
            ]
    elif level == 3:
        lead = f"{_pick(rng, FRAGMENTS.mid_intros)} {situation}."
        if concise:
            parts = [f"I {acts[0]}, and we {acts[1]}.", _pick(rng, FRAGMENTS.vague_results)]
        else:
            parts = [lead, f"I {acts[0]}, and then we {acts[1]}.", _pick(rng, FRAGMENTS.vague_results)]
    elif level == 2:
        parts = [f"{_pick(rng, FRAGMENTS.weak_intros)} we {acts[0]}."]
        if not concise:
            parts.append(_cap(_pick(rng, bank.generic)) + ".")
        parts.append(_pick(rng, FRAGMENTS.weak_ends))
    else:
        parts = [_pick(rng, FRAGMENTS.fillers), _pick(rng, FRAGMENTS.low_generic)]
        if not concise:
            parts.append(_cap(_pick(rng, bank.generic)) + ".")
    return " ".join(parts)


def _answer_values(rng: np.random.Generator, lex, company: str | None) -> dict:
    """The details an answer's story is filled with (one draw order for every language)."""
    return {
        "company": company or _pick(rng, lex.EMPLOYERS),
        "project": _pick(rng, lex.PROJECTS),
        "n": int(rng.integers(2, 10)),
        "n2": int(rng.integers(12, 60)),
        "pct": int(rng.integers(12, 48)),
        "k": int(rng.integers(40, 900)),
        "weeks": int(rng.integers(3, 12)),
    }


def _answer_text_zh(
    competency: str, level: int, rng: np.random.Generator, company: str | None, concise: bool
) -> str:
    """The Chinese answer: the same levels as the English one, sentences joined without spaces."""
    bank, fr = BANK_ZH[competency], FRAGMENTS_ZH
    values = _answer_values(rng, lexicon.for_locale("zh-CN"), company)
    situation = _pick(rng, bank.situations).format(**values)
    acts = [bank.actions[int(i)] for i in rng.permutation(len(bank.actions))]
    result = _pick(rng, bank.results).format(**values)
    intro = _pick(rng, fr.intros).format(**values)
    if level >= 5:
        if concise:
            parts = [
                f"{situation}。",
                f"我{acts[0]}，并且我{acts[1]}。",
                _pick(rng, fr.results).format(r=result),
            ]
        else:
            parts = [
                f"{intro}{situation}。",
                _pick(rng, fr.tasks).format(task=_pick(rng, bank.tasks)),
                _pick(rng, fr.first_actions).format(a=acts[0]),
                _pick(rng, fr.next_actions).format(a=acts[1]),
                _pick(rng, fr.next_actions[:2]).format(a=acts[2]),
                _pick(rng, fr.results).format(r=result),
                _pick(rng, fr.lessons).format(l=_pick(rng, bank.lessons)),
            ]
    elif level == 4:
        if concise:
            parts = [f"{situation}。", f"我{acts[0]}。", _pick(rng, fr.results).format(r=result)]
        else:
            parts = [
                f"{intro}{situation}。",
                _pick(rng, fr.tasks).format(task=_pick(rng, bank.tasks)),
                f"我{acts[0]}，还{acts[1]}。",
                _pick(rng, fr.results).format(r=result),
            ]
    elif level == 3:
        if concise:
            parts = [f"我{acts[0]}，我们还{acts[1]}。", _pick(rng, fr.vague_results)]
        else:
            parts = [
                f"{_pick(rng, fr.mid_intros)}{situation}。",
                f"我{acts[0]}，然后我们{acts[1]}。",
                _pick(rng, fr.vague_results),
            ]
    elif level == 2:
        parts = [f"{_pick(rng, fr.weak_intros)}我们{acts[0]}。"]
        if not concise:
            parts.append(_pick(rng, bank.generic) + "。")
        parts.append(_pick(rng, fr.weak_ends))
    else:
        parts = [_pick(rng, fr.fillers), _pick(rng, fr.low_generic)]
        if not concise:
            parts.append(_pick(rng, bank.generic) + "。")
    return "".join(parts)


def pick_question(competency: str, rng: np.random.Generator, locale: str = "en") -> tuple[str, str]:
    """(question_id, question) for one competency of an interview (``zh-CN``: the Chinese rubric's)."""
    bank = BANK_ZH if locale == "zh-CN" else BANK
    k = int(rng.integers(len(bank[competency].questions)))
    return f"{competency}_{k + 1}", bank[competency].questions[k]


_RESULT_MARKERS = re.compile(r"\b(as a result|in the end|the outcome was|because of that)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z']+")


def answer_quality_proxy(text: str) -> float:
    """A crude, transparent measure of answer quality used by the world's own tests.

    Counts what a behaviourally anchored rubric rewards: a stated result, numbers, first-person
    actions, length; and penalises "we" and hedging. The platform's real scorer is elsewhere.
    """
    words = _WORD.findall(text)
    i_actions = sum(1 for w in words if w == "I")
    we = sum(1 for w in words if w.lower() in ("we", "us"))
    hedges = len(re.findall(r"\b(I think|I guess|not sure|I don't remember|sort of)\b", text, re.IGNORECASE))
    return (
        1.0 * bool(_RESULT_MARKERS.search(text))
        + 1.0 * bool(re.search(r"\d", text))
        + 0.4 * min(i_actions, 5)
        - 0.3 * min(we, 3)
        - 0.5 * hedges
        + min(len(words), 120) / 60.0
    )
