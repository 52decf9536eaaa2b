"""Deliver a generated world to the object store the way real systems would drop their files.

HRIS exports → ``incoming/hris/<export_id>/``; ATS exports (requisitions, applications, consents,
demographics) → ``incoming/ats/<export_id>/``; resumes → ``incoming/resumes/``; scoring-task manifests
→ ``scoring-tasks/pending/`` with their recordings under ``recordings/``. Used by ``talentflow demo``
and the integration tests; keys are stable, so delivering twice rewrites the same objects.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from talentflow.core import storage
from talentflow.core.config import Settings

ATS_FILES = (
    "company/requisitions.json",
    "candidates/applications.csv",
    "candidates/consents.csv",
    "candidates/demographics.csv",
)


def deliver_world(
    world: Path,
    export_id: str,
    settings: Settings | None = None,
    *,
    exports: bool = True,
    resumes: bool = True,
    interviews: bool = True,
) -> dict[str, int]:
    store = storage.get_store(settings)
    store.ensure_ready()
    counts = {"hris": 0, "ats": 0, "resumes": 0, "scoring_tasks": 0, "recordings": 0}
    for path in sorted((world / "hris").glob("*")) if exports else []:
        if path.is_file():
            store.put_file(f"incoming/hris/{export_id}/{path.name}", path)
            counts["hris"] += 1
    for rel in ATS_FILES if exports else []:
        path = world / rel
        if path.exists():
            store.put_file(f"incoming/ats/{export_id}/{path.name}", path)
            counts["ats"] += 1
    if resumes:
        for path in sorted((world / "resumes").glob("*")):
            if path.is_file():
                store.put_file(f"incoming/resumes/{path.name}", path)
                counts["resumes"] += 1
    if interviews:
        recorded = set()
        for manifest_path in sorted((world / "interviews" / "manifests").glob("*.json")):
            recorded.add(json.loads(manifest_path.read_text())["interview_id"])
            manifest = json.loads(manifest_path.read_text())
            for answer in manifest.get("answers", []):
                rec = world / answer["recording"]
                if rec.exists():
                    store.put_file(answer["recording"], rec)
                    counts["recordings"] += 1
            store.put_file(f"scoring-tasks/pending/{manifest_path.name}", manifest_path)
            counts["scoring_tasks"] += 1
        for manifest in typed_interview_manifests(world, skip=recorded):
            store.put_json(f"scoring-tasks/pending/{manifest['task_id']}.json", manifest)
            counts["scoring_tasks"] += 1
    return counts


def typed_interview_manifests(world: Path, skip: set[str] = frozenset()) -> list[dict]:
    """Scoring tasks for interviews the platform delivered as text (chat/typed interviews)."""
    rubric_of = {
        r["requisition_id"]: r["rubric_id"]
        for r in json.loads((world / "company" / "requisitions.json").read_text())
    }
    consents = {}
    with (world / "candidates" / "consents.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            consents[row["candidate_id"]] = {
                "given": row["consent_given"] == "true",
                "recorded_at": row["recorded_at"],
                "purpose": row["purpose"],
            }
    manifests = []
    for path in sorted((world / "interviews" / "transcripts").glob("*.json")):
        t = json.loads(path.read_text())
        if t["interview_id"] in skip:
            continue
        manifests.append(
            {
                "task_id": f"task-{t['interview_id']}",
                "candidate_id": t["candidate_id"],
                "interview_id": t["interview_id"],
                "requisition_id": t["requisition_id"],
                "rubric_id": rubric_of[t["requisition_id"]],
                "language": t.get("language", "en"),
                "consent": consents.get(t["candidate_id"]),
                "answers": [
                    {k: a[k] for k in ("question_id", "competency", "question", "text")} for a in t["answers"]
                ],
            }
        )
    return manifests
