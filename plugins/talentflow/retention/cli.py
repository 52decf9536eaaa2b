"""``talentflow retention``: apply the retention periods by hand (the retention_purge DAG does it daily)."""

from __future__ import annotations

import typer

from talentflow.core.cliutil import JsonOption, emit, run_guarded

app = typer.Typer(no_args_is_help=True)


@app.command("purge")
def retention_purge(
    dry_run: bool = typer.Option(False, "--dry-run", help="Count what would be deleted; delete nothing."),
    json_out: bool = JsonOption,
) -> None:
    """Delete recordings and quarantined files past their retention period (audit.retention_purges)."""
    from talentflow.retention import purge as retention

    result = run_guarded(retention.purge, dry_run=dry_run, progress=None if json_out else typer.echo)
    emit(
        result,
        json_out,
        f"{'would delete' if dry_run else 'deleted'} "
        f"{sum(p.get('purged', p.get('would_purge', 0)) for p in result['policies'].values())} objects",
    )
