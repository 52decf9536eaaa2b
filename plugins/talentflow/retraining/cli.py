"""``talentflow scoring …``: the scoring-model registry from the command line.

versions, approve/reject a candidate, roll back to any earlier version, backfill old interviews
under a version. Every command takes ``--json``; bad input exits 2 with a one-line reason.
"""

from __future__ import annotations

import typer

from talentflow.core.cliutil import JsonOption, emit, run_guarded

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Scoring-model versions: list, approve, reject, roll back, backfill.",
)

_COLUMNS = ("version", "status", "parent_version", "created_at", "approved_by", "activated_at")


def _public(row: dict) -> dict:
    return {
        k: row.get(k)
        for k in (
            "version",
            "parent_version",
            "status",
            "created_at",
            "approved_by",
            "approved_at",
            "activated_at",
            "artifact_key",
            "weights",
            "reasons",
            "metrics",
            "run_id",
            "previous_version",
            "note",
        )
        if k in row
    }


def _line(row: dict) -> str:
    return "  ".join(f"{str(row.get(c) or '-')[:25]:25}" for c in _COLUMNS)


@app.command()
def versions(json_out: bool = JsonOption) -> None:
    """Every registered version with its status (the shipped default is registered on first use)."""
    from talentflow.retraining import registry

    def run():
        registry.ensure_root()
        return registry.list_versions()

    rows = run_guarded(run)
    text = "\n".join(["  ".join(f"{c:25}" for c in _COLUMNS), *(_line(r) for r in rows)])
    emit([_public(r) for r in rows], json_out, text)


@app.command()
def approve(
    version: str = typer.Argument(..., help="Candidate version, e.g. fr-1a2b3c4d5e."),
    by: str = typer.Option(..., "--by", help="Who approves (recorded in the audit trail)."),
    comment: str = typer.Option("", "--comment", help="Why, or what was checked."),
    json_out: bool = JsonOption,
) -> None:
    """Approve a candidate that passed the guard; the feedback_retraining run waiting for it promotes it."""
    from talentflow.retraining import registry

    row = run_guarded(registry.decide, version, "approved", by, comment=comment, channel="cli")
    emit(
        _public(row),
        json_out,
        row.get("note")
        or f"{version} approved by {row['approved_by']}; the waiting "
        "feedback_retraining run promotes it (or the next run does)",
    )


@app.command()
def reject(
    version: str = typer.Argument(..., help="Candidate version."),
    by: str = typer.Option(..., "--by", help="Who rejects."),
    reason: str = typer.Option(..., "--reason", help="Why (recorded)."),
    json_out: bool = JsonOption,
) -> None:
    """Reject a candidate; it will never be promoted."""
    from talentflow.retraining import registry

    row = run_guarded(registry.decide, version, "rejected", by, comment=reason, channel="cli")
    emit(_public(row), json_out, f"{version} rejected by {by}")


@app.command()
def rollback(
    version: str = typer.Argument(..., help="An earlier version (retired or approved)."),
    by: str = typer.Option("", "--by", help="Who rolls back (recorded)."),
    json_out: bool = JsonOption,
) -> None:
    """Make an earlier version active again, at once (the current one is retired)."""
    from talentflow.retraining import registry

    row = run_guarded(registry.rollback, version, by=by or None)
    emit(
        _public(row),
        json_out,
        row.get("note") or f"{version} is active again (was: {row['previous_version']})",
    )


@app.command()
def backfill(
    version: str = typer.Argument(..., help="Version to re-score earlier interviews with."),
    limit: int = typer.Option(0, "--limit", help="At most this many interviews (0 = all)."),
    json_out: bool = JsonOption,
) -> None:
    """Re-score earlier interviews under VERSION as new rows; the hiring-time scores are kept."""
    from talentflow.retraining import backfill as backfill_mod

    counts = run_guarded(backfill_mod.backfill, version, limit=limit or None)
    emit(counts, json_out, f"{version}: {counts['reweighted']} re-weighted, {counts['rescored']} re-scored")
