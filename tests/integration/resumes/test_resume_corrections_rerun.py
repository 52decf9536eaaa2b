"""HR's corrections survive a resume_ingestion re-run (real dag.test(), embedded PostgreSQL), read
back merged over the parser's values and export as labelled data; the parse CLI carries
needs_review (issue 13 #4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from talentflow.cli import app
from talentflow.core import storage, warehouse

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "resumes"
RESUME = FIXTURES / "01_classic_chrono.txt"
pytestmark = pytest.mark.slow


def _ingest(settings, run_dag, *extra: tuple[str, bytes]) -> None:
    store = storage.get_store(settings)
    store.put_file(f"incoming/resumes/{RESUME.name}", RESUME)
    for name, data in extra:
        store.put(f"incoming/resumes/{name}", data)
    result = run_dag("resume_ingestion", retries=0, xcom_tasks=("summarize",))
    assert result.ok, (result.state, result.task_states)


def _cli(*args: str) -> dict | list:
    out = CliRunner().invoke(app, list(args))
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)


def test_correction_is_kept_across_a_reingestion(clean_runtime, run_dag):
    from tests.unit.resumes.test_resume_bombs import docx_paragraph_bomb, pdf_pages

    settings = clean_runtime
    # bombs in the same batch are quarantined with their reason; the good resume loads beside them
    _ingest(settings, run_dag, ("bomb.docx", docx_paragraph_bomb(120)), ("pages.pdf", pdf_pages(400)))
    store = storage.get_store(settings)
    assert (
        store.get_json("quarantine/resumes/bomb.docx.error.json")["reason_code"] == "too_large_uncompressed"
    )
    assert store.get_json("quarantine/resumes/pages.pdf.error.json")["reason_code"] == "too_many_pages"
    with warehouse.connect(settings) as conn:
        (row,) = warehouse.fetch_all(conn, "SELECT submission_id, experience FROM raw.resume_submissions")
    sid, parsed_company = row["submission_id"], row["experience"][0]["company"]

    first = _cli(
        "resume", "correct", sid, "--field", "experience[0].company", "--value", "Northwind Traders Ltd",
        "--by", "hr.alice", "--json",
    )  # fmt: skip
    assert (first["old_value"], first["new_value"]) == (parsed_company, "Northwind Traders Ltd")
    second = _cli(
        "resume", "correct", sid, "--field", "skills", "--value", "Python, SQL, Airflow", "--by", "hr.bob",
        "--json",
    )  # fmt: skip
    assert second["new_value"] == ["Python", "SQL", "Airflow"]

    _ingest(settings, run_dag)  # the same resume again: the parser rewrites its row

    from talentflow.resumes.corrections import corrected_record

    with warehouse.connect(settings) as conn:
        raw = warehouse.fetch_all(
            conn, "SELECT experience, skills FROM raw.resume_submissions WHERE submission_id = %s", (sid,)
        )[0]
        kept = warehouse.fetch_all(
            conn, "SELECT field_path, corrected_by FROM restricted.resume_corrections ORDER BY corrected_at"
        )
        merged = corrected_record(conn, sid)
    assert raw["experience"][0]["company"] == parsed_company  # the parser's own value, re-written
    assert kept == [
        {"field_path": "experience[0].company", "corrected_by": "hr.alice"},
        {"field_path": "skills", "corrected_by": "hr.bob"},
    ]
    assert merged["experience"][0]["company"] == "Northwind Traders Ltd"
    assert merged["skills"] == ["Python", "SQL", "Airflow"]
    assert merged["corrected_fields"] == ["experience[0].company", "skills"]
    assert merged["name"]  # contact details come along

    exported = _cli("resume", "corrections", "export", "--json")
    assert [(e["field_path"], e["parsed_value"], e["new_value"]) for e in exported][0] == (
        "experience[0].company",
        parsed_company,
        "Northwind Traders Ltd",
    )
    assert all(e["object_key"] and e["parser_version"] and e["corrected_at"] for e in exported)

    bad = CliRunner().invoke(
        app, ["resume", "correct", sid, "--field", "salary", "--value", "1", "--by", "x"]
    )
    assert bad.exit_code == 2 and "unknown field path" in bad.output
    missing = CliRunner().invoke(
        app, ["resume", "correct", "nope", "--field", "name", "--value", "A", "--by", "x"]
    )
    assert missing.exit_code == 2 and "no resume submission" in missing.output
