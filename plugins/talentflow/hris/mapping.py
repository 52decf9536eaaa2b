"""Mapping files: how one HRIS vendor's export becomes TalentFlow's canonical entities.

A new HRIS needs a mapping file, not code::

    system: acme_hr
    as_of: 2026-10-31                  # optional: the export's date (snapshot entity default)
    entities:
      employees:
        file: people*.csv              # path or glob, relative to the export folder
        format: csv                    # csv | json | jsonl (default: from the extension)
        columns: {EmpID: employee_id, Hire_Dt: hire_date, Dept_Code: department}
        codes: {status: {A: active, T: terminated}}
        dates: {hire_date: "%m/%d/%Y"} # explicit formats; default ISO 8601
        scale: {rating: [1, 4]}        # linear rescale of a numeric column onto 1..5
        constants: {currency: EUR}     # values the export does not carry
        features:                      # any other column, kept as a feature (raw.<table>.features)
          DistanceFromHome: numeric
          BusinessTravel: {type: ordinal, order: [Non-Travel, Travel_Rarely, Travel_Frequently]}
          StockOptionLevel: {name: stock_options, type: numeric, monotonic: decreasing}
          Education_Field: categorical
          Remote: boolean
          Last_Hike_Dt: {type: date, format: "%d/%m/%Y"}   # a date becomes its age in years
          Religion: {type: categorical, protected: true}    # audited, never a model input

Feature types: numeric; ordinal (its levels in ``order``, lowest first; stored as the level's
position); categorical; boolean; date (stored as years between it and the row's date). ``monotonic``
says how HR expects risk to move with the feature (the gradient-boosting model is constrained so).
Protected attributes (sex, age, birth date, ethnicity, marital status, and every feature marked
``protected``) go to ``restricted`` and never into a model; they are used to audit it.
"""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from talentflow.core.tables.hris import ENTITIES, FEATURES, PROTECTED, PROTECTED_FEATURES, Entity

TRUE_VALUES = {"1", "true", "t", "yes", "y"}
FALSE_VALUES = {"0", "false", "f", "no", "n"}


class Derived(BaseModel):
    """A target column computed from a source column: regex capture group 1, then codes."""

    model_config = {"extra": "forbid"}

    source: str = Field(alias="from")
    regex: str = "(.*)"
    codes: dict[str, str] = Field(default_factory=dict)


FEATURE_TYPES = ("numeric", "ordinal", "categorical", "boolean", "date")


class Feature(BaseModel):
    """An extra export column kept as a model feature (or, when protected, for the fairness audit)."""

    model_config = {"extra": "forbid"}

    name: str | None = None  # default: the source column in snake_case
    type: Literal["numeric", "ordinal", "categorical", "boolean", "date"]
    order: list[str] | None = None  # ordinal levels, lowest first
    format: str | None = None  # date format (default ISO 8601)
    protected: bool = False
    monotonic: Literal["increasing", "decreasing"] | None = None
    label: str | None = None  # how HR names it in reasons (default: the name in words)

    @model_validator(mode="after")
    def _ordinal_has_levels(self) -> Feature:
        if self.type == "ordinal" and not self.order:
            raise ValueError("an ordinal feature needs its levels in 'order', lowest first")
        if self.type != "ordinal" and self.order:
            raise ValueError(f"'order' is for ordinal features, not {self.type}")
        if self.monotonic and self.type == "categorical":
            raise ValueError("a categorical feature has no direction: drop 'monotonic'")
        return self


def feature_name(column: str) -> str:
    """``DistanceFromHome`` -> ``distance_from_home``, ``Last Hike-Dt`` -> ``last_hike_dt``."""
    import re

    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", column.strip())
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "feature"


class EntityMapping(BaseModel):
    model_config = {"extra": "forbid"}

    file: str
    format: Literal["csv", "json", "jsonl"] | None = None

    @field_validator("file")
    @classmethod
    def _inside_the_export(cls, value: str) -> str:
        """A mapping names files inside the export folder, never elsewhere on the machine."""
        parts = Path(value).parts
        if Path(value).is_absolute() or ".." in parts or value.startswith("~"):
            raise ValueError(
                f"file {value!r} must be a name or glob inside the export folder (no '..', no absolute path)"
            )
        return value

    delimiter: str = ","
    encoding: str = "utf-8"
    columns: dict[str, str]
    codes: dict[str, dict[str, str]] = Field(default_factory=dict)
    dates: dict[str, str] = Field(default_factory=dict)
    scale: dict[str, tuple[float, float]] = Field(default_factory=dict)
    constants: dict[str, str | float | int | bool] = Field(default_factory=dict)
    derive: dict[str, Derived] = Field(default_factory=dict)
    features: dict[str, Feature] = Field(default_factory=dict)

    @field_validator("features", mode="before")
    @classmethod
    def _feature_shorthand(cls, value):
        # ``Column: numeric`` is short for ``Column: {type: numeric}``
        if isinstance(value, dict):
            return {k: {"type": v} if isinstance(v, str) else v for k, v in value.items()}
        return value

    def named_features(self) -> dict[str, tuple[str, Feature]]:
        """feature name -> (source column, declaration)."""
        return {f.name or feature_name(src): (src, f) for src, f in self.features.items()}

    def file_format(self, path: Path) -> str:
        return self.format or {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(
            path.suffix.lower(), "csv"
        )


class Mapping(BaseModel):
    model_config = {"extra": "forbid"}

    system: str
    as_of: date | None = None
    entities: dict[str, EntityMapping]

    @model_validator(mode="after")
    def _known_targets(self) -> Mapping:
        for name, em in self.entities.items():
            if name not in ENTITIES:
                raise ValueError(f"unknown entity '{name}' (known: {', '.join(ENTITIES)})")
            entity = ENTITIES[name]
            targets = set(em.columns.values()) | set(em.constants) | set(em.derive)
            unknown = targets - set(entity.columns)
            if unknown:
                raise ValueError(
                    f"entity '{name}': unknown target columns {sorted(unknown)} "
                    f"(known: {', '.join(entity.columns)})"
                )
            for col in [*em.codes, *em.dates, *em.scale]:
                if col not in entity.columns:
                    raise ValueError(f"entity '{name}': codes/dates/scale name unknown column '{col}'")
            if em.features and not entity.keeps_features:
                keeping = [n for n, e in ENTITIES.items() if e.keeps_features]
                raise ValueError(
                    f"entity '{name}' does not keep extra features (declare them on: {', '.join(keeping)})"
                )
            seen: dict[str, str] = {}
            for src, feature in em.features.items():
                fname = feature.name or feature_name(src)
                if fname in entity.columns or fname in seen:
                    raise ValueError(
                        f"entity '{name}': feature '{fname}' (from {src}) clashes with "
                        f"{'a canonical column' if fname in entity.columns else 'feature from ' + seen[fname]}; "
                        "give it another name"
                    )
                if src in em.columns:
                    raise ValueError(f"entity '{name}': column {src} is mapped and also declared a feature")
                seen[fname] = src
            missing = [k for k in entity.required if k not in targets and not (k == "as_of" and self.as_of)]
            if missing:
                raise ValueError(f"entity '{name}': required columns {missing} are not mapped")
        return self


def load_mapping(path: Path | str) -> Mapping:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"mapping file not found: {path}")
    try:
        data = yaml.safe_load(path.read_text())
        return Mapping.model_validate(data)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"]))
        raise ValueError(f"{path}: {where + ': ' if where else ''}{first['msg']}") from None


# ---- applying a mapping -------------------------------------------------------------------------


def read_source(path: Path, em: EntityMapping, chunksize: int | None = None):
    """DataFrames (all text) of one export file; CSVs are streamed in chunks of ``chunksize`` rows.

    CSV goes through Arrow's multithreaded reader, block by block, so memory stays flat whatever the
    file's size; each chunk's index continues the previous one (row numbers in error reports).
    """
    fmt = em.file_format(path)
    if fmt == "csv":
        chunks = _csv_chunks(path, em, chunksize)
        return chunks if chunksize else list(chunks)
    text = path.read_text(encoding=em.encoding)
    if fmt == "jsonl":
        records = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        records = json.loads(text) if text.strip() else []
        if isinstance(records, dict):  # {"employees": [...]} or {"data": [...]}: the one list inside
            lists = [v for v in records.values() if isinstance(v, list)]
            if len(lists) != 1:
                raise ValueError(f"{path}: expected a JSON list of records or an object holding one list")
            records = lists[0]
    frame = pd.json_normalize(records) if records else pd.DataFrame()
    return [frame.astype(object).where(frame.notna(), "").astype(str)]


def _csv_chunks(path: Path, em: EntityMapping, chunksize: int | None):
    """Arrow's streaming reader; a ragged row (more or fewer fields than the header) switches the rest
    of the file to Python's csv reader, which knows each record's position: ragged rows become row
    errors (``frame.attrs["row_errors"]``) and every other row loads. Clean files never pay for it."""
    utf8 = em.encoding.lower().replace("-", "").replace("_", "") == "utf8"
    with path.open(newline="", encoding="utf-8-sig" if utf8 else em.encoding) as fh:
        header = next(csv.reader(fh, delimiter=em.delimiter), None)
    if not header:
        yield pd.DataFrame()
        return
    ragged: list[int] = []

    def on_invalid_row(row) -> str:
        # Arrow does not know the row's number when it skips it: note the fact, re-read below.
        ragged.append(1)
        return "skip"

    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(encoding=em.encoding, block_size=8 << 20),
        parse_options=pacsv.ParseOptions(
            delimiter=em.delimiter, newlines_in_values=True, invalid_row_handler=on_invalid_row
        ),
        # Everything as text, and an empty field is the empty string (as the export wrote it):
        # conversion and NULL rules are the mapping's business.
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False, null_values=[]
        ),
    )
    offset, pending, rows = 0, [], 0
    limit = chunksize or float("inf")

    def emit(batches):
        nonlocal offset
        frame = pa.Table.from_batches(batches).to_pandas()
        frame.index = pd.RangeIndex(offset, offset + len(frame))
        offset += len(frame)
        return frame

    for batch in reader:
        if ragged:
            break
        pending.append(batch)
        rows += batch.num_rows
        while rows >= limit:
            table = pa.Table.from_batches(pending)
            head, rest = table.slice(0, int(limit)), table.slice(int(limit))
            yield emit(head.to_batches())
            pending, rows = rest.to_batches(), rest.num_rows
    if ragged:
        # Rows up to ``offset`` were yielded and are clean; everything after is read again.
        yield from _csv_records_from(path, em, header, offset, chunksize)
        return
    if rows or offset == 0:
        yield emit(pending) if pending else pd.DataFrame(columns=header, dtype=str)


def _csv_records_from(path: Path, em: EntityMapping, header: list[str], start: int, chunksize: int | None):
    """Records from number ``start`` on (0 = first after the header), ragged ones as row errors. The
    index is the record number (as on Arrow's path), so row references stay those of the file."""
    utf8 = em.encoding.lower().replace("-", "").replace("_", "") == "utf8"
    limit = chunksize or float("inf")
    width = len(header)
    with path.open(newline="", encoding="utf-8-sig" if utf8 else em.encoding) as fh:
        records = csv.reader(fh, delimiter=em.delimiter)
        next(records, None)
        good: list[list[str]] = []
        index: list[int] = []
        errors: list[dict] = []
        number = -1
        for fields in records:
            if not fields:
                continue  # a blank line is no record (Arrow skips them too)
            number += 1
            if number < start:
                continue
            if len(fields) != width:
                errors.append(
                    {
                        "row_ref": str(number + 2),
                        "reason_code": "ragged_row",
                        "message": f"line {records.line_num}: {len(fields)} fields where the header has "
                        f"{width}; fix the row's separators or quoting and send it again",
                    }
                )
            else:
                good.append(fields)
                index.append(number)
            if len(good) >= limit:
                yield _records_frame(good, index, header, errors)
                good, index, errors = [], [], []
        if good or errors or start == 0:
            yield _records_frame(good, index, header, errors)


def _records_frame(good, index, header, errors) -> pd.DataFrame:
    frame = pd.DataFrame(good, columns=header, index=pd.Index(index, dtype="int64"), dtype=str)
    frame.attrs["row_errors"] = errors
    return frame


def _numbers(text: pd.Series) -> pd.Series:
    """Text to float64 (NaN where empty or not a number); Arrow's parser when every value is clean."""
    try:
        return pd.Series(
            pc.cast(pa.array(text, type=pa.string(), from_pandas=True), pa.float64()).to_numpy(
                zero_copy_only=False
            ),
            index=text.index,
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pd.to_numeric(text, errors="coerce").astype(float)


def _convert(series: pd.Series, kind: str, fmt: str | None) -> tuple[pd.Series, pd.Series]:
    """(converted values, mask of values that could not be converted)."""
    text = series.astype(str).str.strip()
    empty = text.eq("") | text.str.lower().isin({"nan", "none", "null", "nat"})
    if kind == "text":
        return text.where(~empty, None), pd.Series(False, index=series.index)
    if kind == "date":
        parsed = pd.to_datetime(text.where(~empty), format=fmt or "ISO8601", errors="coerce")
        bad = parsed.isna() & ~empty
        return parsed.dt.date.where(parsed.notna(), None), bad
    if kind in ("number", "int"):
        parsed = _numbers(text.where(~empty).str.replace(",", "", regex=False))
        bad = parsed.isna() & ~empty
        if kind == "int":
            bad |= parsed.notna() & (parsed % 1 != 0)
        # float64 with NaN for missing: vectorised all the way to the COPY (isna() reads the same).
        return parsed, bad
    if kind == "bool":
        low = text.str.lower()
        value = pd.Series(
            np.where(low.isin(TRUE_VALUES), True, np.where(low.isin(FALSE_VALUES), False, None)),
            index=series.index,
            dtype=object,
        )
        bad = value.isna() & ~empty
        return value, bad
    raise ValueError(f"unknown canonical type {kind}")


EARLIEST_DATE = date(1900, 1, 1)
FUTURE_DAYS = 3 * 366  # hires and reviews may be planned ahead, not decades ahead
MIN_AGE_YEARS = 14


def _implausible_dates(values: pd.Series, column: str) -> pd.Series:
    """Dates no HR record can hold: before 1900, years in the future, or a birth date under 14 years ago
    (a typo like 1850 or 2090 would otherwise flow into tenure, age and attrition features)."""
    from datetime import timedelta

    today = date.today()
    latest = (
        today - timedelta(days=365 * MIN_AGE_YEARS)
        if column == "birth_date"
        else today + timedelta(days=FUTURE_DAYS)
    )
    present = values.notna()
    as_dates = values.where(present, latest)
    return present & ((as_dates < EARLIEST_DATE) | (as_dates > latest))


def apply_mapping(
    frame: pd.DataFrame, entity: Entity, em: EntityMapping, mapping: Mapping, source: str
) -> tuple[pd.DataFrame, list[dict]]:
    """Canonical rows plus a list of row errors ({row_ref, reason_code, message}) for rows dropped."""
    missing = [
        c
        for c in [*em.columns, *(d.source for d in em.derive.values()), *em.features]
        if c not in frame.columns
    ]
    if missing:
        raise ValueError(
            f"{source}: columns {missing} named in the mapping are not in the export "
            f"(it has: {', '.join(map(str, frame.columns))})"
        )
    out = pd.DataFrame(index=frame.index)
    read_errors = list(frame.attrs.get("row_errors", []))  # rows the reader could not split
    errors: dict[int, list[str]] = {}
    codes_missing: dict[int, list[str]] = {}
    bad_cells: set[tuple[int, str]] = set()
    for src, dst in em.columns.items():
        values = frame[src].astype(str).str.strip()
        if dst in em.codes:
            table = {str(k): v for k, v in em.codes[dst].items()}
            known = values.isin(table) | values.eq("") | values.isin(set(table.values()))
            for idx in values.index[~known]:
                codes_missing.setdefault(idx, []).append(f"{dst}: unknown code {values[idx]!r}")
            values = values.replace(table)
        converted, bad = _convert(values, entity.columns[dst], em.dates.get(dst))
        for idx in converted.index[bad]:
            bad_cells.add((idx, dst))
            errors.setdefault(idx, []).append(
                f"{dst} (from {src}): {values[idx]!r} is not a valid {entity.columns[dst]}"
                + (f" in format {em.dates[dst]}" if dst in em.dates else "")
            )
        if entity.columns[dst] == "date":
            implausible = _implausible_dates(converted, dst) & ~bad
            for idx in converted.index[implausible]:
                bad_cells.add((idx, dst))
                errors.setdefault(idx, []).append(
                    f"{dst} (from {src}): {values[idx]!r} is not a plausible {dst.replace('_', ' ')}"
                )
        if dst in em.scale:
            lo, hi = em.scale[dst]
            converted = 1 + 4 * (converted - lo) / (hi - lo)
        out[dst] = converted
    for col, value in em.constants.items():
        out[col] = value
    for col, rule in em.derive.items():
        captured = frame[rule.source].astype(str).str.strip().str.extract(rule.regex, expand=False)
        if isinstance(captured, pd.DataFrame):
            captured = captured.iloc[:, 0]
        out[col] = captured.map(
            lambda v, c=rule.codes: None if not isinstance(v, str) or not v else c.get(v, v)
        )
    if "as_of" in entity.columns and "as_of" not in out and mapping.as_of:
        out["as_of"] = mapping.as_of
    for col in entity.columns:
        if col not in out:
            out[col] = None
    if em.features:
        _features(frame, em, mapping, out, errors, bad_cells)
    missing_required: dict[int, list[str]] = {}
    for col in entity.required:
        for idx in out.index[out[col].isna()]:
            if (idx, col) not in bad_cells:
                missing_required.setdefault(idx, []).append(f"required column {col} is empty")
    row_errors = []
    rejected = set(errors) | set(codes_missing) | set(missing_required)
    for idx in sorted(rejected):
        reasons = missing_required.get(idx, []) + errors.get(idx, []) + codes_missing.get(idx, [])
        code = (
            "missing_required"
            if idx in missing_required
            else "bad_value"
            if idx in errors
            else "unknown_code"
        )
        row_errors.append(
            {
                "row_ref": str(int(idx) + 2 if em.file_format(Path(source)) == "csv" else int(idx) + 1),
                "reason_code": code,
                "message": "; ".join(reasons),
            }
        )
    row_errors = read_errors + row_errors
    good = out.drop(index=list(rejected))
    kept = [c for c in (FEATURES, PROTECTED_FEATURES) if c in good]
    good = good[[*entity.columns, *kept]]
    if entity.history_key:
        hashed = entity.attribute_columns + ([FEATURES] if FEATURES in good else [])
        good = good.assign(version_hash=_version_hashes(good, hashed))
    return good, row_errors


def _features(frame, em: EntityMapping, mapping: Mapping, out: pd.DataFrame, errors, bad_cells) -> None:
    """The declared extra columns, typed, as two JSON texts per row (``features`` and, for the
    protected ones, ``protected_features``); values that do not fit their type are row errors."""
    typed: dict[str, pd.Series] = {}
    protected: list[str] = []
    for fname, (src, feature) in em.named_features().items():
        text = frame[src].astype(str).str.strip()
        empty = text.eq("") | text.str.lower().isin({"nan", "none", "null", "nat", "na", "n/a"})
        if feature.type == "numeric":
            value, bad = _convert(text, "number", None)
        elif feature.type == "boolean":
            value, bad = _convert(text, "bool", None)
        elif feature.type == "categorical":
            value, bad = text.where(~empty, None), pd.Series(False, index=text.index)
        elif feature.type == "ordinal":
            levels = {str(level).strip().lower(): i for i, level in enumerate(feature.order or [])}
            value = text.str.lower().map(levels).astype(float)
            bad = value.isna() & ~empty
        else:  # date -> age in years on the row's date (snapshot), the export's date, or today
            when, bad = _convert(text, "date", feature.format)
            ref = out["as_of"] if "as_of" in out else mapping.as_of or date.today()
            days = (
                (pd.to_datetime(ref) - pd.to_datetime(when)).dt.days
                if isinstance(ref, pd.Series)
                else (pd.Timestamp(ref) - pd.to_datetime(when)).dt.days
            )
            value = (days / 365.25).round(2)
        for idx in value.index[bad]:
            bad_cells.add((idx, fname))
            kind = f"level of {feature.order}" if feature.type == "ordinal" else feature.type
            errors.setdefault(idx, []).append(f"feature {fname} (from {src}): {text[idx]!r} is not a {kind}")
        typed[fname] = value
        if feature.protected or fname in PROTECTED:
            protected.append(fname)
    ordinary = [f for f in typed if f not in protected]
    for column, names in ((FEATURES, ordinary), (PROTECTED_FEATURES, protected)):
        if names:
            out[column] = _json_rows(pd.DataFrame({n: typed[n] for n in names}, index=out.index))


def _json_rows(frame: pd.DataFrame) -> pd.Series:
    """One JSON object per row (missing values as null), encoded by pandas in one vectorised pass."""
    if frame.empty:
        return pd.Series([], index=frame.index, dtype=object)
    lines = frame.reset_index(drop=True).to_json(orient="records", lines=True, date_format="iso")
    return pd.Series(lines.rstrip("\n").split("\n"), index=frame.index, dtype=object)


def _version_hashes(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    def text(v) -> str:
        return "" if v is None or (isinstance(v, float) and v != v) else str(v)

    rows = frame[columns].itertuples(index=False, name=None)
    return [hashlib.sha256("\x1f".join(map(text, r)).encode()).hexdigest()[:16] for r in rows]
