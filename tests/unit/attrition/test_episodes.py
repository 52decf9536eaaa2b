"""Risk episodes: alerted once, ended when the risk falls below the threshold, new after that."""

from __future__ import annotations

from datetime import date

import pandas as pd

from talentflow.attrition.alerting import current_episodes, episode_id


def history(**employees: str) -> pd.DataFrame:
    """``a="LMHH"``: employee a was low, medium, high, high on days 1-4 ('.' = not scored)."""
    codes = {"L": "low", "M": "medium", "H": "high"}
    return pd.DataFrame(
        [
            {"employee_key": k, "scored_at": date(2026, 1, i + 1), "risk_band": codes[c]}
            for k, seq in employees.items()
            for i, c in enumerate(seq)
            if c != "."
        ]
    )


def test_an_episode_starts_where_the_unbroken_high_run_starts():
    [e] = current_episodes(history(a="LHHH"), date(2026, 1, 4))
    assert (e.started_at, e.kind) == (date(2026, 1, 2), "new")
    assert e.episode_id == episode_id("a", date(2026, 1, 2))
    # the same episode every day it lasts: the alert id does not change
    assert current_episodes(history(a="LHH"), date(2026, 1, 3))[0].episode_id == e.episode_id


def test_worsened_from_medium_and_new_from_nothing():
    eps = {e.employee_key: e for e in current_episodes(history(a="MMH", b="..H", c="HHH"), date(2026, 1, 3))}
    assert eps["a"].kind == "worsened" and eps["b"].kind == "new" and eps["c"].started_at == date(2026, 1, 1)


def test_falling_below_the_threshold_ends_the_episode():
    assert current_episodes(history(a="HHL"), date(2026, 1, 3)) == []
    [again] = current_episodes(history(a="HHLH"), date(2026, 1, 4))
    assert again.started_at == date(2026, 1, 4) and again.episode_id != episode_id("a", date(2026, 1, 1))


def test_only_employees_scored_on_the_day_count_and_later_days_are_ignored():
    h = history(a="HH.", b="HHH", c="HHHL")
    assert [e.employee_key for e in current_episodes(h, date(2026, 1, 3))] == ["b", "c"]
    assert (
        current_episodes(pd.DataFrame(columns=["employee_key", "scored_at", "risk_band"]), date(2026, 1, 1))
        == []
    )
