"""What the pipelines ask before taking in data about a person: is this person erased (a tombstone
refuses the delivery, with its reason), and did they withdraw the consent the processing needs?

Each check is one small call from the pipeline (resume ingestion's identity step, the scoring-task
claim and the scoring batch) so those modules stay as they were.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from talentflow.core import storage, warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.warehouse import IngestError
from talentflow.people.identity import keyed_hash

log = logging.getLogger(__name__)
SCORING_PURPOSE = "automated_interview_scoring"


def tombstones(conn) -> dict[str, dict]:
    """identifier hash -> tombstone row (empty when nobody was ever erased)."""
    if not conn.execute("SELECT to_regclass('audit.people_tombstones') IS NOT NULL").fetchone()[0]:
        return {}
    rows = warehouse.fetch_all(
        conn, "SELECT identifier_hash, kind, request_id, erased_at, reason FROM audit.people_tombstones"
    )
    return {r["identifier_hash"]: r for r in rows}


def find_tombstone(graves: dict[str, dict], pairs, settings: Settings) -> dict | None:
    for kind, value in pairs:
        if value:
            hit = graves.get(keyed_hash(kind, value, settings))
            if hit:
                return hit
    return None


def _why(grave: dict) -> str:
    return (
        f"this person's data was erased on {grave['erased_at']:%Y-%m-%d} (request {grave['request_id']}, "
        f"matched on {grave['kind']}); the delivery was deleted unread. If the person applies again of their own "
        "accord, an hr_admin deletes that request's rows from audit.people_tombstones first"
    )


def refuse_erased_resumes(
    parsed: list, identities: dict, *, conn, store, key_of: dict, run_id, settings=None
):
    """Resumes of erased people are deleted, never stored; each refusal is an ingest error with the
    reason (the file name only as a hash: it often holds the name). Returns the resumes to keep."""
    settings = settings or get_settings()
    graves = tombstones(conn)
    if not graves:
        return parsed
    kept, errors = [], []
    for p in parsed:
        ident = identities[p.text_sha256]
        grave = find_tombstone(graves, [("email", ident.email), ("phone", ident.phone)], settings)
        if grave is None:
            kept.append(p)
            continue
        key = key_of[p.file]
        store.delete(key)
        errors.append(
            IngestError(
                "resume_ingestion",
                "erased_subject",
                f"resume refused: {_why(grave)}",
                object_key="sha256:" + hashlib.sha256(key.encode()).hexdigest(),
                run_id=run_id,
            )
        )
    warehouse.record_ingest_errors(conn, errors)
    if errors:
        log.warning("%d resume(s) of erased people refused and deleted", len(errors))
    return kept


def scoring_task_refuser(store: storage.ObjectStore, run_id: str, settings: Settings | None = None):
    """A function ``refuse(pending_key) -> bool`` for the claim loop: True when the task is about an
    erased person (its manifest and recordings are deleted and the refusal is logged)."""
    settings = settings or get_settings()
    with warehouse.connect(settings) as conn:
        graves = tombstones(conn)

    def refuse(key: str) -> bool:
        if not graves:
            return False
        try:
            manifest = store.get_json(key)
        except (storage.ObjectNotFound, ValueError):
            return False
        if not isinstance(manifest, dict):
            return False  # not a manifest at all: the claim refuses it with its own reason
        grave = find_tombstone(graves, [("candidate_id", str(manifest.get("candidate_id") or ""))], settings)
        if grave is None:
            return False
        for answer in manifest.get("answers") or []:
            if isinstance(answer, dict) and answer.get("recording"):
                store.delete(answer["recording"])
        store.delete(key)
        with warehouse.connect(settings) as conn:
            warehouse.record_ingest_errors(
                conn,
                [
                    IngestError(
                        "interview_scoring",
                        "erased_subject",
                        f"scoring task refused: {_why(grave)}",
                        object_key="sha256:" + hashlib.sha256(key.encode()).hexdigest(),
                        run_id=run_id,
                    )
                ],
            )
        return True

    return refuse


def withdrawn_consents(conn, purpose: str = SCORING_PURPOSE) -> dict[str, object]:
    """candidate_id -> when consent to ``purpose`` was refused or withdrawn (raw.ats_consents)."""
    if not conn.execute("SELECT to_regclass('raw.ats_consents') IS NOT NULL").fetchone()[0]:
        return {}
    rows = conn.execute(
        "SELECT candidate_id, recorded_at FROM raw.ats_consents WHERE purpose = %s AND consent_given = false",
        (purpose,),
    ).fetchall()
    return {cid: at for cid, at in rows}


def scoring_consent_gate(settings: Settings | None = None) -> Callable:
    """A function ``gate(task) -> task`` for the scoring batch: the warehouse's consent record wins
    over the manifest's, so a withdrawal stops automated scoring from the next run on (the task goes
    to human review through scoring_tasks' own consent check)."""
    from scoring_tasks.manifest import Consent

    settings = settings or get_settings()
    with warehouse.connect(settings) as conn:
        withdrawn = withdrawn_consents(conn)

    def gate(task):
        if task.candidate_id in withdrawn:
            task.consent = Consent(
                given=False, recorded_at=withdrawn[task.candidate_id], purpose=SCORING_PURPOSE
            )
        return task

    return gate
