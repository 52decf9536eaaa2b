"""The generator's own voluntary-exit hazard at a landmark: what no scorer that sees only the warehouse
can beat beyond noise. For tests and benchmarks that judge the attrition scorers; the platform never
reads the ground truth.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd


class HazardOracle:
    """Log-hazard terms of truth.json for (employee_id, landmark date, years since last promotion)."""

    def __init__(self, world: Path | str) -> None:
        world = Path(world)
        with (world / "ground_truth" / "employees.jsonl").open() as fh:
            self.employees = {r["employee_id"]: r for r in map(json.loads, fh)}
        meta = json.loads((world / "ground_truth" / "truth.json").read_text())
        self.hazard = meta["hazard"]
        self.start = date.fromisoformat(meta["window"]["start"])
        pay = pd.read_csv(world / "hris" / "compensation.csv", parse_dates=["Effective_Dt"])
        self.pay = {k: g.sort_values("Effective_Dt") for k, g in pay.groupby("EmpID")}

    def log_hazard(self, employee_id: str, as_of: date, years_since_last_promotion: float) -> float:
        hz, t = self.hazard, self.employees[employee_id]
        hired = date.fromisoformat(t["hire_date"])
        growth_stalled = (
            t["motivation"] == "growth" and years_since_last_promotion >= hz["promotion_gap_years"]
        )
        years_in = (as_of - max(hired, self.start)).days / 365.25
        declining = t["trajectory_slope"] * years_in < -hz["decline_threshold"]
        grade = self.pay[employee_id]
        grade = grade[grade.Effective_Dt <= pd.Timestamp(as_of)].iloc[-1]
        below = grade.Annual_Base_Salary < grade.Grade_Min
        mid = (grade.Grade_Min + grade.Grade_Max) / 2
        underpaid = min(max((mid - grade.Annual_Base_Salary) / (mid - grade.Grade_Min), 0.0), 2.0)
        early = (as_of - hired).days / 365.25 < hz["early_tenure_years"]
        return (
            hz["growth_without_promotion"] * growth_stalled
            + hz["declining_performance"] * declining
            + hz["pay_below_band"] * below
            + hz["overtime"] * t["overtime_prone"]
            + hz["underpaid"] * underpaid
            + hz["early_tenure"] * early
        )

    def score(self, rows: pd.DataFrame, employee_ids: dict[str, str]) -> list[float]:
        """Per landmark row (employee_key, as_of, years_since_last_promotion); ``employee_ids`` maps
        the warehouse's pseudonymous keys back to the world's ids."""
        return [
            self.log_hazard(employee_ids[r.employee_key], r.as_of, r.years_since_last_promotion)
            for r in rows.itertuples()
        ]
