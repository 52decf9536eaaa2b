"""Shared fixtures of the feedback-retraining integration tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def fresh_registry(tf_runtime):
    """An empty scoring-model registry on a warehouse with nothing loaded: the session's warehouse is
    shared between test modules, and interviews or candidates other modules loaded would reach the
    retraining dataset."""
    from talentflow.core import storage, warehouse
    from talentflow.core.tables.retraining import AUDIT_TABLES
    from talentflow.retraining import registry
    from tests.conftest import reset_loaded_data

    reset_loaded_data(tf_runtime)
    with warehouse.connect(tf_runtime) as conn:
        registry.ensure_registry(conn)
        conn.execute("TRUNCATE " + ", ".join(spec.qualified for spec in AUDIT_TABLES))
    store = storage.get_store(tf_runtime)
    for obj in list(store.list(registry.ARTIFACT_PREFIX + "/")):
        store.delete(obj.key)
    return tf_runtime
