"""What feedback retraining learns from: one row per interviewed candidate.

Columns: ``candidate_id``, ``job_family``, ``scoring_model_version``, one column per competency
(the 1-5 score, NaN when the competency was not asked), ``hired``, ``rating_6m`` and ``rating_12m``
(hires only; the mean performance rating about 6 and 12 months after hire) and ``sex`` /
``ethnicity`` (restricted; used only for the adverse-impact guard, never written anywhere).

``load_from_warehouse`` reads the hiring-time interview scores (``marts.fct_interview_scores``, the
latest done interview per candidate), the ratings (``marts.employee_lifecycle_profile`` through
``restricted.employee_key_map``) and ``restricted.candidate_demographics``. Tests build the same
frame from a generated world.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from scoring_tasks.model_version import ScoringModelVersion
from talentflow.core.config import Settings, get_settings

log = logging.getLogger(__name__)
CRITERIA = ("rating_6m", "rating_12m")
BASE_COLUMNS = ("candidate_id", "job_family", "scoring_model_version", "hired", *CRITERIA, "sex", "ethnicity")


@lru_cache(maxsize=16)
def family_competencies(job_family: str) -> tuple[str, ...]:
    """The competencies an interview for ``job_family`` is scored on (its rubric, in rubric order)."""
    from scoring_tasks.rubric import rubric_for_job_family

    return tuple(rubric_for_job_family(job_family).competencies)


@dataclass
class HiringData:
    frame: pd.DataFrame

    def __post_init__(self) -> None:
        missing = [c for c in BASE_COLUMNS if c not in self.frame.columns]
        if missing:
            raise ValueError(f"hiring data lacks columns {missing}")
        self.frame = self.frame.reset_index(drop=True)

    @property
    def families(self) -> list[str]:
        return sorted(self.frame["job_family"].dropna().unique())

    def competencies(self, job_family: str) -> list[str]:
        return [c for c in family_competencies(job_family) if c in self.frame.columns]

    def family(self, job_family: str) -> pd.DataFrame:
        return self.frame[self.frame["job_family"] == job_family]

    def counts(self) -> dict[str, dict[str, int]]:
        out = {}
        for fam in self.families:
            f = self.family(fam)
            hires = f[f["hired"]]
            out[fam] = {
                "interviewed": len(f),
                "hires": len(hires),
                "hires_rated_6m": int(hires["rating_6m"].notna().sum()),
                "hires_rated_12m": int(hires["rating_12m"].notna().sum()),
            }
        return out

    def fingerprint(self) -> str:
        """A hash of the data, so later tasks of a run can tell that they see what the first one saw."""
        cols = [c for c in self.frame.columns if c not in ("sex", "ethnicity")]
        frame = self.frame.sort_values("candidate_id")[sorted(cols)]
        blob = pd.util.hash_pandas_object(frame, index=False).values.tobytes()
        return hashlib.sha256(blob).hexdigest()[:16]


def criterion(frame: pd.DataFrame, how: str = "mean") -> pd.Series:
    """'Success' per row: the 6- or 12-month rating, or the mean of those that exist."""
    if how == "mean":
        return frame[list(CRITERIA)].mean(axis=1, skipna=True)
    if how not in CRITERIA:
        raise ValueError(f"criterion must be 'mean' or one of {CRITERIA}, not {how!r}")
    return frame[how]


def weight_vector(version: ScoringModelVersion, job_family: str, competencies: list[str]) -> np.ndarray:
    return np.array([version.weight(job_family, c) for c in competencies], dtype=float)


def overall_scores(frame: pd.DataFrame, competencies: list[str], weights: np.ndarray) -> pd.Series:
    """The 0-100 overall score exactly as ``scoring_tasks.score.Scorer`` forms it from competency scores:
    the weighted mean of ``(score - 1) / 4 * 100`` over the competencies that were scored."""
    scores = frame[competencies].to_numpy(dtype=float)
    present = ~np.isnan(scores)
    w = np.where(present, weights[None, :], 0.0)
    wsum = w.sum(axis=1)
    # The Scorer falls back to equal weights when the scored competencies all weigh zero.
    equal = np.where(present, 1.0, 0.0)
    w = np.where((wsum <= 0)[:, None], equal, w)
    wsum = w.sum(axis=1)
    values = np.nansum(w * (np.nan_to_num(scores, nan=1.0) - 1) / 4 * 100, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = np.where(wsum > 0, values / np.where(wsum > 0, wsum, 1), np.nan)
    return pd.Series(overall, index=frame.index, name="overall")


def version_overall(data: HiringData, version: ScoringModelVersion) -> pd.Series:
    """Every row's overall score under ``version`` (each row with its job family's weights)."""
    out = pd.Series(np.nan, index=data.frame.index, name="overall")
    for fam in data.families:
        comps = data.competencies(fam)
        sub = data.family(fam)
        out.loc[sub.index] = overall_scores(sub, comps, weight_vector(version, fam, comps))
    return out


# ---- from the warehouse ------------------------------------------------------------------------

_SCORES_SQL = """
SELECT f.task_id, r.candidate_id, f.job_family, f.competency, f.score, f.scoring_model_version, f.scored_at
FROM marts.fct_interview_scores AS f
JOIN raw.interview_results AS r USING (task_id)
"""
_RATINGS_SQL = """
SELECT m.candidate_id, p.rating_6m::float AS rating_6m, p.rating_12m::float AS rating_12m
FROM marts.employee_lifecycle_profile AS p
JOIN restricted.employee_key_map AS m USING (employee_key)
WHERE m.candidate_id IS NOT NULL
"""
_DEMOGRAPHICS_SQL = (
    "SELECT candidate_id, lower(sex) AS sex, lower(ethnicity) AS ethnicity FROM "
    "restricted.candidate_demographics"
)


def load_from_warehouse(settings: Settings | None = None) -> HiringData:
    import psycopg

    from talentflow.core import warehouse

    settings = settings or get_settings()
    with warehouse.connect(settings) as conn:
        try:
            scores, ratings, demographics = (
                warehouse.fetch_all(conn, q) for q in (_SCORES_SQL, _RATINGS_SQL, _DEMOGRAPHICS_SQL)
            )
        except psycopg.errors.UndefinedTable as exc:
            raise RuntimeError(
                f"{str(exc).splitlines()[0]}: the marts feedback retraining reads are not built "
                "yet; run warehouse_build (dbt) first"
            ) from exc
    return assemble(
        pd.DataFrame(
            scores,
            columns=[
                "task_id",
                "candidate_id",
                "job_family",
                "competency",
                "score",
                "scoring_model_version",
                "scored_at",
            ],
        ),
        pd.DataFrame(ratings, columns=["candidate_id", "rating_6m", "rating_12m"]),
        pd.DataFrame(demographics, columns=["candidate_id", "sex", "ethnicity"]),
    )


def assemble(scores: pd.DataFrame, ratings: pd.DataFrame, demographics: pd.DataFrame) -> HiringData:
    """Long competency scores + ratings + demographics → one row per interviewed candidate."""
    no_family = scores["job_family"].isna()
    if no_family.any():
        log.warning(
            "%d interview scores have no job family (requisition unknown) and are left out",
            int(no_family.sum()),
        )
        scores = scores[~no_family]
    if scores.empty:
        return HiringData(pd.DataFrame(columns=list(BASE_COLUMNS)))
    # A candidate interviewed twice counts once: the latest interview, as the lifecycle profile does.
    latest = scores.sort_values(["scored_at", "task_id"]).drop_duplicates("candidate_id", keep="last")[
        ["candidate_id", "task_id"]
    ]
    scores = scores.merge(latest, on=["candidate_id", "task_id"])
    wide = scores.pivot_table(index="candidate_id", columns="competency", values="score", aggfunc="mean")
    wide.columns = [str(c) for c in wide.columns]
    meta = scores.drop_duplicates("candidate_id").set_index("candidate_id")[
        ["job_family", "scoring_model_version"]
    ]
    frame = meta.join(wide).reset_index()
    ratings = ratings.drop_duplicates("candidate_id")
    frame = frame.merge(ratings, on="candidate_id", how="left")
    frame["hired"] = frame["candidate_id"].isin(set(ratings["candidate_id"]))
    frame = frame.merge(demographics.drop_duplicates("candidate_id"), on="candidate_id", how="left")
    for col in CRITERIA:
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    return HiringData(frame)
