"""Airflow's LocalExecutor with the DAGs' imports loaded once, in the scheduler, before it forks.

Every Airflow 3 task process parses its DAG file before it runs: it is forked from an executor
worker, which LocalExecutor forks from the scheduler. Stock, that parse imports TalentFlow, pandas,
Cosmos and dbt afresh in every task (``Worker startup parse complete ... dag_file_parse_ms=29627`` for
``archive_sync`` on a busy 2-core machine). Here the scheduler imports what the DAG files import (read
from their ``import`` statements, as Airflow's dag-processor does with ``parsing_pre_import_modules``)
and dbt's runner before it starts its workers, so each task process starts with them in memory
(copy-on-write) and its parse only builds the DAG. Nothing else changes: ``talentflow airflow start``
selects it as ``AIRFLOW__CORE__EXECUTOR`` unless the operator chose another executor.
"""

from __future__ import annotations

import ast
import importlib
import logging
import time
from pathlib import Path

from airflow.executors.local_executor import LocalExecutor

log = logging.getLogger(__name__)

# What Cosmos's in-process dbt invocation (InvocationMode.DBT_RUNNER) imports when a dbt task runs.
EXTRA_PRELOAD = ("dbt.cli.main", "dbt.adapters.postgres")


def dag_imports(folder: Path) -> tuple[list[str], list[str]]:
    """The absolute module names the top level of each DAG file in ``folder`` imports, and the names
    that may be submodules (``from talentflow.core import assets``: ``talentflow.core.assets``)."""
    names: set[str] = set()
    maybe: set[str] = set()  # `from a import b`: a.b if b is a submodule
    for path in sorted(Path(folder).glob("*.py")):
        try:
            tree = ast.parse(path.read_text(), filename=str(path))
        except (OSError, SyntaxError):
            continue  # the dag-processor reports it as an import error
        for node in tree.body:
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                # `from talentflow.core import assets`: the submodule, where `assets` is one
                maybe.update(f"{node.module}.{alias.name}" for alias in node.names)
    names.discard("__future__")
    return sorted(names), sorted(n for n in maybe - names if not n.startswith("__future__."))


def preload(folder: Path) -> dict[str, str]:
    """Import the DAGs' modules and dbt's runner; return those that failed (never raises)."""
    started = time.perf_counter()
    failed = {}
    modules, maybe = dag_imports(folder)
    for name in [*modules, *EXTRA_PRELOAD, *maybe]:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if name not in maybe or exc.name != name:  # `b` of `from a import b` is no module: fine
                failed[name] = type(exc).__name__
        except Exception as exc:  # noqa: BLE001 - a broken module fails its own DAG, not the scheduler
            failed[name] = type(exc).__name__
    log.info("preloaded the DAGs' imports in %.1f s (failed: %s)", time.perf_counter() - started, failed)
    return failed


class PreloadingLocalExecutor(LocalExecutor):
    """LocalExecutor whose worker processes start with the DAGs' imports already loaded."""

    def start(self) -> None:
        from airflow.configuration import conf

        preload(Path(conf.get("core", "dags_folder")))
        super().start()
