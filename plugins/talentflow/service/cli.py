"""``talentflow serve`` and ``talentflow api-client create|rotate|revoke|list|redeliver``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from talentflow.core.cliutil import JsonOption, emit, run_guarded

clients = typer.Typer(
    help="OAuth clients of connected HR systems (one per system/tenant).", no_args_is_help=True
)


def openapi_document() -> dict:
    from talentflow.service.app import create_app

    return create_app().openapi()


def write_openapi(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n")
    return path


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8700, help="TCP port."),
    workers: int = typer.Option(1, help="uvicorn worker processes."),
    dispatch: bool = typer.Option(
        True, help="Run the webhook dispatch loop (TALENTFLOW_API_DISPATCH_INTERVAL_S)."
    ),
    write_openapi_to: Path = typer.Option(
        None, "--write-openapi", help="Write the OpenAPI document and exit."
    ),
) -> None:
    """Serve the HR-system API (FastAPI under uvicorn) on the configured runtime."""
    if write_openapi_to:
        typer.echo(str(run_guarded(write_openapi, write_openapi_to)))
        return
    import uvicorn

    from talentflow.service.app import create_app

    if workers > 1:
        # A worker imports the platform before it answers; on a busy 2-core host that can pass 5 s.
        uvicorn.run(
            "talentflow.service.cli:_factory",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            timeout_worker_healthcheck=120,
        )
    else:
        uvicorn.run(create_app(dispatch_loop=dispatch), host=host, port=port)


def _factory():
    from talentflow.service.app import create_app

    return create_app(dispatch_loop=True)


@clients.command("create")
def create(
    name: str = typer.Argument(..., help="The HR system, e.g. 'Greenhouse (ACME)'."),
    tenant: str = typer.Option(..., help="The tenant whose data this client may see."),
    scope: list[str] = typer.Option(None, "--scope", help="Scopes to grant (repeat); default: all."),
    json_out: bool = JsonOption,
) -> None:
    """Create a client; prints its secret once (only a hash is stored)."""
    from talentflow.service import auth

    creds = run_guarded(auth.create_client, name, tenant, scope or None)
    emit(
        creds,
        json_out,
        f"client_id={creds.client_id}\nclient_secret={creds.client_secret}\nscopes={' '.join(creds.scopes)}",
    )


@clients.command("rotate")
def rotate(client_id: str, json_out: bool = JsonOption) -> None:
    """Issue a new secret; the old secret and its tokens stop working."""
    from talentflow.service import auth

    creds = run_guarded(auth.rotate_client, client_id)
    emit(creds, json_out, f"client_id={creds.client_id}\nclient_secret={creds.client_secret}")


@clients.command("revoke")
def revoke(client_id: str, json_out: bool = JsonOption) -> None:
    """Revoke a client: its tokens stop working within seconds."""
    from talentflow.service import auth

    emit(run_guarded(auth.revoke_client, client_id), json_out, f"revoked {client_id}")


@clients.command("list")
def list_(json_out: bool = JsonOption) -> None:
    """Every client with its tenant, scopes and status (never the secret)."""
    from talentflow.service import auth

    rows = run_guarded(auth.list_clients)
    emit(
        rows,
        json_out,
        "\n".join(f"{r['client_id']:22} {r['status']:8} {r['tenant']:16} {r['name']}" for r in rows),
    )


@clients.command("redeliver")
def redeliver(
    delivery_id: list[str] = typer.Argument(None, help="webhook-id(s) to send again."),
    failed: bool = typer.Option(False, "--failed", help="Every delivery that failed."),
    json_out: bool = JsonOption,
) -> None:
    """Send webhooks again by hand (same webhook-id, so receivers de-duplicate)."""
    from talentflow.service import webhooks

    results = run_guarded(webhooks.redeliver, delivery_id or [], failed=failed)
    emit(
        results,
        json_out,
        "\n".join(f"{r['delivery_id']} {r['status']} ({r['attempts']} attempts)" for r in results),
    )


@clients.command("dispatch")
def dispatch(json_out: bool = JsonOption) -> None:
    """Emit events for newly scored interviews and deliver pending webhooks once."""
    from talentflow.service import webhooks

    counts = run_guarded(webhooks.dispatch)
    emit(counts, json_out, ", ".join(f"{k}: {v}" for k, v in counts.items()))


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(clients, name="api-client", help="OAuth clients of HR systems; webhook re-delivery.")
    from talentflow.service.web.cli import users

    app.add_typer(users, name="users", help="People who sign in to the HR pages (/hr).")
