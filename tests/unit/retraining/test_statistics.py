"""Validity statistics: Thorndike case II, Fisher CI, correlations, the overall-score formula."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring_tasks.model_version import load_model_version
from talentflow.retraining import backfill, validity
from talentflow.retraining.dataset import HiringData, overall_scores, weight_vector


def test_thorndike_case_ii_matches_hand_computation():
    # r = .30 among hires, SD 1.5 in the applicant pool and 1.0 among hires (u = 1.5):
    # r_c = .3 * 1.5 / sqrt(1 + .09 * (2.25 - 1)) = .45 / sqrt(1.1125) = .42664
    assert validity.thorndike_ii(0.30, 1.5, 1.0) == pytest.approx(0.426641, abs=1e-6)
    assert validity.thorndike_ii(0.30, 2.0, 2.0) == pytest.approx(0.30)  # no restriction, no change
    assert validity.thorndike_ii(0.0, 3.0, 1.0) == 0.0
    assert validity.thorndike_ii(1.0, 3.0, 1.0) == pytest.approx(1.0)
    assert validity.thorndike_ii(-0.30, 1.5, 1.0) == pytest.approx(-0.426641, abs=1e-6)
    assert math.isnan(validity.thorndike_ii(0.3, 1.5, 0.0))


def test_thorndike_undoes_simulated_selection():
    """Select the top half on x; the corrected r among the selected is close to the pool's r."""
    rng = np.random.default_rng(3)
    n, rho = 200_000, 0.5
    x = rng.normal(size=n)
    y = rho * x + math.sqrt(1 - rho**2) * rng.normal(size=n)
    hired = x > np.median(x)
    r_hired = np.corrcoef(x[hired], y[hired])[0, 1]
    corrected = validity.thorndike_ii(r_hired, x.std(ddof=1), x[hired].std(ddof=1))
    assert r_hired < 0.4
    assert corrected == pytest.approx(rho, abs=0.01)


def test_fisher_ci_matches_hand_computation():
    # z = atanh(.5) = .549306, se = 1/sqrt(28 - 3) = .2, z -/+ 1.959964 * .2, back through tanh
    low, high = validity.fisher_ci(0.5, 28)
    assert low == pytest.approx(0.156028, abs=1e-5)
    assert high == pytest.approx(0.735818, abs=1e-5)
    assert all(math.isnan(v) for v in validity.fisher_ci(0.5, 3))


def test_fisher_ci_covers_the_true_correlation_95_percent_of_the_time():
    rng = np.random.default_rng(11)
    rho, n, reps = 0.4, 40, 2000
    covered = 0
    for _ in range(reps):
        x = rng.normal(size=n)
        y = rho * x + math.sqrt(1 - rho**2) * rng.normal(size=n)
        low, high = validity.fisher_ci(float(np.corrcoef(x, y)[0, 1]), n)
        covered += low <= rho <= high
    assert covered / reps == pytest.approx(0.95, abs=0.015)


def test_correlate_reports_pearson_spearman_and_sds():
    x = np.array([1.0, 2, 3, 4, 5, 6, np.nan])
    y = np.array([1.0, 3, 2, 5, 4, 6, 7])
    s = validity.correlate(x, y, sd_applicants=3.0)
    assert s.n == 6
    assert s.pearson_r == pytest.approx(np.corrcoef(x[:6], y[:6])[0, 1])
    assert s.spearman_r == pytest.approx(31 / 35)  # 1 - 6 * 4 / (6 * 35): two adjacent swaps
    assert s.sd_hires == pytest.approx(np.std(x[:6], ddof=1))
    assert s.ci_low < s.pearson_r < s.ci_high
    assert s.corrected_r > s.pearson_r  # the pool varies more than the hires
    flat = validity.correlate([2, 2, 2, 2], [1, 2, 3, 4])
    assert flat.n == 4 and math.isnan(flat.pearson_r) and flat.as_dict()["pearson_r"] is None


def test_overall_score_is_the_scorers_formula():
    version = load_model_version()
    comps = ["communication", "problem_solving", "customer_focus", "negotiation"]
    frame = pd.DataFrame([[3.0, 4.0, 5.0, 2.0], [1.0, np.nan, 5.0, np.nan], [np.nan] * 4], columns=comps)
    got = overall_scores(frame, comps, weight_vector(version, "sales", comps))
    # sales weighs customer_focus and negotiation 1.5, the rest 1.0:
    # row 0: (50 + 75 + 1.5*100 + 1.5*25) / 5 = 62.5; row 1: (0 + 1.5*100) / 2.5 = 60
    assert got[0] == pytest.approx(62.5)
    assert got[1] == pytest.approx(60.0)
    assert math.isnan(got[2])
    for i in (0, 1):
        scores = [(c, frame.loc[i, c], 0.5) for c in comps if not math.isnan(frame.loc[i, c])]
        assert backfill.combine(version, "sales", scores)[0] == pytest.approx(round(got[i], 1))


def _data(rows: list[dict]) -> HiringData:
    frame = pd.DataFrame(rows)
    for col in ("scoring_model_version", "rating_6m", "rating_12m", "sex", "ethnicity"):
        if col not in frame:
            frame[col] = np.nan
    return HiringData(frame)


def test_validity_rows_cover_each_competency_and_overall_per_criterion():
    rng = np.random.default_rng(5)
    rows = []
    for i in range(80):
        z = rng.normal()
        hired = z > 0
        rows.append(
            {
                "candidate_id": f"C{i}",
                "job_family": "sales",
                "hired": hired,
                **{
                    c: float(np.clip(3 + z + rng.normal(0, 0.7), 1, 5))
                    for c in (
                        "communication",
                        "problem_solving",
                        "teamwork",
                        "ownership",
                        "learning_agility",
                        "innovation",
                        "customer_focus",
                        "negotiation",
                    )
                },
                "rating_6m": 3 + z + rng.normal() if hired else np.nan,
                "rating_12m": 3 + z + rng.normal() if hired else np.nan,
            }
        )
    out = validity.validity_rows(_data(rows), load_model_version(), "run-1")
    assert len(out) == (8 + 1) * 2
    overall = [r for r in out if r["predictor"] == "overall" and r["criterion"] == "rating_6m"][0]
    assert overall["n"] == sum(r["hired"] for r in rows)
    assert overall["n_applicants"] == 80
    assert overall["sd_applicants"] > overall["sd_hires"]
    assert overall["corrected_r"] > overall["pearson_r"] > 0
    assert overall["scoring_model_version"] == "default-2026.1"
    assert validity.summary(out)["sales"]["rating_6m"]["n"] == overall["n"]
