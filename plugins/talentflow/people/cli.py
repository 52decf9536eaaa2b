"""``talentflow people``: answer a person's requests (access, erasure, consent withdrawal) and apply
the warehouse retention periods. How to answer each request: docs/people_rights.md."""

from __future__ import annotations

from pathlib import Path

import typer

from talentflow.core.cliutil import JsonOption, emit, fail, run_guarded

app = typer.Typer(no_args_is_help=True)
SubjectArg = typer.Argument(
    ..., help="ATS candidate id, HRIS employee id, e-mail, resume candidate_key or pseudonymous employee_key."
)


@app.command("export")
def export(
    subject: str = SubjectArg,
    out: Path = typer.Option(None, "--out", help="Folder for the package (default ./subject-export-<time>)."),
    as_zip: bool = typer.Option(False, "--zip", help="Zip the package (the folder is removed)."),
    by: str = typer.Option("cli", "--by", help="Who asked (kept in audit.people_requests)."),
    json_out: bool = JsonOption,
) -> None:
    """Everything held about one person: rows of every schema, their files, a manifest."""
    from datetime import UTC, datetime

    from talentflow.people.export import export_subject

    out = out or Path(f"subject-export-{datetime.now(UTC):%Y%m%dT%H%M%S}")
    manifest = run_guarded(export_subject, subject, out, requested_by=by, as_zip=as_zip)
    emit(
        manifest,
        json_out,
        f"{manifest['path']}: {sum(manifest['tables'].values())} rows from {len(manifest['tables'])} "
        f"relations, {len(manifest['objects'])} files (request {manifest['request_id']})",
    )


@app.command("erase")
def erase(
    subject: str = SubjectArg,
    reason: str = typer.Option(..., "--reason", help="Why (e.g. 'erasure request of 2026-12-01')."),
    by: str = typer.Option(..., "--by", help="Who asked and who answers (kept with the tombstone)."),
    rebuild: bool = typer.Option(True, "--rebuild/--no-rebuild", help="Rebuild marts and dashboard after."),
    yes: bool = typer.Option(False, "--yes", help="Do it (without: say what would be erased and stop)."),
    json_out: bool = JsonOption,
) -> None:
    """Erase one person everywhere and keep a tombstone so that re-deliveries are refused."""
    from talentflow.people.erase import erase_subject
    from talentflow.people.identity import resolve

    if not yes:
        found = run_guarded(resolve, subject)
        emit({"would_erase": found.summary()}, json_out, f"would erase {found.summary()}; add --yes to erase")
        return
    summary = run_guarded(erase_subject, subject, reason=reason, requested_by=by, rebuild=rebuild)
    emit(
        summary,
        json_out,
        f"erased from {len(summary['rows'])} relations and {sum(v['deleted'] for v in summary['objects'].values())} "
        f"objects; {summary.get('tombstones', 0)} tombstones (request {summary['request_id']})",
    )


@app.command("withdraw-consent")
def withdraw_consent(
    subject: str = SubjectArg,
    purpose: str = typer.Option("automated_interview_scoring", "--purpose"),
    by: str = typer.Option("cli", "--by"),
    json_out: bool = JsonOption,
) -> None:
    """Record that the person withdrew consent: automated scoring stops from the next run on."""
    from talentflow.people.consent import withdraw

    result = run_guarded(withdraw, subject, purpose=purpose, requested_by=by)
    emit(result, json_out, f"consent to {purpose} withdrawn (request {result['request_id']})")


@app.command("purge")
def purge(
    dry_run: bool = typer.Option(False, "--dry-run", help="Count what would go; change nothing."),
    json_out: bool = JsonOption,
) -> None:
    """Apply the warehouse retention periods (never-hired candidates, AI-system log, audit trails)."""
    from talentflow.people.retention import purge_personal_data

    result = run_guarded(purge_personal_data, dry_run=dry_run)
    if result is None:
        fail("nothing to do")
    emit(result, json_out, "\n".join(f"{k}: {v}" for k, v in result["policies"].items()))
