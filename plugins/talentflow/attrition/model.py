"""The statistical attrition model and the two scorers the platform can use (model or rules).

Model families (:data:`FAMILIES`), chosen per data set by cross-validated ROC AUC
(:func:`select_family`, folds grouped by employee): logistic regression with strong L2 (the
landmark default, below), logistic regression with mild L2 (one-row-per-employee snapshots carry more
signal per row), and scikit-learn's HistGradientBoosting with monotonic constraints where HR expects
a direction (:data:`MONOTONIC`; mapping files add their own). Every family is calibrated the same way.

Logistic regression on standardised features with one-hot department, job family and level,
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
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from talentflow.attrition import reasons
from talentflow.attrition.features import BOOLEAN, CATEGORICAL, EXTRA_PREFIX, LABEL, NUMERIC
from talentflow.attrition.rules import RuleSet, evaluate
from talentflow.core.tables.hris import PROTECTED

MODEL_NAME = "attrition_logistic"
RULES_NAME = "attrition_rules"
C = 0.01
CALIBRATION_FOLDS = 3
SELECTION_MARGIN = 0.01  # ROC AUC another family must gain over the first to replace it
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


# How HR expects risk to move with a feature (+1: more of it, more risk): the gradient-boosting model is
# held to these directions, so a reason never says "risky because paid more". Only directions HR agrees
# on are listed; tenure and ratings cut both ways (early leavers and poached high performers).
MONOTONIC = {
    "years_since_last_promotion": 1,
    "pay_position_in_band": -1,
    "pay_vs_band_midpoint": -1,
    "pay_below_band": 1,
    "overtime_hours_90d": 1,
    "absent_days_90d": 1,
    "absence_rate_365d": 1,
    "job_satisfaction": -1,
    "environment_satisfaction": -1,
    "work_life_balance": -1,
    "overtime": 1,
}


def one_thread(func):
    """Run ``func`` with OpenMP held to one thread. HistGradientBoosting on HR-sized data (thousands of
    rows) gains nothing from threads, and when other processes hold the cores OpenMP's threads wait on
    each other: one fit on the 900-row fixture took 71 s with the default threads and 1.2 s with one,
    measured on a shared two-core machine."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with threadpool_limits(limits=1, user_api="openmp"):
            return func(*args, **kwargs)

    return wrapper


class ProtectedFeature(ValueError):
    """A protected attribute was about to become a model input: refused."""


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
    monotonic: dict[str, int] = field(default_factory=dict)  # numeric feature -> +1 / -1
    labels: dict[str, str] = field(default_factory=dict)  # feature -> words for reasons
    levels: dict[str, list[str]] = field(default_factory=dict)  # ordinal feature -> its levels

    def __post_init__(self) -> None:
        refused = [c for c in self.columns if c.removeprefix(EXTRA_PREFIX) in PROTECTED]
        if refused:
            raise ProtectedFeature(
                f"protected attributes {refused} never enter the attrition model (they only audit it)"
            )

    @property
    def columns(self) -> list[str]:
        return [*self.numeric, *self.categorical]

    @classmethod
    def for_frame(
        cls, frame: pd.DataFrame, numeric=(*NUMERIC, *BOOLEAN), categorical=CATEGORICAL, **meta
    ) -> FeatureSpec:
        """The features that carry any value in ``frame`` (all-empty ones, e.g. interview scores before
        any interview was scored, are left out rather than imputed from nothing), plus the declared
        extra features (``x_*`` columns) the frame has."""
        extra = [c for c in frame.columns if str(c).startswith(EXTRA_PREFIX)]
        numeric = [*numeric, *(c for c in extra if pd.api.types.is_numeric_dtype(frame[c]))]
        categorical = [*categorical, *(c for c in extra if not pd.api.types.is_numeric_dtype(frame[c]))]
        meta.setdefault("monotonic", {c: d for c, d in MONOTONIC.items() if c in numeric})
        return cls(
            [c for c in dict.fromkeys(numeric) if c in frame and frame[c].notna().any()],
            [c for c in dict.fromkeys(categorical) if c in frame and frame[c].notna().any()],
            **meta,
        )

    def matrix(self, frame: pd.DataFrame) -> pd.DataFrame:
        x = pd.DataFrame(index=frame.index)
        for c in self.numeric:
            x[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
        for c in self.categorical:
            x[c] = frame[c].astype(object).where(frame[c].notna(), "unknown").astype(str)
        return x

    def describe(self, feature: str, value) -> str:
        return reasons.describe(
            feature, value, label=self.labels.get(feature), levels=self.levels.get(feature)
        )


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


def build_gbm(spec: FeatureSpec) -> Pipeline:
    """HistGradientBoosting on raw numbers (it handles gaps itself) and native categories, held to
    the directions HR expects; shallow, slow-learning trees with a floor on leaf size for HR-sized data."""
    parts = [("num", "passthrough", spec.numeric)]
    if spec.categorical:
        parts.append(
            (
                "cat",
                OrdinalEncoder(
                    handle_unknown="use_encoded_value",
                    unknown_value=np.nan,
                    encoded_missing_value=np.nan,
                    max_categories=200,
                ),
                spec.categorical,
            )
        )
    classifier = HistGradientBoostingClassifier(
        learning_rate=0.1,
        max_iter=100,
        max_leaf_nodes=15,
        min_samples_leaf=20,
        l2_regularization=1.0,
        early_stopping=False,
        categorical_features=[False] * len(spec.numeric) + [True] * len(spec.categorical),
        monotonic_cst=[spec.monotonic.get(c, 0) for c in spec.numeric] + [0] * len(spec.categorical),
        random_state=0,
    )
    return Pipeline([("features", ColumnTransformer(parts)), ("classifier", classifier)])


# family -> (pipeline builder, version prefix, words for the record)
FAMILIES = {
    "logistic": (lambda spec: build_pipeline(spec, C), MODEL_NAME, f"logistic regression, L2 C={C}"),
    "logistic_mild": (lambda spec: build_pipeline(spec, 1.0), MODEL_NAME, "logistic regression, L2 C=1"),
    "gbm": (build_gbm, "attrition_gbm", "HistGradientBoosting, monotonic where HR expects a direction"),
}


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
    baseline: np.ndarray  # logistic: mean of the transformed training matrix
    groups: dict[str, list[int]]  # logistic: source feature -> transformed column indexes
    version: str
    n_train: int
    positives: int
    family: str = "logistic"
    reference: dict = field(default_factory=dict)  # typical training value per feature (other families)
    selection: dict = field(default_factory=dict)  # cross-validated ROC AUC per family, when selected

    @property
    def pipeline(self) -> Pipeline:
        return self.calibrated.calibrated_classifiers_[0].estimator

    @property
    def classifier(self) -> str:
        return FAMILIES[self.family][2]

    @one_thread
    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return self.calibrated.predict_proba(self.spec.matrix(frame))[:, 1]

    @one_thread
    def contributions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Per row and source feature, the change in log-odds relative to a typical employee.

        Logistic regression: exact (``coef * (x - mean)`` summed over a feature's columns). Other
        families: the log-odds now minus the log-odds with that one feature set to its typical
        training value (median, or most common category), which is what the sentence "this raises
        the risk" means for a tree model."""
        x = self.spec.matrix(frame)
        if self.family.startswith("logistic"):
            z = self.pipeline[:-1].transform(x)
            z = z.toarray() if hasattr(z, "toarray") else np.asarray(z)
            coef = self.pipeline[-1].coef_[0]
            per_column = (z - self.baseline) * coef
            return pd.DataFrame(
                {f: per_column[:, idx].sum(axis=1) for f, idx in self.groups.items()}, index=frame.index
            )
        now = self.pipeline.decision_function(x)
        out = {}
        for c in self.spec.columns:
            typical = x.copy()
            typical[c] = self.reference[c]
            out[c] = now - self.pipeline.decision_function(typical)
        return pd.DataFrame(out, index=frame.index)

    def top_factors(self, frame: pd.DataFrame, k: int = 3) -> list[list[dict]]:
        contrib = self.contributions(frame)
        values = contrib.to_numpy()
        order = np.argsort(-values, axis=1)[:, :k]
        out = []
        for i in range(len(frame)):
            row = []
            for j in order[i]:
                if values[i, j] <= 0:
                    break
                f = contrib.columns[j]
                value = _plain(frame.iloc[i][f])
                row.append(
                    {
                        "feature": f,
                        "label": LABELS.get(f) or self.spec.labels.get(f) or reasons.words(f).capitalize(),
                        "value": value,
                        "text": self.spec.describe(f, value),
                        "contribution": round(float(values[i, j]), 4),
                    }
                )
            out.append(row)
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


@one_thread
def fit_model(
    frame: pd.DataFrame,
    *,
    label: str = LABEL,
    groups_col: str | None = "employee_key",
    spec: FeatureSpec | None = None,
    c: float = C,
    folds: int = CALIBRATION_FOLDS,
    family: str = "logistic",
) -> FittedModel:
    """Fit and calibrate on ``frame``; raises InsufficientData when it has too few leavers."""
    y = frame[label].astype(bool).to_numpy()
    check_trainable(y, "training rows")
    spec = spec or FeatureSpec.for_frame(frame)
    x = spec.matrix(frame)
    groups = frame[groups_col].to_numpy() if groups_col and groups_col in frame else None
    estimator = build_pipeline(spec, c) if family == "logistic" else FAMILIES[family][0](spec)
    calibrated = CalibratedClassifierCV(
        estimator, method="sigmoid", cv=_splits(y, groups, folds), ensemble=False
    )
    calibrated.fit(x, y)
    # Platt's p = 1 / (1 + exp(a * logit + b)) keeps the model's ranking only when a < 0; a >= 0 means
    # the out-of-fold predictions ranked stayers above leavers, i.e. no signal worth calibrating.
    if calibrated.calibrated_classifiers_[0].calibrators[0].a_ >= 0:
        raise InsufficientData("out of fold, the model ranked stayers above leavers: no signal to calibrate")
    pipeline = calibrated.calibrated_classifiers_[0].estimator
    settings = [c, folds, sklearn.__version__] + ([] if family == "logistic" else [family])
    digest = hashlib.sha256(
        json.dumps([data_digest(frame[[*spec.columns, label]]), spec.columns, *settings]).encode()
    ).hexdigest()[:10]
    baseline, groups_of, reference = np.zeros(0), {}, {}
    if family.startswith("logistic"):
        z = pipeline[:-1].transform(x)
        z = z.toarray() if hasattr(z, "toarray") else np.asarray(z)
        baseline, groups_of = z.mean(axis=0), _groups(pipeline, spec)
    else:
        reference = {col: float(x[col].median()) for col in spec.numeric}
        reference.update({col: x[col].mode().iloc[0] for col in spec.categorical})
    return FittedModel(
        spec,
        calibrated,
        baseline,
        groups_of,
        f"{FAMILIES[family][1]}-{digest}",
        len(y),
        int(y.sum()),
        family,
        reference,
    )


@one_thread
def select_family(
    frame: pd.DataFrame,
    *,
    label: str = LABEL,
    groups_col: str | None = "employee_key",
    spec: FeatureSpec | None = None,
    families: tuple[str, ...] = tuple(FAMILIES),
    folds: int = 3,
    splits: list | None = None,
) -> tuple[str, dict[str, float | None]]:
    """The family with the highest cross-validated ROC AUC on ``frame`` (folds grouped by employee)
    and every family's figure. Calibration is monotone, so it cannot change an AUC: the candidates
    are compared uncalibrated, and only the chosen one pays for calibration."""
    y = frame[label].astype(bool).to_numpy()
    check_trainable(y, "training rows")
    spec = spec or FeatureSpec.for_frame(frame)
    x = spec.matrix(frame)
    groups = frame[groups_col].to_numpy() if groups_col and groups_col in frame else None
    splits = splits or _splits(y, groups, folds)
    scored = np.zeros(len(y), bool)
    for _, test in splits:
        scored[test] = True
    scores: dict[str, float | None] = {}
    for family in families:
        out = np.zeros(len(y))
        for train, test in splits:
            model = FAMILIES[family][0](spec).fit(x.iloc[train], y[train])
            out[test] = model.decision_function(x.iloc[test])
        scores[family] = round(float(roc_auc_score(y[scored], out[scored])), 4)
    # The first family (the tuned default) stays unless another is clearly better: a hair's breadth
    # on a few hundred leavers is noise, and a change of family is a change HR has to trust.
    best = families[0]
    for family in families[1:]:
        if scores[family] >= scores[best] + SELECTION_MARGIN:
            best = family
    return best, scores


def time_splits(as_of: pd.Series, horizon_months: int) -> list | None:
    """One time-aware split of landmark rows: validate on the latest third of the landmark dates, train
    on those whose label window ends before the first of them (the held-out design, one level down);
    None when there are too few dates for it."""
    from talentflow.attrition.features import add_months

    dates = sorted(pd.unique(as_of))
    if len(dates) < 3:
        return None
    validate = dates[-max(1, len(dates) // 3) :]
    train = [d for d in dates if add_months(d, horizon_months) <= validate[0]]
    if not train:
        return None
    values = as_of.to_numpy()
    return [(np.flatnonzero(np.isin(values, train)), np.flatnonzero(np.isin(values, validate)))]


def fit_selected(frame: pd.DataFrame, *, horizon_months: int | None = None, **kwargs) -> FittedModel:
    """:func:`select_family`, then :func:`fit_model` of the winner with the selection recorded. With
    ``horizon_months`` (landmark rows) the choice is time-aware (:func:`time_splits`) when the dates
    allow it, else by folds grouped by employee."""
    select_args = {k: v for k, v in kwargs.items() if k in ("label", "groups_col", "spec", "families")}
    splits = time_splits(frame["as_of"], horizon_months) if horizon_months and "as_of" in frame else None
    if splits:
        y = frame[kwargs.get("label", LABEL)].astype(bool).to_numpy()
        if any(y[tr].sum() < MIN_POSITIVES or y[te].sum() < MIN_POSITIVES for tr, te in splits):
            splits = None
    family, scores = select_family(frame, splits=splits, **select_args)
    fit_args = {k: v for k, v in kwargs.items() if k != "families"}
    fitted = fit_model(frame, family=family, **fit_args)
    fitted.selection = {
        "chosen": family,
        "roc_auc": scores,
        "how": "time-aware: latest third of the training landmarks"
        if splits
        else "3 folds grouped by employee",
        "margin": SELECTION_MARGIN,
    }
    return fitted


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
