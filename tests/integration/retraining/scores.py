"""Interview scores for a generated world, written where the interview_scoring DAG writes them.

Until that DAG is wired into these tests, they produce the scores themselves: simulated from the
world's truth (fast, for every interview) or from the real ``Scorer`` on the transcripts (batched:
one Scorer per rubric, ``score_interviews`` on all of its interviews; ~1.5 s per interview on a
shared 2-core machine, so only for a sample). Rows follow ``talentflow.core.tables.interviews``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from scoring_tasks.model_version import ScoringModelVersion, load_model_version
from talentflow.core import warehouse
from talentflow.core.tables.interviews import ANSWERS, COMPETENCY_SCORES, RESULTS
from talentflow.retraining.backfill import combine


def transcripts(world: Path) -> dict[str, dict]:
    return {
        p.stem: json.loads(p.read_text())
        for p in sorted((world / "interviews" / "transcripts").glob("*.json"))
    }


def rubric_of(world: Path) -> dict[str, str]:
    return {
        r["requisition_id"]: r["rubric_id"]
        for r in json.loads((world / "company" / "requisitions.json").read_text())
    }


def _record(
    t: dict, rubric_id: str, competencies: list[dict], overall: float | None, version: str, source: str
) -> dict:
    return {
        "interview_id": t["interview_id"],
        "candidate_id": t["candidate_id"],
        "requisition_id": t["requisition_id"],
        "rubric_id": rubric_id,
        "scored_at": datetime.fromisoformat(t["conducted_at"]).replace(tzinfo=UTC),
        "competencies": competencies,
        "overall": overall,
        "version": version,
        "source": source,
        "answers": t["answers"],
    }


def simulated_records(
    world: Path, scores: pd.DataFrame, version: ScoringModelVersion | None = None
) -> list[dict]:
    """Records from ``world_data.simulated_scores`` (overall formed exactly as the Scorer forms it)."""
    version = version or load_model_version()
    ts, rubrics = transcripts(world), rubric_of(world)
    out = []
    for row in scores.to_dict("records"):
        t = ts[row["interview_id"]]
        comps = [
            {
                "competency": a["competency"],
                "score": row[a["competency"]],
                "confidence": 0.7,
                "evidence": [a["text"].split(". ")[0]],
            }
            for a in t["answers"]
            if a["competency"] in row and pd.notna(row[a["competency"]])
        ]
        comps = list({c["competency"]: c for c in comps}.values())
        overall, _ = combine(
            version, row["job_family"], [(c["competency"], c["score"], c["confidence"]) for c in comps]
        )
        out.append(_record(t, rubrics[t["requisition_id"]], comps, overall, version.version, "simulated"))
    return out


def scorer_records(
    world: Path, interview_ids: list[str], version: ScoringModelVersion | None = None
) -> list[dict]:
    """Records from the real Scorer (MiniLM), one Scorer per rubric for the whole sample."""
    from scoring_tasks.rubric import get_rubric
    from scoring_tasks.score import Answer, Scorer

    version = version or load_model_version()
    ts, rubrics = transcripts(world), rubric_of(world)
    by_rubric: dict[str, list[dict]] = {}
    for iid in interview_ids:
        by_rubric.setdefault(rubrics[ts[iid]["requisition_id"]], []).append(ts[iid])
    out = []
    for rubric_id, group in sorted(by_rubric.items()):
        scorer = Scorer(get_rubric(rubric_id), version)
        results = scorer.score_interviews(
            [
                [
                    Answer(
                        question=a["question"],
                        text=a["text"],
                        competency=a["competency"],
                        question_id=a["question_id"],
                    )
                    for a in t["answers"]
                ]
                for t in group
            ]
        )
        for t, res in zip(group, results, strict=True):
            comps = [
                {
                    "competency": c.competency,
                    "score": c.score,
                    "confidence": c.confidence,
                    "evidence": [e.sentence for e in c.evidence],
                }
                for c in res.competencies
            ]
            out.append(_record(t, rubric_id, comps, res.overall, version.version, "scorer"))
    return out


def write(conn, records: list[dict]) -> dict[str, int]:
    """Upsert results, competency scores and answers (status 'done'), as the scoring DAG would."""
    results, scores, answers = [], [], []
    for r in records:
        task_id = f"task-{r['interview_id']}"
        results.append(
            {
                "task_id": task_id,
                "interview_id": r["interview_id"],
                "candidate_id": r["candidate_id"],
                "requisition_id": r["requisition_id"],
                "rubric_id": r["rubric_id"],
                "status": "done",
                "overall": r["overall"],
                "recommendation": "human_review",
                "scoring_model_version": r["version"],
                "embedding_model": r["source"],
                "scored_at": r["scored_at"],
            }
        )
        scores += [
            {"task_id": task_id, **c, "scoring_model_version": r["version"]} for c in r["competencies"]
        ]
        answers += [
            {
                "task_id": task_id,
                "question_id": a["question_id"],
                "competency": a["competency"],
                "question": a["question"],
                "transcript": a["text"],
                "language": "en",
            }
            for a in r["answers"]
        ]
    return {
        "results": warehouse.upsert(conn, RESULTS, results).received,
        "scores": warehouse.upsert(conn, COMPETENCY_SCORES, scores).received,
        "answers": warehouse.upsert(conn, ANSWERS, answers).received,
    }
