"""Criterion validity of interview scores: do they predict performance 6 and 12 months after hire?

Per job family, for each competency score and for the overall score: Pearson and Spearman r on the
hires, a 95% confidence interval (Fisher z) and the correlation corrected for range restriction.
Hires were selected on their interview, so the scores vary less among them than among all
applicants and the raw r understates validity. Thorndike's case II formula (direct restriction)
corrects it with ``u = SD(applicants) / SD(hires)``:

    r_c = r * u / sqrt(1 + r^2 * (u^2 - 1))

Both are reported side by side; decisions (the guard) use held-out, uncorrected correlations.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from scipy import stats

from scoring_tasks.model_version import ScoringModelVersion
from talentflow.retraining.dataset import CRITERIA, HiringData, overall_scores, weight_vector

OVERALL = "overall"


def fisher_ci(r: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Confidence interval of a Pearson r by Fisher's z transform (NaN when n <= 3)."""
    if n <= 3 or not math.isfinite(r):
        return (math.nan, math.nan)
    z = math.atanh(max(-0.999999, min(0.999999, r)))
    half = stats.norm.ppf(0.5 + level / 2) / math.sqrt(n - 3)
    return (math.tanh(z - half), math.tanh(z + half))


def thorndike_ii(r: float, sd_applicants: float, sd_hires: float) -> float:
    """Correct ``r`` observed among hires for direct range restriction on the predictor."""
    if not all(math.isfinite(v) for v in (r, sd_applicants, sd_hires)) or sd_hires <= 0 or sd_applicants <= 0:
        return math.nan
    u = sd_applicants / sd_hires
    return r * u / math.sqrt(1 + r * r * (u * u - 1))


@dataclass
class CorrelationStats:
    n: int
    pearson_r: float
    spearman_r: float
    ci_low: float
    ci_high: float
    corrected_r: float
    sd_applicants: float
    sd_hires: float

    def as_dict(self) -> dict:
        return {
            k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in asdict(self).items()
        }


def correlate(x, y, sd_applicants: float = math.nan) -> CorrelationStats:
    """Correlation statistics of predictor ``x`` with criterion ``y`` (pairs with a NaN are dropped)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    n = int(len(x))
    nan = math.nan
    if n < 3 or np.std(x) == 0 or np.std(y) == 0:
        sd = float(np.std(x, ddof=1)) if n > 1 else nan
        return CorrelationStats(n, nan, nan, nan, nan, nan, sd_applicants, sd)
    r = float(np.corrcoef(x, y)[0, 1])
    rho = float(stats.spearmanr(x, y).statistic)
    low, high = fisher_ci(r, n)
    sd_hires = float(np.std(x, ddof=1))
    return CorrelationStats(
        n, r, rho, low, high, thorndike_ii(r, sd_applicants, sd_hires), sd_applicants, sd_hires
    )


def validity_rows(
    data: HiringData, version: ScoringModelVersion, run_id: str, computed_at: datetime | None = None
) -> list[dict]:
    """Rows of ``raw.interview_validity``: job family x predictor (competencies, overall) x criterion."""
    computed_at = computed_at or datetime.now(UTC)
    rows = []
    for fam in data.families:
        comps = data.competencies(fam)
        pool = data.family(fam)
        if not comps or pool.empty:
            continue
        predictors = {c: pool[c] for c in comps}
        predictors[OVERALL] = overall_scores(pool, comps, weight_vector(version, fam, comps))
        hired = pool["hired"].to_numpy(dtype=bool)
        for name, values in predictors.items():
            sd_applicants = float(values.std(ddof=1)) if values.notna().sum() > 1 else math.nan
            for crit in CRITERIA:
                s = correlate(values[hired], pool.loc[hired, crit], sd_applicants)
                rows.append(
                    {
                        "run_id": run_id,
                        "job_family": fam,
                        "predictor": name,
                        "criterion": crit,
                        **s.as_dict(),
                        "n_applicants": int(values.notna().sum()),
                        "scoring_model_version": version.version,
                        "computed_at": computed_at,
                    }
                )
    return rows


def summary(rows: list[dict]) -> dict:
    """Per job family, the overall score's validity (r and corrected r) per criterion, for logs/XCom."""
    out: dict[str, dict] = {}
    for row in rows:
        if row["predictor"] != OVERALL:
            continue
        out.setdefault(row["job_family"], {})[row["criterion"]] = {
            "n": row["n"],
            "r": _round(row["pearson_r"]),
            "corrected_r": _round(row["corrected_r"]),
        }
    return out


def _round(v):
    return None if v is None else round(float(v), 3)


def as_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)
