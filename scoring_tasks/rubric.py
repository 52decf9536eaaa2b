"""Interview rubrics: YAML files in ``scoring_tasks/rubrics/``, one per job family plus ``general``.

A rubric lists competencies; each has interview questions and a behaviourally anchored rating scale
(levels 1 to 5, each with a label and example behaviours called anchors). Rubrics in another language
live in a sub-folder (``rubrics/zh-CN/``) with the same ids and competency keys, so a Chinese interview
is scored on the same competencies as an English one (``get_rubric(id, language="zh")``). A job-family rubric
includes ``general`` with ``extends: general`` and adds its own competencies. ``questions_for`` turns
a requisition's competency profile into the interview's question set.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

RUBRIC_DIR = Path(__file__).resolve().parent / "rubrics"
LEVELS = (1, 2, 3, 4, 5)
MOTIVATION = "motivation"
MOTIVATION_CATEGORIES = ("growth", "stability", "compensation", "mission")


class RubricError(ValueError):
    """A rubric is unknown or malformed; the message names the file and the problem."""


class Question(BaseModel):
    id: str = Field(min_length=1)
    text: str = Field(min_length=5)


class Level(BaseModel):
    label: str = Field(min_length=3)
    anchors: list[str] = Field(min_length=1)


class Competency(BaseModel):
    key: str = ""
    title: str
    description: str
    questions: list[Question] = Field(min_length=1)
    levels: dict[int, Level]

    @field_validator("levels")
    @classmethod
    def _five_levels(cls, levels: dict[int, Level]) -> dict[int, Level]:
        if sorted(levels) != list(LEVELS):
            raise ValueError(f"levels must be exactly 1 to 5, got {sorted(levels)}")
        return dict(sorted(levels.items()))


class Motivation(BaseModel):
    """The descriptive motivation question: classified into a category, never scored."""

    question: Question
    categories: dict[str, list[str]]

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, cats: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = set(cats) - set(MOTIVATION_CATEGORIES)
        if unknown or not cats or any(not v for v in cats.values()):
            raise ValueError(
                f"motivation categories must be non-empty and among {MOTIVATION_CATEGORIES}; "
                f"unknown: {sorted(unknown)}"
            )
        return cats


class Rubric(BaseModel):
    id: str
    version: str
    title: str
    job_family: str
    extends: str | None = None
    language: str = "en"
    competencies: dict[str, Competency]
    motivation: Motivation | None = None
    # filled by load_rubric when the rubric extends another
    includes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _keys_and_ids(self) -> Rubric:
        for key, comp in self.competencies.items():
            comp.key = key
        ids = [q.id for c in self.competencies.values() for q in c.questions]
        if self.motivation:
            ids.append(self.motivation.question.id)
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"question ids must be unique, repeated: {dupes}")
        return self

    @property
    def version_tag(self) -> str:
        """What a result records: this rubric and every rubric it includes, with versions."""
        return "+".join([f"{self.id}@{self.version}", *self.includes])

    def competency(self, key: str) -> Competency:
        try:
            return self.competencies[key]
        except KeyError:
            raise RubricError(
                f"competency '{key}' is not in rubric '{self.id}' (has: {', '.join(self.competencies)})"
            ) from None

    def question_index(self) -> dict[str, tuple[str, Question]]:
        """question id -> (competency key or 'motivation', question)."""
        index = {q.id: (c.key, q) for c in self.competencies.values() for q in c.questions}
        if self.motivation:
            index[self.motivation.question.id] = (MOTIVATION, self.motivation.question)
        return index


class InterviewQuestion(BaseModel):
    """One question of a generated interview, with the competency it assesses."""

    question_id: str
    competency: str
    question: str
    weight: float = 0.0


def available_rubrics(directory: Path = RUBRIC_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.yaml"))


def _read(source: Path) -> dict:
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RubricError(f"{source}: not valid YAML ({str(exc).splitlines()[0]})") from exc
    if not isinstance(data, dict):
        raise RubricError(f"{source}: a rubric must be a YAML mapping")
    return data


def _parse(source: Path, data: dict) -> Rubric:
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RubricError(f"{source}: invalid rubric at '{where}': {first['msg']}") from exc


def rubric_dir(language: str | None = None, directory: Path = RUBRIC_DIR) -> Path:
    """The folder of ``language``'s rubrics (English: ``directory`` itself)."""
    from scoring_tasks.languages import base_language, get_language

    if base_language(language) == "en":
        return directory
    folder = directory / get_language(language).rubrics
    if not folder.is_dir():
        raise RubricError(f"no rubrics in language {language!r} (expected them in {folder})")
    return folder


def load_rubric(
    rubric: str | Path = "general", directory: Path = RUBRIC_DIR, language: str | None = None
) -> Rubric:
    """Load a rubric by id (a file in ``directory``, or its ``language`` sub-folder) or by path,
    resolving ``extends``."""
    return _load(str(rubric), str(rubric_dir(language, directory)), ())


@lru_cache(maxsize=32)
def _cached(rubric: str, directory: str) -> Rubric:
    return _load(rubric, directory, ())


def get_rubric(
    rubric: str | Path = "general", directory: Path = RUBRIC_DIR, language: str | None = None
) -> Rubric:
    """Like :func:`load_rubric`, cached per process (rubric files do not change while a DAG runs)."""
    return _cached(str(rubric), str(rubric_dir(language, directory))).model_copy(deep=True)


def _load(rubric: str, directory: str, seen: tuple[str, ...]) -> Rubric:
    path = Path(rubric)
    if path.suffix in {".yaml", ".yml"} or path.is_file():
        source = path
    else:
        source = Path(directory) / f"{rubric}.yaml"
    if not source.is_file():
        known = ", ".join(available_rubrics(Path(directory))) or "none"
        raise RubricError(f"unknown rubric '{rubric}' (available: {known})")
    data = _read(source)
    own = _parse(source, data)
    if not own.extends:
        return own
    if own.extends in seen or own.extends == own.id:
        raise RubricError(f"{source}: 'extends' forms a cycle through '{own.extends}'")
    base = _load(own.extends, str(source.parent), (*seen, own.id))
    clash = sorted(set(base.competencies) & set(own.competencies))
    if clash:
        raise RubricError(f"{source}: competencies {clash} are already defined in '{base.id}'")
    merged = dict(data)
    merged["competencies"] = {
        **{k: v.model_dump(exclude={"key"}) for k, v in base.competencies.items()},
        **data["competencies"],
    }
    if "motivation" not in data and base.motivation:
        merged["motivation"] = base.motivation.model_dump()
    merged["includes"] = [base.version_tag]
    return _parse(source, merged)


def rubric_for_job_family(
    job_family: str | None, directory: Path = RUBRIC_DIR, language: str | None = None
) -> Rubric:
    """The job family's rubric (in ``language``), or ``general`` when the family has none."""
    folder = rubric_dir(language, directory)
    if job_family and (folder / f"{job_family}.yaml").is_file():
        return get_rubric(job_family, folder)
    return get_rubric("general", folder)


def _profile_weights(profile: Mapping[str, float] | Sequence) -> dict[str, float]:
    if isinstance(profile, Mapping):
        weights = {str(k): float(v) for k, v in profile.items()}
    else:
        weights = {}
        for item in profile:
            if isinstance(item, str):
                weights[item] = 1.0
            elif isinstance(item, Mapping):
                weights[str(item["competency"])] = float(item.get("weight", 1.0))
            else:
                name, weight = item
                weights[str(name)] = float(weight)
    bad = {k: v for k, v in weights.items() if not math.isfinite(v) or v < 0}
    if bad:
        raise ValueError(f"competency profile weights must be non-negative numbers, got {bad}")
    return {k: v for k, v in weights.items() if v > 0}


def questions_for(
    competency_profile: Mapping[str, float] | Sequence,
    rubric: Rubric | None = None,
    *,
    total: int | None = None,
    include_motivation: bool = True,
) -> list[InterviewQuestion]:
    """The interview's questions for a requisition's competency profile.

    ``competency_profile`` maps competency -> importance (or lists competencies, equal weight, or
    ``[{"competency": ..., "weight": ...}]``). ``total`` questions (default: one and a half per
    competency) are shared out in proportion to importance, at least one per competency and never
    more than the rubric has; the most important competencies come first. Deterministic: the same
    profile gives the same interview, so candidates for one requisition are asked the same questions.
    The descriptive motivation question is appended (it is not scored).
    """
    rubric = rubric or get_rubric("general")
    weights = _profile_weights(competency_profile)
    if not weights:
        raise ValueError("competency profile is empty: name at least one competency")
    for key in weights:
        rubric.competency(key)  # raises for unknown competencies
    order = sorted(weights, key=lambda k: (-weights[k], list(rubric.competencies).index(k)))
    n = len(order)
    total = total if total is not None else math.ceil(1.5 * n)
    capacity = {k: len(rubric.competencies[k].questions) for k in order}
    total = max(n, min(total, sum(capacity.values())))
    # Largest-remainder apportionment of the questions beyond the first one per competency.
    counts = {k: 1 for k in order}
    extra = total - n
    weight_sum = sum(weights.values())
    quotas = {k: extra * weights[k] / weight_sum for k in order}
    for k in order:
        counts[k] = min(capacity[k], 1 + int(quotas[k]))
    remaining = total - sum(counts.values())
    for k in sorted(order, key=lambda k: (-(quotas[k] - int(quotas[k])), order.index(k))) * 3:
        if remaining <= 0:
            break
        if counts[k] < capacity[k]:
            counts[k] += 1
            remaining -= 1
    questions = [
        InterviewQuestion(
            question_id=q.id,
            competency=k,
            question=q.text,
            weight=round(weights[k] / weight_sum, 4),
        )
        for k in order
        for q in rubric.competencies[k].questions[: counts[k]]
    ]
    if include_motivation and rubric.motivation:
        q = rubric.motivation.question
        questions.append(InterviewQuestion(question_id=q.id, competency=MOTIVATION, question=q.text))
    return questions
