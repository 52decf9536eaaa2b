"""One row per employee with a ``left_company`` label, built in memory from any HRIS export through its
mapping file (nothing is written to the warehouse): for ``talentflow attrition evaluate``.

Two shapes of export work:
- a snapshot (the ``snapshot`` entity, IBM-attrition style): its columns are the features, minus
  identifiers and the personal data the entity marks as PII (age, sex, marital status are never
  model inputs);
- a multi-entity export (employees + exits, with reviews, job history and pay when present): features
  are measured at each employee's exit date (leavers) or the export's date (everybody else), the label
  is a voluntary exit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from talentflow.attrition.model import FeatureSpec
from talentflow.core.tables.hris import ENTITIES
from talentflow.hris.load import resolve_files
from talentflow.hris.mapping import Mapping, apply_mapping, load_mapping, read_source

LABEL = "left_company"
SNAPSHOT_IDS = ("employee_id", "as_of", LABEL)


@dataclass
class ExportFrame:
    frame: pd.DataFrame
    spec: FeatureSpec
    source: str  # "snapshot" | "entities"
    system: str
    files: list[str] = field(default_factory=list)
    rejected_rows: int = 0


def _entity(export: Path, mapping: Mapping, name: str) -> tuple[pd.DataFrame | None, list[str], int]:
    """Mapped rows of one entity (None when the export has no file for it), files and rejected count."""
    em = mapping.entities.get(name)
    if em is None:
        return None, [], 0
    files = resolve_files(export, em.file, len(mapping.entities) == 1)
    frames, rejected = [], 0
    for path in files:
        for chunk in read_source(path, em):
            good, errors = apply_mapping(chunk, ENTITIES[name], em, mapping, str(path))
            frames.append(good)
            rejected += len(errors)
    if not files:
        return None, [], 0
    return (
        (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()),
        [str(f) for f in files],
        rejected,
    )


def from_snapshot(frame: pd.DataFrame) -> tuple[pd.DataFrame, FeatureSpec]:
    entity = ENTITIES["snapshot"]
    frame = frame[frame[LABEL].notna()].copy()
    frame[LABEL] = frame[LABEL].astype(bool)
    numeric, categorical = [], []
    for col, kind in entity.columns.items():
        if col in SNAPSHOT_IDS or col in entity.pii or col not in frame:
            continue
        if kind in ("number", "int", "bool"):
            frame[col] = pd.to_numeric(
                frame[col].map(lambda v: float(v) if v is not None else np.nan), errors="coerce"
            )
            numeric.append(col)
        else:
            categorical.append(col)
    return frame, FeatureSpec.for_frame(frame, numeric, categorical)


def from_entities(export: Path, mapping: Mapping) -> tuple[pd.DataFrame, FeatureSpec, list[str], int]:
    employees, files, rejected = _entity(export, mapping, "employees")
    exits, f2, r2 = _entity(export, mapping, "exits")
    if employees is None or employees.empty or exits is None:
        raise ValueError(
            "the export has no snapshot file and no employees + exits files to derive one from "
            "(map the 'snapshot' entity, or 'employees' and 'exits')"
        )
    files, rejected = files + f2, rejected + r2
    other = {}
    for name in ("performance_reviews", "job_history", "compensation"):
        frame, f, r = _entity(export, mapping, name)
        other[name] = frame
        files, rejected = files + f, rejected + r

    people = employees.drop_duplicates("employee_id", keep="last").set_index("employee_id")
    last_exit = (
        exits.sort_values("exit_date").drop_duplicates("employee_id", keep="last").set_index("employee_id")
    )
    dates = [
        pd.to_datetime(c, errors="coerce").max()
        for frame in [exits, *other.values()]
        if frame is not None
        for c in [frame.get(k) for k in ("exit_date", "review_date", "effective_date")]
        if c is not None
    ]
    export_date = pd.Timestamp(mapping.as_of) if mapping.as_of else max(d for d in dates if pd.notna(d))
    out = pd.DataFrame(index=people.index)
    out["as_of"] = pd.to_datetime(last_exit["exit_date"]).reindex(out.index).fillna(export_date)
    out[LABEL] = (last_exit["exit_type"].reindex(out.index).astype(str).str.lower() == "voluntary").to_numpy()
    hire = pd.to_datetime(people["hire_date"])
    out["tenure_years"] = (out["as_of"] - hire).dt.days / 365.25
    for col in ("department", "job_family", "level"):
        out[col] = people[col] if col in people else None

    def before(frame: pd.DataFrame | None, date_col: str) -> pd.DataFrame | None:
        if frame is None or frame.empty:
            return None
        merged = frame.assign(_d=pd.to_datetime(frame[date_col])).merge(
            out[["as_of"]], left_on="employee_id", right_index=True
        )
        return merged[merged["_d"] < merged["as_of"]].sort_values("_d")

    reviews = before(other["performance_reviews"], "review_date")
    if reviews is not None:
        grouped = reviews.groupby("employee_id")["rating"]
        out["latest_rating"] = grouped.last().astype(float)
        out["mean_rating_last_year"] = grouped.apply(lambda s: s.tail(4).astype(float).mean())
    history = before(other["job_history"], "effective_date")
    if history is not None:
        promos = history[history["event"] == "promotion"].groupby("employee_id")["_d"]
        out["promotions"] = promos.count().reindex(out.index).fillna(0)
        last = promos.max().reindex(out.index).fillna(hire)
        out["years_since_last_promotion"] = (out["as_of"] - last).dt.days / 365.25
    pay = before(other["compensation"], "effective_date")
    if pay is not None:
        out["base_salary"] = pay.groupby("employee_id")["base_salary"].last().astype(float)
    out = out.reset_index()
    numeric = [
        c
        for c in (
            "tenure_years",
            "promotions",
            "years_since_last_promotion",
            "latest_rating",
            "mean_rating_last_year",
            "base_salary",
        )
        if c in out
    ]
    return out, FeatureSpec.for_frame(out, numeric, ("department", "job_family", "level")), files, rejected


def load_export_frame(export: Path | str, mapping_path: Path | str, source: str = "auto") -> ExportFrame:
    """The evaluation frame of ``export``: its snapshot file when the mapping has one (``source`` auto
    or snapshot), else derived from the employee entities (``source`` auto or entities)."""
    export = Path(export)
    if not export.exists():
        raise FileNotFoundError(f"HRIS export not found: {export}")
    if source not in ("auto", "snapshot", "entities"):
        raise ValueError(f"--source must be auto, snapshot or entities, not {source!r}")
    mapping = load_mapping(mapping_path)
    if source in ("auto", "snapshot"):
        snapshot, files, rejected = _entity(export, mapping, "snapshot")
        if snapshot is not None:
            frame, spec = from_snapshot(snapshot)
            return ExportFrame(frame, spec, "snapshot", mapping.system, files, rejected)
        if source == "snapshot":
            raise ValueError(
                f"{export}: the mapping {mapping_path} maps no snapshot file found in the export"
            )
    frame, spec, files, rejected = from_entities(export, mapping)
    return ExportFrame(frame, spec, "entities", mapping.system, files, rejected)
