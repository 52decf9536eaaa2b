"""The simulated calendar: days are integers counted from the window start (negative = before it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

import numpy as np

# Fixed company holidays (month, day); days off for everyone, no attendance rows.
HOLIDAYS: tuple[tuple[int, int], ...] = ((1, 1), (7, 4), (12, 25), (12, 26))


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, 1) if d.day == 1 else date(d.year + y, m + 1, min(d.day, 28))


@dataclass(frozen=True)
class Timeline:
    start: date
    years: int

    @cached_property
    def end(self) -> date:
        """First day after the window."""
        return add_months(self.start, 12 * self.years)

    @cached_property
    def n_days(self) -> int:
        return (self.end - self.start).days

    @cached_property
    def n_quarters(self) -> int:
        return 4 * self.years

    @cached_property
    def quarter_bounds(self) -> np.ndarray:
        """(n_quarters + 1,) day offsets of quarter starts; the last entry is the window end."""
        return np.array(
            [(add_months(self.start, 3 * q) - self.start).days for q in range(self.n_quarters + 1)]
        )

    def quarter_label(self, q: int) -> str:
        d = add_months(self.start, 3 * q)
        return f"{d.year}-Q{(d.month - 1) // 3 + 1}"

    @cached_property
    def quarter_labels(self) -> list[str]:
        return [self.quarter_label(q) for q in range(self.n_quarters)]

    def date(self, day: int) -> date:
        return self.start + timedelta(days=int(day))

    @cached_property
    def _iso_cache(self) -> dict[int, str]:
        return {}

    def iso(self, day: int) -> str:
        text = self._iso_cache.get(day)
        if text is None:
            text = self._iso_cache[day] = (self.start + timedelta(days=int(day))).isoformat()
        return text

    @cached_property
    def workdays(self) -> np.ndarray:
        """Day offsets of working days (Monday to Friday, minus the fixed holidays)."""
        days = []
        for offset in range(self.n_days):
            d = self.start + timedelta(days=offset)
            if d.weekday() < 5 and (d.month, d.day) not in HOLIDAYS:
                days.append(offset)
        return np.array(days, dtype=np.int32)

    @cached_property
    def workday_iso(self) -> list[str]:
        return [self.iso(d) for d in self.workdays]

    @cached_property
    def workday_quarter(self) -> np.ndarray:
        return (np.searchsorted(self.quarter_bounds, self.workdays, side="right") - 1).astype(np.int16)

    def year_index(self, day: np.ndarray | int) -> np.ndarray:
        """Calendar years since the start year (pay bands move each January)."""
        day = np.asarray(day)
        years = np.array([(self.start + timedelta(days=int(d))).year for d in np.atleast_1d(day)])
        return (years - self.start.year).reshape(day.shape)
