"""Per-employee reasons in words HR uses: "paid 18% below band midpoint", "no promotion in 4 years".

A reason is a feature that raises this employee's risk (its contribution, from either model family)
described by its value. Known features have a sentence; declared extra features (mapping files)
and snapshot columns get "<label>: <value>" with ordinal positions turned back into their level.
"""

from __future__ import annotations

import math
from collections.abc import Callable


def _years(v: float) -> str:
    if v < 1:
        months = round(v * 12)
        return f"{months} month{'s' if months != 1 else ''}"
    whole = round(v)
    return f"{whole} year{'s' if whole != 1 else ''}"


def _pay_vs_midpoint(v: float) -> str:
    if abs(v) < 0.005:
        return "paid at the band midpoint"
    return f"paid {abs(v):.0%} {'below' if v < 0 else 'above'} band midpoint"


def _count(v: float, one: str, many: str, none: str, period: str) -> str:
    n = round(v)
    if n == 0:
        return f"{none} {period}"
    return f"{n} {one if n == 1 else many} {period}"


def _trend(v: float) -> str:
    if abs(v) < 0.05:
        return "performance ratings flat"
    return f"performance rating {'falling' if v < 0 else 'rising'} by {abs(v):.1f} points a year"


SENTENCES: dict[str, Callable[[float], str]] = {
    "years_since_last_promotion": lambda v: f"no promotion in {_years(v)}",
    "years_in_role": lambda v: f"{_years(v)} in the same role",
    "tenure_years": lambda v: f"{_years(v)} with the company",
    "promotions": lambda v: _count(v, "promotion", "promotions", "no promotion", "so far"),
    "pay_vs_band_midpoint": _pay_vs_midpoint,
    "pay_position_in_band": lambda v: f"pay at {v:.0%} of its salary band (0% = band minimum)",
    "pay_below_band": lambda v: "paid below the salary band" if v else "paid within the salary band",
    "overtime_hours_90d": lambda v: f"{v:.0f} overtime hours in the last 90 days",
    "absent_days_90d": lambda v: _count(
        v, "unplanned absence", "unplanned absences", "no unplanned absence", "in the last 90 days"
    ),
    "sick_days_90d": lambda v: _count(v, "sick day", "sick days", "no sick day", "in the last 90 days"),
    "absence_rate_365d": lambda v: f"{v:.1f} unplanned absences per 100 working days last year",
    "sick_rate_365d": lambda v: f"{v:.1f} sick days per 100 working days last year",
    "trainings_365d": lambda v: _count(
        v, "course completed", "courses completed", "no course completed", "last year"
    ),
    "latest_rating": lambda v: f"latest performance rating {v:g} of 5",
    "mean_rating_last_year": lambda v: f"mean rating {v:.1f} of 5 over the last four reviews",
    "rating_trend_per_year": _trend,
    "interview_overall": lambda v: f"interview score at hire {v:.0f}/100",
    "motivation_growth": lambda v: (
        "said at interview that growth motivates them" if v else "growth not their main motivation"
    ),
    "overtime": lambda v: "works overtime" if v else "no overtime",
    "monthly_income": lambda v: f"monthly income {v:,.0f}",
    "base_salary": lambda v: f"base salary {v:,.0f}",
    "pay_change_365d": lambda v: f"pay {'up' if v >= 0 else 'down'} {abs(v):.0%} over the last year",
}


def words(name: str) -> str:
    """``x_distance_from_home`` -> ``distance from home``."""
    return name.removeprefix("x_").replace("_", " ")


def describe(feature: str, value, *, label: str | None = None, levels: list[str] | None = None) -> str:
    """One plain sentence for ``feature`` at ``value`` (``levels``: an ordinal feature's levels)."""
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    name = label or words(feature)
    if missing:
        return f"{name}: not recorded"
    sentence = SENTENCES.get(feature)
    if sentence is not None:
        try:
            return sentence(float(value) if not isinstance(value, bool) else value)
        except (TypeError, ValueError):
            pass
    if levels:
        try:
            return f"{name}: {levels[int(round(float(value)))]}"
        except (IndexError, ValueError):
            pass
    if isinstance(value, bool):
        return f"{name}: {'yes' if value else 'no'}"
    if isinstance(value, float):
        return f"{name}: {value:g}"
    return f"{name}: {value}"
