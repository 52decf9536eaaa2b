"""``talentflow hris load EXPORT --mapping MAPPING.yaml``."""

from __future__ import annotations

from pathlib import Path

import typer

from talentflow.core.cliutil import JsonOption, emit, run_guarded

app = typer.Typer(no_args_is_help=True)


@app.command("load")
def load(
    export: Path = typer.Argument(..., help="Export folder (one file per entity) or a single export file."),
    mapping: Path = typer.Option(..., "--mapping", "-m", help="Mapping YAML for this HRIS."),
    json_out: bool = JsonOption,
) -> None:
    """Load an HRIS export into the warehouse through its mapping file (safe to repeat)."""
    from talentflow.hris.load import ensure_tables, load_export

    run_guarded(ensure_tables)
    summary = run_guarded(load_export, export, mapping, progress=not json_out)
    lines = [f"{summary.system}: {summary.export}"]
    for e in summary.entities.values():
        lines.append(
            f"  {e.entity:20} read {e.rows_read:>9,}  new {e.inserted:>9,}  changed {e.updated:>7,}  "
            f"unchanged {e.unchanged:>9,}  rejected {e.rejected:>6,}"
        )
    if summary.rejected:
        lines.append(f"{summary.rejected} rejected rows: see audit.ingest_errors (source 'hris')")
    emit(summary.to_dict(), json_out, "\n".join(lines))
