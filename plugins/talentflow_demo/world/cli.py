"""Command-line entry points of this package (registered in talentflow.cli as ``talentflow world``)."""

from __future__ import annotations

from pathlib import Path

import typer

from talentflow.core.cliutil import JsonOption, UserError, emit, run_guarded

app = typer.Typer(no_args_is_help=True)

AUDIO_MODES = {"auto": None, "espeak": True, "samples": False}
WorldOutOption = typer.Option(
    ..., "--out", help="Folder to write the world into (empty, new, or an earlier world)."
)
SamplesOutOption = typer.Option(
    Path("sample_data/recordings"), "--out", help="Where the committed sample recordings live."
)


def parse_bias(group: str | None, size: float) -> dict | None:
    """``sex=female`` (or just ``female``, meaning sex) -> {"attribute", "group", "size"}."""
    if not group:
        return None
    attribute, _, value = group.partition("=") if "=" in group else ("sex", "", group)
    if not value:
        raise UserError(f"--bias-group {group!r}: write ATTRIBUTE=GROUP, for example sex=female")
    return {"attribute": attribute.strip(), "group": value.strip(), "size": size}


def _format(summary) -> str:
    c = summary.counts
    lines = [
        f"world written to {summary.out} (seed {summary.seed})",
        f"  company      {c['departments']} departments, {c['requisitions']} requisitions",
        f"  candidates   {c['candidates']} ({c['duplicate_candidates']} duplicates, "
        f"{c['candidates_without_consent']} without consent), {c['interviews']} interviewed, "
        f"{c['hired_candidates']} hired",
        f"  resumes      {c['resumes']} ({c['resumes_pdf']} pdf, {c['resumes_docx']} docx, {c['resumes_txt']} txt)",
        f"  recordings   {c['recordings']} in {c['recorded_interviews']} interviews (audio: {summary.audio_source})",
        f"  employees    {c['employees']}: {c['exits_voluntary']} voluntary and {c['exits_involuntary']} "
        f"involuntary exits, {c['promotions']} promotions",
        f"  hris         {c['performance_reviews']} quarterly reviews, {c['attendance_rows']} {summary.attendance} "
        "attendance rows",
        f"  truth        {summary.paths['truth']}",
    ]
    if summary.bias:
        b = summary.bias
        lines.append(
            f"  bias         {b['attribute']}={b['group']} interview quality lowered by {b['size']} SD"
        )
    lines += [f"warning: {w}" for w in summary.warnings]
    return "\n".join(lines)


@app.command()
def generate(
    out: Path = WorldOutOption,
    seed: int = typer.Option(7, help="Random seed: the same seed and sizes give byte-identical files."),
    candidates: int = typer.Option(300, help="Number of candidates (resumes), duplicates included."),
    employees: int = typer.Option(200, help="Number of employees in the HRIS over the window."),
    years: int = typer.Option(3, help="Length of the simulated window in years."),
    recordings: int = typer.Option(
        24, help="Audio files to write (rounded up to whole 8-answer interviews); 0 = none."
    ),
    bias_group: str = typer.Option(
        "", "--bias-group", help="Inject interview bias against ATTRIBUTE=GROUP, e.g. sex=female."
    ),
    bias_size: float = typer.Option(
        0.5, "--bias-size", help="Size of the injected bias in SD of answer quality."
    ),
    attendance: str = typer.Option(
        "daily", help="Attendance export: daily rows, or weekly totals for huge worlds."
    ),
    audio: str = typer.Option(
        "auto", help="auto: espeak-ng when installed, else committed samples; espeak; samples."
    ),
    locale: str = typer.Option(
        "en", help="en: Larkspur Systems (USD); zh-CN: a Chinese company (Chinese resumes, interviews, CNY)."
    ),
    json_out: bool = JsonOption,
) -> None:
    """Generate a synthetic HR world with a known ground truth."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from talentflow_demo.world import generate_world

    if audio not in AUDIO_MODES:
        run_guarded(_raise, f"--audio must be auto, espeak or samples, not {audio!r}")
    bias = run_guarded(parse_bias, bias_group, bias_size)
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description:<11}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        tasks: dict[str, int] = {}
        totals: dict[str, int] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                for name, task_id in tasks.items():  # a new stage means the earlier ones are finished
                    bar.update(task_id, completed=totals[name])
                if stage == "done":
                    return
                tasks[stage] = bar.add_task(stage, total=total)
            totals[stage] = total
            bar.update(tasks[stage], completed=done, total=total)

        summary = run_guarded(
            generate_world,
            out,
            seed=seed,
            candidates=candidates,
            employees=employees,
            years=years,
            recordings=recordings,
            bias=bias,
            attendance=attendance,
            use_espeak=AUDIO_MODES[audio],
            progress=report,
        )
    emit(summary, json_out, _format(summary))


@app.command("record-samples")
def record_samples(
    out: Path = SamplesOutOption,
    json_out: bool = JsonOption,
) -> None:
    """Re-create the small committed recordings with espeak-ng (maintainers only; needs espeak-ng)."""
    from talentflow_demo.world.audio import build_sample_recordings

    manifest = run_guarded(build_sample_recordings, out)
    n = sum(len(i["answers"]) for i in manifest["interviews"])
    emit(manifest, json_out, f"{n} recordings and manifest.json written to {out}")


def _raise(message: str) -> None:
    raise UserError(message)
