"""Issue 21 on the committed IBM-style fixture (synthetic, in IBM's 35-column layout; see its
make_fixture.py): every declared column reaches the model, protected attributes never do, and the
evaluation carries the fairness audit; reasons are plain words for either model family."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from talentflow.attrition import reasons
from talentflow.attrition.evaluate import cross_validate
from talentflow.attrition.export import LABEL, load_export_frame
from talentflow.attrition.model import FeatureSpec, ProtectedFeature, fit_model, select_family

REPO = Path(__file__).resolve().parents[3]
EXPORT = REPO / "tests" / "fixtures" / "hris" / "ibm_style" / "employees.csv"
MAPPING = REPO / "sample_data" / "mappings" / "ibm_hr_analytics_layout.yaml"
PROTECTED = {"age", "sex", "marital_status", "birth_date", "ethnicity"}


@pytest.fixture(scope="module")
def loaded():
    return load_export_frame(EXPORT, MAPPING)


def test_every_declared_column_is_a_feature_with_its_type(loaded):
    spec = loaded.spec
    assert loaded.source == "snapshot" and len(loaded.frame) == 900 and loaded.rejected_rows == 0
    for extra in ("x_business_travel", "x_distance_from_home", "x_stock_option_level", "x_job_involvement",
                  "x_previous_employers", "x_total_working_years", "x_salary_hike_pct"):  # fmt: skip
        assert extra in spec.numeric, extra
    assert "x_education_field" in spec.categorical
    assert spec.levels["x_business_travel"] == ["Non-Travel", "Travel_Rarely", "Travel_Frequently"]
    assert set(loaded.frame["x_business_travel"].dropna()) == {0.0, 1.0, 2.0}
    assert spec.monotonic["x_business_travel"] == 1 and spec.monotonic["x_job_involvement"] == -1


def test_the_extra_columns_carry_signal_the_canonical_ones_miss(loaded, tmp_path):
    # the same export with the mapping's `features:` removed: only the 18 canonical snapshot columns
    mapping = yaml.safe_load(MAPPING.read_text())
    del mapping["entities"]["snapshot"]["features"]
    (tmp_path / "canonical.yaml").write_text(yaml.safe_dump(mapping))
    canonical = load_export_frame(EXPORT, tmp_path / "canonical.yaml")
    assert not [c for c in canonical.spec.columns if c.startswith("x_")]
    lr = ("logistic_mild",)
    with_extra = cross_validate(loaded.frame, LABEL, loaded.spec, folds=3, families=lr)["roc_auc"]
    without = cross_validate(canonical.frame, LABEL, canonical.spec, folds=3, families=lr)["roc_auc"]
    assert with_extra > without + 0.03, (with_extra, without)


def test_protected_attributes_never_enter_the_model(loaded, tmp_path):
    assert not PROTECTED & {c.removeprefix("x_") for c in loaded.spec.columns}
    assert set(loaded.protected.columns) == {"age", "sex", "marital_status"}
    assert len(loaded.protected) == len(loaded.frame)
    with pytest.raises(ProtectedFeature, match="never enter"):
        FeatureSpec(["tenure_years", "age"], [])
    with pytest.raises(ProtectedFeature):
        FeatureSpec.for_frame(loaded.frame.assign(x_ethnicity="a"), ["tenure_years"], [])
    # what a mapping marks protected leaves the features for the audit
    mapping = yaml.safe_load(MAPPING.read_text())
    mapping["entities"]["snapshot"]["features"]["EducationField"] = {"type": "categorical", "protected": True}
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(mapping))
    marked = load_export_frame(EXPORT, tmp_path / "m.yaml")
    assert "x_education_field" not in marked.spec.columns and "education_field" in marked.protected


def test_the_evaluation_records_the_fairness_audit_and_proxy_warnings(loaded):
    from talentflow.attrition.cli import evaluate_export

    result = evaluate_export(EXPORT, MAPPING, folds=3)
    assert result["roc_auc"] > 0.7 and set(result["family_per_fold"]) <= {"logistic", "logistic_mild", "gbm"}
    assert not PROTECTED & set(result["features"])
    fairness = result["fairness"]
    assert set(fairness) == {"age_band", "sex", "marital_status"}
    sexes = {g["category"]: g for g in fairness["sex"]["groups"]}
    assert set(sexes) == {"female", "male"}
    assert sum(g["n"] for g in sexes.values()) == 900
    assert sum(g["selected"] for g in sexes.values()) == result["high_risk_flagged"] > 0
    assert 0 < fairness["sex"]["min_impact_ratio"] <= 1
    proxies = {(w["feature"], w["attribute"]) for w in result["proxy_warnings"]}
    assert ("x_stock_option_level", "marital_status") in proxies  # singles hold no stock options
    assert ("x_total_working_years", "age_band") in proxies


def synthetic(n: int = 1200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    since_promo = rng.uniform(0, 6, n)
    pay = rng.normal(0, 0.1, n)
    logit = -2.5 + 0.5 * since_promo - 6 * pay
    return pd.DataFrame(
        {
            "employee_key": [f"e{i}" for i in range(n)],
            "years_since_last_promotion": since_promo,
            "pay_vs_band_midpoint": pay,
            "tenure_years": rng.uniform(0, 10, n),
            "department": rng.choice(["eng", "ops"], n),
            "left_voluntarily": rng.random(n) < 1 / (1 + np.exp(-logit)),
        }
    )


@pytest.mark.parametrize("family", ["logistic", "gbm"])
def test_reasons_are_plain_words_for_either_family(family):
    fitted = fit_model(synthetic(), family=family)
    row = synthetic(3, seed=1).assign(years_since_last_promotion=4.2, pay_vs_band_midpoint=-0.18)
    factors = fitted.top_factors(row)[0]
    texts = {f["feature"]: f["text"] for f in factors}
    assert texts["years_since_last_promotion"] == "no promotion in 4 years"
    assert texts["pay_vs_band_midpoint"] == "paid 18% below band midpoint"
    assert all(f["contribution"] > 0 for f in factors)


def test_the_gbm_keeps_the_directions_hr_expects():
    fitted = fit_model(synthetic(), family="gbm")
    grid = synthetic(50, seed=2).assign(pay_vs_band_midpoint=0.0)
    p = [fitted.predict(grid.assign(years_since_last_promotion=v)).mean() for v in (0, 1, 2, 3, 4, 5)]
    assert all(b >= a for a, b in zip(p, p[1:], strict=False))


def test_family_selection_prefers_what_the_data_supports():
    # an interaction no linear model can draw: gradient boosting must win the cross-validation
    rng = np.random.default_rng(4)
    n = 1500
    a, b = rng.uniform(-1, 1, n), rng.uniform(-1, 1, n)
    frame = pd.DataFrame({"employee_key": range(n), "tenure_years": a, "overtime_hours_90d": b,
                          "left_voluntarily": rng.random(n) < np.where(a * b > 0, 0.45, 0.05)})  # fmt: skip
    family, scores = select_family(frame, spec=FeatureSpec(["tenure_years", "overtime_hours_90d"], []))
    assert family == "gbm" and scores["gbm"] > max(scores["logistic"], scores["logistic_mild"]) + 0.1


def test_describe_turns_values_into_sentences():
    assert reasons.describe("years_since_last_promotion", 0.5) == "no promotion in 6 months"
    assert reasons.describe("pay_vs_band_midpoint", 0.05) == "paid 5% above band midpoint"
    assert reasons.describe("trainings_365d", 0.0) == "no course completed last year"
    assert reasons.describe(
        "x_business_travel", 2.0, levels=["Non-Travel", "Travel_Rarely", "Travel_Frequently"]
    ) == ("business travel: Travel_Frequently")
    assert reasons.describe("x_distance_from_home", None) == "distance from home: not recorded"


def test_time_aware_selection_validates_on_the_latest_landmarks_only():
    from datetime import date

    from talentflow.attrition.model import time_splits

    dates = [date(2023, m, 1) for m in (1, 4, 7, 10)] + [date(2024, m, 1) for m in (1, 4)]
    as_of = pd.Series([d for d in dates for _ in range(3)])
    ((train, validate),) = time_splits(as_of, horizon_months=6)
    assert set(as_of.iloc[validate]) == {date(2024, 1, 1), date(2024, 4, 1)}
    # label windows of training landmarks end before validation starts: 2023-07 + 6 months = 2024-01
    assert set(as_of.iloc[train]) == {date(2023, 1, 1), date(2023, 4, 1), date(2023, 7, 1)}
    assert time_splits(as_of[as_of < date(2023, 5, 1)], horizon_months=6) is None
