"""``talentflow audit``: the published bias audit and the AI-system log."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from talentflow.core.cliutil import JsonOption, emit, run_guarded, to_jsonable

app = typer.Typer(no_args_is_help=True)


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{option} {value!r}: give a date as YYYY-MM-DD") from None


@app.command("bias")
def bias(
    date_from: str = typer.Option(..., "--from", help="First day of the period (YYYY-MM-DD)."),
    date_to: str = typer.Option(..., "--to", help="Last day of the period (YYYY-MM-DD)."),
    out: Path = typer.Option(None, "--out", help="Also write bias_audit.html and bias_audit.json here."),
    json_out: bool = JsonOption,
) -> None:
    """Selection and scoring rates and impact ratios by sex, race/ethnicity and both (NYC LL144)."""
    import json

    from talentflow.fairness.bias_audit import render_html, run_audit

    report = run_guarded(lambda: run_audit(_day(date_from, "--from"), _day(date_to, "--to"), run_id="cli"))
    if out:
        out.mkdir(parents=True, exist_ok=True)
        (out / "bias_audit.html").write_text(render_html(report), encoding="utf-8")
        (out / "bias_audit.json").write_text(json.dumps(to_jsonable(report), indent=1), encoding="utf-8")
    flags = report["below_four_fifths"]
    emit(
        report,
        json_out,
        f"{report['assessed']} candidates assessed {date_from}..{date_to}; "
        f"{len(flags)} impact ratios under 0.8, {len(report['adverse_impact'])} of them significant "
        f"(adverse impact); published as {report.get('html_key')}",
    )


@app.command("log")
def log(
    date_from: str = typer.Option(..., "--from", help="First day (YYYY-MM-DD)."),
    date_to: str = typer.Option(..., "--to", help="Last day (YYYY-MM-DD)."),
    json_out: bool = JsonOption,
) -> None:
    """Every automated recommendation with inputs, model version and the human decision that followed."""
    from talentflow.fairness.ailog import log_entries

    rows = run_guarded(lambda: log_entries(_day(date_from, "--from"), _day(date_to, "--to")))
    emit(
        rows,
        json_out,
        "\n".join(
            f"{r['created_at']:%Y-%m-%d %H:%M} {r['recommendation']:28} {r['model_version'] or '-':20} "
            f"human: {(r['human_decision'] or {}).get('stage_reached', '-')}"
            for r in rows
        )
        or "no recommendations in that period",
    )
