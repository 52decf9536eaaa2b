"""Resumes on object storage to screened candidates in the warehouse (the DAG's library side).

Per batch: parse every file (an unreadable one goes to ``quarantine/resumes/`` beside a
``<name>.error.json`` and a row in ``audit.ingest_errors``; the batch goes on), validate the parsed
rows with the ``resume_submissions`` suite (vectorised by ``core.rowchecks``, the same rules as Great
Expectations; rows that break it are quarantined the same way), resolve identities
against everyone seen before, embed resumes and open requisitions once per batch with MiniLM, match,
write pre-screening notes, COPY-upsert, and only then move the files to ``archive/resumes/``.
Keys are content hashes, so re-running on the same files changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict, dataclass

import pandas as pd

from talentflow.core import quality, rowchecks, storage, warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.tables.resumes import CONTACTS, MATCHES, PRESCREEN, SUBMISSIONS
from talentflow.core.warehouse import IngestError

log = logging.getLogger(__name__)
INCOMING, ARCHIVE, QUARANTINE = "incoming/resumes/", "archive/resumes/", "quarantine/resumes/"
BATCHES = "runs/resume_ingestion/"
SOURCE = "resume_ingestion"
MAX_BYTES = 10 * 1024 * 1024
DEGREE_ORDER = ["high_school", "associate", "bachelor", "master", "doctorate"]


@dataclass
class BatchCounts:
    files: int = 0
    loaded: int = 0
    quarantined: int = 0
    duplicates_linked: int = 0
    matches: int = 0


def pending_keys(settings: Settings | None = None) -> list[str]:
    store = storage.get_store(settings)
    return [o.key for o in store.list(INCOMING) if not o.key.endswith(".error.json")]


def plan_batches(size: int, run_id: str, settings: Settings | None = None) -> list[str]:
    """Split the pending files into batches written to the object store; return their references.

    Uploaded file names often carry a person's name ("Ava_Jones_CV.pdf"), so the batch lists travel
    through the object store and only these opaque references go through Airflow's XComs.
    """
    if size < 1:
        raise ValueError(f"batch size must be at least 1, not {size}")
    store = storage.get_store(settings)
    keys = pending_keys(settings)
    folder = f"{BATCHES}{hashlib.sha256(run_id.encode()).hexdigest()[:16]}"
    refs = []
    for n, start in enumerate(range(0, len(keys), size)):
        ref = f"{folder}/batch-{n:05d}.json"
        store.put_json(ref, {"run_id": run_id, "keys": keys[start : start + size]})
        refs.append(ref)
    return refs


def process_batch_ref(
    ref: str, run_id: str | None = None, *, settings: Settings | None = None, max_bytes: int = MAX_BYTES
) -> dict:
    """:func:`process_batch` on the files a :func:`plan_batches` reference lists; the list is
    removed once the batch is done (a retry of a failed batch finds it still there)."""
    store = storage.get_store(settings)
    counts = process_batch(store.get_json(ref)["keys"], run_id, settings=settings, max_bytes=max_bytes)
    store.delete(ref)
    return counts


def quarantine(
    store: storage.ObjectStore, key: str, reason_code: str, message: str, run_id: str | None, conn
) -> None:
    """Move a file aside with the reason next to it; nothing is ever dropped.

    Never over another file of the same name (nor its .error.json): a different file goes to
    quarantine/resumes/<sha256[:16]>/<name>. The reason is committed first, then the .error.json is
    written, then the file moves: a batch that dies anywhere in between (database restarted, store
    gone) leaves the file in incoming/ for the re-run, which quarantines it to the same key, or leaves
    it quarantined with its reason. Quarantines come before any upsert of the batch, so the commit
    carries nothing else."""
    name = key[len(INCOMING) :]
    try:
        target = store.free_key(f"{QUARANTINE}{name}", store.sha256(key))
    except storage.ObjectNotFound:
        return  # another run took it
    warehouse.record_ingest_errors(
        conn,
        [
            IngestError(
                SOURCE,
                reason_code,
                message,
                object_key=key,
                details={"quarantined_as": target},
                run_id=run_id,
            )
        ],
    )
    conn.commit()
    store.put_json(
        f"{target}.error.json",
        {"file": name, "reason_code": reason_code, "message": message, "source_key": key, "run_id": run_id},
    )
    store.move_unique(key, target)


def _known_identities(conn):
    from talentflow.resumes.identity import IdentityRecord

    rows = warehouse.fetch_all(
        conn,
        "SELECT submission_id, candidate_key, name, email, phone, minhash FROM restricted.resume_contacts",
    )
    return [
        IdentityRecord(
            submission_id=r["submission_id"],
            email=r["email"],
            phone=r["phone"],
            minhash=r["minhash"] or [],
            candidate_key=r["candidate_key"],
            name=r["name"],
        )
        for r in rows
    ]


def _open_requisitions(conn) -> list[dict]:
    return warehouse.fetch_all(
        conn,
        "SELECT requisition_id, title, description, required_skills, "
        "min_experience_years, degree, status FROM raw.ats_requisitions "
        "WHERE status = 'open'",
    )


def _highest_degree(parsed) -> str | None:
    levels = [e.degree_level for e in parsed.education if e.degree_level]
    return max(levels, key=DEGREE_ORDER.index) if levels else None


def process_batch(
    keys: list[str],
    run_id: str | None = None,
    *,
    settings: Settings | None = None,
    max_bytes: int = MAX_BYTES,
) -> dict:
    from talentflow.core.models import get_embedder
    from talentflow.people.refusals import refuse_erased_resumes
    from talentflow.resumes import (
        embed_resumes,
        match_requisitions,
        parse_batch,
        prescreen,
        resolve_identities,
    )
    from talentflow.resumes.identity import identity_record

    settings = settings or get_settings()
    store = storage.get_store(settings)
    counts = BatchCounts(files=len(keys))
    items, key_of, received, archive_key = [], {}, {}, {}
    with warehouse.connect(settings) as conn:
        for key in keys:
            try:
                info = store.stat(key)
            except storage.ObjectNotFound:
                continue  # another run took it
            name = key[len(INCOMING) :]
            if info.size > max_bytes:  # never download what we would reject anyway
                quarantine(
                    store,
                    key,
                    "too_large",
                    f"{name} is {info.size:,} bytes; the limit is {max_bytes:,}",
                    run_id,
                    conn,
                )
                counts.quarantined += 1
                continue
            data = store.get(key)
            items.append((name, data))
            key_of[name], received[name] = key, info.modified
            # Where the file will be archived: never over a different file of the same name, so a
            # row's object_key and file_sha256 always describe the file it points at.
            archive_key[name] = store.free_key(ARCHIVE + name, hashlib.sha256(data).hexdigest())
        batch = parse_batch(items, max_bytes=max_bytes)
        for err in batch.errors:
            quarantine(store, key_of[err.filename], err.reason_code, err.message, run_id, conn)
            counts.quarantined += 1

        parsed = list(batch.parsed)
        identities = {p.text_sha256: identity_record(p) for p in parsed}
        # Resumes of people whose data was erased are refused (deleted, with the reason in audit).
        parsed = refuse_erased_resumes(
            parsed, identities, conn=conn, store=store, key_of=key_of, run_id=run_id
        )
        counts.quarantined += len(batch.parsed) - len(parsed)
        known = _known_identities(conn)
        links = {link.submission_id: link for link in resolve_identities(parsed, known=known)}
        frame = pd.DataFrame(
            [
                {
                    "submission_id": p.text_sha256,
                    "candidate_key": links[p.text_sha256].candidate_key,
                    "object_key": archive_key[p.file],
                    "file_name": p.file,
                    "file_format": p.format,
                    "file_sha256": p.file_sha256,
                    "language": p.language,
                    "experience_years": p.experience_years,
                    "highest_degree": _highest_degree(p),
                    "skills": p.skills,
                    "certifications": p.certifications,
                    "languages": p.languages,
                    "education": [e.model_dump() for e in p.education],
                    "experience": [e.model_dump(mode="json", exclude={"bullets"}) for e in p.experience],
                    "parser_version": p.parser_version,
                    "received_at": received[p.file],
                    "email": identities[p.text_sha256].email,
                    "phone": identities[p.text_sha256].phone,
                }
                for p in parsed
            ]
        )
        if len(frame):
            # The same file twice in one batch is one submission: keep the first, archive both.
            frame = frame.drop_duplicates("submission_id").reset_index(drop=True)
            _, bad = rowchecks.find_bad_rows(
                frame, "resume_submissions", "resume batch", run_id=run_id, settings=settings
            )
            for idx, reasons in bad.items():
                name = frame.loc[idx, "file_name"]
                quarantine(store, key_of[name], "quality", "; ".join(reasons), run_id, conn)
                counts.quarantined += 1
            frame = frame.drop(index=list(bad))
        kept = set(frame["submission_id"]) if len(frame) else set()
        good = [p for p in parsed if p.text_sha256 in kept]
        counts.duplicates_linked = sum(1 for p in good if links[p.text_sha256].matched_on)
        if good:
            embedder = get_embedder()
            vectors = embed_resumes(good, embedder)
            matches = match_requisitions(
                good,
                _open_requisitions(conn),
                embedder,
                resume_vectors=vectors,
                candidate_keys={p.text_sha256: links[p.text_sha256].candidate_key for p in good},
            )
            warehouse.upsert(conn, SUBMISSIONS, frame)
            warehouse.upsert(
                conn,
                CONTACTS,
                [
                    {
                        "submission_id": p.text_sha256,
                        "candidate_key": links[p.text_sha256].candidate_key,
                        "name": p.name,
                        "email": identities[p.text_sha256].email,
                        "phone": identities[p.text_sha256].phone,
                        "location": p.location,
                        "minhash": [int(v) for v in identities[p.text_sha256].minhash],
                    }
                    for p in good
                ],
            )
            warehouse.upsert(
                conn,
                MATCHES,
                [
                    {
                        "submission_id": m.text_sha256,
                        "requisition_id": m.requisition_id,
                        "candidate_key": m.candidate_key,
                        "similarity": m.similarity,
                        "skill_coverage": m.skill_coverage,
                        "meets_hard_requirements": m.meets_hard_requirements,
                        "match_score": m.score,
                        "reasons": [r.model_dump() for r in m.reasons],
                        "model_version": m.model_version,
                    }
                    for m in matches
                ],
            )
            warehouse.upsert(
                conn,
                PRESCREEN,
                [
                    {
                        "submission_id": note.text_sha256,
                        "candidate_key": links[note.text_sha256].candidate_key,
                        "headline": note.headline,
                        "focus_points": [f.model_dump() for f in note.focus_points],
                    }
                    for note in (prescreen(p) for p in good)
                ],
            )
            counts.matches = len(matches)
        conn.commit()
        # Only after the rows are committed do the files leave incoming/ (a crash re-parses them).
        for name, key in key_of.items():
            if store.exists(key):  # not quarantined
                store.move_unique(key, archive_key[name])
                counts.loaded += 1
    return asdict(counts)


def validate_matches(run_id: str, settings: Settings | None = None) -> bool:
    return quality.validate_table(
        "raw.resume_matches", "resume_matches", run_id=run_id, settings=settings
    ).success
