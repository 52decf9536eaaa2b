"""Unit tests are pure: no PostgreSQL, no Airflow metadata DB, no object-store server.

A unit test that asks for a fixture needing the embedded runtime fails with a pointer to
tests/integration/ before any database starts."""

from __future__ import annotations

import pytest

_NEEDS_RUNTIME = {"tf_runtime", "warehouse_conn", "run_dag", "clean_runtime", "moto_endpoint"}


def pytest_runtest_setup(item):
    wanted = sorted(_NEEDS_RUNTIME & set(getattr(item, "fixturenames", ())))
    if wanted:
        pytest.fail(f"{item.nodeid} is a unit test but uses {wanted}: move it to tests/integration/")
