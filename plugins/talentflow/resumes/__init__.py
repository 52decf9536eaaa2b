"""Resume parsing, identity resolution and requisition matching.

What the resume_ingestion DAG calls, batch by batch (no Airflow in here):

- :func:`parse_batch` / :func:`parse_resume` → :class:`ParsedResume` (unreadable files raise or are
  collected as :class:`UnreadableResume` with a ``reason_code`` for quarantine);
- :func:`resolve_identities` → one candidate key per submission, duplicates linked;
- :func:`match_requisitions` → a :class:`Match` per resume × open requisition (reasons as data);
- :func:`prescreen` → a :class:`PrescreenNote` with interviewer focus points.
"""

from talentflow.resumes.extract import DEFAULT_MAX_BYTES, UnreadableResume
from talentflow.resumes.identity import IdentityLink, IdentityRecord, identity_record, resolve_identities
from talentflow.resumes.matching import embed_resumes, match_requisitions
from talentflow.resumes.model import Education, Experience, Match, ParsedResume, PrescreenNote, Reason
from talentflow.resumes.parse import BatchResult, parse_batch, parse_resume, parse_text
from talentflow.resumes.prescreen import prescreen
from talentflow.resumes.taxonomy import load_taxonomy

__all__ = [
    "DEFAULT_MAX_BYTES",
    "BatchResult",
    "Education",
    "Experience",
    "IdentityLink",
    "IdentityRecord",
    "Match",
    "ParsedResume",
    "PrescreenNote",
    "Reason",
    "UnreadableResume",
    "embed_resumes",
    "identity_record",
    "load_taxonomy",
    "match_requisitions",
    "parse_batch",
    "parse_resume",
    "parse_text",
    "prescreen",
    "resolve_identities",
]
