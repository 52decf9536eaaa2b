"""Reweighting (NNLS with a ridge pull, CV), the adverse-impact ratio and the guard's decisions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_tasks.model_version import load_model_version
from talentflow.core.config import ConfigError
from talentflow.retraining import guard, reweight
from talentflow.retraining.dataset import HiringData, family_competencies
from talentflow.retraining.settings import RetrainingSettings, get_retraining_settings

SALES = list(family_competencies("sales"))


def test_ridge_nnls_is_non_negative_and_recovers_known_weights():
    rng = np.random.default_rng(0)
    X = rng.normal(3, 1, size=(5000, 4))
    true = np.array([0.5, 0.3, 0.2, 0.0])
    y = X @ true - 0.4 * X[:, 3] + rng.normal(0, 0.3, 5000)  # the last one even hurts
    beta = reweight.ridge_nnls(X, y, np.full(4, 0.25), lam=0.0)
    assert (beta >= 0).all()
    assert beta[3] == 0.0  # a negative effect is clipped, never a negative weight
    assert reweight.normalise(beta) == pytest.approx(np.array([0.5, 0.3, 0.2, 0.0]), abs=0.02)


def test_ridge_pull_moves_weights_toward_the_prior():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 3))
    y = X[:, 0] + rng.normal(0, 1, 300)
    prior = np.array([0.2, 0.4, 0.4])
    free = reweight.normalise(reweight.ridge_nnls(X, y, prior, 0.0))
    pulled = reweight.normalise(reweight.ridge_nnls(X, y, prior, 100.0))
    assert np.abs(pulled - prior).sum() < 0.05 < np.abs(free - prior).sum()


def test_fitted_weights_sum_to_one_and_cv_keeps_the_prior_for_pure_noise():
    rng = np.random.default_rng(2)
    X = rng.normal(3, 1, size=(60, 8))
    y = rng.normal(size=60)  # nothing to learn
    prior = reweight.normalise(np.arange(1, 9, dtype=float))
    weights, lam, scores = reweight.fit_weights(X, y, prior, RetrainingSettings())
    assert (weights >= 0).all() and weights.sum() == pytest.approx(1.0)
    assert lam == max(RetrainingSettings().lambdas)  # one-SE rule: the strongest pull
    assert set(scores) == set(RetrainingSettings().lambdas)


def test_holdout_split_is_stable_and_about_the_fraction():
    ids = [f"C{i:06d}" for i in range(4000)]
    a = reweight.holdout_mask(ids, 0.3, "salt")
    assert (a == reweight.holdout_mask(list(reversed(ids)), 0.3, "salt")[::-1]).all()
    assert a.mean() == pytest.approx(0.3, abs=0.03)
    assert (a != reweight.holdout_mask(ids, 0.3, "other-salt")).any()


def test_distance_normalises_first():
    assert reweight.distance({"a": 1, "b": 1}, {"a": 0.5, "b": 0.5}) == {"l1": 0.0, "l2": 0.0}
    assert reweight.distance({"a": 1, "b": 0}, {"a": 0, "b": 2})["l1"] == pytest.approx(2.0)


def test_impact_ratio_by_hand():
    above = pd.Series([True] * 60 + [False] * 40 + [True] * 45 + [False] * 55 + [True] * 5 + [True] * 9)
    group = pd.Series(["female"] * 100 + ["male"] * 100 + ["non_binary"] * 5 + ["undisclosed"] * 9)
    res = guard.impact_ratio(above, group, min_group_size=20)
    # female 60/100 = .60 (reference), male 45/100 = .45 -> .45/.60 = .75
    assert res["air"] == pytest.approx(0.75)
    assert (res["reference_group"], res["lowest_group"]) == ("female", "male")
    assert res["too_small"] == {"non_binary": 5}
    assert "undisclosed" not in res["rates"] and "undisclosed" not in res["too_small"]
    lonely = guard.impact_ratio(above[:100], group[:100], min_group_size=20)
    assert lonely["air"] is None and "fewer than two groups" in lonely["reason"]


def _world(n: int, seed: int = 0, gap_in: str | None = None) -> HiringData:
    """Sales candidates whose performance depends on negotiation only; optionally the interview
    under-scores women in ``gap_in`` (a measurement bias: their performance is the same)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        z = rng.normal(size=len(SALES))
        sex = "female" if i % 2 else "male"
        scores = {c: float(np.clip(3 + z[k] + rng.normal(0, 0.3), 1, 5)) for k, c in enumerate(SALES)}
        if gap_in and sex == "female":
            scores[gap_in] = max(1.0, scores[gap_in] - 1.5)
        hired = rng.random() < 0.5
        perf = z[SALES.index("negotiation")] + rng.normal(0, 0.5)
        rows.append(
            {
                "candidate_id": f"C{i:05d}",
                "job_family": "sales",
                "scoring_model_version": "default-2026.1",
                "hired": hired,
                "rating_6m": 3 + perf if hired else np.nan,
                "rating_12m": 3 + perf if hired else np.nan,
                "sex": sex,
                "ethnicity": ["a", "b"][i % 3 == 0],
                **scores,
            }
        )
    return HiringData(pd.DataFrame(rows))


def test_propose_learns_the_predictive_competency_and_lists_every_competency():
    data = _world(800)
    proposal = reweight.propose(data, load_model_version(), RetrainingSettings())
    fit = proposal.families["sales"]
    assert fit["refit"] and fit["n_hires"] == int(data.frame["hired"].sum())
    after = fit["weights_after"]
    assert set(after) == set(SALES) and sum(after.values()) == pytest.approx(1.0, abs=1e-5)
    assert max(after, key=after.get) == "negotiation"
    assert after["negotiation"] > fit["weights_before"]["negotiation"]
    assert proposal.candidate_version().competency_weights["sales"] == after
    assert proposal.version == reweight.propose(data, load_model_version(), RetrainingSettings()).version


def test_below_the_minimum_weights_are_kept_and_the_guard_says_why():
    data = _world(40)
    cfg = RetrainingSettings(min_hires=100)
    proposal = reweight.propose(data, load_model_version(), cfg)
    fit = proposal.families["sales"]
    assert not fit["refit"] and fit["weights_after"] == fit["weights_before"]
    assert "at least 100 are needed" in fit["reason"]
    result = guard.evaluate(data, load_model_version(), proposal, cfg)
    assert not result.passed
    assert "no job family had enough rated hires" in result.reasons[0]


def test_guard_passes_a_better_fair_candidate_and_refuses_one_that_worsens_adverse_impact():
    active = load_model_version()
    cfg = RetrainingSettings(min_group_size=20)
    fair = _world(1200, seed=4)
    proposal = reweight.propose(fair, active, cfg)
    ok = guard.evaluate(fair, active, proposal, cfg)
    assert ok.passed, ok.reasons
    pooled = ok.metrics["holdout_validity"]["pooled"]
    assert pooled["candidate"] > pooled["active"] + cfg.validity_margin

    # The interview under-scores women on negotiation, the competency retraining learns to weigh most.
    biased = _world(1200, seed=4, gap_in="negotiation")
    proposal = reweight.propose(biased, active, cfg)
    refused = guard.evaluate(biased, active, proposal, cfg)
    sex = {k: refused.metrics["adverse_impact"][k]["sex"] for k in ("active", "candidate")}
    assert sex["candidate"]["air"] < min(cfg.air_threshold, sex["active"]["air"] - cfg.air_tolerance)
    assert sex["candidate"]["lowest_group"] == "female"
    assert not refused.passed
    assert any(r.startswith("adverse impact by sex") for r in refused.reasons)


def test_guard_fails_closed_without_two_countable_groups():
    data = _world(400)
    data.frame["ethnicity"] = "undisclosed"
    proposal = reweight.propose(data, load_model_version(), RetrainingSettings(min_group_size=20))
    result = guard.evaluate(data, load_model_version(), proposal, RetrainingSettings(min_group_size=20))
    assert any("adverse impact by ethnicity cannot be checked" in r for r in result.reasons)


def test_settings_overrides_are_validated():
    cfg = get_retraining_settings({"min_hires": 50, "validity_margin": None, "unknown": 1})
    assert cfg.min_hires == 50 and cfg.validity_margin == RetrainingSettings().validity_margin
    with pytest.raises(ConfigError, match="min_hires"):
        get_retraining_settings({"min_hires": 3})


def test_no_data_gives_a_refused_candidate_not_a_crash():
    from talentflow.retraining.dataset import BASE_COLUMNS

    empty = HiringData(pd.DataFrame(columns=list(BASE_COLUMNS)))
    proposal = reweight.propose(empty, load_model_version(), RetrainingSettings())
    assert proposal.families == {} and proposal.refit_families == []
    result = guard.evaluate(empty, load_model_version(), proposal, RetrainingSettings())
    assert not result.passed and "no job family" in result.reasons[0]
