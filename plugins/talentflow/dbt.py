"""dbt plumbing: the project path, a profiles.yml generated from TalentFlow's configuration, the
Cosmos configs the ``warehouse_build`` DAG uses, and publishing dbt docs to the object store.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml
from sqlalchemy.engine import make_url

from talentflow.config import Settings, get_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
PROJECT_DIR = Path(os.environ.get("TALENTFLOW_DBT_PROJECT_DIR", REPO_ROOT / "dbt_project"))
PROFILE = "talentflow"
TARGET = "warehouse"
DOCS_PREFIX = "docs/dbt"
DOCS_FILES = ("index.html", "manifest.json", "catalog.json")


def profiles_dir(settings: Settings | None = None) -> Path:
    """Write (idempotently) a profiles.yml for the configured warehouse; return its folder."""
    settings = settings or get_settings()
    url = make_url(settings.warehouse_dsn)
    profile = {PROFILE: {"target": TARGET, "outputs": {TARGET: {
        "type": "postgres", "host": url.host or "127.0.0.1", "port": url.port or 5432,
        "user": url.username or "postgres", "password": url.password or "", "dbname": url.database,
        "schema": "marts", "threads": int(os.environ.get("TALENTFLOW_DBT_THREADS", "2")),
    }}}}
    folder = settings.home_dir / "dbt"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "profiles.yml"
    text = yaml.safe_dump(profile, sort_keys=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
        path.chmod(0o600)
    return folder


def dbt_vars() -> dict:
    return json.loads(os.environ.get("TALENTFLOW_DBT_VARS", "{}"))


def cosmos_configs(settings: Settings | None = None) -> dict:
    """Keyword arguments for ``cosmos.DbtDag`` / ``DbtTaskGroup``."""
    from cosmos import ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import InvocationMode, LoadMode, TestBehavior

    settings = settings or get_settings()
    return {
        "project_config": ProjectConfig(dbt_project_path=PROJECT_DIR, install_dbt_deps=False,
                                        dbt_vars=dbt_vars() or None),
        "profile_config": ProfileConfig(profile_name=PROFILE, target_name=TARGET,
                                        profiles_yml_filepath=profiles_dir(settings) / "profiles.yml"),
        "execution_config": ExecutionConfig(invocation_mode=InvocationMode.DBT_RUNNER),
        "render_config": RenderConfig(load_method=LoadMode.DBT_LS, test_behavior=TestBehavior.AFTER_EACH,
                                      dbt_deps=False,
                                      # relationships tests need both models built: run them after both
                                      should_detach_multiple_parents_tests=True),
    }


def run(args: list[str], settings: Settings | None = None) -> None:
    """Run one dbt command in-process against the configured warehouse; raise on failure."""
    from dbt.cli.main import dbtRunner

    folder = profiles_dir(settings)
    # target/ and logs/ per runtime home: two runtimes (or a test beside a demo) never share them.
    argv = [*args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(folder),
            "--target-path", str(folder / "target"), "--log-path", str(folder / "logs")]
    if dbt_vars():
        argv += ["--vars", json.dumps(dbt_vars())]
    result = dbtRunner().invoke(argv)
    if not result.success:
        raise RuntimeError(f"dbt {' '.join(args)} failed: {result.exception or 'see the dbt log above'}")


def publish_docs(settings: Settings | None = None) -> list[str]:
    """``dbt docs generate`` and upload the static site to ``docs/dbt/`` in the object store."""
    from talentflow import storage

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
