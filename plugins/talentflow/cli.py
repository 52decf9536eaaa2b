"""The ``talentflow`` command: the platform's own commands (up, down, status, config, airflow-env) and
the sub-commands each domain package and the demo declare beside their code."""

from __future__ import annotations

import typer

from talentflow.core.cliutil import JsonOption, emit, run_guarded

app = typer.Typer(
    help="TalentFlow: the talent-lifecycle data platform (Airflow, dbt, Great Expectations).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def up(json_out: bool = JsonOption) -> None:
    """Start the embedded PostgreSQL, prepare the warehouse, Airflow's DB and the object store."""
    from talentflow.core import runtime

    state = run_guarded(runtime.up)
    emit(state, json_out, runtime.format_status(state))


@app.command()
def down(json_out: bool = JsonOption) -> None:
    """Stop the embedded PostgreSQL (data is kept under TALENTFLOW_HOME)."""
    from talentflow.core import runtime

    state = run_guarded(runtime.down)
    emit(state, json_out, runtime.format_status(state))


@app.command()
def status(json_out: bool = JsonOption) -> None:
    """Say what runs where: warehouse, Airflow metadata DB, object store, models."""
    from talentflow.core import runtime

    state = run_guarded(runtime.status)
    emit(state, json_out, runtime.format_status(state))


@app.command("airflow-env")
def airflow_env(
    shell: bool = typer.Option(False, "--shell", help="Print `export VAR=...` lines for eval."),
    json_out: bool = JsonOption,
) -> None:
    """The environment Airflow needs to run against TalentFlow's configuration."""
    from talentflow.core import airflow_env as env

    values = run_guarded(env.airflow_environment)
    if shell:
        typer.echo(env.as_shell(values))
    else:
        emit(values, json_out, "\n".join(f"{k}={v}" for k, v in values.items()))


@app.command()
def config(json_out: bool = JsonOption) -> None:
    """Show every TALENTFLOW_* setting with its current value (platform, attrition, retraining)."""
    from talentflow.attrition.settings import get_attrition_settings
    from talentflow.core.config import describe_settings, get_settings
    from talentflow.retraining.settings import get_retraining_settings

    rows = [
        row
        for load in (get_settings, get_attrition_settings, get_retraining_settings)
        for row in describe_settings(run_guarded(load))
    ]
    emit(
        [{"variable": v, "value": val, "description": d} for v, val, d in rows],
        json_out,
        "\n".join(f"{v:46} {val or '-':40} {d}" for v, val, d in rows),
    )


def _register_subcommands() -> None:
    """Each domain's commands live beside its code; this is the only place that gathers them."""
    from talentflow_demo.cli import register as register_demo

    from talentflow.attrition.cli import app as attrition_app
    from talentflow.hris.cli import app as hris_app
    from talentflow.interviews.cli import app as interview_app
    from talentflow.resumes.cli import app as resume_app
    from talentflow.retention.cli import app as retention_app
    from talentflow.retraining.cli import app as scoring_app

    register_demo(app)
    app.add_typer(resume_app, name="resume", help="Parse resumes.")
    app.add_typer(hris_app, name="hris", help="Load HRIS exports through mapping files.")
    app.add_typer(interview_app, name="interview", help="Transcribe and score interviews.")
    app.add_typer(scoring_app, name="scoring", help="Scoring-model versions: approve, roll back, backfill.")
    app.add_typer(attrition_app, name="attrition", help="Attrition risk: evaluate a model on an HRIS export.")
    app.add_typer(retention_app, name="retention", help="Retention: purge recordings and quarantined files.")


_register_subcommands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
