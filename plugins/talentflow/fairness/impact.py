"""Selection rates and impact ratios per category, the way NYC Local Law 144 (6 RCNY § 5-301) and the
EEOC's four-fifths rule define them.

A category's rate is the share of its assessed people who were selected (advanced) or scored above
the sample median; its impact ratio is that rate divided by the highest rate among the counted
categories. People whose category is unknown (not disclosed) are counted apart and left out of the
rates. Categories under ``min_share`` of the known people (LL144 allows 2%) or under ``min_group_size``
are shown with their rate but left out of the ratios, with the reason.

A ratio under four fifths from a handful of people is often chance, so each counted category also
gets Fisher's exact test against the reference category (EEOC practice pairs the four-fifths rule with
a significance test): ``adverse_impact`` lists the categories that are both under four fifths and
significant at ``alpha``. LL144 itself asks only for the ratios, which are always reported.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

UNKNOWN = ("undisclosed", "", "unknown", "prefer_not_to_say", "nan", "none", "declined")
FOUR_FIFTHS = 0.8
ALPHA = 0.05


def impact_table(
    selected: Sequence | pd.Series,
    categories: Sequence | pd.Series,
    *,
    min_share: float = 0.02,
    min_group_size: int = 1,
    unknown: tuple[str, ...] = UNKNOWN,
    alpha: float = ALPHA,
) -> dict:
    """Rates and impact ratios of ``selected`` (bool per person; NaN: not assessed) by category."""
    df = pd.DataFrame(
        {
            "selected": pd.Series(selected).reset_index(drop=True),
            "category": pd.Series(categories).reset_index(drop=True),
        }
    )
    df = df[df["selected"].notna()]
    cat = df["category"].astype("string").str.strip().str.lower()
    is_unknown = cat.isna() | cat.isin(unknown)
    known = df[~is_unknown].assign(category=cat[~is_unknown])
    n_known = len(known)
    rows = []
    for name, group in known.groupby("category", sort=True):
        n = len(group)
        sel = int(group["selected"].astype(bool).sum())
        share = n / n_known if n_known else 0.0
        reason = None
        if share < min_share:
            reason = f"under {min_share:.0%} of the assessed with a known category"
        elif n < min_group_size:
            reason = f"fewer than {min_group_size} assessed"
        rows.append(
            {
                "category": str(name),
                "n": n,
                "selected": sel,
                "rate": round(sel / n, 4) if n else None,
                "share": round(share, 4),
                "excluded": reason is not None,
                "excluded_reason": reason,
                "impact_ratio": None,
            }
        )
    counted = [r for r in rows if not r["excluded"]]
    best = max((r["rate"] for r in counted), default=0) or 0
    result = {
        "categories": rows,
        "n_known": n_known,
        "unknown": int(is_unknown.sum()),
        "reference": None,
        "lowest": None,
        "min_impact_ratio": None,
        "below_four_fifths": [],
        "adverse_impact": [],
        "alpha": alpha,
    }
    if len(counted) < 2 or best <= 0:
        result["reason"] = (
            f"fewer than two categories that can be compared (counted: {[r['category'] for r in counted]})"
            if len(counted) < 2
            else "no one in any counted category was selected"
        )
        return result
    from scipy.stats import fisher_exact

    reference = max(counted, key=lambda r: r["rate"])
    for r in counted:
        r["impact_ratio"] = round(r["rate"] / best, 4)
        if r is not reference:
            table = [
                [r["selected"], r["n"] - r["selected"]],
                [reference["selected"], reference["n"] - reference["selected"]],
            ]
            r["p_value"] = round(float(fisher_exact(table, alternative="two-sided").pvalue), 6)
    lowest = min(counted, key=lambda r: r["impact_ratio"])
    result.update(
        reference=reference["category"],
        lowest=lowest["category"],
        min_impact_ratio=lowest["impact_ratio"],
        below_four_fifths=[r["category"] for r in counted if r["impact_ratio"] < FOUR_FIFTHS],
        adverse_impact=[
            r["category"]
            for r in counted
            if r["impact_ratio"] < FOUR_FIFTHS and r.get("p_value", 1.0) < alpha
        ],
    )
    return result
