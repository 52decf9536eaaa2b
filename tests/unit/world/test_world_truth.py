"""The world's own statistics agree with the parameters written in truth.json.

These tests guard the truth other parts rely on (retraining, attrition, fairness audits): a change
that weakens the link between latent competencies and performance, the exit hazard, or the injected
bias fails here instead of silently breaking a benchmark.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict

import numpy as np
from talentflow_demo.world.interviews import answer_quality_proxy
from talentflow_demo.world.params import (
    ALL_COMPETENCIES,
    JOB_FAMILIES,
    expected_performance_correlation,
    family_competencies,
)


def reviewed(world):
    return [e for e in world.employees if e["performance"]["true"]]


def test_weighted_score_is_the_true_weights_times_latent(stats_world):
    weights = stats_world.truth["true_weights"]
    for e in stats_world.employees[:300]:
        w = weights[e["job_family"]]
        expected = sum(w[c] * e["latent"][c] for c in w)
        assert abs(expected - e["weighted_score"]) < 1e-3
    # weights are scaled so the weighted score has variance ~1, and some are zero on purpose
    scores = np.array([e["weighted_score"] for e in stats_world.employees])
    assert 0.85 < scores.var() < 1.15
    assert all(any(v == 0 for v in w.values()) for w in weights.values())


def test_performance_follows_latent_competencies(stats_world):
    emps = reviewed(stats_world)
    score = np.array([e["weighted_score"] for e in emps])
    mean_perf = np.array([np.mean(e["performance"]["true"]) for e in emps])
    mean_rating = np.array([np.mean(e["performance"]["rating"]) for e in emps])
    n_reviews = np.array([len(e["performance"]["true"]) for e in emps])
    years = np.array([np.mean(e["performance"]["years_in_window"]) for e in emps])
    expected = expected_performance_correlation(stats_world.params, n_reviews, years)
    se = (1 - expected**2) / math.sqrt(len(emps))
    r = np.corrcoef(score, mean_perf)[0, 1]
    assert r > expected - 3 * se - 0.02, (
        f"corr(latent score, performance) = {r:.3f}, expected about {expected:.3f}"
    )
    # the HRIS ratings are a 5-point discretisation of the same performance
    r_rating = np.corrcoef(score, mean_rating)[0, 1]
    assert r_rating > 0.9 * expected - 3 * se


def test_regression_recovers_true_weights_including_zeros(stats_world):
    """What feedback retraining must be able to do: find the weights, zeros included."""
    weights = stats_world.truth["true_weights"]
    for family in ("engineering", "sales"):
        emps = [e for e in reviewed(stats_world) if e["job_family"] == family]
        comps = family_competencies(family)
        x = np.array([[e["latent"][c] for c in comps] for e in emps])
        y = np.array([np.mean(e["performance"]["true"]) for e in emps])
        coef = np.linalg.lstsq(np.c_[np.ones(len(x)), x], y, rcond=None)[0][1:]
        for c, b in zip(comps, coef, strict=True):
            assert abs(b - weights[family][c]) < 0.2, (family, c, b, weights[family][c])


def test_ratings_use_the_whole_scale(stats_world):
    counts = np.bincount([r for e in stats_world.employees for r in e["performance"]["rating"]], minlength=6)[
        1:
    ]
    shares = counts / counts.sum()
    assert shares.argmax() == 2  # "meets expectations" is the most common rating
    assert (shares > 0.02).all()


def test_at_risk_group_leaves_more_often(stats_world):
    emps = stats_world.employees
    at_risk = np.array([e["at_risk"] for e in emps])
    left = np.array([e["exit"] is not None and e["exit"]["type"] == "voluntary" for e in emps])
    p1, p0 = left[at_risk].mean(), left[~at_risk].mean()
    n1, n0 = at_risk.sum(), (~at_risk).sum()
    pooled = left.mean()
    z = (p1 - p0) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    assert z > 4, f"voluntary exit rate at risk {p1:.2f} vs rest {p0:.2f} (z = {z:.1f})"
    assert p1 > 1.4 * p0


def _refit_hazard(x: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unpenalised logistic regression by Newton steps: (coefficients incl. intercept, standard errors).

    Quarterly exit probabilities are a few percent, where the logit is log(hazard) to within ~0.05,
    so the slopes estimate the hazard coefficients."""
    x = np.column_stack([np.ones(len(x)), x])
    beta = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ beta))
        info = x.T @ (x * (p * (1 - p))[:, None])
        step = np.linalg.solve(info, x.T @ (event - p))
        beta += step
        if np.abs(step).max() < 1e-9:
            break
    return beta, np.sqrt(np.diag(np.linalg.inv(info)))


def test_exit_hazard_refit_from_the_exposure_recovers_the_parameters(stats_world):
    """Refit the quarterly hazard on ground_truth/exposure.csv (every quarter every employee was at risk,
    every term, the outcome): each fitted coefficient agrees with truth.json's, jointly estimated so
    the terms' correlations (early tenure never overlaps a stalled promotion) do not bias them."""
    hazard = stats_world.truth["hazard"]
    rows = stats_world.csv("ground_truth/exposure.csv")
    assert len(rows) == sum(e["exposed_quarters"] for e in stats_world.employees)
    outcome = np.array([int(r["exit"]) for r in rows])

    def column(name):
        return np.array([float(r[name]) for r in rows])

    voluntary = {
        "growth_without_promotion": "growth_without_promotion",
        "pay_below_band": "pay_below_band",
        "declining_performance": "declining_performance",
        "early_tenure": "early_tenure",
        "overtime": "overtime",
        "underpaid": "underpaid",
    }
    beta, se = _refit_hazard(np.column_stack([column(c) for c in voluntary]), (outcome == 1).astype(float))
    for (term, param), b, s in zip(voluntary.items(), beta[1:], se[1:], strict=True):
        assert abs(b - hazard[param]) < 4 * s + 0.15, (
            f"{term}: refit {b:.2f} +- {s:.2f}, truth {hazard[param]}"
        )
    assert abs(math.exp(beta[0]) - hazard["base_voluntary"]) < 0.5 * hazard["base_voluntary"]
    beta, se = _refit_hazard(column("low_ratings")[:, None], (outcome == 2).astype(float))
    assert abs(beta[1] - hazard["low_rating"]) < 4 * se[1] + 0.15, (
        f"low ratings: {beta[1]:.2f} +- {se[1]:.2f}"
    )
    # the exposure agrees with the exits recorded per employee
    exits = sum(1 for e in stats_world.employees if e["exit"] and e["exit"]["type"] == "voluntary")
    assert exits == int((outcome == 1).sum())


def test_yearly_attrition_is_realistic(stats_world):
    years = stats_world.truth["sizes"]["years"]
    left = sum(e["exit"] is not None for e in stats_world.employees) / len(stats_world.employees)
    assert 0.05 < left / years < 0.2


def _answers(world):
    """(latent, proxy, level, biased) for every generated interview answer."""
    rows = []
    for c in world.candidates:
        if not c["interview_id"] or c["answer_source"] != "generated":
            continue
        transcript = (world.root / "interviews" / "transcripts" / f"{c['interview_id']}.json").read_text()
        for a in json.loads(transcript)["answers"]:
            comp = a["competency"]
            rows.append(
                (c["latent"][comp], answer_quality_proxy(a["text"]), c["answer_levels"][comp], c["biased"])
            )
    return np.array(rows, dtype=float)


def test_answer_quality_follows_latent(stats_world):
    rows = _answers(stats_world)
    assert len(rows) > 1000
    unbiased = rows[rows[:, 3] == 0]
    assert np.corrcoef(unbiased[:, 0], unbiased[:, 2])[0, 1] > 0.7  # latent -> answer level
    assert np.corrcoef(unbiased[:, 0], unbiased[:, 1])[0, 1] > 0.5  # latent -> text quality


def test_injected_bias_lowers_interview_quality_only(stats_world):
    bias = stats_world.truth["bias"]
    assert bias == {
        "attribute": "sex",
        "group": "female",
        "size": 0.8,
        "applies_to": "observed interview answer quality only",
    }
    # observed quality is lower by the bias size for the group, at the same latent level
    gaps = defaultdict(list)
    for c in stats_world.candidates:
        if c["observed_quality"] and c["answer_source"] == "generated":
            for comp, q in c["observed_quality"].items():
                gaps[c["biased"]].append(q - c["latent"][comp])
    assert abs(np.mean(gaps[True]) - np.mean(gaps[False]) + bias["size"]) < 0.1
    # and it shows in the text: proxy ~ latent + biased gives a clearly negative group coefficient
    rows = _answers(stats_world)
    x = np.c_[np.ones(len(rows)), rows[:, 0], rows[:, 3]]
    coef, *_ = np.linalg.lstsq(x, rows[:, 1], rcond=None)
    assert coef[2] < -0.5 * bias["size"] * coef[1], coef
    # the group's latent competencies are not lower
    latent_mean = {
        g: np.mean([np.mean(list(c["latent"].values())) for c in stats_world.candidates if c["biased"] == g])
        for g in (True, False)
    }
    n = len(stats_world.candidates)
    assert abs(latent_mean[True] - latent_mean[False]) < 4 * 0.6 / math.sqrt(n / 4)
    # nor their performance given their competencies (residual of performance on the weighted score)
    by_cand = {c["candidate_id"]: c for c in stats_world.candidates}
    resid = defaultdict(list)
    for e in reviewed(stats_world):
        if e["candidate_id"]:
            resid[by_cand[e["candidate_id"]]["biased"]].append(
                np.mean(e["performance"]["true"]) - e["weighted_score"]
            )
    se = math.sqrt(np.var(resid[True]) / len(resid[True]) + np.var(resid[False]) / len(resid[False]))
    assert abs(np.mean(resid[True]) - np.mean(resid[False])) < 4 * se


def test_every_family_and_competency_is_present(stats_world):
    families = {e["job_family"] for e in stats_world.employees}
    assert families == set(JOB_FAMILIES)
    assert set(stats_world.employees[0]["latent"]) == set(ALL_COMPETENCIES)
