"""Shared command-line plumbing: one way to print results and one way to fail.

Every ``talentflow`` command takes ``--json``; on bad input it exits non-zero with a one-line reason.
"""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel

from talentflow.core.errors import ConfigError, UserError

JsonOption = typer.Option(False, "--json", help="Machine-readable JSON output.")


def to_jsonable(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if is_dataclass(obj) and not isinstance(obj, type):
        return to_jsonable(asdict(obj))
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    return obj


def emit(obj: Any, as_json: bool, human: str | None = None) -> None:
    """Print ``obj`` as JSON (``--json``) or ``human`` text (defaults to indented JSON)."""
    if as_json or human is None:
        typer.echo(json.dumps(to_jsonable(obj), indent=None if as_json else 2, ensure_ascii=False))
    else:
        typer.echo(human)


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def run_guarded(func, *args, **kwargs):
    """Call ``func``; turn the errors a user can act on into a one-line message and exit 2."""
    try:
        return func(*args, **kwargs)
    except (UserError, ConfigError, FileNotFoundError, ValueError) as exc:
        fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
