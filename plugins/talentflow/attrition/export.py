"""One row per employee with a ``left_company`` label, built in memory from any HRIS export through its
mapping file (nothing is written to the warehouse): for ``talentflow attrition evaluate``.

Two shapes of export work:
- a snapshot (the ``snapshot`` entity, IBM-attrition style): its columns are the features, with every
  extra column the mapping declares (``features:``), minus identifiers and the protected attributes;
- a multi-entity export (employees + exits, with reviews, job history, pay, attendance and training
  when present): features are measured at each employee's exit date (leavers) or the export's date
  (everybody else) from each history, the label is a voluntary exit.

Protected attributes (age, sex, marital status, ethnicity, birth date and every feature the mapping
marks protected) are returned apart, in ``ExportFrame.protected``, for the fairness audit only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from talentflow.attrition.audit import ages_on
from talentflow.attrition.features import EXTRA_PREFIX
from talentflow.attrition.model import FeatureSpec
from talentflow.core.tables.hris import ENTITIES, FEATURES, PROTECTED, PROTECTED_FEATURES
from talentflow.hris.load import resolve_files
from talentflow.hris.mapping import EntityMapping, Mapping, apply_mapping, load_mapping, read_source

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
    protected: pd.DataFrame = field(default_factory=pd.DataFrame)  # same rows; audit only


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


def _json_column(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    texts = frame[column] if column in frame else pd.Series([None] * len(frame), index=frame.index)
    records = [json.loads(t) if isinstance(t, str) else {} for t in texts.tolist()]
    return (
        pd.DataFrame.from_records(records, index=frame.index) if records else pd.DataFrame(index=frame.index)
    )


def declared_features(frame: pd.DataFrame, em: EntityMapping | None) -> tuple[pd.DataFrame, dict]:
    """The mapping's extra features as ``x_<name>`` columns, typed by their declaration, and the spec
    metadata they bring (numeric/categorical lists, monotonic directions, labels, ordinal levels)."""
    meta = {"numeric": [], "categorical": [], "monotonic": {}, "labels": {}, "levels": {}}
    if em is None or not em.features:
        return pd.DataFrame(index=frame.index), meta
    values = _json_column(frame, FEATURES)
    out = pd.DataFrame(index=frame.index)
    for name, (_src, feature) in em.named_features().items():
        if feature.protected or name in PROTECTED or name not in values:
            continue
        col = EXTRA_PREFIX + name
        if feature.type == "categorical":
            out[col] = values[name].astype(object).where(values[name].notna(), None)
            meta["categorical"].append(col)
        else:
            out[col] = pd.to_numeric(
                values[name].map(lambda v: np.nan if v is None else float(v)), errors="coerce"
            )
            meta["numeric"].append(col)
            if feature.monotonic:
                meta["monotonic"][col] = 1 if feature.monotonic == "increasing" else -1
        if feature.label:
            meta["labels"][col] = feature.label
        if feature.type == "ordinal":
            meta["levels"][col] = list(feature.order or [])
        if feature.type == "boolean":
            meta["levels"][col] = ["no", "yes"]  # reasons say "had a work accident: yes", not ": 1"
        if feature.type == "date":
            meta["labels"].setdefault(col, f"years since {name.replace('_', ' ')}")
    return out, meta


def protected_of(frame: pd.DataFrame, entity_name: str, as_of: pd.Series | None = None) -> pd.DataFrame:
    """The protected attributes of mapped rows: the entity's own (age, sex, ...) and the features the
    mapping marked protected."""
    entity = ENTITIES[entity_name]
    out = pd.DataFrame(index=frame.index)
    for col in entity.pii:
        if col in PROTECTED and col in frame:
            out[col] = frame[col]
    if "birth_date" in out:
        born = out.pop("birth_date")
        out["age"] = ages_on(born, as_of if as_of is not None else pd.Timestamp.today())
    extra = _json_column(frame, PROTECTED_FEATURES)
    for col in extra.columns:
        out[str(col)] = extra[col]
    return out.dropna(axis=1, how="all")


def from_snapshot(
    frame: pd.DataFrame, em: EntityMapping | None = None
) -> tuple[pd.DataFrame, FeatureSpec, pd.DataFrame]:
    entity = ENTITIES["snapshot"]
    frame = frame[frame[LABEL].notna()].copy()
    frame[LABEL] = frame[LABEL].astype(bool)
    numeric, categorical = [], []
    for col, kind in entity.columns.items():
        if col in SNAPSHOT_IDS or col in entity.pii or col in PROTECTED or col not in frame:
            continue
        if kind in ("number", "int", "bool"):
            frame[col] = pd.to_numeric(
                frame[col].map(lambda v: float(v) if v is not None else np.nan), errors="coerce"
            )
            numeric.append(col)
        else:
            categorical.append(col)
    extra, meta = declared_features(frame, em)
    protected = protected_of(frame, "snapshot")
    frame = pd.concat(
        [frame.drop(columns=[c for c in (FEATURES, PROTECTED_FEATURES) if c in frame]), extra], axis=1
    )
    spec = FeatureSpec.for_frame(
        frame,
        [*numeric, *meta["numeric"]],
        [*categorical, *meta["categorical"]],
        **_spec_meta(meta, numeric),
    )
    return frame.reset_index(drop=True), spec, protected.reset_index(drop=True)


def _spec_meta(meta: dict, numeric: list[str]) -> dict:
    from talentflow.attrition.model import MONOTONIC

    monotonic = {c: d for c, d in MONOTONIC.items() if c in numeric}
    monotonic.update(meta["monotonic"])
    return {"monotonic": monotonic, "labels": meta["labels"], "levels": meta["levels"]}


def from_entities(
    export: Path, mapping: Mapping
) -> tuple[pd.DataFrame, FeatureSpec, list[str], int, pd.DataFrame]:
    employees, files, rejected = _entity(export, mapping, "employees")
    exits, f2, r2 = _entity(export, mapping, "exits")
    if employees is None or employees.empty or exits is None:
        raise ValueError(
            "the export has no snapshot file and no employees + exits files to derive one from "
            "(map the 'snapshot' entity, or 'employees' and 'exits')"
        )
    files, rejected = files + f2, rejected + r2
    other = {}
    for name in ("performance_reviews", "job_history", "compensation", "attendance", "training"):
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
        for c in [frame.get(k) for k in ("exit_date", "review_date", "effective_date", "work_date")]
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

    def before(frame: pd.DataFrame | None, date_col: str, days: int | None = None) -> pd.DataFrame | None:
        """Rows dated strictly before each employee's as_of (and within ``days`` of it)."""
        if frame is None or frame.empty:
            return None
        merged = frame.assign(_d=pd.to_datetime(frame[date_col])).merge(
            out[["as_of"]], left_on="employee_id", right_index=True
        )
        keep = merged["_d"] < merged["as_of"]
        if days is not None:
            keep &= merged["_d"] >= merged["as_of"] - pd.Timedelta(days=days)
        return merged[keep].sort_values("_d")

    numeric = ["tenure_years"]
    reviews = before(other["performance_reviews"], "review_date")
    if reviews is not None:
        grouped = reviews.groupby("employee_id")["rating"]
        out["latest_rating"] = grouped.last().astype(float)
        out["mean_rating_last_year"] = grouped.apply(lambda s: s.tail(4).astype(float).mean())
        numeric += ["latest_rating", "mean_rating_last_year"]
    history = before(other["job_history"], "effective_date")
    if history is not None:
        promos = history[history["event"] == "promotion"].groupby("employee_id")["_d"]
        out["promotions"] = promos.count().reindex(out.index).fillna(0)
        last = promos.max().reindex(out.index).fillna(hire)
        out["years_since_last_promotion"] = (out["as_of"] - last).dt.days / 365.25
        numeric += ["promotions", "years_since_last_promotion"]
    pay = before(other["compensation"], "effective_date")
    if pay is not None:
        salary = pay.groupby("employee_id")["base_salary"]
        out["base_salary"] = salary.last().astype(float)
        year_ago = pay[pay["_d"] <= pay["as_of"] - pd.Timedelta(days=365)].groupby("employee_id")[
            "base_salary"
        ]
        out["pay_change_365d"] = out["base_salary"] / year_ago.last().astype(float).reindex(out.index) - 1
        numeric += ["base_salary", "pay_change_365d"]
    attendance = before(other["attendance"], "work_date", days=365)
    if attendance is not None:
        recent = attendance["_d"] >= attendance["as_of"] - pd.Timedelta(days=90)
        status = attendance["status"].astype(str).str.lower()
        by = attendance.assign(
            _ot=attendance["overtime_hours"].astype(float).where(recent, 0.0).fillna(0.0),
            _abs90=(status.eq("absent") & recent).astype(float),
            _sick90=(status.eq("sick") & recent).astype(float),
            _abs=status.eq("absent").astype(float),
            _sick=status.eq("sick").astype(float),
        ).groupby("employee_id")
        sums = by[["_ot", "_abs90", "_sick90", "_abs", "_sick"]].sum()
        days = by.size()
        out["overtime_hours_90d"] = sums["_ot"]
        out["absent_days_90d"] = sums["_abs90"]
        out["sick_days_90d"] = sums["_sick90"]
        out["absence_rate_365d"] = 100 * sums["_abs"] / days
        out["sick_rate_365d"] = 100 * sums["_sick"] / days
        numeric += [
            "overtime_hours_90d",
            "absent_days_90d",
            "sick_days_90d",
            "absence_rate_365d",
            "sick_rate_365d",
        ]
    training = before(other["training"], "completed_on", days=365)
    if training is not None:
        out["trainings_365d"] = training.groupby("employee_id").size().reindex(out.index).fillna(0)
        numeric.append("trainings_365d")
    extra, meta = declared_features(people, mapping.entities.get("employees"))
    protected = protected_of(people, "employees", out["as_of"])
    out = pd.concat([out, extra.reindex(out.index)], axis=1).reset_index()
    protected = protected.reindex(people.index).reset_index(drop=True)
    spec = FeatureSpec.for_frame(
        out,
        [*numeric, *meta["numeric"]],
        ["department", "job_family", "level", *meta["categorical"]],
        **_spec_meta(meta, numeric),
    )
    return out, spec, files, rejected, protected


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
            frame, spec, protected = from_snapshot(snapshot, mapping.entities.get("snapshot"))
            return ExportFrame(frame, spec, "snapshot", mapping.system, files, rejected, protected)
        if source == "snapshot":
            raise ValueError(
                f"{export}: the mapping {mapping_path} maps no snapshot file found in the export"
            )
    frame, spec, files, rejected, protected = from_entities(export, mapping)
    return ExportFrame(frame, spec, "entities", mapping.system, files, rejected, protected)
