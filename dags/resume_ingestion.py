"""Resume ingestion: files on object storage to screened candidates in the warehouse (wiring only)."""

from __future__ import annotations

from airflow.sdk import Param, dag, get_current_context, task

from talentflow.core import assets
from talentflow.core.asset_events import announce
from talentflow.core.dag_defaults import DEFAULT_ARGS, START_DATE
from talentflow.resumes import ingestion as resumes


@dag(
    dag_id="resume_ingestion",
    schedule="*/10 * * * *",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["resumes", "candidates", "loader"],
    params={
        "batch_size": Param(200, type="integer", minimum=1, description="Files per mapped batch."),
        "max_bytes": Param(
            resumes.MAX_BYTES, type="integer", minimum=1024, description="Size limit per file."
        ),
    },
    doc_md="""
### Resume ingestion
- **Reads** `incoming/resumes/*.{pdf,docx,txt,json}` and the open requisitions in `raw.ats_requisitions`.
- **Parses** text (layout-aware PDF, DOCX, TXT, ATS JSON), fields, skills (taxonomy with synonyms),
  language; resolves identity (same e-mail/phone or near-identical text → one candidate key);
  embeds resumes and requisitions with MiniLM once per batch; matches with reasons as data; writes a
  pre-screening note with focus points for the interviewer.
- **Writes** `raw.resume_submissions`, `raw.resume_matches`, `raw.resume_prescreen_notes`, contact
  details to `restricted.resume_contacts`; GX results to `audit.data_quality_results`.
- **Moves** processed files to `archive/resumes/`; unreadable or invalid ones to `quarantine/resumes/`
  beside a `<name>.error.json`, with a row in `audit.ingest_errors`. Nothing is lost.
- **Emits** the `raw.resume_submissions` Asset (`announce_submissions`) only when resumes loaded.
- **Re-run** safely: keys are content hashes and loads are upserts; files leave `incoming/` only
  after their rows are committed.
""",
)
def resume_ingestion():
    @task
    def list_batches() -> list[str]:
        context = get_current_context()
        return resumes.plan_batches(context["params"]["batch_size"], context["run_id"])

    @task
    def ingest(batch_ref: str) -> dict:
        context = get_current_context()
        return resumes.process_batch_ref(
            batch_ref, context["run_id"], max_bytes=context["params"]["max_bytes"]
        )

    @task
    def summarize(counts: list[dict]) -> dict:
        totals = {
            k: sum(c[k] for c in counts)
            for k in ("files", "loaded", "quarantined", "duplicates_linked", "matches")
        }
        return {**totals, "matches_valid": resumes.validate_matches(get_current_context()["run_id"])}

    @task(outlets=[assets.RESUME_SUBMISSIONS])
    def announce_submissions(summary: dict) -> int:
        return announce(summary["loaded"] + summary["duplicates_linked"], "resumes")

    announce_submissions(summarize(ingest.expand(batch_ref=list_batches())))


resume_ingestion()
