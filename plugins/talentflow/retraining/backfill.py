"""Re-score earlier interviews under another scoring-model version: an explicit backfill.

New rows are keyed by ``scoring_model_version`` (``raw.interview_competency_scores`` and
``raw.interview_rescores``); the hiring-time result in ``raw.interview_results`` and the scores it
was made with are never touched, so what a recruiter saw stays on record.

When the target version scores answers the same way as the version that scored an interview
(same feature weights, relevance gate and speech-facts policy) and differs only in competency
weights, the competency scores are the same and only the overall is recomputed ('reweighted', no
model needed). Otherwise the stored answers (``raw.interview_answers``) are scored again with the
``Scorer`` ('rescored', one Scorer per rubric for the whole batch).
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from datetime import UTC, datetime

import numpy as np

from scoring_tasks.model_version import ScoringModelVersion
from talentflow.core import warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.tables.interviews import COMPETENCY_SCORES
from talentflow.core.tables.retraining import RESCORES
from talentflow.retraining import registry

log = logging.getLogger(__name__)


def scores_the_same_way(a: ScoringModelVersion, b: ScoringModelVersion) -> bool:
    """True when two versions give every answer the same competency score (only weights differ)."""
    keys = ("feature_weights", "relevance", "speech_facts")
    return all(getattr(a, k).model_dump() == getattr(b, k).model_dump() for k in keys)


def combine(
    version: ScoringModelVersion, job_family: str, scores: list[tuple[str, float, float]]
) -> tuple[float | None, float]:
    """Overall 0-100 and confidence from (competency, score, confidence), as the Scorer combines them."""
    if not scores:
        return None, 0.0
    w = np.array([version.weight(job_family, c) for c, _, _ in scores])
    if w.sum() <= 0:
        w = np.ones_like(w)
    s = np.array([(score - 1) / 4 * 100 for _, score, _ in scores])
    conf = np.array([c or 0.0 for _, _, c in scores])
    return round(float((w * s).sum() / w.sum()), 1), round(float((w * conf).sum() / w.sum()), 2)


def _job_family(rubric_id: str | None) -> str:
    from scoring_tasks.rubric import get_rubric

    return get_rubric(rubric_id or "general").job_family


def backfill(
    version: str, *, settings: Settings | None = None, run_id: str | None = None, limit: int | None = None
) -> dict:
    """Re-score every done interview not yet scored under ``version``; returns counts per method."""
    settings = settings or get_settings()
    target = registry.load_version(version, settings)
    run_id = run_id or f"backfill-{uuid.uuid4().hex[:12]}"
    with warehouse.connect(settings) as conn:
        warehouse.ensure_table(conn, RESCORES)
        tasks = warehouse.fetch_all(
            conn,
            """
            SELECT r.task_id, r.rubric_id, r.scoring_model_version
            FROM raw.interview_results AS r
            WHERE r.status = 'done' AND r.scoring_model_version IS DISTINCT FROM %s
              AND NOT EXISTS (SELECT 1 FROM raw.interview_rescores AS x
                              WHERE x.task_id = r.task_id AND x.scoring_model_version = %s)
            ORDER BY r.task_id""",
            (version, version),
        )
        if limit is not None:
            tasks = tasks[:limit]
        sources: dict[str, ScoringModelVersion | None] = {}
        for src in {t["scoring_model_version"] for t in tasks}:
            try:
                sources[src] = registry.load_version(src, settings)
            except registry.RegistryError:
                sources[src] = None  # unknown source version: its scores cannot be re-weighted
        reweight = [
            t
            for t in tasks
            if sources[t["scoring_model_version"]] is not None
            and scores_the_same_way(sources[t["scoring_model_version"]], target)
        ]
        rescore = [t for t in tasks if t not in reweight]
        now = datetime.now(UTC)
        score_rows, rescore_rows = _reweighted(conn, reweight, target, run_id, now)
        more_scores, more_rescores = _rescored(conn, rescore, target, run_id, now)
        warehouse.upsert(conn, COMPETENCY_SCORES, score_rows + more_scores)
        warehouse.upsert(conn, RESCORES, rescore_rows + more_rescores)
    counts = {
        "version": version,
        "run_id": run_id,
        "reweighted": len(rescore_rows),
        "rescored": len(more_rescores),
        "skipped": len(tasks) - len(rescore_rows) - len(more_rescores),
    }
    log.info("backfill to %s: %s", version, counts)
    return counts


def _reweighted(conn, tasks: list[dict], target: ScoringModelVersion, run_id: str, now: datetime):
    if not tasks:
        return [], []
    by_task = {t["task_id"]: t for t in tasks}
    stored = warehouse.fetch_all(
        conn,
        """
        SELECT s.task_id, s.competency, s.score, s.confidence, s.evidence
        FROM raw.interview_competency_scores AS s
        JOIN raw.interview_results AS r ON r.task_id = s.task_id AND r.scoring_model_version = s.scoring_model_version
        WHERE s.task_id = ANY(%s)""",
        (list(by_task),),
    )
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in stored:
        grouped[row["task_id"]].append(row)
    score_rows, rescore_rows = [], []
    for task_id, rows in grouped.items():
        task = by_task[task_id]
        family = _job_family(task["rubric_id"])
        overall, confidence = combine(
            target, family, [(r["competency"], r["score"], r["confidence"]) for r in rows]
        )
        score_rows += [{**r, "scoring_model_version": target.version} for r in rows]
        rescore_rows.append(
            {
                "task_id": task_id,
                "scoring_model_version": target.version,
                "source_version": task["scoring_model_version"],
                "overall": overall,
                "confidence": confidence,
                "method": "reweighted",
                "backfill_run_id": run_id,
                "rescored_at": now,
            }
        )
    return score_rows, rescore_rows


def _rescored(conn, tasks: list[dict], target: ScoringModelVersion, run_id: str, now: datetime):
    if not tasks:
        return [], []
    from scoring_tasks.rubric import get_rubric
    from scoring_tasks.score import Answer, Scorer
    from talentflow.core.models import get_embedder

    answers = warehouse.fetch_all(
        conn,
        """
        SELECT task_id, question_id, competency, question, transcript FROM raw.interview_answers
        WHERE task_id = ANY(%s) ORDER BY task_id, question_id""",
        ([t["task_id"] for t in tasks],),
    )
    by_task: dict[str, list[Answer]] = defaultdict(list)
    for a in answers:
        by_task[a["task_id"]].append(
            Answer(
                question=a["question"] or "",
                text=a["transcript"] or "",
                competency=a["competency"],
                question_id=a["question_id"],
            )
        )
    by_rubric: dict[str, list[dict]] = defaultdict(list)
    for t in tasks:
        if by_task.get(t["task_id"]):
            by_rubric[t["rubric_id"] or "general"].append(t)
        else:
            log.warning("task %s has no stored answers in raw.interview_answers: not re-scored", t["task_id"])
    score_rows, rescore_rows = [], []
    for rubric_id, group in by_rubric.items():
        scorer = Scorer(get_rubric(rubric_id), target, embedder=get_embedder())
        results = scorer.score_interviews([by_task[t["task_id"]] for t in group])
        for t, res in zip(group, results, strict=True):
            for c in res.competencies:
                score_rows.append(
                    {
                        "task_id": t["task_id"],
                        "competency": c.competency,
                        "score": c.score,
                        "confidence": c.confidence,
                        "evidence": [e.sentence for e in c.evidence],
                        "scoring_model_version": target.version,
                    }
                )
            rescore_rows.append(
                {
                    "task_id": t["task_id"],
                    "scoring_model_version": target.version,
                    "source_version": t["scoring_model_version"],
                    "overall": res.overall,
                    "confidence": res.confidence,
                    "method": "rescored",
                    "backfill_run_id": run_id,
                    "rescored_at": now,
                }
            )
    return score_rows, rescore_rows
