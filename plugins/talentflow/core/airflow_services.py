"""Run Airflow's own components (scheduler, dag-processor, api-server, triggerer, Celery workers) as
the processes production runs, against TalentFlow's runtime, and stop them without leaving any behind.

``airflow standalone`` does the same for development but starts ``airflow …`` from PATH (absent outside
an activated virtualenv) and leaves LocalExecutor workers behind on stop. Here every component runs
in its own process group with the virtualenv's ``bin/`` first on PATH, its pid and log under
``AIRFLOW_HOME/run/``, and ``stop`` ends each group (SIGTERM, then SIGKILL after a grace period).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil

from talentflow.core.airflow_env import airflow_environment, password_file
from talentflow.core.config import Settings, get_settings
from talentflow.core.errors import UserError

CORE_COMPONENTS = ("scheduler", "dag-processor", "api-server", "triggerer")
# How warehouse_build runs dbt under the real scheduler unless TALENTFLOW_COSMOS_MODE says otherwise:
# one `dbt build` in a producer task and a deferrable sensor per model and per model's tests
# (bench/bench_cosmos_modes.py). `dag.test()` runs keep the library default (local_runner): there one
# process runs one task at a time, and a watcher run did not finish in 25 min.
SCHEDULER_COSMOS_MODE = "watcher"


@dataclass(frozen=True)
class Component:
    name: str
    argv: tuple[str, ...]


def components(celery_queues: list[str] | None = None) -> list[Component]:
    """The core components plus one ``airflow celery worker -q QUEUE`` per queue (CeleryExecutor)."""
    out = [Component(name, (name,)) for name in CORE_COMPONENTS]
    for i, queue in enumerate(celery_queues or []):
        out.append(
            Component(
                f"worker-{queue}-{i}",
                (
                    "celery",
                    "worker",
                    "-q",
                    queue,
                    "--celery-hostname",
                    f"{queue}-{i}@%h",
                    "--skip-serve-logs",
                ),
            )
        )
    return out


def bin_dir() -> Path:
    return Path(sys.executable).parent


def process_env(settings: Settings, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every component: ours, the operator's, and the venv's bin first on PATH
    (components start ``airflow`` and Cosmos starts ``dbt`` by name)."""
    env = {**os.environ, **airflow_environment(settings), **(extra or {})}
    env["PATH"] = os.pathsep.join([str(bin_dir()), env.get("PATH", "")])
    if not env.get("TALENTFLOW_COSMOS_MODE"):
        env["TALENTFLOW_COSMOS_MODE"] = SCHEDULER_COSMOS_MODE
    return env


def run_dir(settings: Settings) -> Path:
    folder = settings.airflow_home / "run"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def start(
    settings: Settings | None = None,
    extra_env: dict[str, str] | None = None,
    celery_queues: list[str] | None = None,
    only: tuple[str, ...] | None = None,
) -> dict[str, int]:
    """Start every component not running yet, in the background; return their pids."""
    settings = settings or get_settings()
    env = process_env(settings, extra_env)
    pids = {}
    for comp in components(celery_queues):
        if only and comp.name not in only:
            continue
        pid = _running_pid(settings, comp.name)
        if pid is None:
            pid = start_one(settings, comp, env)
        pids[comp.name] = pid
    return pids


def start_one(settings: Settings, comp: Component, env: dict[str, str]) -> int:
    folder = run_dir(settings)
    log = (folder / f"{comp.name}.log").open("ab")
    proc = subprocess.Popen(
        [str(bin_dir() / "airflow"), *comp.argv],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: stop() ends the executor's workers too
        cwd=settings.home_dir,
    )
    log.close()
    (folder / f"{comp.name}.pid").write_text(str(proc.pid))
    return proc.pid


def _running_pid(settings: Settings, name: str) -> int | None:
    path = run_dir(settings) / f"{name}.pid"
    try:
        pid = int(path.read_text())
    except (OSError, ValueError):
        return None
    try:
        proc = psutil.Process(pid)
        if proc.status() != psutil.STATUS_ZOMBIE and "airflow" in " ".join(proc.cmdline()):
            return pid
    except psutil.Error:
        pass
    path.unlink(missing_ok=True)
    return None


def _group(pid: int) -> list[psutil.Process]:
    """The process and everything it started (same session or descendants)."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        procs = []
    for proc in psutil.process_iter(["pid"]):
        try:
            if proc.pid not in {p.pid for p in procs} and os.getsid(proc.pid) == pid:
                procs.append(proc)
        except (OSError, psutil.Error):
            continue
    return procs


def stop_one(settings: Settings, name: str, grace: float = 20.0, sig: int = signal.SIGTERM) -> int:
    """End one component and its whole process group; returns how many processes were ended."""
    return _end(settings, [name], grace, sig)[name]


def _end(settings: Settings, names: list[str], grace: float, sig: int = signal.SIGTERM) -> dict[str, int]:
    groups = {}
    for name in names:
        path = run_dir(settings) / f"{name}.pid"
        try:
            groups[name] = _group(int(path.read_text()))
        except (OSError, ValueError):
            groups[name] = []
        path.unlink(missing_ok=True)
    procs = [proc for group in groups.values() for proc in group]
    for proc in procs:
        try:
            proc.send_signal(sig)
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(procs, timeout=grace)
    for proc in alive:  # a component that ignores SIGTERM past the grace period
        try:
            proc.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=5)
    return {name: len(group) for name, group in groups.items()}


def stop(settings: Settings | None = None, grace: float = 20.0) -> dict[str, int]:
    """Stop every component this runtime started, and the processes they started."""
    settings = settings or get_settings()
    return _end(settings, sorted(p.stem for p in run_dir(settings).glob("*.pid")), grace)


def leftover_processes(settings: Settings | None = None) -> list[str]:
    """Processes still running with this runtime's AIRFLOW_HOME (should be none after ``stop``)."""
    settings = settings or get_settings()
    home = str(settings.airflow_home)
    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        try:
            if proc.pid == os.getpid():
                continue
            cmdline = " ".join(proc.info["cmdline"] or [])
            if "airflow" in cmdline and proc.environ().get("AIRFLOW_HOME") == home:
                found.append(f"{proc.pid} {cmdline[:120]}")
        except (psutil.Error, OSError):
            continue
    return found


def status(settings: Settings | None = None) -> dict:
    settings = settings or get_settings()
    names = sorted(p.stem for p in run_dir(settings).glob("*.pid"))
    env = airflow_environment(settings)
    return {
        "components": {name: _running_pid(settings, name) for name in names},
        "url": env["AIRFLOW__API__BASE_URL"],
        "user": "admin",
        "password_file": str(password_file(settings)),
        "logs": str(run_dir(settings)),
    }


def wait_until_ready(settings: Settings | None = None, timeout: float = 180.0) -> str:
    """Wait for the API server's health endpoint; return the UI URL."""
    settings = settings or get_settings()
    url = airflow_environment(settings)["AIRFLOW__API__BASE_URL"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _running_pid(settings, "api-server") is None:
            raise UserError(f"the Airflow API server exited: see {run_dir(settings) / 'api-server.log'}")
        try:
            with urllib.request.urlopen(f"{url}/api/v2/monitor/health", timeout=5) as resp:
                if resp.status == 200:
                    return url
        except OSError:
            pass
        time.sleep(1)
    raise UserError(f"the Airflow API server did not answer on {url} within {timeout:.0f} s")


def admin_password(settings: Settings | None = None) -> str | None:
    path = password_file(settings)
    try:
        return json.loads(path.read_text()).get("admin")
    except (OSError, ValueError):
        return None


def ensure_pool(name: str, slots: int, description: str, env: dict[str, str]) -> None:
    """Create or resize an Airflow pool with Airflow's own CLI (idempotent)."""
    result = subprocess.run(
        [str(bin_dir() / "airflow"), "pools", "set", name, str(slots), description],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise UserError(f"`airflow pools set {name}` failed: {lines[-1] if lines else 'no output'}")
