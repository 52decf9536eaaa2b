"""Employees' careers over the window, simulated quarter by quarter with numpy across a chunk of people.

Who works here (the roster) is decided first for everybody, as a few small arrays. Each chunk of
employees is then simulated on its own: promotions and pay once a year, exit hazards and a quarterly
review every quarter. Exports are written from the result by ``hris.HrisExporter``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from talentflow_demo.world import lexicon
from talentflow_demo.world.company import departments_of, grade_mid_table
from talentflow_demo.world.params import JOB_FAMILIES, MOTIVATIONS, WorldParams, weight_matrix
from talentflow_demo.world.people import Candidate, draw_latent
from talentflow_demo.world.timeline import Timeline

CHUNK = 2000  # employees per chunk: part of the output's definition (changing it changes the bytes)
GROWTH = MOTIVATIONS.index("growth")
FAMILY_INDEX = {f: i for i, f in enumerate(JOB_FAMILIES)}
RISK_TERMS = (
    "growth_without_promotion",
    "pay_below_band",
    "declining_performance",
    "low_ratings",
    "early_tenure",
)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class Roster:
    """Who works here: fixed per-employee facts needed across chunks (small arrays)."""

    hire_day: np.ndarray
    family: np.ndarray
    dept: np.ndarray
    level0: np.ndarray
    cand: np.ndarray  # index into the hired candidates list, -1 for everyone else
    manager: np.ndarray  # employee index of the manager, -1 for none

    @property
    def size(self) -> int:
        return len(self.hire_day)


def emp_id(index: int) -> str:
    return f"E{100001 + index}"


def build_roster(
    params: WorldParams,
    timeline: Timeline,
    hired: list[Candidate],
    n_employees: int,
    rng: np.random.Generator,
) -> Roster:
    n_c = len(hired)
    n_other = n_employees - n_c
    n_inc = int(round(n_other * params.incumbent_share))
    n_new = n_other - n_inc
    tenure = np.clip(rng.gamma(1.6, 2.8, size=n_inc), 0.1, 30.0)
    hire = np.concatenate(
        [
            -np.round(tenure * 365.25).astype(np.int64),
            rng.integers(0, max(timeline.n_days - 100, 1), size=n_new),
            np.array([c.hired_day for c in hired], dtype=np.int64),
        ]
    )
    family = np.concatenate(
        [
            rng.choice(len(JOB_FAMILIES), size=n_other, p=params.family_shares),
            np.array([FAMILY_INDEX[c.requisition.job_family] for c in hired], dtype=np.int64),
        ]
    )
    inc_level = np.clip(1 + np.floor(tenure / 3.5 + rng.normal(0.3, 0.8, size=n_inc)), 1, 4)
    new_level = rng.choice(4, size=n_new, p=[0.40, 0.33, 0.19, 0.08]) + 1
    level = np.concatenate([inc_level, new_level, [int(c.requisition.level[1]) for c in hired]]).astype(
        np.int64
    )
    dept = np.zeros(n_employees, dtype=np.int64)
    for f, name in enumerate(JOB_FAMILIES):
        idx = np.flatnonzero(family[:n_other] == f)
        options = np.array(departments_of(name))
        dept[idx] = options[rng.integers(len(options), size=len(idx))]
    code_index = {d[0]: i for i, d in enumerate(lexicon.DEPARTMENTS)}
    for k, c in enumerate(hired):
        dept[n_other + k] = code_index[c.requisition.department_code]
    cand = np.concatenate([np.full(n_other, -1), np.arange(n_c)])
    order = np.lexsort((rng.random(n_employees), hire))
    hire, family, dept, level, cand = hire[order], family[order], dept[order], level[order], cand[order]
    manager = _assign_managers(family, dept, level, rng)
    return Roster(
        hire_day=hire.astype(np.int32),
        family=family.astype(np.int8),
        dept=dept.astype(np.int16),
        level0=level.astype(np.int8),
        cand=cand.astype(np.int32),
        manager=manager,
    )


def _assign_managers(
    family: np.ndarray, dept: np.ndarray, level: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    n = len(family)
    manager = np.full(n, -1, dtype=np.int32)
    mgmt = np.flatnonzero(family == FAMILY_INDEX["management"])
    if mgmt.size == 0:
        return manager
    for d in range(len(lexicon.DEPARTMENTS)):
        members = np.flatnonzero((dept == d) & (family != FAMILY_INDEX["management"]))
        pool = mgmt[dept[mgmt] == d]
        pool = pool if pool.size else mgmt
        manager[members] = pool[rng.integers(pool.size, size=members.size)]
    directors = mgmt[level[mgmt] == 4]
    directors = directors if directors.size else mgmt
    picks = directors[rng.integers(directors.size, size=mgmt.size)]
    manager[mgmt] = np.where(picks == mgmt, -1, picks)
    return manager


@dataclass
class ChunkState:
    """Per-employee simulation arrays for one chunk (n employees)."""

    idx: np.ndarray
    family: np.ndarray
    hire: np.ndarray
    first_day: np.ndarray
    latent: np.ndarray
    score: np.ndarray
    person: np.ndarray
    slope: np.ndarray
    decliner: np.ndarray
    motivation: np.ndarray
    ot_prone: np.ndarray
    fte: np.ndarray
    level: np.ndarray
    last_promo: np.ndarray
    level_since: np.ndarray
    salary: np.ndarray
    exit_day: np.ndarray
    exit_vol: np.ndarray
    perf: np.ndarray
    rating: np.ndarray
    disengaged: np.ndarray
    sat: np.ndarray
    at_risk: np.ndarray
    risk_counts: dict[str, np.ndarray]
    last_hike: np.ndarray
    exit_reason_flags: np.ndarray  # (n, 5) G, B, D, LR, E at the exit quarter
    exposed_quarters: np.ndarray  # quarters employed at the quarter start (at risk of leaving)
    # one block per quarter: the exposed rows' indicators, underpayment and exit (0 none, 1 vol, 2 inv)
    exposure: list[tuple] = field(default_factory=list)
    job_rows: list[list] = field(default_factory=list)  # job_history.csv events
    comp_rows: list[list] = field(default_factory=list)  # compensation.csv events


class WorkforceSimulator:
    """Simulates employees chunk by chunk; rows for job and pay events are kept on the chunk state."""

    def __init__(
        self, params: WorldParams, timeline: Timeline, roster: Roster, hired: list[Candidate]
    ) -> None:
        self.params = params
        self.lex = lexicon.for_locale(params.locale)
        self.tl = timeline
        self.roster = roster
        self.hired = hired
        self.W = weight_matrix(params)
        self.mids = grade_mid_table(params, timeline.years + 1)
        self.q_bounds = timeline.quarter_bounds
        self.q_year = np.array([timeline.date(int(d)).year - timeline.start.year for d in self.q_bounds[:-1]])
        self.q_january = np.array([timeline.date(int(d)).month == 1 for d in self.q_bounds[:-1]])
        self.new_year_days = np.array(
            [
                (self.tl.start.replace(year=self.tl.start.year + y, month=1, day=1) - self.tl.start).days
                for y in range(1, self.tl.years + 2)
            ]
        )
        self.promotions = 0

    # ------------------------------------------------------------------ helpers
    def grade_bounds(
        self, family: np.ndarray, level: np.ndarray, year: int | np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        mid = self.mids[family, level, year]
        return mid * (1 - self.params.band_half_width), mid * (1 + self.params.band_half_width)

    def day_year(self, day: np.ndarray) -> np.ndarray:
        """Calendar years since the window's start year, for days >= 0."""
        return np.searchsorted(self.new_year_days, day, side="right")

    def simulate(self, idx: np.ndarray, rng: np.random.Generator) -> ChunkState:
        """Careers of employees ``idx`` over every quarter of the window (vectorised across them)."""
        p, hz, tl, r = self.params, self.params.hazard, self.tl, self.roster
        n = len(idx)
        family = r.family[idx].astype(np.int64)
        hire = r.hire_day[idx].astype(np.int64)
        first_day = np.maximum(hire, 0)
        cand = r.cand[idx]
        latent = draw_latent(rng, n, p.general_factor_loading)
        motivation = rng.choice(len(MOTIVATIONS), size=n, p=p.motivation_shares)
        for j in np.flatnonzero(cand >= 0):
            c = self.hired[cand[j]]
            latent[j] = c.latent
            motivation[j] = MOTIVATIONS.index(c.motivation)
        score = np.einsum("ij,ij->i", self.W[family], latent)
        person = rng.normal(0, p.person_effect_sd, n)
        decliner = rng.random(n) < p.decliner_share
        slope = rng.normal(0, p.slope_sd, n) + np.where(decliner, p.decliner_slope, 0.0)
        ot_prone = rng.random(n) < p.overtime_prone_share
        fte = np.where(rng.random(n) < p.part_time_share, 0.8, 1.0)
        level = r.level0[idx].astype(np.int64)
        incumbent = hire < 0
        # years since the last promotion before the window (incumbents above L1 were promoted once)
        gap = np.round(rng.exponential(1.6, n) * 365.25).astype(np.int64)
        promo_day = np.maximum(-gap, hire + 180)
        last_promo = np.where(incumbent & (level > 1) & (promo_day < 0), promo_day, hire)
        level_since = last_promo.copy()
        start_year = np.where(incumbent, 0, self.day_year(first_day))
        lo_band, hi_band = self.grade_bounds(family, level, start_year)
        mid = (lo_band + hi_band) / 2
        compa = np.where(
            incumbent,
            np.clip(rng.normal(p.initial_compa_mean, p.initial_compa_sd, n), 0.72, 1.25),
            np.clip(rng.normal(0.97, 0.05, n), 0.85, 1.12),
        )
        salary = np.round(mid * compa, -2)
        for j in np.flatnonzero(cand >= 0):
            salary[j] = self.hired[cand[j]].offer_salary

        Q = tl.n_quarters
        st = ChunkState(
            idx=idx,
            family=family,
            hire=hire,
            first_day=first_day,
            latent=latent,
            score=score,
            person=person,
            slope=slope,
            decliner=decliner,
            motivation=motivation,
            ot_prone=ot_prone,
            fte=fte,
            level=level,
            last_promo=last_promo,
            level_since=level_since,
            salary=salary,
            exit_day=np.full(n, -1, dtype=np.int64),
            exit_vol=np.zeros(n, dtype=bool),
            perf=np.full((n, Q), np.nan),
            rating=np.zeros((n, Q), dtype=np.int8),
            disengaged=np.zeros((n, Q), dtype=bool),
            sat=np.full(n, 3, dtype=np.int8),
            at_risk=np.zeros(n, dtype=bool),
            risk_counts={k: np.zeros(n, dtype=np.int16) for k in RISK_TERMS},
            last_hike=np.zeros(n),
            exit_reason_flags=np.zeros((n, len(RISK_TERMS)), dtype=bool),
            exposed_quarters=np.zeros(n, dtype=np.int16),
        )
        self._initial_rows(st, rng)

        cuts = np.array(p.rating_cuts)
        growth = motivation == GROWTH
        for q in range(Q):
            qs, qe = int(self.q_bounds[q]), int(self.q_bounds[q + 1])
            year = int(self.q_year[q])
            alive = (st.exit_day < 0) & (hire < qe)
            employed_at_start = alive & (hire < qs)
            if q > 0 and self.q_january[q]:
                self._annual_cycle(st, q, qs, year, employed_at_start, rng)
            # exit hazards during the quarter
            lo_band, hi_band = self.grade_bounds(family, level, year)
            mid = (lo_band + hi_band) / 2
            underpaid = np.clip((mid - st.salary) / (mid - lo_band), 0.0, 2.0)
            years_no_promo = (qs - st.last_promo) / 365.25
            g = growth & (years_no_promo >= hz.promotion_gap_years)
            b = st.salary < lo_band
            d = st.slope * (qs - first_day) / 365.25 < -hz.decline_threshold
            lr = np.zeros(n, dtype=bool)
            if q >= 2:
                r1, r2 = st.rating[:, q - 1], st.rating[:, q - 2]
                lr = (r1 > 0) & (r1 <= hz.low_rating_max) & (r2 > 0) & (r2 <= hz.low_rating_max)
            e = (qs - hire) / 365.25 < hz.early_tenure_years
            exposed = employed_at_start
            for key, flag in zip(RISK_TERMS, (g, b, d, lr, e), strict=True):
                st.risk_counts[key] += (flag & exposed).astype(np.int16)
            st.at_risk |= g & exposed
            st.exposed_quarters += exposed.astype(np.int16)
            st.disengaged[:, q] = (g | b | d | lr) & alive
            h_vol = hz.base_voluntary * np.exp(
                hz.growth_without_promotion * g
                + hz.declining_performance * d
                + hz.pay_below_band * b
                + hz.overtime * ot_prone
                + hz.early_tenure * e
                + hz.underpaid * underpaid
            )
            h_inv = hz.base_involuntary * np.exp(hz.low_rating * lr)
            p_exit = 1 - np.exp(-(h_vol + h_inv))
            u = rng.random(n)
            leaving = exposed & (u < p_exit)
            vol = rng.random(n) < h_vol / (h_vol + h_inv)
            when = qs + np.floor(rng.random(n) * (qe - qs)).astype(np.int64)
            st.exit_day = np.where(leaving, when, st.exit_day)
            st.exit_vol = np.where(leaving, vol, st.exit_vol)
            st.exit_reason_flags[leaving] = np.stack([g, b, d, lr, e], axis=1)[leaving]
            rows = np.flatnonzero(exposed)
            outcome = np.where(leaving, np.where(vol, 1, 2), 0).astype(np.int8)
            st.exposure.append(
                (q, rows, np.stack([g, b, d, lr, e, ot_prone], axis=1)[rows], underpaid[rows], outcome[rows])
            )
            # quarter-end review for people still here who joined at least 30 days before
            reviewed = alive & ~leaving & (hire <= qe - 30)
            years_in = (qe - first_day) / 365.25
            perf = score + person + slope * years_in + rng.normal(0, p.performance_noise_sd, n)
            st.perf[reviewed, q] = perf[reviewed]
            st.rating[reviewed, q] = (np.searchsorted(cuts, perf[reviewed]) + 1).astype(np.int8)
            promoted_recently = (qe - st.last_promo) < 365
            sat = (
                2.9
                - 0.7 * g
                - 0.4 * b
                - 0.4 * d
                - 0.3 * ot_prone
                + 0.4 * promoted_recently
                + rng.normal(0, 0.45, n)
            )
            st.sat = np.where(alive, np.clip(np.round(sat), 1, 4).astype(np.int8), st.sat)
        return st

    def _initial_rows(self, st: ChunkState, rng: np.random.Generator) -> None:
        arch = [self.lex.JOB_ARCHITECTURE[f] for f in JOB_FAMILIES]
        for j in range(len(st.idx)):
            e = emp_id(int(st.idx[j]))
            f = int(st.family[j])
            prefix, titles, _ = arch[f]
            dept = lexicon.DEPARTMENTS[int(self.roster.dept[st.idx[j]])][0]
            lvl = int(st.level[j])
            hire = int(st.hire[j])
            promoted_before = hire < 0 and st.last_promo[j] > hire
            hire_level = max(lvl - 1, 1) if promoted_before else lvl
            st.job_rows.append(
                [
                    e,
                    self.tl.iso(hire),
                    "HIR",
                    "NHR",
                    f"{prefix}{hire_level}",
                    titles[hire_level - 1],
                    f"L{hire_level}",
                    dept,
                ]
            )
            if promoted_before:
                st.job_rows.append(
                    [
                        e,
                        self.tl.iso(int(st.last_promo[j])),
                        "PRO",
                        "MRT",
                        f"{prefix}{lvl}",
                        titles[lvl - 1],
                        f"L{lvl}",
                        dept,
                    ]
                )
            year = 0 if hire < 0 else int(self.day_year(np.array([hire]))[0])
            lo, hi = self.grade_bounds(np.array([f]), np.array([lvl]), year)
            reason, day = ("DATA_CONVERSION", 0) if hire < 0 else ("NEW_HIRE", hire)
            st.comp_rows.append(self._comp_row(e, day, reason, st.salary[j], prefix, lvl, lo[0], hi[0], None))

    def _comp_row(self, e, day, reason, salary, prefix, lvl, lo, hi, pct) -> list:
        mid = (lo + hi) / 2
        return [
            e,
            self.tl.iso(day),
            reason,
            f"{salary:.0f}",
            self.params.currency,
            f"{prefix}{lvl}",
            f"{lo:.0f}",
            f"{hi:.0f}",
            f"{salary / mid:.3f}",
            "" if pct is None else f"{100 * pct:.2f}",
        ]

    def _annual_cycle(
        self, st: ChunkState, q: int, qs: int, year: int, eligible: np.ndarray, rng: np.random.Generator
    ) -> None:
        p = self.params
        n = len(st.idx)
        window = st.rating[:, max(q - 4, 0) : q].astype(float)
        counted = (window > 0).sum(axis=1)
        avg = np.where(counted > 0, window.sum(axis=1) / np.maximum(counted, 1), 3.0)
        has_reviews = eligible & (counted > 0)
        can_promote = (
            has_reviews & (st.level < 4) & ((qs - st.last_promo) / 365.25 >= p.promotion_min_years_in_level)
        )
        logit = (
            p.promotion_intercept
            + p.promotion_per_rating * (avg - 3)
            + p.promotion_per_level * (st.level - 1)
        )
        promoted = can_promote & (rng.random(n) < sigmoid(logit))
        merit = np.maximum(0.0, p.merit_base + p.merit_per_rating * (avg - 3) + rng.normal(0, p.merit_sd, n))
        arch = [self.lex.JOB_ARCHITECTURE[f] for f in JOB_FAMILIES]
        for j in np.flatnonzero(has_reviews):
            e = emp_id(int(st.idx[j]))
            f = int(st.family[j])
            prefix, titles, _ = arch[f]
            old = st.salary[j]
            if promoted[j]:
                st.level[j] += 1
                lvl = int(st.level[j])
                lo, hi = self.grade_bounds(np.array([f]), np.array([lvl]), year)
                new = round(max(old * (1 + p.promotion_raise), lo[0]), -2)
                st.last_promo[j] = qs
                st.level_since[j] = qs
                dept = lexicon.DEPARTMENTS[int(self.roster.dept[st.idx[j]])][0]
                st.job_rows.append(
                    [e, self.tl.iso(qs), "PRO", "MRT", f"{prefix}{lvl}", titles[lvl - 1], f"L{lvl}", dept]
                )
                reason = "PROMOTION"
                self.promotions += 1
            else:
                lvl = int(st.level[j])
                lo, hi = self.grade_bounds(np.array([f]), np.array([lvl]), year)
                new = round(old * (1 + merit[j]), -2)
                reason = "MERIT"
            st.salary[j] = new
            st.last_hike[j] = new / old - 1
            st.comp_rows.append(self._comp_row(e, qs, reason, new, prefix, lvl, lo[0], hi[0], new / old - 1))
