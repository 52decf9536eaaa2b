"""Exports that arrive on object storage: ``incoming/<kind>/<export_id>/…`` → loader → ``archive/…``.

An export is a folder. It is downloaded to a temporary directory, loaded (loaders are idempotent),
and only then moved to ``archive/<kind>/<export_id>/``: a re-run after success finds nothing new.

One export never holds up the others. Bad rows are row errors inside the loader; an export the loader
refuses as a whole (a mapping column it lacks, a file that is not text) moves to
``quarantine/<kind>/<export_id>/`` beside ``<export_id>.error.json`` with the reason, and the next
exports load. Any other failure (the database or the object store away) leaves that export in
``incoming/`` for the retry, the others still load, and the task fails at the end naming it.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from talentflow.core import storage, warehouse
from talentflow.core.config import Settings, get_settings

log = logging.getLogger(__name__)
# What a loader raises when the export itself is wrong (not the platform): never worth a retry.
DATA_ERRORS = (ValueError, UnicodeError, LookupError, FileNotFoundError)


class ExportsFailed(RuntimeError):
    """Some exports could not be loaded for a reason a retry may cure; the others were loaded."""


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
    """Load every pending export of ``kind`` with ``load(folder) -> summary``; archive what loaded,
    quarantine what the loader refused (with its reason), leave the rest for the retry."""
    settings = settings or get_settings()
    store = storage.get_store(settings)
    results, retry = [], []
    for export_id, keys in sorted(pending_exports(kind, store).items()):
        prefix = f"incoming/{kind}/{export_id}/"
        try:
            with tempfile.TemporaryDirectory(prefix=f"tf-{kind}-") as tmp:
                for key in keys:
                    store.get_file(key, Path(tmp) / key[len(prefix) :])
                summary = load(Path(tmp))
                _name_objects_in_row_errors(Path(tmp), prefix, settings)
        except DATA_ERRORS as exc:
            results.append(_quarantine(kind, export_id, keys, exc, store, settings))
            continue
        except Exception as exc:  # noqa: BLE001 - one export's outage must not hold up the others
            log.warning(
                "%s export %s not loaded, left for the retry: %s", kind, export_id, type(exc).__name__
            )
            retry.append(f"{export_id} ({type(exc).__name__}: {exc})")
            continue
        for key in keys:
            # a re-delivered export under the same id never replaces the archived one
            store.move_unique(key, f"archive/{kind}/{export_id}/{key[len(prefix) :]}")
        results.append({"export_id": export_id, "files": len(keys), **summary})
    if retry:
        raise ExportsFailed(
            f"{len(retry)} {kind} export(s) left in incoming/ for the retry (the other "
            f"{len(results)} were handled): {'; '.join(retry)}"
        )
    return results


def _name_objects_in_row_errors(folder: Path, prefix: str, settings: Settings) -> None:
    """The loaders name the files they read, which here are temporary copies deleted right after:
    point the row errors they recorded at the export's objects instead (``incoming/<kind>/<id>/…``,
    where the export stays findable in ``archive/``)."""
    local = f"{folder}/"
    with warehouse.connect(settings) as conn:
        conn.execute(
            "UPDATE audit.ingest_errors SET object_key = %s || substr(object_key, %s) "
            "WHERE starts_with(object_key, %s)",
            (prefix, len(local) + 1, local),
        )


def _quarantine(kind, export_id, keys, exc, store, settings) -> dict:
    prefix = f"incoming/{kind}/{export_id}/"
    reason = f"{type(exc).__name__}: {exc}"
    # The message may name the temporary folder the export was read from: name the objects instead.
    reason = reason.replace(tempfile.gettempdir(), "<export>")
    where = f"quarantine/{kind}/{export_id}/"
    for key in keys:
        store.move(key, where + key[len(prefix) :])
    store.put_json(
        f"quarantine/{kind}/{export_id}.error.json",
        {"export_id": export_id, "keys": keys, "reason": reason, "at": datetime.now(UTC).isoformat()},
    )
    with warehouse.connect(settings) as conn:
        warehouse.record_ingest_errors(
            conn,
            [
                warehouse.IngestError(
                    kind, "export_refused", reason, object_key=prefix, details={"keys": keys}
                )
            ],
        )
    log.warning("%s export %s quarantined: %s", kind, export_id, type(exc).__name__)
    return {"export_id": export_id, "files": len(keys), "quarantined": where, "reason": reason}
