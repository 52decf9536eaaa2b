"""Command-line entry points of this package (registered in talentflow.cli)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from talentflow.core.cliutil import JsonOption, UserError, emit, fail, run_guarded

app = typer.Typer(no_args_is_help=True)


def _parse_one(path: Path, max_bytes: int, as_of: date | None, taxonomy_files: list[Path]) -> dict:
    """The contract object of one file; raises UnreadableResume / FileNotFoundError."""
    from talentflow.resumes.parse import parse_resume
    from talentflow.resumes.taxonomy import load_taxonomy

    parsed = parse_resume(path, max_bytes=max_bytes, as_of=as_of, taxonomy=load_taxonomy(taxonomy_files))
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
    from talentflow.resumes.extract import UnreadableResume
    from talentflow.resumes.taxonomy import load_taxonomy

    run_guarded(load_taxonomy, taxonomy)  # a broken taxonomy file is one error, not one per resume
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
                return _parse_one(path, max_bytes, when, taxonomy)
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
            results.append(_parse_one(path, max_bytes, when, taxonomy))
        except (UnreadableResume, FileNotFoundError) as exc:
            failures += 1
            results.append(_error(path, exc))
    emit(results, json_out)
    if failures == len(files):
        fail(f"none of the {len(files)} files could be read")
