"""How good are the attrition scorers? Held-out later period for the platform, cross-validation for
any HRIS export (``talentflow attrition evaluate``).

The platform picks the model family by cross-validated ROC AUC on the training period (folds grouped
by employee; :func:`talentflow.attrition.model.select_family`), compares that model with the HR rules
on the held-out period and uses the model only when its ROC AUC there is higher; otherwise the rules
score employees. The decision and its reason are written to ``audit.model_evaluations`` with both
evaluations, each with its fairness audit (impact ratios of its high-risk flag by protected group;
:mod:`talentflow.attrition.audit`) and the model's proxy warnings. ``talentflow attrition evaluate``
does the same on one HRIS export by nested cross-validation.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from talentflow.attrition import audit, features
from talentflow.attrition.model import (
    FAMILIES,
    MODEL_NAME,
    RULES_NAME,
    FeatureSpec,
    InsufficientData,
    RulesCalibration,
    Scorer,
    fit_model,
    fit_selected,
    select_family,
)
from talentflow.attrition.rules import RuleSet, evaluate, load_rules
from talentflow.attrition.settings import AttritionSettings, get_attrition_settings
from talentflow.core import storage, warehouse
from talentflow.core.config import Settings, get_settings, model_signing_key
from talentflow.core.tables.attrition import EVALUATIONS

log = logging.getLogger(__name__)
MODELS_PREFIX = "models/attrition"


# ---- metrics ----------------------------------------------------------------------------------


def top_fraction_share(values: np.ndarray, scores: np.ndarray, fraction: float = 0.1) -> float:
    """Mean of ``values`` over the top ``fraction`` of rows by ``scores``.

    Rules scores tie a lot; rows tied at the cut are counted by their average (the expected value
    under random tie-breaking), so the figure does not depend on row order.
    """
    values, scores = np.asarray(values, float), np.asarray(scores, float)
    k = max(1, math.ceil(len(scores) * fraction))
    cut = np.sort(scores)[::-1][k - 1]
    above, tied = scores > cut, scores == cut
    return float((values[above].sum() + (k - above.sum()) * values[tied].mean()) / k)


def calibration_bins(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict]:
    """Predicted vs observed rate in (up to) ``bins`` equal-count bins of the prediction."""
    frame = pd.DataFrame({"y": np.asarray(y, float), "p": np.asarray(p, float)})
    frame["bin"] = pd.qcut(frame["p"].rank(method="first"), q=min(bins, len(frame)), labels=False)
    out = []
    for b, g in frame.groupby("bin"):
        out.append(
            {
                "bin": int(b),
                "lower": round(float(g.p.min()), 4),
                "upper": round(float(g.p.max()), 4),
                "n": len(g),
                "mean_predicted": round(float(g.p.mean()), 4),
                "observed_rate": round(float(g.y.mean()), 4),
            }
        )
    return out


def metrics(y: np.ndarray, ranking: np.ndarray, probability: np.ndarray | None = None) -> dict:
    """ROC AUC and precision at the top decile of ``ranking``; Brier score and calibration bins of
    ``probability`` (defaults to ``ranking``; None when there is no probability)."""
    y = np.asarray(y, bool)
    probability = ranking if probability is None else probability
    has_p = probability is not None and not np.isnan(np.asarray(probability, float)).any()
    both = 0 < y.sum() < len(y)
    return {
        "roc_auc": round(float(roc_auc_score(y, ranking)), 4) if both else None,
        "precision_at_top_decile": round(top_fraction_share(y, ranking), 4) if len(y) else None,
        "brier": round(float(brier_score_loss(y, probability)), 5) if has_p and len(y) else None,
        "calibration": calibration_bins(y, probability) if has_p and len(y) else [],
        "n": len(y),
        "positives": int(y.sum()),
        "base_rate": round(float(y.mean()), 4) if len(y) else None,
    }


# ---- held-out evaluation (the platform) ------------------------------------------------------


@dataclass
class Evaluation:
    model_name: str
    model_version: str
    metrics: dict
    n_train: int
    details: dict = field(default_factory=dict)


@dataclass
class Outcome:
    split: features.TimeSplit
    rules: Evaluation
    model: Evaluation | None
    decision: dict
    scorer: Scorer

    def summary(self) -> dict:
        def auc(e):
            return e.metrics.get("roc_auc") if e else None

        return {
            "used": self.decision["used"],
            "reason": self.decision["reason"],
            "version": self.scorer.version,
            "model_auc": auc(self.model),
            "rules_auc": auc(self.rules),
            "model_precision_at_top_decile": self.model.metrics.get("precision_at_top_decile")
            if self.model
            else None,
            "rules_precision_at_top_decile": self.rules.metrics.get("precision_at_top_decile"),
            "base_rate": self.scorer.base_rate,
            "held_out_rows": self.rules.metrics.get("n"),
            "held_out_positives": self.rules.metrics.get("positives"),
            "split": self.split.describe(),
        }


def _labels(frame: pd.DataFrame) -> np.ndarray:
    return frame[features.LABEL].astype(bool).to_numpy()


def _rules_scorer(rules: RuleSet, rows: pd.DataFrame, att: AttritionSettings, trained_on: dict) -> Scorer:
    y = _labels(rows)
    if len(rows) and y.any():
        calibration = RulesCalibration.fit(evaluate(rules, rows).scores, y)
        return Scorer(
            "rules",
            rules,
            float(y.mean()),
            att.horizon_months,
            calibration=calibration,
            trained_on=trained_on,
        )
    return Scorer("rules", rules, None, att.horizon_months, trained_on=trained_on)


def _high_risk(probability: np.ndarray, base_rate: float | None, att: AttritionSettings) -> np.ndarray:
    """The high-risk band of :func:`talentflow.attrition.scoring.risk_band`: lift over the base rate."""
    if not base_rate:
        return np.zeros(len(probability), bool)
    return np.asarray(probability, float) / base_rate >= att.high_risk_lift


def _rules_high_risk(scores, probability, base_rate, att: AttritionSettings) -> np.ndarray:
    if probability is not None and base_rate:
        return _high_risk(probability, base_rate, att)
    return np.asarray(scores, float) >= att.rules_high_score


def choose(model_auc: float | None, rules_auc: float | None, model_error: str | None = None) -> dict:
    """Which scorer to use, and why: the model only when it was trained and its held-out ROC AUC is
    strictly higher than the rules'; a tie, an untrained model or an undefined AUC keep the rules."""
    if model_error is not None:
        return {"used": "rules", "reason": f"model not trained: {model_error}"}
    if model_auc is None or rules_auc is None:
        return {
            "used": "rules",
            "reason": "the held-out period has no leavers (or only leavers): AUC undefined",
        }
    if model_auc > rules_auc:
        return {"used": "model", "reason": f"model held-out ROC AUC {model_auc:.3f} > rules {rules_auc:.3f}"}
    return {
        "used": "rules",
        "reason": f"model held-out ROC AUC {model_auc:.3f} <= rules {rules_auc:.3f}: model not used",
    }


def evaluate_held_out(conn, att: AttritionSettings | None = None, rules: RuleSet | None = None) -> Outcome:
    """Compare model and rules on the held-out later period and build the scorer to use."""
    att = att or get_attrition_settings()
    rules = rules or load_rules(att.rules_file)
    window = features.data_window(conn)
    if window is None:
        raise InsufficientData(
            "marts.attrition_features or marts.fct_attendance is empty: load HRIS exports "
            "(archive_sync) and build the warehouse (warehouse_build) first"
        )
    split = features.time_split(
        *window,
        horizon_months=att.horizon_months,
        holdout_months=att.holdout_months,
        step_months=att.landmark_step_months,
    )
    rows = features.landmark_rows(conn, split.all_complete, att.horizon_months)
    trained_on = {
        "landmarks": [d.isoformat() for d in split.all_complete],
        "rows": len(rows),
        "positives": int(_labels(rows).sum()) if len(rows) else 0,
    }
    if not split.usable:
        reason = (
            f"not enough history for a held-out period: data {window[0]} to {window[1]}, a "
            f"{att.holdout_months}-month hold-out needs training landmarks {att.horizon_months} months "
            "before it"
        )
        rules_eval = Evaluation(
            RULES_NAME, rules.version, metrics(np.array([], bool), np.array([])), 0, {"note": reason}
        )
        return Outcome(
            split,
            rules_eval,
            None,
            {"used": "rules", "reason": reason},
            _rules_scorer(rules, rows, att, trained_on),
        )

    train = rows[rows["as_of"].isin(split.train)]
    test = rows[rows["as_of"].isin(split.held_out)]
    y_train, y_test = _labels(train), _labels(test)

    # Rules: ranked by their score as HR wrote them; probabilities from a calibration on training rows.
    test_scores = evaluate(rules, test).scores
    calibration = RulesCalibration.fit(evaluate(rules, train).scores, y_train) if y_train.any() else None
    rules_p = calibration.predict(test_scores) if calibration else None
    rules_eval = Evaluation(
        RULES_NAME,
        rules.version,
        metrics(y_test, test_scores, rules_p),
        len(train),
        {"ranking": "rules score", "probability": "isotonic calibration on training landmarks"},
    )

    protected = features.protected_attributes(conn, rows)
    base_rate = float(y_train.mean()) if len(y_train) else None
    rules_flags = _rules_high_risk(test_scores, rules_p, base_rate, att)
    rules_eval.details["fairness"] = audit.fairness_audit(rules_flags, protected.loc[test.index])
    rules_eval.details["high_risk_flagged"] = int(rules_flags.sum())

    model_eval, model_error, fitted = None, None, None
    try:
        fitted = fit_selected(train, horizon_months=att.horizon_months)
        model_p = fitted.predict(test)
        flags = _high_risk(model_p, base_rate, att)
        model_eval = Evaluation(
            MODEL_NAME,
            fitted.version,
            metrics(y_test, model_p),
            len(train),
            {
                "features": fitted.spec.columns,
                "calibration": "sigmoid, out-of-fold by employee",
                "classifier": fitted.classifier,
                "family": fitted.family,
                "selection": fitted.selection,
                "protected_attributes_audited": list(protected.columns),
                "fairness": audit.fairness_audit(flags, protected.loc[test.index]),
                "high_risk_flagged": int(flags.sum()),
                "proxy_warnings": audit.proxy_warnings(
                    fitted.spec.matrix(train), protected.loc[train.index], fitted.spec.categorical
                ),
            },
        )
    except InsufficientData as exc:
        model_error = str(exc)

    decision = choose(
        model_eval.metrics["roc_auc"] if model_eval else None, rules_eval.metrics["roc_auc"], model_error
    )
    log.info("attrition scorer: %s (%s)", decision["used"], decision["reason"])

    # The scorer in production learns from every landmark whose outcome is known, held-out period included.
    if decision["used"] == "model":
        final = fit_model(rows, family=fitted.family)
        final.selection = fitted.selection
        y_all = _labels(rows)
        scorer = Scorer(
            "model", rules, float(y_all.mean()), att.horizon_months, model=final, trained_on=trained_on
        )
    else:
        scorer = _rules_scorer(rules, rows, att, trained_on)
    return Outcome(split, rules_eval, model_eval, decision, scorer)


def evaluation_rows(outcome: Outcome, evaluated_at: datetime) -> list[dict]:
    rows = []
    for ev in (outcome.model, outcome.rules):
        if ev is None:
            continue
        used = outcome.decision["used"] == ("model" if ev.model_name == MODEL_NAME else "rules")
        key = json.dumps([ev.model_name, ev.model_version, outcome.split.describe()], sort_keys=True)
        m = ev.metrics
        rows.append(
            {
                "evaluation_id": hashlib.sha256(key.encode()).hexdigest()[:24],
                "model_name": ev.model_name,
                "model_version": ev.model_version,
                "evaluated_at": evaluated_at,
                "roc_auc": m.get("roc_auc"),
                "precision_at_top_decile": m.get("precision_at_top_decile"),
                "brier": m.get("brier"),
                "calibration": m.get("calibration", []),
                "n_train": ev.n_train,
                "n_test": m.get("n", 0),
                "positives": m.get("positives", 0),
                "details": {
                    **ev.details,
                    "evaluation": "held-out later period",
                    "split": outcome.split.describe(),
                    "base_rate_held_out": m.get("base_rate"),
                    "used": used,
                    "decision": outcome.decision,
                    "production_version": outcome.scorer.version if used else None,
                    "production_trained_on": outcome.scorer.trained_on if used else None,
                },
            }
        )
    return rows


def train_and_evaluate(settings: Settings | None = None, att: AttritionSettings | None = None) -> dict:
    """Evaluate, record the evaluations and the decision, store the scorer; return its object key."""
    settings = settings or get_settings()
    att = att or get_attrition_settings()
    with warehouse.connect(settings) as conn:
        outcome = evaluate_held_out(conn, att)
        warehouse.upsert(conn, EVALUATIONS, evaluation_rows(outcome, datetime.now(UTC)))
    store = storage.get_store(settings)
    key = f"{MODELS_PREFIX}/{outcome.scorer.version}.joblib"
    store.put(key, outcome.scorer.dumps(model_signing_key(settings)), content_type="application/octet-stream")
    return {"scorer_key": key, **outcome.summary()}


# ---- cross-validation (any HRIS export) ------------------------------------------------------


def cross_validate(
    frame: pd.DataFrame,
    label: str,
    spec: FeatureSpec,
    folds: int = 5,
    *,
    protected: pd.DataFrame | None = None,
    families: tuple[str, ...] = tuple(FAMILIES),
    high_risk_lift: float | None = None,
) -> dict:
    """Out-of-fold calibrated probabilities by stratified ``folds``-fold cross-validation, the model
    family chosen inside each training fold (nested: the held-out fold never helps choose), and the
    fairness audit of the out-of-fold high-risk flag by the ``protected`` attributes."""
    y = frame[label].astype(bool).to_numpy()
    positives, negatives = int(y.sum()), int(len(y) - y.sum())
    need = max(2 * folds, 10)
    if positives < need or negatives < need:
        raise InsufficientData(
            f"too few rows for {folds}-fold cross-validation: {len(y)} employees, {positives} leavers and "
            f"{negatives} stayers; need at least {need} of each"
        )
    oof = np.zeros(len(y))
    fold_auc, chosen, inner = [], [], []
    for train, test in StratifiedKFold(n_splits=folds, shuffle=True, random_state=0).split(
        np.zeros(len(y)), y
    ):
        part = frame.iloc[train]
        family, scores = select_family(part, label=label, groups_col=None, spec=spec, families=families)
        fitted = fit_model(part, label=label, groups_col=None, spec=spec, family=family)
        oof[test] = fitted.predict(frame.iloc[test])
        fold_auc.append(round(float(roc_auc_score(y[test], oof[test])), 4))
        chosen.append(family)
        inner.append(scores)
    result = metrics(y, oof)
    lift = high_risk_lift or get_attrition_settings().high_risk_lift
    flags = oof / y.mean() >= lift
    result.update(
        {
            "folds": folds,
            "roc_auc_per_fold": fold_auc,
            "roc_auc_sd": round(float(np.std(fold_auc)), 4),
            "features": spec.columns,
            "family_per_fold": chosen,
            "inner_cv_roc_auc": inner,
            "high_risk_flagged": int(flags.sum()),
            "protected_attributes_audited": list(protected.columns) if protected is not None else [],
            "fairness": audit.fairness_audit(flags, protected.reset_index(drop=True))
            if protected is not None and len(protected.columns)
            else {},
            "proxy_warnings": audit.proxy_warnings(
                spec.matrix(frame).reset_index(drop=True), protected.reset_index(drop=True), spec.categorical
            )
            if protected is not None and len(protected.columns)
            else [],
        }
    )
    return result
