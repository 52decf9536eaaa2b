"""ATS exports: requisitions, applications, consent records and (restricted) demographics.

TalentFlow's ATS export contract is one folder with ``requisitions.json`` and ``applications.csv``,
``consents.csv`` and ``demographics.csv`` (columns as in the TableSpecs below). Demographics are
collected for fairness audits only and go to ``restricted``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from talentflow.core import quality, warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.tables.ats import APPLICATIONS, CONSENTS, DEMOGRAPHICS, REQUISITIONS, TABLES
from talentflow.core.warehouse import IngestError, TableSpec

SOURCE = "ats"

FILES = {
    "requisitions.json": REQUISITIONS,
    "applications.csv": APPLICATIONS,
    "consents.csv": CONSENTS,
    "demographics.csv": DEMOGRAPHICS,
}


@dataclass
class AtsLoad:
    export: str
    tables: dict[str, dict] = field(default_factory=dict)
    rejected: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def ensure_tables(settings: Settings | None = None) -> None:
    with warehouse.connect(settings) as conn:
        for spec in TABLES:
            warehouse.ensure_table(conn, spec)


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".json":
        records = json.loads(path.read_text())
        return pd.DataFrame(records)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _typed(frame: pd.DataFrame, spec: TableSpec) -> tuple[pd.DataFrame, list[IngestError]]:
    """Convert columns to the spec's types; rows that fail are returned as ingest errors."""
    out = frame.reindex(columns=list(spec.columns)).copy()
    bad: dict[int, list[str]] = {}
    for col, typ in spec.columns.items():
        values = out[col]
        if typ in ("date", "timestamptz"):
            empty = values.isna() | values.astype(object).eq("")
            parsed = pd.to_datetime(
                values.where(~empty), errors="coerce", utc=typ == "timestamptz", format="ISO8601"
            )
            for idx in values.index[parsed.isna() & ~empty]:
                bad.setdefault(idx, []).append(f"{col}: {values[idx]!r} is not an ISO date")
            out[col] = parsed.dt.date if typ == "date" else parsed
            out[col] = out[col].astype(object).where(parsed.notna(), None)
        elif typ == "boolean":
            low = values.astype(str).str.lower()
            out[col] = low.map(
                {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
            )
            for idx in values.index[out[col].isna() & ~low.isin(["", "none", "nan"])]:
                bad.setdefault(idx, []).append(f"{col}: {values[idx]!r} is not true/false")
        elif typ == "double precision":
            parsed = pd.to_numeric(values, errors="coerce")
            for idx in values.index[parsed.isna() & values.notna() & values.astype(str).ne("")]:
                bad.setdefault(idx, []).append(f"{col}: {values[idx]!r} is not a number")
            out[col] = parsed.astype(object).where(parsed.notna(), None)
        elif typ == "text":
            out[col] = values.where(values.notna() & values.astype(str).ne(""), None)
    for key in spec.key:
        for idx in out.index[out[key].isna()]:
            bad.setdefault(idx, []).append(f"key column {key} is empty")
    errors = [
        IngestError(
            SOURCE, "bad_value", "; ".join(msgs), row_ref=str(int(idx) + 2), details={"table": spec.qualified}
        )
        for idx, msgs in bad.items()
    ]
    return out.drop(index=list(bad)), errors


def load_export(
    folder: Path | str, *, settings: Settings | None = None, run_id: str | None = None
) -> AtsLoad:
    settings = settings or get_settings()
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"ATS export folder not found: {folder}")
    summary = AtsLoad(str(folder))
    present = [name for name in FILES if (folder / name).exists()]
    if not present:
        raise ValueError(f"{folder} holds none of the ATS export files {list(FILES)}")
    with warehouse.connect(settings) as conn:
        for name in present:
            spec = FILES[name]
            frame, errors = _typed(_read(folder / name), spec)
            suite = spec.name
            if (quality.expectations_dir() / f"{suite}.json").exists() and len(frame):
                _, bad = quality.find_bad_rows(frame, suite, f"{name}", run_id=run_id, settings=settings)
                errors += [
                    IngestError(
                        SOURCE,
                        "quality",
                        "; ".join(r),
                        row_ref=str(int(i) + 2),
                        details={"table": spec.qualified},
                    )
                    for i, r in bad.items()
                ]
                frame = frame.drop(index=list(bad))
            for e in errors:
                e.object_key, e.run_id = str(folder / name), run_id
            warehouse.record_ingest_errors(conn, errors)
            result = warehouse.upsert(conn, spec, frame)
            summary.tables[spec.qualified] = {
                "received": result.received,
                "inserted": result.inserted,
                "updated": result.updated,
                "rejected": len(errors),
            }
            summary.rejected += len(errors)
    return summary
