"""The guard a candidate scoring-model version must pass before a person may approve it.

1. Validity: on the held-out hires (never used for fitting), the correlation of the candidate's
   overall score with later performance must beat the active version's by ``validity_margin``
   (pooled over the refitted job families, weighted by their held-out hires).
2. Fairness: the adverse-impact ratio of the candidate's scores over all interviewed candidates,
   by sex and by ethnicity, must stay at or above ``air_threshold`` (four-fifths rule) or at least not
   get worse than the active version's. The ratio is each group's rate of scoring above the median
   of its job family divided by the highest group's rate; 'undisclosed' and groups smaller than
   ``min_group_size`` are left out. Without two countable groups fairness cannot be checked, and the
   candidate is refused (fail closed).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from scoring_tasks.model_version import ScoringModelVersion
from talentflow.retraining.dataset import HiringData, version_overall
from talentflow.retraining.reweight import Proposal, rated_hires
from talentflow.retraining.settings import RetrainingSettings

ATTRIBUTES = ("sex", "ethnicity")
EXCLUDED_GROUPS = ("undisclosed", "", "unknown", "prefer_not_to_say")
MIN_HOLDOUT = 5


def impact_ratio(
    above: pd.Series, groups: pd.Series, min_group_size: int = 20, exclude: tuple[str, ...] = EXCLUDED_GROUPS
) -> dict:
    """Adverse-impact ratio: min over groups of (group's rate of ``above``) / (highest group's rate).
    The same computation as the published bias audit (:func:`talentflow.fairness.impact.impact_table`)."""
    from talentflow.fairness.impact import impact_table

    df = pd.DataFrame({"above": above, "group": groups}).dropna()
    table = impact_table(
        df["above"], df["group"], min_share=0.0, min_group_size=min_group_size, unknown=exclude
    )
    counted = [c for c in table["categories"] if not c["excluded"]]
    result = {
        "air": table["min_impact_ratio"],
        "rates": {c["category"]: c["rate"] for c in counted},
        "n": {c["category"]: c["n"] for c in counted},
        "too_small": {c["category"]: c["n"] for c in table["categories"] if c["excluded"]},
        "reference_group": table["reference"],
        "lowest_group": table["lowest"],
    }
    if result["air"] is None:
        result["reason"] = (
            f"fewer than two groups with at least {min_group_size} interviewed candidates "
            f"(counted: {sorted(result['n'])}, too small: {result['too_small']})"
        )
    return result


def above_family_median(data: HiringData, version: ScoringModelVersion) -> pd.Series:
    """True where a candidate's overall score under ``version`` is above the median of its job family."""
    overall = version_overall(data, version)
    out = pd.Series(np.nan, index=data.frame.index, dtype=object)
    for fam in data.families:
        idx = data.family(fam).index
        scores = overall.loc[idx].dropna()
        if scores.empty:
            continue
        out.loc[scores.index] = scores > scores.median()
    return out


def adverse_impact(data: HiringData, version: ScoringModelVersion, cfg: RetrainingSettings) -> dict:
    above = above_family_median(data, version)
    return {attr: impact_ratio(above, data.frame[attr], cfg.min_group_size) for attr in ATTRIBUTES}


def holdout_validity(
    data: HiringData, versions: dict[str, ScoringModelVersion], families: list[str], cfg: RetrainingSettings
) -> dict:
    """Per family and pooled (n-weighted): held-out r of each version's overall score with performance."""
    per_family: dict[str, dict] = {}
    for fam in families:
        hires, _, y, held = rated_hires(data, fam, cfg)
        test = hires[held]
        entry = {"n": int(len(test))}
        for name, version in versions.items():
            scores = version_overall(HiringData(test.drop(columns=["criterion"])), version)
            r = _corr(scores.to_numpy(), y[held]) if len(test) >= MIN_HOLDOUT else math.nan
            entry[name] = None if not math.isfinite(r) else round(r, 4)
        per_family[fam] = entry
    pooled = {}
    for name in versions:
        pairs = [(e["n"], e[name]) for e in per_family.values() if e[name] is not None]
        total = sum(n for n, _ in pairs)
        pooled[name] = round(sum(n * r for n, r in pairs) / total, 4) if total else None
    pooled["n"] = sum(e["n"] for e in per_family.values() if e.get("active") is not None)
    return {"families": per_family, "pooled": pooled}


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 3 or np.std(a) == 0 or np.std(b) == 0:
        return math.nan
    return float(np.corrcoef(a, b)[0, 1])


@dataclass
class GuardResult:
    passed: bool
    reasons: list[str] = field(default_factory=list)
    metrics: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def evaluate(
    data: HiringData, active: ScoringModelVersion, proposal: Proposal, cfg: RetrainingSettings
) -> GuardResult:
    candidate = proposal.candidate_version()
    reasons: list[str] = []
    refit = proposal.refit_families
    kept = {f: fit["reason"] for f, fit in proposal.families.items() if not fit["refit"]}
    if not refit:
        reasons.append(
            "no job family had enough rated hires to refit its weights: "
            + "; ".join(f"{f}: {r}" for f, r in sorted(kept.items()))
        )
    validity = holdout_validity(data, {"active": active, "candidate": candidate}, refit, cfg)
    pooled = validity["pooled"]
    if refit:
        r_a, r_c = pooled.get("active"), pooled.get("candidate")
        if r_a is None or r_c is None:
            reasons.append(
                f"held-out validity cannot be measured: fewer than {MIN_HOLDOUT} held-out hires "
                f"with a rating in {', '.join(refit)}"
            )
        elif r_c - r_a < cfg.validity_margin:
            reasons.append(
                f"held-out validity {r_c:.3f} does not beat the active version's {r_a:.3f} by the "
                f"margin {cfg.validity_margin:g} (gain {r_c - r_a:+.3f} on {pooled['n']} held-out hires)"
            )
    impact = {"active": adverse_impact(data, active, cfg), "candidate": adverse_impact(data, candidate, cfg)}
    for attr in ATTRIBUTES:
        new, old = impact["candidate"][attr], impact["active"][attr]
        if new["air"] is None:
            reasons.append(f"adverse impact by {attr} cannot be checked: {new['reason']}")
        elif new["air"] < cfg.air_threshold and (
            old["air"] is None or new["air"] < old["air"] - cfg.air_tolerance
        ):
            before = "n/a" if old["air"] is None else f"{old['air']:.3f}"
            reasons.append(
                f"adverse impact by {attr}: the ratio for '{new['lowest_group']}' falls to "
                f"{new['air']:.3f} (active version: {before}), below {cfg.air_threshold:g} and worse "
                "than the active version"
            )
    metrics = {
        "holdout_validity": validity,
        "adverse_impact": impact,
        "kept_families": kept,
        "refit_families": refit,
        "thresholds": {
            "validity_margin": cfg.validity_margin,
            "air_threshold": cfg.air_threshold,
            "air_tolerance": cfg.air_tolerance,
            "min_group_size": cfg.min_group_size,
            "min_hires": cfg.min_hires,
        },
    }
    return GuardResult(passed=not reasons, reasons=reasons, metrics=metrics)
