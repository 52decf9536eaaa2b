"""Landmarks for time-aware validation: no training label overlaps the held-out period."""

from __future__ import annotations

from datetime import date

import pytest

from talentflow.attrition.features import add_months, time_split


def test_three_years_of_data_give_a_held_out_last_year():
    split = time_split(date(2022, 1, 3), date(2024, 12, 31), horizon_months=6, holdout_months=12)
    assert split.usable and split.holdout_start == date(2024, 1, 1)
    assert split.held_out == (date(2024, 1, 1), date(2024, 4, 1), date(2024, 7, 1))
    assert split.train[0] == date(2022, 4, 1) and split.train[-1] == date(2023, 7, 1)
    for landmark in split.train:  # every training outcome is known before the held-out period starts
        assert add_months(landmark, 6) <= split.holdout_start
    # the production scorer also learns from the landmark straddling the boundary
    assert date(2023, 10, 1) in split.all_complete and date(2023, 10, 1) not in split.train + split.held_out
    assert add_months(split.held_out[-1], 6) == date(2025, 1, 1)  # the last label window ends with the data


@pytest.mark.parametrize("horizon", [3, 6, 12])
def test_label_windows_never_run_past_the_data(horizon):
    split = time_split(date(2021, 6, 15), date(2024, 9, 20), horizon_months=horizon)
    assert all(add_months(d, horizon) <= date(2024, 9, 21) for d in split.all_complete)
    assert all(d.day == 1 for d in split.all_complete)


def test_short_history_is_not_usable():
    split = time_split(date(2024, 1, 1), date(2024, 12, 31), horizon_months=6, holdout_months=12)
    assert not split.usable and split.train == ()


def test_add_months_clamps_the_day():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 3, 1), -14) == date(2023, 1, 1)
