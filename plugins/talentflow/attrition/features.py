"""The attrition model's rows: today's features from ``marts.attrition_features`` and, for training,
the same features measured at past landmark dates with what happened next as the label.

Why landmarks and not a cutoff on ``attrition_features.as_of``: the mart measures leavers at their exit
date and everybody else at the end of the data, so every stayer falls in the latest period and a
cutoff on ``as_of`` would leave the training period with leavers only. A landmark row is "employed on
date L, features measured strictly before L, label = left voluntarily within the next ``horizon``
months" (the standard landmarking design for survival data). Training landmarks end their label
window before the held-out landmark starts, so the held-out period is a real later period.

The landmark SQL restates the mart's definitions for a date other than ``as_of``;
``tests/integration/attrition`` checks that at the data's end both give the same features.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from talentflow.core import warehouse

NUMERIC = (
    "tenure_years",
    "promotions",
    "years_since_last_promotion",
    "latest_rating",
    "mean_rating_last_year",
    "rating_trend_per_year",
    "pay_position_in_band",
    "pay_vs_band_midpoint",
    "overtime_hours_90d",
    "absent_days_90d",
    "sick_days_90d",
    "absence_rate_365d",
    "sick_rate_365d",
    "trainings_365d",
    "interview_overall",
)
BOOLEAN = ("pay_below_band", "motivation_growth")
CATEGORICAL = ("department", "job_family", "level")
FEATURES = (*NUMERIC, *BOOLEAN, *CATEGORICAL)
# Also read (rules may name them, BI shows them) but not model inputs: base_salary depends on the
# year's pay levels, interview_motivation is carried by motivation_growth.
EXTRA = ("base_salary", "interview_motivation")
LABEL = "left_voluntarily"
# Extra HRIS columns a mapping declares as features arrive as JSON (attrition_features.extra_features)
# and become columns named x_<feature>: numeric when every value is a number (or a flag), else categories.
EXTRA_PREFIX = "x_"

CURRENT_SQL = f"""
select employee_key, as_of, {", ".join((*FEATURES, *EXTRA))}, extra_features
from marts.attrition_features
where not exited
order by employee_key
"""

# Features at each landmark date (%(landmarks)s, a date[]) for everybody employed on it, plus the label
# for the following %(horizon_months)s months. Column definitions follow marts.attrition_features.
LANDMARK_SQL = """
with landmarks as (
    select unnest(%(landmarks)s::date[]) as as_of
),

population as (
    select e.employee_key, l.as_of, e.hire_date, e.exit_date, e.exit_type
    from marts.dim_employee as e
    cross join landmarks as l
    where e.hire_date < l.as_of and (e.exit_date is null or e.exit_date >= l.as_of)
)

select
    p.employee_key,
    p.as_of,
    coalesce(pos.department, d.department) as department,
    coalesce(pos.job_family, d.job_family) as job_family,
    coalesce(pos.level, d.level) as level,
    round(((p.as_of - p.hire_date) / 365.25)::numeric, 2) as tenure_years,
    coalesce(pr.promotions, 0) as promotions,
    round(((p.as_of - coalesce(pr.last_promotion_date, p.hire_date)) / 365.25)::numeric, 2)
        as years_since_last_promotion,
    rv.latest_rating,
    rv.mean_rating_last_year,
    coalesce(rv.rating_trend_per_year, 0) as rating_trend_per_year,
    pay.base_salary,
    round(((pay.base_salary - sb.band_min) / nullif(sb.band_max - sb.band_min, 0))::numeric, 3)
        as pay_position_in_band,
    coalesce(pay.base_salary < sb.band_min, false) as pay_below_band,
    round((pay.base_salary / nullif((sb.band_min + sb.band_max) / 2.0, 0) - 1)::numeric, 3)
        as pay_vs_band_midpoint,
    att.overtime_hours_90d,
    att.absent_days_90d,
    att.sick_days_90d,
    att.absence_rate_365d,
    att.sick_rate_365d,
    tr.trainings_365d,
    af.interview_overall,
    af.interview_motivation,
    coalesce(af.motivation_growth, false) as motivation_growth,
    coalesce(af.extra_features, '{}'::jsonb) as extra_features,
    coalesce(p.exit_type = 'voluntary'
        and p.exit_date < (p.as_of + %(horizon_months)s * interval '1 month')::date, false)
        as left_voluntarily
from population as p
inner join marts.dim_employee as d using (employee_key)
left join marts.attrition_features as af using (employee_key)
left join lateral (
    select j.department, j.job_family, j.level
    from marts.fct_job_events as j
    where j.employee_key = p.employee_key and j.effective_date < p.as_of and j.level is not null
        and j.event <> 'termination'
    order by j.effective_date desc
    limit 1
) as pos on true
left join lateral (
    select count(*) as promotions, max(j.effective_date) as last_promotion_date
    from marts.fct_job_events as j
    where j.employee_key = p.employee_key and j.event = 'promotion' and j.effective_date < p.as_of
) as pr on true
left join lateral (
    select
        max(r.rating) filter (where r.recency = 1) as latest_rating,
        round(avg(r.rating) filter (where r.recency <= 4)::numeric, 3) as mean_rating_last_year,
        round(coalesce(regr_slope(r.rating, extract(epoch from r.review_date::timestamp) / 31557600.0)
            filter (where r.recency <= 6), 0)::numeric, 3) as rating_trend_per_year
    from (
        select rating, review_date, row_number() over (order by review_date desc) as recency
        from marts.fct_performance_reviews
        where employee_key = p.employee_key and review_date < p.as_of
    ) as r
) as rv on true
left join lateral (
    select c.base_salary
    from marts.fct_pay as c
    where c.employee_key = p.employee_key and c.effective_date <= p.as_of
    order by c.effective_date desc
    limit 1
) as pay on true
left join hr_config.salary_bands as sb
    on sb.job_family = coalesce(pos.job_family, d.job_family) and sb.level = coalesce(pos.level, d.level)
left join lateral (
    select
        coalesce(sum(a.overtime_hours) filter (where a.work_date >= p.as_of - 90), 0) as overtime_hours_90d,
        count(*) filter (where a.status = 'absent' and a.work_date >= p.as_of - 90) as absent_days_90d,
        count(*) filter (where a.status = 'sick' and a.work_date >= p.as_of - 90) as sick_days_90d,
        round(100.0 * count(*) filter (where a.status = 'absent') / nullif(count(*), 0), 2) as absence_rate_365d,
        round(100.0 * count(*) filter (where a.status = 'sick') / nullif(count(*), 0), 2) as sick_rate_365d
    from marts.fct_attendance as a
    where a.employee_key = p.employee_key and a.work_date >= p.as_of - 365 and a.work_date < p.as_of
) as att on true
left join lateral (
    select count(*) as trainings_365d
    from marts.fct_training as t
    where t.employee_key = p.employee_key and t.completed_on >= p.as_of - 365 and t.completed_on < p.as_of
) as tr on true
order by p.as_of, p.employee_key
"""


@dataclass(frozen=True)
class TimeSplit:
    """Landmark dates: held-out ones inside the last period, training ones whose label windows end
    before that period begins (so no training label overlaps the held-out period)."""

    data_start: date
    data_end: date
    horizon_months: int
    holdout_start: date | None
    train: tuple[date, ...]
    held_out: tuple[date, ...]
    complete: tuple[date, ...] = ()

    @property
    def usable(self) -> bool:
        return bool(self.train) and bool(self.held_out)

    @property
    def all_complete(self) -> tuple[date, ...]:
        """Every landmark whose label window is fully observed (what the production model trains on)."""
        return self.complete

    def describe(self) -> dict:
        return {
            "data_start": self.data_start.isoformat(),
            "data_end": self.data_end.isoformat(),
            "horizon_months": self.horizon_months,
            "holdout_start": self.holdout_start.isoformat() if self.holdout_start else None,
            "train_landmarks": [d.isoformat() for d in self.train],
            "held_out_landmarks": [d.isoformat() for d in self.held_out],
        }


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months (day of month clamped: 31 Jan + 1 month = 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for dom in (day.day, 30, 29, 28):
        try:
            return date(year, month, dom)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


def time_split(
    data_start: date,
    data_end: date,
    *,
    horizon_months: int = 6,
    holdout_months: int = 12,
    step_months: int = 3,
    min_history_days: int = 90,
) -> TimeSplit:
    """Landmarks on month starts every ``step_months``, the last one's label window ending at the data's end.

    Held-out landmarks: those in the last ``holdout_months`` whose label window is fully observed.
    Training landmarks: at least ``min_history_days`` after the data start (the 90-day features need
    history) and with their label window over before the held-out period starts.
    """
    # counted from the month the data starts (a data set starting on Monday 3 January starts in January)
    earliest = date(data_start.year, data_start.month, 1) + timedelta(days=min_history_days)
    end_exclusive = data_end + timedelta(days=1)
    last = add_months(date(end_exclusive.year, end_exclusive.month, 1), -horizon_months)
    holdout_start = add_months(add_months(last, horizon_months), -holdout_months)
    landmarks = []
    landmark = last
    while landmark >= earliest:
        landmarks.append(landmark)
        landmark = add_months(landmark, -step_months)
    held_out = tuple(sorted(d for d in landmarks if d >= holdout_start))
    train = tuple(sorted(d for d in landmarks if add_months(d, horizon_months) <= holdout_start))
    return TimeSplit(
        data_start,
        data_end,
        horizon_months,
        holdout_start if held_out else None,
        train,
        held_out,
        tuple(sorted(landmarks)),
    )


def data_window(conn) -> tuple[date, date] | None:
    """(first attendance day, end of the observed data as the mart defines it), or None when empty."""
    row = conn.execute(
        "select (select min(work_date) from marts.fct_attendance), (select max(as_of) from marts.attrition_features)"
    ).fetchone()
    if not row or row[0] is None or row[1] is None:
        return None
    return row[0], row[1]


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for col in NUMERIC:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    for col in BOOLEAN:
        frame[col] = frame[col].fillna(False).astype(bool)
    for col in CATEGORICAL:
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    if "base_salary" in frame:
        frame["base_salary"] = pd.to_numeric(frame["base_salary"], errors="coerce").astype(float)
    if LABEL in frame:
        frame[LABEL] = frame[LABEL].astype(bool)
    return frame


def expand_extra(frame: pd.DataFrame, column: str = "extra_features") -> pd.DataFrame:
    """The JSON column of declared extra features as ``x_<feature>`` columns (numbers and flags as
    float, anything else as text categories); the JSON column itself is dropped."""
    if column not in frame:
        return frame
    records = [v if isinstance(v, dict) else {} for v in frame[column].tolist()]
    frame = frame.drop(columns=[column])
    extra = pd.DataFrame.from_records(records, index=frame.index) if records else pd.DataFrame()
    for name in extra.columns:
        values = extra[name]
        present = values.notna()
        if values[present].map(lambda v: isinstance(v, bool | int | float)).all():
            typed = pd.to_numeric(values.map(lambda v: float(v) if v is not None else None), errors="coerce")
        else:
            typed = values.astype(object).where(present, None).map(lambda v: None if v is None else str(v))
        frame[EXTRA_PREFIX + str(name)] = typed
    return frame


def current_features(conn) -> pd.DataFrame:
    """One row per current employee: marts.attrition_features at the data's end."""
    rows = warehouse.fetch_all(conn, CURRENT_SQL)
    frame = pd.DataFrame(rows, columns=["employee_key", "as_of", *FEATURES, *EXTRA, "extra_features"])
    return expand_extra(_typed(frame))


def landmark_rows(conn, landmarks: tuple[date, ...] | list[date], horizon_months: int) -> pd.DataFrame:
    """Features at each landmark with the voluntary-exit label of the following ``horizon_months``."""
    columns = ["employee_key", "as_of", *FEATURES, *EXTRA, "extra_features", LABEL]
    if not landmarks:
        return pd.DataFrame(columns=[c for c in columns if c != "extra_features"])
    rows = warehouse.fetch_all(
        conn, LANDMARK_SQL, {"landmarks": list(landmarks), "horizon_months": horizon_months}
    )
    return expand_extra(_typed(pd.DataFrame(rows, columns=columns)))


PROTECTED_SQL = """
select m.employee_key, p.sex, p.ethnicity, p.birth_date, p.protected_features
from restricted.employee_key_map as m
inner join restricted.hris_employees_pii as p using (employee_id)
"""


def protected_attributes(conn, rows: pd.DataFrame) -> pd.DataFrame:
    """Per row of ``rows`` (employee_key, as_of): the protected attributes, for the fairness audit
    only (age on the row's date in years; protected features the mapping declared). Never a model
    input: :class:`talentflow.attrition.model.FeatureSpec` refuses them."""
    from talentflow.attrition.audit import ages_on

    try:
        found = warehouse.fetch_all(conn, PROTECTED_SQL)
    except Exception:  # noqa: BLE001 - no restricted data loaded yet: nothing to audit with
        conn.rollback()
        found = []
    people = pd.DataFrame(
        found, columns=["employee_key", "sex", "ethnicity", "birth_date", "protected_features"]
    )
    people = people.drop_duplicates("employee_key").set_index("employee_key")
    out = pd.DataFrame(index=rows.index)
    keys = rows["employee_key"] if len(rows) else pd.Series([], dtype=object)
    for col in ("sex", "ethnicity"):
        out[col] = keys.map(people[col]) if len(people) else None
    born = keys.map(people["birth_date"]) if len(people) else pd.Series(None, index=rows.index)
    out["age"] = ages_on(born, rows["as_of"]) if len(rows) else []
    extra = keys.map(people["protected_features"]) if len(people) else pd.Series(dtype=object)
    records = [v if isinstance(v, dict) else {} for v in extra.tolist()]
    if any(records):
        for name, values in pd.DataFrame.from_records(records, index=rows.index).items():
            out[str(name)] = values
    return out.dropna(axis=1, how="all")
