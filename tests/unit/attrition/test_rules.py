"""HR rules from the dbt seed: parsing, validation errors a person can act on, evaluation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from talentflow.attrition.rules import RulesError, evaluate, load_rules, parse_rules, seed_file

ROW = {
    "rule_id": "r",
    "condition_column": "overtime_hours_90d",
    "operator": ">=",
    "threshold": "30",
    "weight": "1",
    "description": "Lots of overtime",
    "suggested_action": "Workload review",
}


def rows(*changes: dict) -> list[dict]:
    return [{**ROW, **c} for c in changes]


def frame(**cols) -> pd.DataFrame:
    return pd.DataFrame(cols)


def test_the_seed_loads_with_the_rules_the_brief_names():
    rules = load_rules(seed_file())
    ids = {r.rule_id for r in rules}
    assert {"growth_stalled", "pay_below_band", "high_overtime", "sick_days_up", "absences_up"} <= ids
    growth = next(r for r in rules if r.rule_id == "growth_stalled")
    assert [c.text() for c in growth.conditions] == [
        "motivation_growth = true",
        "years_since_last_promotion >= 2",
        "rating_trend_per_year < 0",
    ]
    assert all(r.suggested_action and r.description for r in rules)
    assert rules.version.startswith("rules-") and rules.max_score >= 9


def test_a_rule_matches_only_when_all_its_conditions_hold():
    rules = parse_rules(
        [
            {
                **ROW,
                "rule_id": "growth",
                "condition_column": "motivation_growth",
                "operator": "=",
                "threshold": "true",
                "weight": "3",
            },
            {
                **ROW,
                "rule_id": "growth",
                "condition_column": "years_since_last_promotion",
                "threshold": "2",
                "weight": "3",
            },
            {**ROW, "rule_id": "overtime", "weight": "1"},
        ]
    )
    data = frame(
        motivation_growth=[True, True, False, True],
        years_since_last_promotion=[2.5, 1.0, 3.0, None],
        overtime_hours_90d=[40.0, 10.0, 35.0, np.nan],
    )
    result = evaluate(rules, data)
    assert result.scores.tolist() == [4.0, 0.0, 1.0, 0.0]
    assert [r["rule_id"] for r in result.reasons[0]] == ["growth", "overtime"]  # heaviest first
    assert result.reasons[0][0]["evidence"] == {"motivation_growth": True, "years_since_last_promotion": 2.5}
    assert result.reasons[3] == []  # a missing value never matches


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"condition_column": "salary_text"}, "unknown column 'salary_text'"),
        ({"operator": "=>"}, "operator '=>'"),
        ({"condition_column": "pay_below_band", "operator": ">", "threshold": "true"}, "only = and !="),
        ({"weight": "high"}, "weight 'high' is not a number"),
        ({"threshold": " "}, "threshold is empty"),
    ],
)
def test_seed_mistakes_are_reported_with_row_and_rule(change, message):
    with pytest.raises(RulesError, match=message) as err:
        parse_rules(rows({}, change), "attrition_rules.csv")
    assert "attrition_rules.csv row 3" in str(err.value)


def test_one_weight_per_rule():
    with pytest.raises(RulesError, match="has weight 2 here and 1"):
        parse_rules(rows({}, {"condition_column": "sick_days_90d", "weight": "2"}))


def test_the_version_follows_the_content():
    a = parse_rules(rows({}))
    assert parse_rules(rows({})).version == a.version
    assert parse_rules(rows({"threshold": "31"})).version != a.version
