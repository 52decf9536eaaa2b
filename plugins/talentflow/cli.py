"""The ``talentflow`` command. Sub-commands live beside the code they expose."""

from __future__ import annotations

import typer

from talentflow.cliutil import JsonOption, emit, run_guarded

app = typer.Typer(
    help="TalentFlow: the talent-lifecycle data platform (Airflow, dbt, Great Expectations).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def up(json_out: bool = JsonOption) -> None:
    """Start the embedded PostgreSQL, prepare the warehouse, Airflow's DB and the object store."""
    from talentflow import runtime

    state = run_guarded(runtime.up)
    emit(state, json_out, runtime.format_status(state))


@app.command()
def down(json_out: bool = JsonOption) -> None:
    """Stop the embedded PostgreSQL (data is kept under TALENTFLOW_HOME)."""
    from talentflow import runtime

    state = run_guarded(runtime.down)
    emit(state, json_out, runtime.format_status(state))


@app.command()
def status(json_out: bool = JsonOption) -> None:
    """Say what runs where: warehouse, Airflow metadata DB, object store, models."""
    from talentflow import runtime

    state = run_guarded(runtime.status)
    emit(state, json_out, runtime.format_status(state))


@app.command("airflow-env")
def airflow_env(
    shell: bool = typer.Option(False, "--shell", help="Print `export VAR=...` lines for eval."),
    json_out: bool = JsonOption,
) -> None:
    """The environment Airflow needs to run against TalentFlow's configuration."""
    from talentflow import airflow_env as env

    values = run_guarded(env.airflow_environment)
    if shell:
        typer.echo(env.as_shell(values))
    else:
        emit(values, json_out, "\n".join(f"{k}={v}" for k, v in values.items()))


@app.command()
def config(json_out: bool = JsonOption) -> None:
    """Show every TALENTFLOW_* setting with its current value (platform, attrition, retraining)."""
    from talentflow.attrition.settings import get_attrition_settings
    from talentflow.config import describe_settings, get_settings
    from talentflow.retraining.settings import get_retraining_settings

    rows = [row for load in (get_settings, get_attrition_settings, get_retraining_settings)
            for row in describe_settings(run_guarded(load))]
    emit(
        [{"variable": v, "value": val, "description": d} for v, val, d in rows],
        json_out,
        "\n".join(f"{v:46} {val or '-':40} {d}" for v, val, d in rows),
    )


@app.command()
def demo(
    out: str = typer.Option("", help="Folder for the demo world (default: TALENTFLOW_HOME/demo/world)."),
    seed: int = typer.Option(None, help="World seed (default 7)."),
    candidates: int = typer.Option(None, min=10, help="Candidates in the world (default 300)."),
    employees: int = typer.Option(None, min=10, help="Employees in the world (default 200)."),
    years: int = typer.Option(None, min=1, max=10, help="Years of HRIS history (default 3)."),
    recordings: int = typer.Option(None, min=0, help="Spoken answers to synthesise (default 24)."),
    json_out: bool = JsonOption,
) -> None:
    """The main job on the embedded runtime: sample world, every DAG once, where the results are."""
    from talentflow import demo as demo_mod

    summary = run_guarded(demo_mod.run_demo, out or None, seed=seed, candidates=candidates,
                          employees=employees, years=years, recordings=recordings)
    emit(summary, json_out, demo_mod.format_summary(summary))


retention_app = typer.Typer(no_args_is_help=True)


@retention_app.command("purge")
def retention_purge(
    dry_run: bool = typer.Option(False, "--dry-run", help="Count what would be deleted; delete nothing."),
    json_out: bool = JsonOption,
) -> None:
    """Delete recordings and quarantined files past their retention period (audit.retention_purges)."""
    from talentflow import retention

    result = run_guarded(retention.purge, dry_run=dry_run, progress=None if json_out else typer.echo)
    emit(result, json_out, f"{'would delete' if dry_run else 'deleted'} "
         f"{sum(p.get('purged', p.get('would_purge', 0)) for p in result['policies'].values())} objects")


def _register_subcommands() -> None:
    from talentflow.world.cli import app as world_app

    app.add_typer(world_app, name="world", help="Generate the synthetic HR world.")
    from talentflow.resumes.cli import app as resume_app

    app.add_typer(resume_app, name="resume", help="Parse resumes.")
    from scoring_tasks.cli import app as interview_app
    from talentflow.hris.cli import app as hris_app

    app.add_typer(hris_app, name="hris", help="Load HRIS exports through mapping files.")

    app.add_typer(interview_app, name="interview", help="Transcribe and score interviews.")
    from talentflow.retraining.cli import app as scoring_app
    app.add_typer(scoring_app, name="scoring", help="Scoring-model versions: approve, roll back, backfill.")
    from talentflow.attrition.cli import app as attrition_app
    app.add_typer(attrition_app, name="attrition", help="Attrition risk: evaluate a model on an HRIS export.")
    app.add_typer(retention_app, name="retention", help="Retention: purge recordings and quarantined files.")


_register_subcommands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
