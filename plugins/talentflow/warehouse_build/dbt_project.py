"""dbt plumbing: the project path, a profiles.yml generated from TalentFlow's configuration, the
Cosmos configs the ``warehouse_build`` DAG uses, and publishing dbt docs to the object store.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import yaml
from sqlalchemy.engine import make_url

from talentflow.core.config import Settings, get_settings

PROFILE = "talentflow"
TARGET = "warehouse"
DOCS_PREFIX = "docs/dbt"
DOCS_FILES = ("index.html", "manifest.json", "catalog.json")


def _calling_module() -> str:
    """The first module up the stack that is not dbt_common.behavior_flags: what dbt-common's
    ``BehaviorFlagRendered._default_source`` finds, without reading any source file."""
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_globals.get("__name__")
        if name and name != "dbt_common.behavior_flags":
            return name
        frame = frame.f_back
    return "Unknown"


def cheap_dbt_flag_sources() -> None:
    """Make dbt's adapter set-up cheap again inside deep call stacks.

    dbt-common (1.39) names the module of every behaviour flag with ``inspect.stack()`` each time an
    adapter is registered, which reads the source lines of every frame on the stack -- under an
    Airflow task (and more so under pytest) that was 56% of each Cosmos dbt task's time (py-spy on
    ``warehouse_build`` through ``dag.test()``). The value only names a module in a warning event;
    walking the frames gives the same name without touching a file. Idempotent."""
    from dbt_common import behavior_flags

    behavior_flags.BehaviorFlagRendered._default_source = staticmethod(_calling_module)


def profiles_dir(settings: Settings | None = None) -> Path:
    """Write (idempotently) a profiles.yml for the configured warehouse; return its folder."""
    settings = settings or get_settings()
    url = make_url(settings.transformer_dsn)  # dbt is `transformer`: never the superuser
    profile = {
        PROFILE: {
            "target": TARGET,
            "outputs": {
                TARGET: {
                    "type": "postgres",
                    "host": url.host or "127.0.0.1",
                    "port": url.port or 5432,
                    "user": url.username or "transformer",
                    "password": url.password or "",
                    "dbname": url.database,
                    "schema": "marts",
                    "threads": settings.dbt_threads,
                }
            },
        }
    }
    folder = settings.home_dir / "dbt"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "profiles.yml"
    text = yaml.safe_dump(profile, sort_keys=True)
    if not path.exists() or path.read_text() != text:
        # It holds the transformer's password: 0600 from the first byte (not chmod after writing).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
    return folder


def project_dir(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).dbt_project_dir


def dbt_vars(settings: Settings | None = None) -> dict:
    return (settings or get_settings()).dbt_vars


# How Cosmos runs the dbt project (bench/bench_cosmos_modes.py measures each under the scheduler):
#   local_runner   one Airflow task per model and one per model's tests, dbt invoked in-process
#   local_build    one task per model running `dbt build` on it (model + its tests), in-process
#   watcher        one producer task runs a single `dbt build`; a sensor task per model shows that
#                  model's (and its tests') result as dbt reports it
COSMOS_MODES = ("local_runner", "local_subprocess", "local_build", "watcher")
DEFAULT_COSMOS_MODE = "local_runner"

# Folders and files of the dbt project that make up its manifest (target/, logs/ are outputs).
_PROJECT_INPUTS = (
    "dbt_project.yml",
    "packages.yml",
    "selectors.yml",
    "models",
    "macros",
    "seeds",
    "snapshots",
    "tests",
    "analyses",
)


def project_hash(settings: Settings | None = None) -> str:
    """A digest of everything ``dbt parse`` reads: the project's files, the dbt vars, dbt's version."""
    from dbt.version import __version__ as dbt_version

    settings = settings or get_settings()
    root = settings.dbt_project_dir
    digest = hashlib.sha256(f"{dbt_version}\0{json.dumps(settings.dbt_vars or {}, sort_keys=True)}".encode())
    for name in _PROJECT_INPUTS:
        base = root / name
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in files:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def manifest_path(settings: Settings | None = None) -> Path:
    """The project's ``manifest.json``, made once per project hash by ``dbt parse`` and cached.

    Cosmos renders the DAG from it (LoadMode.DBT_MANIFEST): every parse of ``warehouse_build`` -- by
    the dag-processor and again by every task process -- reads a JSON file instead of running
    ``dbt ls``. The first parse after a change makes it (a changed model, macro, seed or var gives a
    new hash); the scheduler tests and bench/bench_cosmos_modes.py make it before Airflow starts."""
    settings = settings or get_settings()
    folder = settings.home_dir / "dbt" / "manifests" / project_hash(settings)
    path = folder / "manifest.json"
    if path.exists():
        return path
    import fcntl

    from dbt.cli.main import dbtRunner

    # One parser at a time per runtime (the dag-processor and task processes may all miss at once);
    # a kept target/ lets dbt re-parse only the files that changed since the last manifest.
    work = folder.parent / "target"
    work.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / "parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            return path
        cheap_dbt_flag_sources()
        argv = ["parse", "--quiet", "--project-dir", str(settings.dbt_project_dir)]
        argv += ["--profiles-dir", str(profiles_dir(settings)), "--target-path", str(work)]
        argv += ["--log-path", str(work)]
        if settings.dbt_vars:
            argv += ["--vars", json.dumps(settings.dbt_vars)]
        result = dbtRunner().invoke(argv)
        if not result.success:
            raise RuntimeError(f"dbt parse failed: {result.exception or 'see the dbt log'}")
        folder.mkdir(parents=True, exist_ok=True)
        # Atomic: a reader never sees half a file.
        tmp = folder / f".manifest.{os.getpid()}.json"
        shutil.copyfile(work / "manifest.json", tmp)
        os.replace(tmp, path)
        # Keep the three newest manifests (a task of a run that started before a change may read one).
        old = sorted(folder.parent.glob("*/manifest.json"), key=lambda p: p.stat().st_mtime)[:-3]
        for stale in old:
            shutil.rmtree(stale.parent, ignore_errors=True)
    return path


def cosmos_configs(
    settings: Settings | None = None, mode: str | None = None, load: str = "dbt_manifest"
) -> dict:
    """Keyword arguments for ``cosmos.DbtDag`` / ``DbtTaskGroup`` in one of ``COSMOS_MODES``.

    ``load="dbt_ls"`` renders with ``dbt ls`` at every parse, as before the cached manifest (kept for
    bench/bench_cosmos_modes.py to measure against)."""
    from cosmos import ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior

    settings = settings or get_settings()
    cheap_dbt_flag_sources()  # before any task of the DAG runs dbt in this process
    mode = mode or settings.cosmos_mode or DEFAULT_COSMOS_MODE
    if mode not in COSMOS_MODES:
        raise ValueError(f"unknown Cosmos mode {mode!r}: use one of {', '.join(COSMOS_MODES)}")
    execution = {
        "local_runner": ExecutionConfig(invocation_mode=InvocationMode.DBT_RUNNER),
        "local_subprocess": ExecutionConfig(invocation_mode=InvocationMode.SUBPROCESS),
        "local_build": ExecutionConfig(invocation_mode=InvocationMode.DBT_RUNNER),
        "watcher": ExecutionConfig(
            execution_mode=ExecutionMode.WATCHER, invocation_mode=InvocationMode.DBT_RUNNER
        ),
    }[mode]
    return {
        "project_config": ProjectConfig(
            dbt_project_path=settings.dbt_project_dir,
            manifest_path=manifest_path(settings) if load == "dbt_manifest" else None,
            install_dbt_deps=False,
            dbt_vars=settings.dbt_vars or None,
        ),
        "profile_config": ProfileConfig(
            profile_name=PROFILE,
            target_name=TARGET,
            profiles_yml_filepath=profiles_dir(settings) / "profiles.yml",
        ),
        "execution_config": execution,
        "render_config": RenderConfig(
            # From the cached manifest, not `dbt ls` at every parse (which cost ~30 s per task process).
            load_method=LoadMode(load),
            test_behavior=TestBehavior.BUILD if mode == "local_build" else TestBehavior.AFTER_EACH,
            dbt_deps=False,
            # relationships tests need both models built: run them after both
            should_detach_multiple_parents_tests=True,
        ),
    }


def run(args: list[str], settings: Settings | None = None) -> None:
    """Run one dbt command in-process against the configured warehouse; raise on failure."""
    from dbt.cli.main import dbtRunner

    settings = settings or get_settings()
    cheap_dbt_flag_sources()
    folder = profiles_dir(settings)
    # target/ and logs/ per runtime home: two runtimes (or a test beside a demo) never share them.
    argv = [
        *args,
        "--project-dir",
        str(settings.dbt_project_dir),
        "--profiles-dir",
        str(folder),
        "--target-path",
        str(folder / "target"),
        "--log-path",
        str(folder / "logs"),
    ]
    if settings.dbt_vars:
        argv += ["--vars", json.dumps(settings.dbt_vars)]
    result = dbtRunner().invoke(argv)
    if not result.success:
        raise RuntimeError(f"dbt {' '.join(args)} failed: {result.exception or 'see the dbt log above'}")


def publish_docs(settings: Settings | None = None) -> list[str]:
    """``dbt docs generate`` and upload the static site to ``docs/dbt/`` in the object store."""
    from talentflow.core import storage

    settings = settings or get_settings()
    run(["docs", "generate"], settings)
    store = storage.get_store(settings)
    keys = []
    for name in DOCS_FILES:
        path = profiles_dir(settings) / "target" / name
        content_type = "text/html" if name.endswith(".html") else "application/json"
        store.put_file(f"{DOCS_PREFIX}/{name}", path, content_type=content_type)
        keys.append(f"{DOCS_PREFIX}/{name}")
    return keys
