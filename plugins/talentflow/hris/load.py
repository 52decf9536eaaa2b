"""Load an HRIS export through its mapping file into ``raw.hris_*`` and ``restricted.hris_*_pii``.

Per entity and per chunk: map and convert (rows that cannot be converted are rejected with the
reason), validate rows with the ``hris_<entity>`` Great Expectations suite (rows that break it are
rejected too), COPY-upsert the rest. Rejected rows land in ``audit.ingest_errors``; nothing stops the
rest of the export. Loading the same export twice changes nothing.
"""

from __future__ import annotations

import fnmatch
import logging
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from talentflow.core import quality, warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.tables.hris import ENTITIES
from talentflow.core.warehouse import IngestError
from talentflow.hris.mapping import Mapping, apply_mapping, load_mapping, read_source

log = logging.getLogger(__name__)
SOURCE = "hris"
CHUNK_ROWS = 250_000


def configured_mapping(settings: Settings | None = None) -> Path:
    """The mapping file archive_sync applies unless a run names another (TALENTFLOW_HRIS_MAPPING)."""
    return (settings or get_settings()).hris_mapping


@dataclass
class EntityLoad:
    entity: str
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    pii_rows: int = 0


@dataclass
class ExportLoad:
    system: str
    export: str
    entities: dict[str, EntityLoad] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        return sum(e.rejected for e in self.entities.values())

    def to_dict(self) -> dict:
        return {
            "system": self.system,
            "export": self.export,
            "rejected": self.rejected,
            "entities": {k: asdict(v) for k, v in self.entities.items()},
        }


def resolve_files(export: Path, pattern: str, single_entity: bool) -> list[Path]:
    """The files of an entity: glob under the export folder, or the export itself if it is a file."""
    if export.is_file():
        return [export] if single_entity or fnmatch.fnmatch(export.name, pattern) else []
    return sorted(p for p in export.glob(pattern) if p.is_file())


def ensure_tables(settings: Settings | None = None) -> None:
    """Create every canonical HRIS table (so dbt sources exist even before the first export)."""
    with warehouse.connect(settings) as conn:
        for entity in ENTITIES.values():
            warehouse.ensure_table(conn, entity.raw_spec())
            if entity.pii_spec():
                warehouse.ensure_table(conn, entity.pii_spec())


def load_export(
    export: Path | str,
    mapping: Mapping | Path | str,
    *,
    settings: Settings | None = None,
    run_id: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
    progress: bool = False,
) -> ExportLoad:
    settings = settings or get_settings()
    export = Path(export)
    if not export.exists():
        raise FileNotFoundError(f"HRIS export not found: {export}")
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    summary = ExportLoad(mapping.system, str(export))
    single = len(mapping.entities) == 1
    for name, em in mapping.entities.items():
        entity = ENTITIES[name]
        files = resolve_files(export, em.file, single)
        result = summary.entities[name] = EntityLoad(name, [str(f) for f in files])
        if not files:
            log.warning("no file matches %s for entity %s in %s", em.file, name, export)
            continue
        for path in files:
            for chunk in read_source(path, em, chunksize=chunk_rows):
                _load_chunk(chunk, entity, em, mapping, path, result, settings, run_id)
                if progress:
                    print(
                        f"  {name}: {result.rows_read:,} rows read, {result.rejected:,} rejected",
                        file=sys.stderr,
                        flush=True,
                    )
    return summary


def _load_chunk(chunk, entity, em, mapping, path: Path, result: EntityLoad, settings, run_id) -> None:
    result.rows_read += len(chunk)
    good, row_errors = apply_mapping(chunk, entity, em, mapping, str(path))
    suite = f"hris_{entity.name}"
    if (quality.expectations_dir() / f"{suite}.json").exists() and len(good):
        _report, bad = quality.find_bad_rows(
            good, suite, f"{path.name}:{entity.name}", run_id=run_id, settings=settings
        )
        for idx, reasons in bad.items():
            row_errors.append(
                {"row_ref": str(int(idx) + 2), "reason_code": "quality", "message": "; ".join(reasons)}
            )
        good = good.drop(index=list(bad))
    errors = [
        IngestError(
            SOURCE,
            e["reason_code"],
            e["message"],
            object_key=str(path),
            row_ref=e["row_ref"],
            details={"entity": entity.name, "system": mapping.system},
            run_id=run_id,
        )
        for e in row_errors
    ]
    with warehouse.connect(settings) as conn:
        warehouse.record_ingest_errors(conn, errors)
        raw = warehouse.upsert(conn, entity.raw_spec(), good)
        pii_spec = entity.pii_spec()
        if pii_spec is not None and len(good):
            pii_cols = list(pii_spec.columns)
            pii = good.reindex(columns=pii_cols)
            pii = pii[pii[list(entity.pii)].notna().any(axis=1)]
            result.pii_rows += warehouse.upsert(conn, pii_spec, pii).received
    result.rejected += len(errors)
    result.inserted += raw.inserted
    result.updated += raw.updated
    result.unchanged += raw.unchanged
