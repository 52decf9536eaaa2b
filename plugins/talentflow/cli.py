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
    shell: bool = typer.Option(
        False,
        "--shell",
        help="Print `export VAR=...` lines for eval, WITH the passwords and keys (only this form "
        'shows them): `eval "$(talentflow airflow-env --shell)"`; never paste it into a log or ticket.',
    ),
    json_out: bool = JsonOption,
) -> None:
    """The environment Airflow needs to run against TalentFlow's configuration (secrets masked)."""
    from talentflow.core import airflow_env as env

    values = run_guarded(env.airflow_environment)
    if shell:
        typer.echo(env.as_shell(values))
    else:
        shown = run_guarded(env.masked, values)
        emit(shown, json_out, "\n".join(f"{k}={v}" for k, v in shown.items()))


airflow_app = typer.Typer(
    help="Run Airflow (scheduler, dag-processor, api-server, triggerer) on this runtime; `stop` ends it all.",
    no_args_is_help=True,
)
app.add_typer(airflow_app, name="airflow")


@airflow_app.command("start")
def airflow_start(
    detach: bool = typer.Option(False, "--detach", help="Return once the UI answers; stop with `stop`."),
    json_out: bool = JsonOption,
) -> None:
    """Start the embedded runtime and Airflow's components; in the foreground, Ctrl-C stops them all."""
    import signal
    import time

    from talentflow.core import airflow_services as services
    from talentflow.core import runtime

    run_guarded(runtime.up)
    services.start()
    try:
        run_guarded(services.wait_until_ready)
    except SystemExit:
        services.stop()
        raise
    state = services.status()
    emit(state, json_out, _airflow_banner(state))
    if detach:
        return
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        while not stopping:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    typer.echo("stopping Airflow ...", err=True)
    services.stop()


@airflow_app.command("stop")
def airflow_stop(json_out: bool = JsonOption) -> None:
    """Stop every Airflow component `start` began, with the executor's worker processes."""
    from talentflow.core import airflow_services as services

    stopped = run_guarded(services.stop)
    left = services.leftover_processes()
    emit(
        {"stopped": stopped, "left_running": left},
        json_out,
        f"stopped {stopped}; left running: {left or 'none'}",
    )
    if left:
        raise typer.Exit(1)


@airflow_app.command("status")
def airflow_status(json_out: bool = JsonOption) -> None:
    """Which components run (pids), the UI URL, the login and where the logs are."""
    from talentflow.core import airflow_services as services

    state = run_guarded(services.status)
    emit(state, json_out, _airflow_banner(state))


def _airflow_banner(state: dict) -> str:
    running = ", ".join(f"{name} ({pid or 'stopped'})" for name, pid in state["components"].items())
    return "\n".join(
        [
            f"Airflow UI    {state['url']}",
            f"login         user {state['user']}; its generated password is in {state['password_file']}",
            f"components    {running}",
            f"logs          {state['logs']}",
            "stop          Ctrl-C, or `talentflow airflow stop` when started with --detach",
        ]
    )


@app.command()
def config(json_out: bool = JsonOption) -> None:
    """Show every TALENTFLOW_* setting with its current value (platform, attrition, retraining, API,
    OIDC sign-in)."""
    from talentflow.attrition.settings import get_attrition_settings
    from talentflow.core.config import describe_settings, get_settings
    from talentflow.retraining.settings import get_retraining_settings
    from talentflow.service.settings import get_oidc_settings, get_service_settings

    # Each layer keeps its own settings class (core never imports the service); this command gathers them.
    rows = [
        row
        for load in (
            get_settings,
            get_attrition_settings,
            get_retraining_settings,
            get_service_settings,
            get_oidc_settings,
        )
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
    from talentflow.fairness.cli import app as audit_app
    from talentflow.hris.cli import app as hris_app
    from talentflow.interviews.cli import app as interview_app
    from talentflow.people.cli import app as people_app
    from talentflow.resumes.cli import app as resume_app
    from talentflow.retention.cli import app as retention_app
    from talentflow.retraining.cli import app as scoring_app
    from talentflow.service.cli import register as register_service

    register_demo(app)
    register_service(app)
    app.add_typer(resume_app, name="resume", help="Parse resumes.")
    app.add_typer(hris_app, name="hris", help="Load HRIS exports through mapping files.")
    app.add_typer(interview_app, name="interview", help="Transcribe and score interviews.")
    app.add_typer(scoring_app, name="scoring", help="Scoring-model versions: approve, roll back, backfill.")
    app.add_typer(attrition_app, name="attrition", help="Attrition risk: evaluate a model on an HRIS export.")
    app.add_typer(retention_app, name="retention", help="Retention: purge recordings and quarantined files.")
    app.add_typer(people_app, name="people", help="People's rights: export, erase, withdraw consent.")
    app.add_typer(
        audit_app, name="audit", help="Public audits: the bias audit (LL144) and the AI-system log."
    )


_register_subcommands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
