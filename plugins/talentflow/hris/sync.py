"""Exports that arrive on object storage: ``incoming/<kind>/<export_id>/…`` → loader → ``archive/…``.

An export is a folder. It is downloaded to a temporary directory, loaded (loaders are idempotent),
and only then moved to ``archive/<kind>/<export_id>/``: a failure leaves it in ``incoming/`` for the
retry, a re-run after success finds nothing new.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from talentflow.core import storage
from talentflow.core.config import Settings, get_settings


def pending_exports(kind: str, store: storage.ObjectStore) -> dict[str, list[str]]:
    """export_id → keys, for every folder under ``incoming/<kind>/``."""
    prefix = f"incoming/{kind}/"
    exports: dict[str, list[str]] = {}
    for obj in store.list(prefix):
        rest = obj.key[len(prefix) :]
        if "/" not in rest:
            continue  # exports are folders; stray files are left for a human
        exports.setdefault(rest.split("/", 1)[0], []).append(obj.key)
    return exports


def sync_exports(kind: str, load: Callable[[Path], dict], settings: Settings | None = None) -> list[dict]:
    """Load every pending export of ``kind`` with ``load(folder) -> summary``; archive what loaded."""
    settings = settings or get_settings()
    store = storage.get_store(settings)
    results = []
    for export_id, keys in sorted(pending_exports(kind, store).items()):
        prefix = f"incoming/{kind}/{export_id}/"
        with tempfile.TemporaryDirectory(prefix=f"tf-{kind}-") as tmp:
            for key in keys:
                store.get_file(key, Path(tmp) / key[len(prefix) :])
            summary = load(Path(tmp))
        for key in keys:
            store.move(key, f"archive/{kind}/{export_id}/{key[len(prefix) :]}")
        results.append({"export_id": export_id, "files": len(keys), **summary})
    return results
