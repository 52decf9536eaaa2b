"""The fairness audit of an attrition scorer: protected attributes never enter a model; here they
measure it.

- Impact ratios of the high-risk flag by group, for each protected attribute (sex, age band,
  ethnicity, marital status, and what the mapping marks protected), computed by
  :func:`talentflow.fairness.impact.impact_table` (the LL144 / four-fifths arithmetic the interview
  bias audit uses). Here "selected" means "flagged high risk": a ratio far under 1 means a group is
  flagged much less often than the most-flagged group, far over it cannot happen by construction.
  Being flagged leads to a retention conversation, so both directions deserve a look; the figures
  are recorded with each evaluation, the reading is HR's.
- Proxy warnings: a feature that by itself tells a protected group apart (ROC AUC of the feature for
  membership in the group, or Cramér's V for a categorical feature) is a way for the attribute to
  enter the model through the back door. The feature stays (it may be a legitimate driver); the
  warning is recorded and logged so that HR can decide.
"""

from __future__ import annotations

import logging
from datetime import date

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from talentflow.fairness.impact import impact_table

log = logging.getLogger(__name__)

AGE_BANDS = (0, 30, 40, 50, 200)
AGE_LABELS = ("under 30", "30-39", "40-49", "50 and over")
PROXY_AUC = 0.8  # a single feature separating a group this well is a strong proxy
PROXY_CRAMERS_V = 0.5
MIN_GROUP = 20  # groups smaller than this get no proxy test (their AUC is noise)


def age_bands(age: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(age, errors="coerce")
    banded = pd.cut(numbers, AGE_BANDS, right=False, labels=AGE_LABELS)
    return banded.astype(object).where(numbers.notna(), None)


def ages_on(birth_date: pd.Series, on: pd.Series | date) -> pd.Series:
    born = pd.to_datetime(birth_date, errors="coerce")
    when = pd.to_datetime(on) if isinstance(on, pd.Series) else pd.Timestamp(on)
    return ((when - born).dt.days / 365.25).where(born.notna())


def groups(protected: pd.DataFrame) -> pd.DataFrame:
    """Protected attributes as group labels: ages banded, everything else as text."""
    out = pd.DataFrame(index=protected.index)
    for col in protected.columns:
        values = protected[col]
        if col == "age":
            out["age_band"] = age_bands(values)
        elif pd.api.types.is_numeric_dtype(values) and values.nunique() > 12:
            out[col] = pd.qcut(values, 4, duplicates="drop").astype(str).where(values.notna(), None)
        else:
            out[col] = (
                values.astype(object).where(values.notna(), None).map(lambda v: None if v is None else str(v))
            )
    return out


def fairness_audit(
    high_risk: np.ndarray | pd.Series, protected: pd.DataFrame, min_share: float = 0.02
) -> dict:
    """Impact ratios of the high-risk flag per protected attribute (empty dict: nothing to audit)."""
    flagged = pd.Series(np.asarray(high_risk, bool), index=protected.index)
    audit = {}
    for col, labels in groups(protected).items():
        if labels.notna().sum() == 0:
            continue
        table = impact_table(flagged, labels, min_share=min_share, min_group_size=MIN_GROUP)
        audit[col] = {
            "flagged_rate": round(float(flagged.mean()), 4),
            **{k: table[k] for k in ("reference", "lowest", "min_impact_ratio", "below_four_fifths")},
            "adverse_impact": table["adverse_impact"],
            "unknown": table["unknown"],
            "groups": [
                {
                    k: r.get(k)
                    for k in (
                        "category",
                        "n",
                        "selected",
                        "rate",
                        "impact_ratio",
                        "p_value",
                        "excluded_reason",
                    )
                }
                for r in table["categories"]
            ],
            **({"note": table["reason"]} if "reason" in table else {}),
        }
    return audit


def _cramers_v(a: pd.Series, b: pd.Series) -> float:
    from scipy.stats import chi2_contingency

    table = pd.crosstab(a, b)
    if min(table.shape) < 2:
        return 0.0
    chi2 = chi2_contingency(table, correction=False)[0]
    return float(np.sqrt(chi2 / (table.to_numpy().sum() * (min(table.shape) - 1))))


def proxy_warnings(
    x: pd.DataFrame, protected: pd.DataFrame, categorical: list[str] | tuple = ()
) -> list[dict]:
    """Features of ``x`` that alone predict a protected group strongly (see the module's text)."""
    warnings = []
    labels = groups(protected)
    for attr, group in labels.items():
        known = group.notna()
        if known.sum() < 2 * MIN_GROUP:
            continue
        counts = group[known].value_counts()
        members = [g for g, n in counts.items() if n >= MIN_GROUP and known.sum() - n >= MIN_GROUP]
        for feature in x.columns:
            values = x.loc[known, feature]
            if feature in categorical or not pd.api.types.is_numeric_dtype(values):
                v = _cramers_v(values.astype(str), group[known])
                if v >= PROXY_CRAMERS_V:
                    warnings.append(
                        {"feature": feature, "attribute": attr, "measure": "cramers_v", "value": round(v, 3)}
                    )
                continue
            numbers = pd.to_numeric(values, errors="coerce")
            filled = numbers.fillna(numbers.median())
            if filled.nunique() < 2:
                continue
            best, best_group = 0.0, None
            for g in members:
                auc = roc_auc_score(group[known] == g, filled)
                auc = max(auc, 1 - auc)
                if auc > best:
                    best, best_group = auc, g
            if best >= PROXY_AUC:
                warnings.append(
                    {
                        "feature": feature,
                        "attribute": attr,
                        "group": best_group,
                        "measure": "roc_auc",
                        "value": round(best, 3),
                    }
                )
    for w in warnings:
        log.warning(
            "feature %s is a strong proxy for the protected attribute %s (%s %.2f): review whether it should stay",
            w["feature"],
            w["attribute"],
            w["measure"],
            w["value"],
        )
    return warnings
