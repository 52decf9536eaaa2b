"""Daily time-and-attendance rows (or weekly totals) for a chunk of employees.

At 100,000 employees over three years the daily table has tens of millions of rows, so each row is
looked up, not formatted: every possible ``date,code,hours,ot`` tail is built once (a few tens of
thousands of strings) and a person's rows are one ``itemgetter`` plus one ``join``, both in C.
"""

from __future__ import annotations

from operator import itemgetter
from typing import TextIO

import numpy as np

from talentflow_demo.world.params import WorldParams
from talentflow_demo.world.timeline import Timeline
from talentflow_demo.world.workforce import ChunkState, emp_id

PAY_CODES = ("REG", "PTO", "SICK", "ABS")
OT_STEPS = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)


class AttendanceWriter:
    def __init__(self, params: WorldParams, timeline: Timeline) -> None:
        self.params = params
        self.tl = timeline
        self._table: list[str] | None = None

    def day_codes(self, st: ChunkState, end_day: np.ndarray, rng: np.random.Generator):
        """(n, n_workdays) pay-code and overtime-step arrays, and each person's active workday range.

        Absence and sickness rise in quarters where a person is disengaged (any exit-hazard indicator
        on), which is how real attendance data foreshadows leaving.
        """
        p, tl = self.params, self.tl
        wd = tl.workdays
        n = len(st.idx)
        dis = st.disengaged[:, tl.workday_quarter]
        u = rng.random((n, len(wd)), dtype=np.float32)
        absent = p.absent_rate * np.where(dis, p.disengaged_absent_factor, 1.0)
        sick = p.sick_rate * np.where(dis, p.disengaged_sick_factor, 1.0)
        code = np.zeros((n, len(wd)), dtype=np.int8)
        code[u < absent + sick + p.pto_rate] = 1
        code[u < absent + sick] = 2
        code[u < absent] = 3
        del u, dis
        v = rng.random((n, len(wd)), dtype=np.float32)
        ot_rate = np.where(st.ot_prone, p.overtime_day_rate_prone, p.overtime_day_rate_other)
        ot_rate = ot_rate.astype(np.float32)[:, None]
        ot_step = np.where((code == 0) & (v < ot_rate), 1 + np.floor(v / ot_rate * 6), 0).astype(np.int8)
        start_idx = np.searchsorted(wd, st.first_day)
        stop_idx = np.searchsorted(wd, end_day)
        return code, ot_step, start_idx, stop_idx

    def _rows_table(self) -> list[str]:
        """Every 'date,code,hours,ot' row tail, indexed by day * keys + fte * per_fte + code * n_ot + ot."""
        if self._table is None:
            tails = []
            for fte in (1.0, 0.8):
                for code in PAY_CODES:
                    for ot in OT_STEPS:
                        hours = 0.0 if code == "ABS" else 8.0 * fte
                        tails.append(f"{code},{hours:.2f},{ot:.2f}")
            self._table = [f"{d},{t}" for d in self.tl.workday_iso for t in tails]
        return self._table

    def write_daily(self, fh: TextIO, st: ChunkState, end_day: np.ndarray, rng: np.random.Generator) -> int:
        """Append the chunk's daily rows to ``fh``; returns the number of rows."""
        code, ot_step, start_idx, stop_idx = self.day_codes(st, end_day, rng)
        n_ot = len(OT_STEPS)
        per_fte = len(PAY_CODES) * n_ot
        table = self._rows_table()
        day_base = np.arange(code.shape[1], dtype=np.int64)[None, :] * (2 * per_fte)
        fte_idx = (st.fte < 1.0).astype(np.int64)[:, None]
        key = day_base + fte_idx * per_fte + code.astype(np.int64) * n_ot + ot_step
        rows = 0
        for j in range(len(st.idx)):
            a, b = int(start_idx[j]), int(stop_idx[j])
            if b <= a:
                continue
            prefix = emp_id(int(st.idx[j])) + ","
            picked = itemgetter(*key[j, a:b].tolist())(table)
            if b - a == 1:
                picked = (picked,)
            fh.write(prefix + ("\n" + prefix).join(picked) + "\n")  # one person at a time keeps memory flat
            rows += b - a
        return rows

    def write_weekly(self, fh: TextIO, st: ChunkState, end_day: np.ndarray, rng: np.random.Generator) -> int:
        """Append weekly totals per person (weeks start on Monday), from the same daily draws."""
        code, ot_step, start_idx, stop_idx = self.day_codes(st, end_day, rng)
        wd = self.tl.workdays
        n, n_days = code.shape
        day = np.arange(n_days)[None, :]
        active = (day >= start_idx[:, None]) & (day < stop_idx[:, None])
        monday0 = -self.tl.start.weekday()
        week = (wd - monday0) // 7
        starts = np.flatnonzero(np.r_[True, week[1:] != week[:-1]])

        def agg(values: np.ndarray) -> np.ndarray:
            return np.add.reduceat(values, starts, axis=1)

        days_worked = agg((active & (code == 0)).astype(np.int32))
        pto = agg((active & (code == 1)).astype(np.int32))
        sick = agg((active & (code == 2)).astype(np.int32))
        absent = agg((active & (code == 3)).astype(np.int32))
        any_active = agg(active.astype(np.int32)) > 0
        ot_hours = agg(np.where(active, np.array(OT_STEPS)[ot_step], 0.0))
        week_iso = [self.tl.iso(int(monday0 + 7 * week[s])) for s in starts]
        hours = (8.0 * st.fte)[:, None] * (days_worked + pto + sick)
        jj, ww = np.nonzero(any_active)  # row-major: by person, then week
        people = [emp_id(i) for i in st.idx.tolist()]
        small = [str(i) for i in range(8)]  # day counts are 0..5: look the strings up
        columns = (
            [people[j] for j in jj.tolist()],
            [week_iso[w] for w in ww.tolist()],
            [small[x] for x in days_worked[jj, ww].tolist()],
            [small[x] for x in pto[jj, ww].tolist()],
            [small[x] for x in sick[jj, ww].tolist()],
            [small[x] for x in absent[jj, ww].tolist()],
            [f"{h:.2f}" for h in hours[jj, ww].tolist()],
            [f"{h:.2f}" for h in ot_hours[jj, ww].tolist()],
        )
        if len(jj):
            fh.write("\n".join(map(",".join, zip(*columns, strict=True))) + "\n")
        return len(jj)
