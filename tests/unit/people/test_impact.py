"""Impact ratios in the LL144 form, by hand; the retraining guard uses the same computation; the
published page is self-contained and escapes what it shows."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from talentflow.fairness.bias_audit import compute, render_html
from talentflow.fairness.impact import impact_table
from talentflow.retraining import guard


def _sample():
    # female 30/50 = .60 (reference), male 18/45 = .40 -> .667; non_binary 1 of 96 known (< 2%): shown, excluded
    selected = [True] * 30 + [False] * 20 + [True] * 18 + [False] * 27 + [True] + [False] * 7
    groups = ["female"] * 50 + ["male"] * 45 + ["non_binary"] + ["undisclosed"] * 5 + [None] * 2
    return pd.Series(selected), pd.Series(groups)


def test_rates_ratios_unknowns_and_small_categories_by_hand():
    t = impact_table(*_sample(), min_share=0.02)
    rows = {r["category"]: r for r in t["categories"]}
    assert t["unknown"] == 7 and t["n_known"] == 96
    assert rows["female"]["rate"] == pytest.approx(0.6) and rows["female"]["impact_ratio"] == 1.0
    assert rows["male"]["rate"] == pytest.approx(0.4) and rows["male"]["impact_ratio"] == pytest.approx(
        0.6667
    )
    nb = rows["non_binary"]
    assert (
        nb["excluded"] and nb["impact_ratio"] is None and nb["rate"] == 1.0 and "2%" in nb["excluded_reason"]
    )
    assert t["reference"] == "female" and t["lowest"] == "male" and t["below_four_fifths"] == ["male"]


def test_not_assessed_people_are_not_counted():
    t = impact_table(pd.Series([True, None, False, True]), pd.Series(["a", "a", "b", "b"]), min_share=0)
    assert {r["category"]: r["n"] for r in t["categories"]} == {"a": 1, "b": 2}


def test_the_retraining_guard_reports_the_same_ratio():
    selected, groups = _sample()
    mine = impact_table(selected, groups, min_share=0.0, min_group_size=20)
    theirs = guard.impact_ratio(selected, groups, min_group_size=20)
    assert theirs["air"] == mine["min_impact_ratio"] == pytest.approx(0.6667)
    assert theirs["too_small"] == {"non_binary": 1}


def _frame(n=60):
    rows = []
    for i in range(n):
        sex = "female" if i % 2 else "male"
        eth = ["asian", "black", "white"][i % 3]
        overall = 40 + (i % 10) * 5 + (10 if sex == "male" else 0)
        rows.append(
            {
                "candidate_id": f"C{i}",
                "recommendation": "advance" if overall >= 70 else "talent_pool",
                "overall": float(overall),
                "scoring_model_version": "v1",
                "sex": sex,
                "ethnicity": eth,
            }
        )
    rows.append(
        {**rows[0], "candidate_id": "CX", "sex": "undisclosed", "ethnicity": "<script>alert(1)</script>"}
    )
    return pd.DataFrame(rows)


def test_report_has_both_measures_three_dimensions_and_the_unknowns():
    report = compute(_frame(), date(2025, 1, 1), date(2025, 12, 31))
    assert set(report["measures"]) == {"selection", "scoring"}
    for m in report["measures"].values():
        assert set(m["dimensions"]) == {"sex", "ethnicity", "intersectional"}
    assert report["unknown"]["sex"] == 1 and report["unknown"]["intersectional"] == 1
    sex = {r["category"]: r for r in report["measures"]["selection"]["dimensions"]["sex"]["categories"]}
    assert sex["female"]["impact_ratio"] < 0.8 and sex["male"]["impact_ratio"] == 1.0
    inter = report["measures"]["scoring"]["dimensions"]["intersectional"]["categories"]
    assert {r["category"] for r in inter} >= {"female · asian", "male · white"}
    assert report["period"] == {"from": "2025-01-01", "to": "2025-12-31"} and report["data_sources"]


def test_page_is_self_contained_and_escaped():
    page = render_html(compute(_frame(), date(2025, 1, 1), date(2025, 12, 31)))
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    for external in ("<script", "<link", "src=", "http://", "https://", "@import"):
        assert external not in page
    assert "Impact ratio" in page and "Sex × race/ethnicity" in page


def test_a_ratio_under_four_fifths_is_adverse_impact_only_when_significant():
    small = impact_table(
        [True] * 3 + [False] * 2 + [True] * 2 + [False] * 3, ["a"] * 5 + ["b"] * 5, min_share=0
    )
    assert small["below_four_fifths"] == ["b"]  # 0.4 / 0.6 = 0.67: reported, as LL144 asks
    assert small["adverse_impact"] == []  # 5 people a side: chance explains it
    b = next(c for c in small["categories"] if c["category"] == "b")
    assert 0.5 < b["p_value"] <= 1.0

    large = impact_table(
        [True] * 300 + [False] * 200 + [True] * 200 + [False] * 300, ["a"] * 500 + ["b"] * 500, min_share=0
    )
    assert large["below_four_fifths"] == ["b"] and large["adverse_impact"] == ["b"]
