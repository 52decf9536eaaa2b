"""Subject access (PIPL Art. 45, GDPR Art. 15 and 20): one package of everything held about a person.

The package is a folder (or a zip of it): ``manifest.json`` (who, when, what: every table with its
row count and every object with its SHA-256), ``tables/<schema>.<table>.json`` (the person's rows of
every relation in every schema, found through the identity links, see :mod:`talentflow.people.catalog`),
``files/<object key>`` (their resumes, recordings, scoring records, as stored) and
``files/<object key>.lines.json`` (their records inside shared exports such as the ATS CSVs).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

from psycopg import sql

from talentflow.core import storage, warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.people import catalog, requests
from talentflow.people.identity import resolve


def _rows(conn, rel: catalog.Relation, subject) -> list[dict]:
    cond = catalog.match_condition(rel, subject)
    if cond is None:
        if rel.schema not in ("audit",):
            return []
        # Audit trails without an id column: rows that name the person's identifiers.
        cond = catalog.mention_condition(rel, subject.needles() - subject.names)
        if cond is None:
            return []
    query = sql.SQL("SELECT * FROM {} WHERE {}").format(rel.ident, cond)
    return warehouse.fetch_all(conn, query)


def export_subject(
    query: str,
    out: Path | str,
    *,
    settings: Settings | None = None,
    requested_by: str = "cli",
    as_zip: bool = False,
) -> dict:
    """Write the package for the person ``query`` names into ``out``; returns the manifest."""
    settings = settings or get_settings()
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not empty: give a new folder for the package")
    (out / "tables").mkdir(parents=True, exist_ok=True)
    store = storage.get_store(settings)
    manifest: dict = {"generated_at": datetime.now(UTC).isoformat(), "tables": {}, "objects": []}
    with warehouse.connect(settings) as conn:
        requests.ensure(conn)
        subject = resolve(query, settings, conn)
        manifest["subject"] = subject.summary()
        for rel in catalog.relations(conn):
            rows = _rows(conn, rel, subject)
            if rows:
                (out / "tables" / f"{rel.qualified}.json").write_text(
                    json.dumps(rows, indent=1, default=str, ensure_ascii=False), encoding="utf-8"
                )
                manifest["tables"][rel.qualified] = len(rows)
        for hit in catalog.scan_objects(store, subject):
            target = out / "files" / hit.key
            target.parent.mkdir(parents=True, exist_ok=True)
            if hit.whole:
                data = store.get(hit.key)
                target.write_bytes(data)
                entry = {"key": hit.key, "file": f"files/{hit.key}", "kind": "original"}
            else:
                data = json.dumps(
                    {"source": hit.key, "header": hit.header, "lines": hit.lines},
                    indent=1,
                    ensure_ascii=False,
                ).encode()
                target = target.with_name(target.name + ".lines.json")
                target.write_bytes(data)
                entry = {"key": hit.key, "file": f"files/{hit.key}.lines.json", "kind": "records"}
            entry.update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
            manifest["objects"].append(entry)
        manifest["request_id"] = requests.log_request(
            conn,
            "export",
            query,
            requested_by,
            "subject access request",
            {"tables": manifest["tables"], "objects": len(manifest["objects"])},
            settings,
        )
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    manifest["path"] = str(out)
    if as_zip:
        manifest["path"] = shutil.make_archive(str(out), "zip", out)
        shutil.rmtree(out)
    return manifest
