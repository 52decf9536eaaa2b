"""New competency weights per job family, learned from how hires performed.

For each job family with at least ``min_hires`` rated hires (complete interview scores), on the
training part of a stable split (the rest is held out for the guard):

    minimise ||y - X b||^2 + lam * n * ||b - a0 * w0||^2   subject to b >= 0

where ``X`` are the centred competency scores, ``y`` the centred criterion (later performance),
``w0`` the active version's weights (summing to one) and ``a0`` the least-squares scale of ``X w0``.
It is a non-negative least-squares problem on an augmented system (``scipy.optimize.nnls``); the new
weights are ``b / sum(b)``. ``lam`` (the pull toward the current weights) is chosen by repeated
k-fold cross-validation on the out-of-fold correlation of the weighted score with performance,
taking the strongest pull within one standard error of the best (few hires: stay close to the
current weights). Families with too few hires keep their weights, and the reason is recorded.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.optimize import nnls
from sklearn.model_selection import RepeatedKFold

from scoring_tasks.model_version import ScoringModelVersion
from talentflow.retraining.dataset import HiringData, criterion, weight_vector
from talentflow.retraining.settings import RetrainingSettings

CV_TIE = 0.002  # at least this much CV slack, even when the fold scores agree closely
WEIGHT_DECIMALS = 6


def holdout_mask(candidate_ids, fraction: float, salt: str) -> np.ndarray:
    """Stable held-out split: a candidate's side depends only on its id and the salt."""

    def side(cid: str) -> bool:
        digest = hashlib.sha256(f"{salt}:{cid}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64 < fraction

    return np.array([side(str(c)) for c in candidate_ids], dtype=bool)


def normalise(weights: np.ndarray) -> np.ndarray:
    weights = np.clip(np.asarray(weights, dtype=float), 0, None)
    total = weights.sum()
    return weights / total if total > 0 else np.full(len(weights), 1 / len(weights))


def ridge_nnls(X: np.ndarray, y: np.ndarray, prior: np.ndarray, lam: float) -> np.ndarray:
    """Non-negative coefficients pulled toward ``a0 * prior`` with strength ``lam`` (see module doc)."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    n, k = Xc.shape
    z = Xc @ prior
    a0 = max(0.0, float(z @ yc) / float(z @ z)) if float(z @ z) > 0 else 0.0
    if lam > 0:
        s = math.sqrt(lam * n)
        A = np.vstack([Xc, s * np.eye(k)])
        b = np.concatenate([yc, s * a0 * prior])
    else:
        A, b = Xc, yc
    beta, _ = nnls(A, b)
    return beta


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 3 or np.std(a) == 0 or np.std(b) == 0:
        return math.nan
    return float(np.corrcoef(a, b)[0, 1])


def cv_correlations(
    X: np.ndarray,
    y: np.ndarray,
    prior: np.ndarray,
    lam: float,
    folds: int = 5,
    repeats: int = 3,
    seed: int = 0,
) -> np.ndarray:
    """Out-of-fold correlation of ``X @ weights`` with ``y``, one value per fold and repeat."""
    scores = []
    for train, test in RepeatedKFold(n_splits=folds, n_repeats=repeats, random_state=seed).split(X):
        beta = ridge_nnls(X[train], y[train], prior, lam)
        scores.append(_corr(X[test] @ (normalise(beta) if beta.sum() > 0 else prior), y[test]))
    return np.array([s for s in scores if math.isfinite(s)])


def choose_lambda(
    X: np.ndarray, y: np.ndarray, prior: np.ndarray, lambdas, folds: int, repeats: int
) -> tuple[float, dict[float, float]]:
    """The strongest pull whose CV correlation is within one standard error of the best (the
    one-standard-error rule): with few hires the fold scores scatter widely and the current weights
    win unless the data clearly say otherwise."""
    per_lambda = {float(lam): cv_correlations(X, y, prior, lam, folds, repeats) for lam in lambdas}
    means = {lam: float(s.mean()) if len(s) else math.nan for lam, s in per_lambda.items()}
    finite = {lam: m for lam, m in means.items() if math.isfinite(m)}
    if not finite:
        return max(means), means
    best = max(finite, key=lambda lam: finite[lam])
    spread = per_lambda[best]
    se = float(spread.std(ddof=1) / math.sqrt(len(spread))) if len(spread) > 1 else 0.0
    chosen = max(lam for lam, m in finite.items() if m >= finite[best] - max(se, CV_TIE))
    return chosen, means


def fit_weights(
    X: np.ndarray, y: np.ndarray, prior: np.ndarray, cfg: RetrainingSettings
) -> tuple[np.ndarray, float, dict[float, float]]:
    """Weights (non-negative, summing to one), the chosen pull and the CV correlation of each pull."""
    folds = max(2, min(cfg.cv_folds, len(y) // 4))
    lam, scores = choose_lambda(X, y, prior, cfg.lambdas, folds, cfg.cv_repeats)
    beta = ridge_nnls(X, y, prior, lam)
    weights = normalise(beta) if beta.sum() > 0 else prior.copy()
    return weights, lam, scores


@dataclass
class FamilyFit:
    job_family: str
    competencies: list[str]
    n_hires: int
    n_train: int
    n_holdout: int
    refit: bool
    reason: str
    weights_before: dict[str, float]
    weights_after: dict[str, float]
    lam: float | None = None
    cv_r: dict[str, float] = field(default_factory=dict)


@dataclass
class Proposal:
    version: str
    parent_version: str
    candidate: dict  # ScoringModelVersion as JSON
    families: dict[str, dict]
    data_fingerprint: str
    settings: dict

    @property
    def refit_families(self) -> list[str]:
        return [f for f, fit in self.families.items() if fit["refit"]]

    def candidate_version(self) -> ScoringModelVersion:
        return ScoringModelVersion.model_validate(self.candidate)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Proposal:
        return cls(**data)


def rated_hires(data: HiringData, job_family: str, cfg: RetrainingSettings):
    """The family's hires with every competency scored and a criterion value: (frame, X, y, holdout)."""
    comps = data.competencies(job_family)
    fam = data.family(job_family)
    hires = fam[fam["hired"]].copy()
    hires["criterion"] = criterion(hires, cfg.criterion)
    hires = hires.dropna(subset=[*comps, "criterion"])
    X = hires[comps].to_numpy(dtype=float)
    y = hires["criterion"].to_numpy(dtype=float)
    held = holdout_mask(hires["candidate_id"], cfg.holdout_fraction, cfg.split_salt)
    return hires, X, y, held


def fit_family(
    data: HiringData, job_family: str, active: ScoringModelVersion, cfg: RetrainingSettings
) -> FamilyFit:
    comps = data.competencies(job_family)
    prior = normalise(weight_vector(active, job_family, comps))
    before = {c: round(float(w), WEIGHT_DECIMALS) for c, w in zip(comps, prior, strict=True)}
    _, X, y, held = rated_hires(data, job_family, cfg)
    n, n_hold = len(y), int(held.sum())
    common = dict(
        job_family=job_family,
        competencies=comps,
        n_hires=n,
        n_train=n - n_hold,
        n_holdout=n_hold,
        weights_before=before,
    )
    if n < cfg.min_hires:
        return FamilyFit(
            **common,
            refit=False,
            weights_after=before,
            reason=f"only {n} hires with complete interview scores and a performance rating; "
            f"at least {cfg.min_hires} are needed (TALENTFLOW_RETRAIN_MIN_HIRES)",
        )
    if np.std(y[~held]) == 0:
        return FamilyFit(
            **common,
            refit=False,
            weights_after=before,
            reason="every training hire has the same rating: nothing to learn from",
        )
    weights, lam, scores = fit_weights(X[~held], y[~held], prior, cfg)
    after = {c: round(float(w), WEIGHT_DECIMALS) for c, w in zip(comps, weights, strict=True)}
    return FamilyFit(
        **common,
        refit=True,
        weights_after=after,
        lam=lam,
        cv_r={str(k): round(v, 4) if math.isfinite(v) else None for k, v in scores.items()},
        reason=f"refitted on {n - n_hold} hires (ridge pull {lam:g} chosen by cross-validation); "
        f"{n_hold} held out",
    )


def version_id(parent: str, weights: dict[str, dict[str, float]]) -> str:
    """Content-derived: the same parent and weights give the same id, so re-runs change nothing."""
    blob = json.dumps({"parent": parent, "weights": weights}, sort_keys=True)
    return "fr-" + hashlib.sha256(blob.encode()).hexdigest()[:10]


def propose(data: HiringData, active: ScoringModelVersion, cfg: RetrainingSettings) -> Proposal:
    """Fit every job family and build the candidate version (the active one with the new weights)."""
    fits = {fam: fit_family(data, fam, active, cfg) for fam in data.families}
    weights = {k: dict(v) for k, v in active.competency_weights.items()}
    for fam, fit in fits.items():
        if fit.refit:
            # Every competency listed: the Scorer weighs an unlisted competency 1.0.
            weights[fam] = dict(fit.weights_after)
    vid = version_id(active.version, weights)
    refit = sorted(f for f, fit in fits.items() if fit.refit)
    n = sum(fits[f].n_train for f in refit)
    candidate = active.model_copy(
        deep=True,
        update={
            "version": vid,
            "competency_weights": weights,
            "source": (
                f"feedback retraining of {active.version}: weights of {', '.join(refit)} refitted on {n} "
                "hires' later performance"
                if refit
                else f"feedback retraining of {active.version}: "
                "no job family had enough rated hires; weights unchanged"
            ),
        },
    )
    return Proposal(
        version=vid,
        parent_version=active.version,
        candidate=candidate.model_dump(mode="json"),
        families={f: asdict(fit) for f, fit in fits.items()},
        data_fingerprint=data.fingerprint(),
        settings=cfg.model_dump(mode="json"),
    )


def distance(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    """L1 and L2 distance between two weight sets (each normalised to sum to one first)."""
    keys = sorted(set(a) | set(b))
    va = normalise(np.array([a.get(k, 0.0) for k in keys]))
    vb = normalise(np.array([b.get(k, 0.0) for k in keys]))
    return {"l1": float(np.abs(va - vb).sum()), "l2": float(np.sqrt(((va - vb) ** 2).sum()))}
