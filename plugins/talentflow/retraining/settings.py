"""The knobs of feedback retraining, read from ``TALENTFLOW_RETRAIN_*`` (a DAG run may override them).

They are decisions HR and the model owner make together, so they live in configuration, not code:
how many hires a job family needs before its weights are refitted, how much held-out validity a new
version must gain, and how much adverse impact it may carry.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from talentflow.core.config import ConfigError, load_settings

Criterion = Literal["mean", "rating_6m", "rating_12m"]


class RetrainingSettings(BaseSettings):
    """Every field maps to ``TALENTFLOW_RETRAIN_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="TALENTFLOW_RETRAIN_", extra="ignore")

    min_hires: int = Field(
        30,
        ge=10,
        description="Hires with a rating a job family needs before its "
        "weights are refitted; below it the weights stay.",
    )
    holdout_fraction: float = Field(
        0.3, gt=0.05, lt=0.8, description="Share of hires kept out of the fit to judge the candidate version."
    )
    criterion: Criterion = Field(
        "mean",
        description="What 'success' is: the mean of the 6- and 12-month "
        "ratings (whichever exist), or one of them.",
    )
    lambdas: tuple[float, ...] = Field(
        (0.0, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0),
        description="Ridge pulls toward the active weights tried by cross-validation.",
    )
    cv_folds: int = Field(5, ge=2, description="Folds of the cross-validation that picks the ridge pull.")
    cv_repeats: int = Field(3, ge=1, description="Repeats of that cross-validation (averaged).")
    validity_margin: float = Field(
        0.01, description="Held-out correlation the candidate must gain over the active version."
    )
    air_threshold: float = Field(
        0.8, ge=0, le=1, description="Adverse-impact ratio that is acceptable (four-fifths rule)."
    )
    air_tolerance: float = Field(
        0.02,
        ge=0,
        description="Below the threshold, how much worse than the active "
        "version the ratio may get (0 = not at all).",
    )
    min_group_size: int = Field(
        50, ge=1, description="Smallest demographic group counted in the adverse-impact ratio."
    )
    approval_timeout_hours: float = Field(
        168.0, ge=0, description="How long a run waits for a human approval before it stops waiting."
    )
    split_salt: str = Field("talentflow-retraining", description="Salt of the stable held-out split.")

    @model_validator(mode="after")
    def _lambdas(self) -> RetrainingSettings:
        if not self.lambdas or any(v < 0 for v in self.lambdas):
            raise ValueError("lambdas must be a non-empty list of non-negative numbers")
        return self

    def with_overrides(self, overrides: dict | None) -> RetrainingSettings:
        """A copy with the non-empty values of ``overrides`` (DAG params) applied and validated."""
        changes = {
            k: v for k, v in (overrides or {}).items() if v is not None and k in type(self).model_fields
        }
        try:
            return type(self).model_validate({**self.model_dump(), **changes})
        except ValidationError as exc:
            first = exc.errors()[0]
            raise ConfigError(
                f"bad retraining setting {'.'.join(map(str, first['loc']))}: {first['msg']}"
            ) from None


def get_retraining_settings(overrides: dict | None = None) -> RetrainingSettings:
    return load_settings(RetrainingSettings).with_overrides(overrides)
