"""Command-line entry points of this package (registered in talentflow.cli)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from talentflow.core.cliutil import JsonOption, UserError, emit, fail, run_guarded

app = typer.Typer(no_args_is_help=True)


def _parse_one(
    path: Path, max_bytes: int, as_of: date | None, taxonomy_files: list[Path], limits=None
) -> dict:
    """The contract object of one file; raises UnreadableResume / FileNotFoundError."""
    from talentflow.resumes.parse import parse_resume
    from talentflow.resumes.taxonomy import load_taxonomy

    parsed = parse_resume(
        path, max_bytes=max_bytes, as_of=as_of, taxonomy=load_taxonomy(taxonomy_files), limits=limits
    )
    return {**parsed.contract(), "file": str(path)}


def _error(path: Path, exc: Exception) -> dict:
    from talentflow.resumes.extract import UnreadableResume

    if isinstance(exc, UnreadableResume):
        return {"file": str(path), "error": {"reason_code": exc.reason_code, "message": exc.message}}
    return {"file": str(path), "error": {"reason_code": "missing", "message": "no such file"}}


@app.command("parse")
def parse(
    files: list[Path] = typer.Argument(..., help="Resume files: PDF, DOCX, TXT or ATS JSON."),
    max_bytes: int = typer.Option(10 * 1024 * 1024, "--max-bytes", help="Reject files larger than this."),
    as_of: str = typer.Option("", "--as-of", help="Date that 'present' means (YYYY-MM-DD; default today)."),
    taxonomy: list[Path] = typer.Option(
        [], "--taxonomy", help="Extra skills taxonomy YAML (adds to TALENTFLOW_SKILLS_TAXONOMY)."
    ),
    json_out: bool = JsonOption,
) -> None:
    """Extract name, contact, skills, education and experience from resumes.

    One JSON object for one file; a JSON list for several, where a file that cannot be read is
    {"file", "error": {"reason_code", "message"}}. Exits 2 when the only file, or every file, cannot
    be read (reason codes: missing, corrupt, encrypted, empty, too_large, unsupported_type, undecodable,
    and the TALENTFLOW_RESUME_* limits: too_large_uncompressed, too_many_entries, compression_ratio,
    too_large_xml, xml_too_deep, xml_entities, too_many_pages, too_much_text, parse_timeout).
    """
    from talentflow.resumes.extract import ExtractLimits, UnreadableResume
    from talentflow.resumes.taxonomy import load_taxonomy

    run_guarded(load_taxonomy, taxonomy)  # a broken taxonomy file is one error, not one per resume
    limits = run_guarded(ExtractLimits.from_settings)  # once, not per file
    when: date | None = None
    if as_of:
        try:
            when = date.fromisoformat(as_of)
        except ValueError:
            fail(f"--as-of must be YYYY-MM-DD, got '{as_of}'")
    if len(files) == 1:
        path = files[0]

        def one() -> dict:
            try:
                return _parse_one(path, max_bytes, when, taxonomy, limits)
            except UnreadableResume as exc:
                raise UserError(f"{path}: cannot read resume ({exc.reason_code}): {exc.message}") from exc
            except FileNotFoundError as exc:
                raise UserError(f"{path}: no such file") from exc

        emit(run_guarded(one), json_out)
        return
    results: list[dict] = []
    failures = 0
    for path in files:
        try:
            results.append(_parse_one(path, max_bytes, when, taxonomy, limits))
        except (UnreadableResume, FileNotFoundError) as exc:
            failures += 1
            results.append(_error(path, exc))
    emit(results, json_out)
    if failures == len(files):
        fail(f"none of the {len(files)} files could be read")


@app.command("match")
def match(
    files: list[Path] = typer.Argument(..., help="Resume files: PDF, DOCX, TXT or ATS JSON."),
    requisition: Path = typer.Option(
        ...,
        "--requisition",
        help="A job description as text, or a requisition as JSON/YAML (competency profile, hard "
        "requirements).",
    ),
    as_of: str = typer.Option("", "--as-of", help="Date that 'present' means (default: each resume's)."),
    max_bytes: int = typer.Option(10 * 1024 * 1024, "--max-bytes", help="Reject files larger than this."),
    json_out: bool = JsonOption,
) -> None:
    """Rank resumes against one requisition with the DAG's matching code, best first, with reasons.

    JSON: {"requisition": {...}, "ranking": [{"rank", "file", "name", "score", "similarity",
    "skill_coverage", "meets_hard_requirements", "reasons", ...}], "unreadable": [{"file", "error"}]}.
    A ranking is for people to review, never an automated rejection.
    """
    from talentflow.core.models import get_embedder
    from talentflow.resumes.matching import match_requisitions
    from talentflow.resumes.parse import parse_batch
    from talentflow.resumes.requisition_files import load_requisition
    from talentflow.resumes.taxonomy import load_taxonomy

    when: date | None = None
    if as_of:
        try:
            when = date.fromisoformat(as_of)
        except ValueError:
            fail(f"--as-of must be YYYY-MM-DD, got '{as_of}'")
    tax = run_guarded(load_taxonomy)
    req = run_guarded(load_requisition, requisition, tax)
    batch = parse_batch([str(f) for f in files], max_bytes=max_bytes, taxonomy=tax, as_of=when)
    file_of = {p.text_sha256: str(next((f for f in files if f.name == p.file), p.file)) for p in batch.parsed}
    unreadable = [
        {
            "file": str(next((f for f in files if f.name == e.filename), e.filename)),
            "error": {"reason_code": e.reason_code, "message": e.message},
        }
        for e in batch.errors
    ]
    if not batch.parsed:
        emit({"requisition": req, "ranking": [], "unreadable": unreadable}, json_out)
        fail(f"none of the {len(files)} resumes could be read")
    embedder = run_guarded(get_embedder)
    matches = match_requisitions(batch.parsed, [req], embedder, taxonomy=tax)
    by_sha = {p.text_sha256: p for p in batch.parsed}
    # stable order for ties: score, then similarity, then file name
    matches.sort(key=lambda m: (-m.score, -m.similarity, file_of[m.text_sha256]))
    ranking = [
        {
            "rank": i,
            "file": file_of[m.text_sha256],
            "name": by_sha[m.text_sha256].name,
            "score": m.score,
            "similarity": m.similarity,
            "skill_coverage": m.skill_coverage,
            "meets_hard_requirements": m.meets_hard_requirements,
            "experience_years": by_sha[m.text_sha256].experience_years,
            "needs_review": by_sha[m.text_sha256].needs_review,
            "text_sha256": m.text_sha256,
            "reasons": [r.model_dump(mode="json") for r in m.reasons],
            "model_version": m.model_version,
        }
        for i, m in enumerate(matches, 1)
    ]
    human = "\n".join(
        f"{r['rank']:>3}. {r['score']:5.1f}  {Path(r['file']).name}"
        f"{'' if r['meets_hard_requirements'] else '  (misses a hard requirement)'}\n"
        + "\n".join(f"       - {reason['message']}" for reason in r["reasons"])
        for r in ranking
    )
    for item in unreadable:
        human += f"\n  unreadable: {item['file']} ({item['error']['reason_code']})"
    emit({"requisition": req, "ranking": ranking, "unreadable": unreadable}, json_out, human)


@app.command("correct")
def correct(
    submission_id: str = typer.Argument(..., help="The resume's submission_id (raw.resume_submissions)."),
    field: str = typer.Option(..., "--field", help="Field path, e.g. name, skills, experience[0].company."),
    value: str = typer.Option(
        ..., "--value", help="The right value ('' or null clears; lists comma-separated)."
    ),
    by: str = typer.Option(..., "--by", help="Who makes the correction (kept with it)."),
    json_out: bool = JsonOption,
) -> None:
    """Correct one parsed field of a resume; kept apart, so a re-parse never overwrites it."""
    from talentflow.core import warehouse
    from talentflow.resumes.corrections import record_correction

    def run() -> dict:
        with warehouse.connect() as conn:
            row = record_correction(conn, submission_id, field, value, by)
            conn.commit()
        return {**row, "corrected_at": row["corrected_at"].isoformat()}

    row = run_guarded(run)
    emit(
        row,
        json_out,
        f"{row['field_path']}: {row['old_value']!r} -> {row['new_value']!r} (by {row['corrected_by']}, "
        f"correction {row['correction_id']})",
    )


corrections_app = typer.Typer(no_args_is_help=True, help="HR's corrections of parsed resume fields.")
app.add_typer(corrections_app, name="corrections")


@corrections_app.command("export")
def corrections_export(
    out: Path = typer.Option(None, "--out", help="Write JSON Lines here instead of printing."),
    json_out: bool = JsonOption,
) -> None:
    """Every correction as labelled data: field path, the parser's value, HR's value, who, when, file."""
    from talentflow.core import warehouse
    from talentflow.resumes.corrections import export_corrections

    def run() -> list[dict]:
        with warehouse.connect() as conn:
            return export_corrections(conn)

    rows = run_guarded(run)
    if out is not None:
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        emit({"written": len(rows), "file": str(out)}, json_out, f"{len(rows)} corrections written to {out}")
        return
    emit(
        rows,
        json_out,
        "\n".join(f"{r['submission_id']}  {r['field_path']}: {r['new_value']!r}" for r in rows),
    )
