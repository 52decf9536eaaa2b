"""Load an HRIS export through its mapping file into ``raw.hris_*`` and ``restricted.hris_*_pii``.

Per entity and per chunk (CSV streamed by Arrow, so memory stays flat): map and convert (rows that
cannot be converted are rejected with the reason), validate rows with the ``hris_<entity>`` suite
(vectorised by ``hris.rowchecks``, Great Expectations for anything it does not cover; rows that break
it are rejected too), bulk-load the rest with ``warehouse.upsert``. Into a table that was empty when
the export started, chunks are COPYed straight in. Rejected rows land in ``audit.ingest_errors``;
nothing stops the rest of the export. Loading the same export twice changes nothing.
"""

from __future__ import annotations

import contextlib
import fnmatch
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from psycopg import sql

from talentflow.core import quality, rowchecks, warehouse
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
    root = export.resolve()
    # A symlink in an export may point anywhere: only files that really live in the export are read.
    return sorted(p for p in export.glob(pattern) if p.is_file() and p.resolve().is_relative_to(root))


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
    with _progress(progress) as bar:
        for name, em in mapping.entities.items():
            entity = ENTITIES[name]
            files = resolve_files(export, em.file, single)
            result = summary.entities[name] = EntityLoad(name, [str(f) for f in files])
            if not files:
                log.warning("no file matches %s for entity %s in %s", em.file, name, export)
                continue
            first_load = _empty_tables(entity, settings)
            task = bar.add_task(name, total=sum(f.stat().st_size for f in files)) if bar else None
            for path in files:
                per_row, done = _bytes_per_row(path) if bar else 0.0, 0.0
                for chunk in read_source(path, em, chunksize=chunk_rows):
                    _load_chunk(chunk, entity, em, mapping, path, result, settings, run_id, first_load)
                    if bar:  # the bar counts bytes (known up front) from the rows read (estimated)
                        step = min(len(chunk) * per_row, path.stat().st_size - done)
                        done += step
                        bar.update(
                            task,
                            advance=step,
                            description=f"{name}: {result.rows_read:,} rows, {result.rejected:,} rejected",
                        )
                if bar:
                    bar.update(task, advance=path.stat().st_size - done)
    return summary


def _bytes_per_row(path: Path) -> float:
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    return len(head) / max(head.count(b"\n"), 1)


@contextlib.contextmanager
def _progress(enabled: bool):
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn()
    ) as bar:
        yield bar


def _empty_tables(entity, settings) -> bool:
    """Whether the entity's tables are empty now: then chunks can be COPYed straight in."""
    specs = [s for s in (entity.raw_spec(), entity.pii_spec()) if s is not None]
    with warehouse.connect(settings) as conn:
        for spec in specs:
            warehouse.ensure_table(conn, spec)
        return all(
            conn.execute(sql.SQL("SELECT NOT EXISTS (SELECT 1 FROM {})").format(spec.ident)).fetchone()[0]
            for spec in specs
        )


def _load_chunk(
    chunk, entity, em, mapping, path: Path, result: EntityLoad, settings, run_id, first_load: bool = False
) -> None:
    result.rows_read += len(chunk)
    good, row_errors = apply_mapping(chunk, entity, em, mapping, str(path))
    suite = f"hris_{entity.name}"
    if (quality.expectations_dir() / f"{suite}.json").exists() and len(good):
        _report, bad = rowchecks.find_bad_rows(
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
        raw = warehouse.upsert(conn, entity.raw_spec(), good, copy_first=first_load)
        pii_spec = entity.pii_spec()
        if pii_spec is not None and len(good):
            pii_cols = list(pii_spec.columns)
            pii = good.reindex(columns=pii_cols)
            pii = pii[pii[[c for c in pii_cols if c != "employee_id"]].notna().any(axis=1)]
            result.pii_rows += warehouse.upsert(conn, pii_spec, pii, copy_first=first_load).received
    result.rejected += len(errors)
    result.inserted += raw.inserted
    result.updated += raw.updated
    result.unchanged += raw.unchanged
