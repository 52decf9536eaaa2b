"""The statistical model on synthetic rows: calibrated, exact per-feature explanations; the metrics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from talentflow.attrition.evaluate import calibration_bins, metrics, top_fraction_share
from talentflow.attrition.model import FeatureSpec, InsufficientData, RulesCalibration, fit_model
from talentflow.attrition.scoring import risk_band
from talentflow.attrition.settings import AttritionSettings


def synthetic(n: int = 1500, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    overtime = rng.gamma(2, 8, n)
    sick = rng.poisson(1.5, n).astype(float)
    logit = -3 + 0.05 * overtime + 0.3 * sick
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame(
        {
            "employee_key": [f"e{i % (n // 3)}" for i in range(n)],  # people repeat, as at landmarks
            "overtime_hours_90d": overtime,
            "sick_days_90d": sick,
            "tenure_years": rng.uniform(0, 10, n),
            "latest_rating": np.where(rng.random(n) < 0.1, np.nan, rng.integers(1, 6, n)),
            "pay_below_band": rng.random(n) < 0.1,
            "department": rng.choice(["eng", "ops", "sls"], n),
            "level": rng.choice(["L1", "L2"], n),
            "left_voluntarily": y,
        }
    )


@pytest.fixture(scope="module")
def fitted():
    return fit_model(synthetic())


def test_probabilities_are_calibrated_and_rank_the_real_drivers(fitted):
    test = synthetic(3000, seed=1)
    p = fitted.predict(test)
    assert ((p > 0) & (p < 1)).all()
    m = metrics(test["left_voluntarily"].to_numpy(), p)
    assert m["roc_auc"] > 0.7
    assert abs(p.mean() - test["left_voluntarily"].mean()) < 0.03  # calibrated on average
    assert (
        fitted.version.startswith("attrition_logistic-") and fitted.version == fit_model(synthetic()).version
    )


def test_contributions_decompose_the_logit_exactly(fitted):
    test = synthetic(50, seed=2)
    contrib = fitted.contributions(test)
    pipe = fitted.pipeline
    logit = pipe.decision_function(fitted.spec.matrix(test))
    mean_logit = pipe[-1].intercept_[0] + fitted.baseline @ pipe[-1].coef_[0]
    np.testing.assert_allclose(contrib.sum(axis=1).to_numpy(), logit - mean_logit, atol=1e-9)
    assert set(contrib.columns) == set(fitted.spec.columns)  # grouped back to source features


def test_top_factors_are_the_largest_positive_contributions(fitted):
    row = synthetic(5, seed=3).assign(overtime_hours_90d=90.0, sick_days_90d=0.0)
    factors = fitted.top_factors(row)[0]
    assert factors[0]["feature"] == "overtime_hours_90d" and factors[0]["value"] == 90.0
    assert factors[0]["label"] == "Overtime hours, last 90 days"
    assert all(f["contribution"] > 0 for f in factors) and len(factors) <= 3


def test_all_empty_features_are_left_out_and_too_few_leavers_refused():
    data = synthetic().assign(interview_overall=np.nan)
    spec = FeatureSpec.for_frame(data)
    assert "interview_overall" not in spec.columns and "overtime_hours_90d" in spec.columns
    with pytest.raises(InsufficientData, match="need at least 10"):
        fit_model(data.head(40).assign(left_voluntarily=[True] * 3 + [False] * 37))


def test_rules_calibration_never_lowers_risk_for_a_higher_score():
    scores = np.repeat([0, 1, 2, 3, 5], 200)
    y = np.random.default_rng(0).random(1000) < np.repeat([0.03, 0.05, 0.04, 0.12, 0.2], 200)
    p = RulesCalibration.fit(scores, y).predict(np.array([0, 1, 2, 3, 4, 5, 9]))
    assert (np.diff(p) >= 0).all() and 0 < p[0] < p[-1] < 1


def test_precision_at_top_decile_shares_ties_evenly():
    y = np.array([1, 0, 0, 0, 1, 0, 0, 0, 0, 0] * 2)
    scores = np.array([5, 3, 3, 3, 3, 0, 0, 0, 0, 0] * 2, float)
    assert top_fraction_share(y, scores, 0.1) == 1.0  # the two 5s
    assert top_fraction_share(y, scores, 0.2) == pytest.approx(
        (2 + 2 * 0.25) / 4
    )  # two 5s + half of eight 3s
    bins = calibration_bins(y, scores / 5, bins=5)
    assert sum(b["n"] for b in bins) == 20 and all(0 <= b["observed_rate"] <= 1 for b in bins)


def test_risk_bands_are_multiples_of_the_base_rate():
    att = AttritionSettings(
        high_risk_lift=1.5, medium_risk_lift=1.2, rules_high_score=3, rules_medium_score=2
    )
    assert risk_band(0.09, 0, 0.05, att) == "high"
    assert risk_band(0.065, 0, 0.05, att) == "medium"
    assert risk_band(0.05, 9, 0.05, att) == "low"
    assert risk_band(None, 3, None, att) == "high" and risk_band(float("nan"), 2, 0.05, att) == "medium"


@pytest.mark.parametrize(
    ("model_auc", "rules_auc", "error", "used", "why"),
    [
        (0.62, 0.59, None, "model", "0.620 > rules 0.590"),
        (0.57, 0.59, None, "rules", "0.570 <= rules 0.590: model not used"),
        (0.59, 0.59, None, "rules", "model not used"),  # a tie keeps the rules HR can read
        (None, 0.59, "training rows: 40 rows with 3 leavers", "rules", "model not trained: training rows"),
        (0.6, None, None, "rules", "AUC undefined"),
    ],
)
def test_a_model_worse_than_the_rules_is_not_used(model_auc, rules_auc, error, used, why):
    from talentflow.attrition.evaluate import choose

    decision = choose(model_auc, rules_auc, error)
    assert decision["used"] == used and why in decision["reason"]


def test_a_calibration_that_would_invert_the_ranking_refuses_the_model():
    """Pure noise: out of fold the model ranks stayers above leavers, so Platt's slope comes out
    inverted; fitting refuses instead of silently flipping every employee's ranking."""
    rng = np.random.default_rng(15)
    n = 600
    noise = pd.DataFrame(
        {
            "employee_key": [f"e{i % 200}" for i in range(n)],
            "overtime_hours_90d": rng.normal(size=n),
            "sick_days_90d": rng.normal(size=n),
            "left_voluntarily": rng.random(n) < 0.2,
        }
    )
    with pytest.raises(InsufficientData, match="ranked stayers above leavers"):
        fit_model(noise)
