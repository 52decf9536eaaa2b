"""``talentflow demo`` and ``talentflow world``: the demo job and the synthetic world generator."""

from __future__ import annotations

import typer

from talentflow.core.cliutil import JsonOption, emit, run_guarded


def register(app: typer.Typer) -> None:
    """Add ``demo`` and ``world`` to the ``talentflow`` command."""
    from talentflow_demo.world.cli import app as world_app

    app.command()(demo)
    app.add_typer(world_app, name="world", help="Generate the synthetic HR world.")


def demo(
    out: str = typer.Option("", help="Folder for the demo world (default: TALENTFLOW_HOME/demo/world)."),
    seed: int = typer.Option(None, help="World seed (default 7)."),
    candidates: int = typer.Option(None, min=10, help="Candidates in the world (default 300)."),
    employees: int = typer.Option(None, min=10, help="Employees in the world (default 200)."),
    years: int = typer.Option(None, min=1, max=10, help="Years of HRIS history (default 3)."),
    recordings: int = typer.Option(None, min=0, help="Spoken answers to synthesise (default 24)."),
    locale: str = typer.Option(
        "en", help="en, or zh-CN: a Chinese company, platform texts in Chinese (needs `make setup-zh`)."
    ),
    json_out: bool = JsonOption,
) -> None:
    """The main job on the embedded runtime: sample world, every DAG once, where the results are."""
    from talentflow_demo import demo as demo_mod

    summary = run_guarded(
        demo_mod.run_demo,
        out or None,
        locale=locale,
        seed=seed,
        candidates=candidates,
        employees=employees,
        years=years,
        recordings=recordings,
    )
    emit(summary, json_out, demo_mod.format_summary(summary))
