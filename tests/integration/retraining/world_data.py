"""A generated world as feedback-retraining input, read straight from its files.

Competency scores are simulated from the world's truth (each answer's true level 1-5 plus scoring
noise), ratings 6 and 12 months after hire are derived from the HRIS export exactly as dbt derives
them (``int_performance_trend``), demographics come from the ATS export. Only tests read the truth.
"""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from talentflow.retraining.dataset import HiringData

DEFAULT_VERSION = "default-2026.1"


def truth(world: Path) -> dict:
    return json.loads((world / "ground_truth" / "truth.json").read_text())


def interviewed(world: Path) -> list[dict]:
    with (world / "ground_truth" / "candidates.jsonl").open() as fh:
        return [c for c in map(json.loads, fh) if c.get("interview_id") and c.get("answer_levels")]


def simulated_scores(
    world: Path, *, noise: float = 0.35, seed: int = 0, extra_bias: dict | None = None
) -> pd.DataFrame:
    """One row per interviewed candidate: candidate_id, interview_id, requisition_id, job_family and a
    1-5 score per competency (true answer level + N(0, noise), one decimal, like the Scorer's).

    ``extra_bias`` = {"competencies": {job_family: [competency, ...]}, "size": s, "attribute": a, "group": g}
    lowers those scores of one group by ``s`` points: a measurement bias in some dimensions only.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for c in interviewed(world):
        row = {
            "candidate_id": c["candidate_id"],
            "interview_id": c["interview_id"],
            "requisition_id": c["requisition_id"],
            "job_family": c["job_family"],
        }
        for comp, level in sorted(c["answer_levels"].items()):
            score = level + rng.normal(0, noise)
            if (
                extra_bias
                and comp in extra_bias["competencies"].get(c["job_family"], ())
                and c["demographics"].get(extra_bias["attribute"]) == extra_bias["group"]
            ):
                score -= extra_bias["size"]
            row[comp] = round(float(np.clip(score, 1, 5)), 1)
        rows.append(row)
    return pd.DataFrame(rows)


def true_signal(world: Path) -> pd.Series:
    """Per interviewed candidate, the performance signal the world really uses: sum_c w[family][c] * z_c."""
    weights = truth(world)["true_weights"]
    return pd.Series(
        {
            c["candidate_id"]: sum(w * c["latent"][k] for k, w in weights[c["job_family"]].items())
            for c in interviewed(world)
        },
        name="true_signal",
    )


def ratings(world: Path) -> pd.DataFrame:
    """candidate_id, rating_6m, rating_12m for every hire (dbt's int_performance_trend windows)."""
    hires = {}
    with (world / "hris" / "employees.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            if row["Applicant_ID"]:
                hires[row["EmpID"]] = (row["Applicant_ID"], date.fromisoformat(row["Hire_Dt"]))
    windows: dict[str, dict[str, list[float]]] = {}
    with (world / "hris" / "performance_reviews.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            if row["EmpID"] not in hires:
                continue
            cid, hired = hires[row["EmpID"]]
            end = date.fromisoformat(row["Period_End"])
            w = windows.setdefault(cid, {"rating_6m": [], "rating_12m": []})
            if hired + timedelta(days=120) <= end <= hired + timedelta(days=240):
                w["rating_6m"].append(float(row["Overall_Rating"]))
            if hired + timedelta(days=300) <= end <= hired + timedelta(days=450):
                w["rating_12m"].append(float(row["Overall_Rating"]))
    out = [
        {
            "candidate_id": cid,
            "rating_6m": np.mean(windows.get(cid, {}).get("rating_6m") or [np.nan]),
            "rating_12m": np.mean(windows.get(cid, {}).get("rating_12m") or [np.nan]),
        }
        for cid, _ in hires.values()
    ]
    return pd.DataFrame(out, columns=["candidate_id", "rating_6m", "rating_12m"])


def demographics(world: Path) -> pd.DataFrame:
    return pd.read_csv(world / "candidates" / "demographics.csv", dtype=str)[
        ["candidate_id", "sex", "ethnicity"]
    ]


def hiring_data(world: Path, scores: pd.DataFrame | None = None, **score_kwargs) -> HiringData:
    scores = simulated_scores(world, **score_kwargs) if scores is None else scores
    frame = scores.drop(columns=["interview_id", "requisition_id"], errors="ignore").copy()
    frame["scoring_model_version"] = DEFAULT_VERSION
    rated = ratings(world)
    frame = frame.merge(rated, on="candidate_id", how="left")
    frame["hired"] = frame["candidate_id"].isin(set(rated["candidate_id"]))
    frame = frame.merge(demographics(world), on="candidate_id", how="left")
    return HiringData(frame)
