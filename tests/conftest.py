"""Test harness shared by every suite.

At import time (before anything imports Airflow) the tests get their own TALENTFLOW_HOME in a
temporary folder and a free port, so a developer's own runtime under .talentflow/ is never touched.
The embedded runtime itself is started only by tests that ask for the ``tf_runtime`` fixture: once
per session, a real PostgreSQL with Airflow's metadata DB migrated.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from talentflow.core.runtime import free_port

_SESSION_HOME = Path(tempfile.mkdtemp(prefix="talentflow-test-"))
os.environ["TALENTFLOW_HOME"] = str(_SESSION_HOME)
os.environ["TALENTFLOW_PG_PORT"] = str(free_port())
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
for var in (
    "TALENTFLOW_WAREHOUSE_URL",
    "TALENTFLOW_S3_ENDPOINT",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
    "AIRFLOW_HOME",
):
    os.environ.pop(var, None)

from talentflow.core import airflow_env  # noqa: E402

airflow_env.configure_process()

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


def worker_group(nodeid: str) -> str:
    """The unit of work of one pytest-xdist worker: a package of tests (``tests/integration/attrition``)
    or a module directly under tests/unit, tests/integration or tests/e2e."""
    parts = nodeid.split("::", 1)[0].split("/")
    return "/".join(parts[:3]) if len(parts) > 3 else "/".join(parts)


try:
    from xdist.scheduler import LoadScopeScheduling
except ImportError:  # pytest-xdist is not installed: the suite runs serially
    LoadScopeScheduling = None

if LoadScopeScheduling is not None:

    class FolderScheduling(LoadScopeScheduling):
        """``make test`` runs two workers; the tests of one group run on one worker, in the order
        collected: the modules of a package share a generated world and the tables it loaded, and no
        other module's reset may land between them. Each worker is a whole session with its own
        TALENTFLOW_HOME and PostgreSQL port (set above, at import). (xdist's own ``loadgroup`` marks
        do not reach pytest 9's test ids, so the grouping is this scheduler's.)"""

        def _split_scope(self, nodeid: str) -> str:
            return worker_group(nodeid)

    def pytest_xdist_make_scheduler(config, log):
        return FolderScheduling(config, log)


@pytest.fixture(scope="session")
def tf_runtime():
    """A fresh embedded runtime for the whole session: PostgreSQL, warehouse DDL, Airflow DB, store."""
    from talentflow.core import runtime
    from talentflow.core.config import get_settings

    settings = get_settings()
    runtime.up(settings)
    yield settings
    runtime.down(settings)


@pytest.fixture
def warehouse_conn(tf_runtime):
    from talentflow.core import warehouse

    with warehouse.connect(tf_runtime) as conn:
        yield conn


@pytest.fixture(scope="session")
def run_dag(tf_runtime):
    """``run_dag(dag_id, conf=None, xcom_tasks=())`` → DagRunResult from a real ``dag.test()``."""
    from talentflow.core import dagrun

    return dagrun.run_dag


@pytest.fixture(scope="session")
def moto_endpoint():
    """host:port of an S3-compatible server (moto's, over real HTTP) for the session."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"127.0.0.1:{port}"
    server.stop()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(
            f"shared test data absent: {SHARED_DATA} not found (../shared sits beside the checkout in CI)"
        )
    return SHARED_DATA


def reset_loaded_data(settings) -> None:
    """Empty every loader table and the object store, so a module's DAG test sees only its own data
    (the runtime is shared by the whole session)."""
    import shutil

    from talentflow.core import storage, warehouse
    from talentflow.core import tables as raw_tables

    raw_tables.ensure_all(settings)
    with warehouse.connect(settings, login="admin") as conn:  # dropping dbt's schemas: the owner's job
        tables = ", ".join(spec.qualified for spec in raw_tables.loaded_specs())
        conn.execute(f"TRUNCATE {tables}")
        # ...and the audit rows those loads wrote: a module counts the recommendations its own runs logged.
        conn.execute("TRUNCATE audit.ingest_errors, audit.data_quality_results, audit.recommendations")
        # People an earlier module erased: another world reuses their ids (C000001), and the claim
        # would refuse (delete) that world's tasks about them.
        if conn.execute("SELECT to_regclass('audit.people_tombstones')").fetchone()[0]:
            conn.execute("TRUNCATE audit.people_tombstones")
        # dbt's incremental facts outlive their raw rows: start the marts from nothing too.
        conn.execute("DROP SCHEMA IF EXISTS staging, intermediate, marts CASCADE")
    warehouse.ensure_warehouse(settings)
    store = storage.get_store(settings)
    if isinstance(store, storage.LocalObjectStore):
        shutil.rmtree(store.base, ignore_errors=True)
    store.ensure_ready()


@pytest.fixture(scope="module")
def clean_runtime(tf_runtime):
    """The session runtime with no loaded data: for modules that run loader DAGs end to end."""
    reset_loaded_data(tf_runtime)
    return tf_runtime
