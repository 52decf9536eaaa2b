"""The logged recommendation for a scored interview: advance, talent pool or human review.

A recommendation is advice to a person, never a decision: there is no "reject". A low score, low
confidence, missing consent or anything that could not be scored goes to human review (PIPL Art. 24,
EU AI Act Art. 14). Thresholds come from the scoring-model version and every recommendation records
the version and thresholds that produced it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from scoring_tasks.model_version import Thresholds


class Decision(StrEnum):
    advance = "advance"
    talent_pool = "talent_pool"
    human_review = "human_review"


class Recommendation(BaseModel):
    decision: Decision
    reason: str
    overall: float | None
    confidence: float | None
    thresholds: Thresholds
    model_version: str
    automated: bool = True
    final: bool = False  # always: a person makes the hiring decision
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


def recommend(
    overall: float | None,
    confidence: float | None,
    thresholds: Thresholds,
    model_version: str,
    *,
    consent: bool = True,
) -> Recommendation:
    """Advance / talent pool / human review from the overall score; never a rejection."""

    def rec(decision: Decision, reason: str) -> Recommendation:
        return Recommendation(
            decision=decision,
            reason=reason,
            overall=overall,
            confidence=confidence,
            thresholds=thresholds,
            model_version=model_version,
        )

    if not consent:
        return rec(Decision.human_review, "no recorded consent to automated scoring")
    if overall is None:
        return rec(Decision.human_review, "no competency could be scored automatically")
    if confidence is None or confidence < thresholds.min_confidence:
        return rec(
            Decision.human_review,
            f"scoring confidence {confidence if confidence is not None else 'unknown'} is below "
            f"{thresholds.min_confidence}",
        )
    if overall >= thresholds.advance:
        return rec(Decision.advance, f"overall {overall:.1f} >= advance threshold {thresholds.advance:g}")
    if overall >= thresholds.talent_pool:
        return rec(
            Decision.talent_pool,
            f"overall {overall:.1f} between talent-pool {thresholds.talent_pool:g} "
            f"and advance {thresholds.advance:g} thresholds",
        )
    return rec(
        Decision.human_review,
        f"overall {overall:.1f} below talent-pool threshold {thresholds.talent_pool:g}: "
        "a person reviews the evidence (low scores are never rejected automatically)",
    )
