"""The scoring-model version: the weights and thresholds that turn features into scores.

It is data, not code (``scoring_tasks/models/default.yaml``), so feedback retraining can publish a
new version without a release; every result records the version that produced it.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

MODEL_DIR = Path(__file__).resolve().parent / "models"


class FeatureWeights(BaseModel):
    anchors: float = Field(0.40, ge=0)
    star: float = Field(0.15, ge=0)
    specificity: float = Field(0.30, ge=0)
    depth: float = Field(0.15, ge=0)

    @model_validator(mode="after")
    def _not_all_zero(self) -> FeatureWeights:
        if self.anchors + self.star + self.specificity + self.depth <= 0:
            raise ValueError("at least one feature weight must be positive")
        return self


class RelevanceGate(BaseModel):
    low: float = 0.10
    high: float = 0.25
    # Below this similarity of the whole answer to its question, an answer that names nothing from
    # work or study is off-topic and scored near level 1 (scoring_tasks/answer_checks.py).
    off_topic: float = Field(0.35, ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> RelevanceGate:
        if not self.low < self.high:
            raise ValueError("relevance.low must be below relevance.high")
        return self


class Thresholds(BaseModel):
    advance: float = Field(70.0, ge=0, le=100)
    talent_pool: float = Field(50.0, ge=0, le=100)
    min_confidence: float = Field(0.45, ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.talent_pool > self.advance:
            raise ValueError("thresholds.talent_pool must not exceed thresholds.advance")
        return self


class SpeechFactsPolicy(BaseModel):
    enabled: bool = False
    weight: float = Field(0.1, ge=0, le=0.5)


class ScoringModelVersion(BaseModel):
    """One version of the scoring model; pass it to ``Scorer`` and record ``version``."""

    version: str
    source: str = ""
    feature_weights: FeatureWeights = FeatureWeights()
    relevance: RelevanceGate = RelevanceGate()
    competency_weights: dict[str, dict[str, float]] = Field(default_factory=dict)
    thresholds: Thresholds = Thresholds()
    speech_facts: SpeechFactsPolicy = SpeechFactsPolicy()

    def weights_for(self, job_family: str | None) -> dict[str, float]:
        """Competency weights for a job family (its own, over ``default``); unlisted weigh 1.0."""
        return {
            **self.competency_weights.get("default", {}),
            **self.competency_weights.get(job_family or "default", {}),
        }

    def weight(self, job_family: str | None, competency: str) -> float:
        return float(self.weights_for(job_family).get(competency, 1.0))


def load_model_version(source: str | Path | dict | None = None) -> ScoringModelVersion:
    """A scoring-model version from a dict, a YAML/JSON file, a name in ``models/``, or the default."""
    if isinstance(source, dict):
        data, where = source, "scoring-model version"
    else:
        path = Path(source) if source else MODEL_DIR / "default.yaml"
        if not path.is_file() and (MODEL_DIR / f"{source}.yaml").is_file():
            path = MODEL_DIR / f"{source}.yaml"
        if not path.is_file():
            raise ValueError(f"scoring-model version '{source}' not found (no file {path})")
        where = str(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ValueError(f"{where}: not valid YAML/JSON ({str(exc).splitlines()[0]})") from exc
    try:
        return ScoringModelVersion.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ValueError(
            f"{where}: invalid scoring-model version at '{'.'.join(map(str, first['loc']))}': {first['msg']}"
        ) from exc
