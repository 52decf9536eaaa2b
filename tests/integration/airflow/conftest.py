"""Fixtures of the scheduler tests: the real Airflow components on the session's embedded runtime.

They run when selected with ``-m scheduler`` or with TALENTFLOW_SCHEDULER_TESTS=1. Together they
take about 12 minutes of one worker on a 2-core machine (README "Running Airflow"); CI leaves them
out until a whole run confirms the fix of their one failure, and says so."""

from __future__ import annotations

import shutil

import pytest


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "scheduler: starts Airflow's real scheduler, dag-processor, api-server and triggerer"
    )


def pytest_collection_modifyitems(config, items):
    import os

    if "scheduler" in (config.getoption("-m") or "") or os.environ.get("TALENTFLOW_SCHEDULER_TESTS") == "1":
        return
    skip = pytest.mark.skip(
        reason="scheduler tests not selected: run `pytest -m scheduler` or set TALENTFLOW_SCHEDULER_TESTS=1"
    )
    for item in items:
        if "scheduler" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def small_world(tmp_path_factory):
    from talentflow_demo.world import generate_world

    out = tmp_path_factory.mktemp("scheduler-world")
    generate_world(out, seed=11, candidates=30, employees=60, years=2, recordings=0)
    return out


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A real Redis (Debian's redis-server) on a free port, as the Celery broker."""
    import subprocess
    import time

    import redis

    from talentflow.core.runtime import free_port

    server = shutil.which("redis-server")
    if not server:
        pytest.skip("redis-server not installed (Debian package redis-server; .ci/run installs it)")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=20)
