"""Daily scores: every current employee in ``marts.attrition_features`` scored by the chosen scorer,
written to ``raw.attrition_scores`` (one row per employee and day), high risks logged as automated
recommendations in ``audit.recommendations``."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from talentflow.attrition import features
from talentflow.attrition.model import Scorer
from talentflow.attrition.settings import AttritionSettings, get_attrition_settings
from talentflow.core import recommendations, storage, warehouse
from talentflow.core.config import Settings, get_settings, model_signing_key
from talentflow.core.tables.attrition import SCORES
from talentflow.core.tables.platform import RECOMMENDATIONS

BANDS = ("low", "medium", "high")
RECOMMENDATION_KIND = "attrition_risk"


def risk_band(
    probability: float | None, rules_score: float, base_rate: float | None, att: AttritionSettings
) -> str:
    """high/medium/low: the probability as a multiple of the base rate of leaving; without a
    calibration (too little history), the rules score against the HR thresholds."""
    if probability is None or (isinstance(probability, float) and math.isnan(probability)) or not base_rate:
        if rules_score >= att.rules_high_score:
            return "high"
        return "medium" if rules_score >= att.rules_medium_score else "low"
    lift = probability / base_rate
    if lift >= att.high_risk_lift:
        return "high"
    return "medium" if lift >= att.medium_risk_lift else "low"


def load_scorer(key: str, settings: Settings | None = None) -> Scorer:
    """The stored scorer, after checking its signature (an unsigned or changed artefact is refused)."""
    settings = settings or get_settings()
    return Scorer.loads(storage.get_store(settings).get(key), model_signing_key(settings))


def score_frame(
    scorer: Scorer, current: pd.DataFrame, scored_at: date, att: AttritionSettings
) -> pd.DataFrame:
    """Rows for raw.attrition_scores (one per employee in ``current``)."""
    scored = scorer.score(current)
    scored["probability"] = [None if pd.isna(p) else round(float(p), 5) for p in scored["probability"]]
    scored["risk_band"] = [
        risk_band(p, r, scorer.base_rate, att)
        for p, r in zip(scored["probability"], scored["rules_score"], strict=True)
    ]
    scored["scored_at"] = scored_at
    scored["as_of"] = current["as_of"].to_numpy()
    scored["model_version"] = scorer.version
    scored["scorer"] = scorer.kind
    return scored


def recommendation_text(row: dict, horizon_months: int) -> str:
    actions = list(dict.fromkeys(r["suggested_action"] for r in row["reasons"] if r.get("suggested_action")))
    chance = (
        f"{row['probability']:.0%} chance of leaving within {horizon_months} months"
        if row.get("probability") is not None
        else f"rules score {row['rules_score']:g}"
    )
    return f"{row['risk_band']} attrition risk ({chance}); " + (
        "; ".join(actions) if actions else "talk with the employee about what keeps them"
    )


def score_current(
    scorer_key: str, scored_at: date, settings: Settings | None = None, att: AttritionSettings | None = None
) -> dict:
    """Score every current employee for ``scored_at``; re-running the same day rewrites the same rows."""
    settings = settings or get_settings()
    att = att or get_attrition_settings()
    scorer = load_scorer(scorer_key, settings)
    with warehouse.connect(settings) as conn:
        current = features.current_features(conn)
        rows = score_frame(scorer, current, scored_at, att)
        loaded = warehouse.upsert(conn, SCORES, rows)
        warehouse.ensure_table(conn, RECOMMENDATIONS)
        inputs_by_key = current.set_index("employee_key")
        logged = 0
        for row in rows[rows["risk_band"] == "high"].to_dict("records"):
            inputs = {k: _plain(v) for k, v in inputs_by_key.loc[row["employee_key"]].items()}
            logged += recommendations.record(
                conn,
                RECOMMENDATION_KIND,
                "employee",
                row["employee_key"],
                recommendation_text(row, scorer.horizon_months),
                scorer.version,
                inputs,
                {
                    "scorer": scorer.kind,
                    "probability": row["probability"],
                    "risk_band": row["risk_band"],
                    "base_rate": scorer.base_rate,
                    "rules_score": row["rules_score"],
                    "reasons": row["reasons"],
                    "top_factors": row["top_factors"],
                    "horizon_months": scorer.horizon_months,
                    "note": "a prompt for a conversation, never an automated decision about the employee",
                },
            )
    bands = rows["risk_band"].value_counts().to_dict()
    return {
        "scored_at": scored_at.isoformat(),
        "scored": len(rows),
        "scorer": scorer.kind,
        "model_version": scorer.version,
        "inserted": loaded.inserted,
        "updated": loaded.updated,
        "bands": {b: int(bands.get(b, 0)) for b in BANDS},
        "recommendations_logged": logged,
    }


def _plain(value):
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
