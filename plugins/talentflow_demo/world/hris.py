"""HRIS exports in a vendor's shape (its own file and column names), written chunk by chunk.

Each chunk of employees is simulated (``workforce``), formatted and appended to every export before the
next one starts, so memory stays flat whatever the head count. Random draws for the formatting are
vectorised per chunk; the loops only build rows.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np

from talentflow.core.datafiles import packaged_yaml
from talentflow_demo.world import lexicon
from talentflow_demo.world.attendance import AttendanceWriter
from talentflow_demo.world.draw import ascii_name
from talentflow_demo.world.lexicon import frozen
from talentflow_demo.world.params import (
    ALL_COMPETENCIES,
    JOB_FAMILIES,
    MOTIVATIONS,
    WorldParams,
    family_competencies,
)
from talentflow_demo.world.people import Candidate, first_name_for
from talentflow_demo.world.timeline import Timeline
from talentflow_demo.world.workforce import (
    CHUNK,
    GROWTH,
    RISK_TERMS,
    ChunkState,
    Roster,
    WorkforceSimulator,
    emp_id,
)

_DATA = frozen(packaged_yaml("talentflow_demo.world", "hris.yaml"))
HEADERS: dict[str, tuple[str, ...]] = _DATA["headers"]
"""Export file -> its columns, in order (``data/hris.yaml``)."""
RATING_LABELS: tuple[str, ...] = _DATA["rating_labels"]
GENDER_CODE: dict[str, str] = _DATA["gender_code"]
VOLUNTARY_REASONS: tuple[str, ...] = _DATA["voluntary_reasons"]
INVOLUNTARY_REASONS: tuple[str, ...] = _DATA["involuntary_reasons"]
COURSE_TITLES: dict[str, tuple[str, ...]] = _DATA["course_titles"]


def training_catalog() -> list[dict]:
    catalog = []
    for i, competency in enumerate(ALL_COMPETENCIES):
        for j, title in enumerate(COURSE_TITLES[competency]):
            catalog.append(
                {
                    "courseId": f"CRS-{101 + 10 * i + j}",
                    "title": title,
                    "skillTag": competency,
                    "deliveryMode": ("Virtual", "Classroom", "eLearning")[(i + j) % 3],
                    "durationHours": (2, 4, 8, 16)[(i * 2 + j) % 4],
                    "provider": ("Internal Academy", "Coursewise", "Skillbridge")[(i + 2 * j) % 3],
                }
            )
    return catalog


@dataclass
class Exports:
    """Open HRIS export files, one csv.writer each (all rows end with '\\n')."""

    root: Path
    attendance: str
    files: dict[str, TextIO] = field(default_factory=dict)
    writers: dict[str, csv.writer] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    def open(self) -> None:
        names = [n for n in HEADERS if not n.startswith("attendance")]
        names.append("attendance.csv" if self.attendance == "daily" else "attendance_weekly.csv")
        for name in names:
            fh = (self.root / name).open("w", encoding="utf-8", newline="")
            self.files[name] = fh
            self.writers[name] = csv.writer(fh, lineterminator="\n")
            self.writers[name].writerow(HEADERS[name])
            self.rows[name] = 0

    def write(self, name: str, rows: list) -> None:
        self.writers[name].writerows(rows)
        self.rows[name] += len(rows)

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()


EXPOSURE_TERMS = (*RISK_TERMS, "overtime")


def write_exposure(fh: TextIO, st: ChunkState, quarter_labels: list[str]) -> None:
    """ground_truth/exposure.csv: one row per employee and quarter at risk of leaving, with every hazard
    term and the outcome (0 stayed, 1 left voluntarily, 2 involuntarily), so tests can refit the hazard."""
    for q, rows, flags, underpaid, outcome in st.exposure:
        label = quarter_labels[q]
        for j, f, u, o in zip(
            rows.tolist(),
            flags.astype(np.int8).tolist(),
            underpaid.round(4).tolist(),
            outcome.tolist(),
            strict=True,
        ):
            fh.write(f"{emp_id(int(st.idx[j]))},{label},{','.join(map(str, f))},{u:g},{o}\n")


class HrisExporter:
    """Runs the workforce simulation chunk by chunk and writes every HRIS export and the truth file."""

    def __init__(
        self,
        params: WorldParams,
        timeline: Timeline,
        seed: int,
        roster: Roster,
        hired: list[Candidate],
        out: Path,
        truth_path: Path,
        attendance: str = "daily",
    ) -> None:
        self.params = params
        self.lex = lexicon.for_locale(params.locale)
        self.tl = timeline
        self.seed = seed
        self.roster = roster
        self.hired = hired
        self.out = out
        self.truth_path = truth_path
        self.attendance = attendance
        self.sim = WorkforceSimulator(params, timeline, roster, hired)
        self.q_bounds = timeline.quarter_bounds
        self.attendance_writer = AttendanceWriter(params, timeline)
        self.email_seen: dict[str, int] = {}
        self.catalog = training_catalog()
        # [family, k] -> index of the k-th competency of that family in ALL_COMPETENCIES
        self.family_course_comp = np.array(
            [[ALL_COMPETENCIES.index(c) for c in family_competencies(f)] for f in JOB_FAMILIES]
        )
        self.stats = {"exits_voluntary": 0, "exits_involuntary": 0, "promotions": 0, "reviews": 0}

    def run(self, progress=None) -> dict:
        exports = Exports(self.out, self.attendance)
        exports.open()
        exposure_path = self.truth_path.with_name("exposure.csv")
        with (
            self.truth_path.open("w", encoding="utf-8") as truth,
            exposure_path.open("w", encoding="utf-8") as exp,
        ):
            exp.write("employee_id,quarter," + ",".join(EXPOSURE_TERMS) + ",underpaid,exit\n")
            n = self.roster.size
            n_chunks = max(1, math.ceil(n / CHUNK))
            for k in range(n_chunks):
                lo, hi = k * CHUNK, min((k + 1) * CHUNK, n)
                if hi <= lo:
                    break
                rng = np.random.default_rng([self.seed, 7001, k])
                state = self.sim.simulate(np.arange(lo, hi), rng)
                self.write_chunk(state, rng, exports, truth)
                write_exposure(exp, state, self.tl.quarter_labels)
                if progress:
                    progress(hi, n)
        exports.close()
        self.stats["promotions"] = self.sim.promotions
        self.stats["rows"] = dict(exports.rows)
        return self.stats

    def write_chunk(self, st: ChunkState, rng: np.random.Generator, exports: Exports, truth: TextIO) -> None:
        tl = self.tl
        n, n_q = st.rating.shape
        iso = tl.iso
        end_day = np.where(st.exit_day >= 0, st.exit_day, tl.n_days)
        names = self._names(st, rng)
        # everything random is drawn up front, vectorised; the loop below only formats rows
        ages = rng.normal(31, 7, n).clip(19, 60)
        birth = st.hire - np.round(ages * 365.25).astype(np.int64) - rng.integers(0, 365, n)
        birth_md = rng.integers(0, 28 * 12, n)
        goal = (
            np.clip(100 + 12 * np.nan_to_num(st.perf) + rng.normal(0, 5, (n, n_q)), 35, 160)
            .round()
            .astype(np.int64)
        )
        submitted = rng.integers(5, 25, (n, n_q))
        env = np.clip(np.round(2.8 - 0.5 * st.disengaged.any(axis=1) + rng.normal(0, 0.7, n)), 1, 4).astype(
            np.int64
        )
        wlb = np.clip(np.round(3.0 - 0.8 * st.ot_prone + rng.normal(0, 0.6, n)), 1, 4).astype(np.int64)
        reason_pick = rng.integers(0, 4, n)
        rehire_u = rng.random(n)
        training_rows, trainings_last_year = self._training(st, end_day, rng)
        q_labels = tl.quarter_labels
        q_start = [iso(int(d)) for d in self.q_bounds[:-1]]
        q_end = [iso(int(d) - 1) for d in self.q_bounds[1:]]
        reviews, terms, emps, snaps = [], [], [], []
        arch = [self.lex.JOB_ARCHITECTURE[f] for f in JOB_FAMILIES]
        for j in range(n):
            i = int(st.idx[j])
            e = emp_id(i)
            prefix, titles, _ = arch[int(st.family[j])]
            lvl = int(st.level[j])
            dept_code, dept_name, _, _ = self.lex.DEPARTMENTS[int(self.roster.dept[i])]
            mgr = int(self.roster.manager[i])
            mgr_id = emp_id(mgr) if mgr >= 0 else ""
            c = int(self.roster.cand[i])
            cand = self.hired[c] if c >= 0 else None
            first, last, email, sex = names[j]
            if cand is not None:
                birth_iso = f"{cand.birth_year}-{birth_md[j] // 28 + 1:02d}-{birth_md[j] % 28 + 1:02d}"
            else:
                birth_iso = iso(int(birth[j]))
            exited = bool(st.exit_day[j] >= 0)
            emps.append(
                [
                    e,
                    first,
                    last,
                    email,
                    GENDER_CODE[sex],
                    birth_iso,
                    dept_code,
                    f"{prefix}{lvl}",
                    titles[lvl - 1],
                    f"L{lvl}",
                    mgr_id,
                    self.lex.OFFICES[i % len(self.lex.OFFICES)],
                    iso(int(st.hire[j])),
                    cand.candidate_id if cand else "",
                    "Terminated" if exited else "Active",
                    iso(int(st.exit_day[j])) if exited else "",
                    "1.0" if st.fte[j] == 1.0 else "0.8",
                ]
            )
            rated = np.flatnonzero(st.rating[j] > 0).tolist()
            ratings = st.rating[j].tolist()
            for q in rated:
                r = ratings[q]
                reviews.append(
                    [
                        f"RV-{i + 100001}-{q + 1:02d}",
                        e,
                        q_labels[q],
                        q_start[q],
                        q_end[q],
                        r,
                        RATING_LABELS[r],
                        int(goal[j, q]),
                        mgr_id,
                        iso(int(self.q_bounds[q + 1]) - 1 + int(submitted[j, q])),
                    ]
                )
            if exited:
                g, b, _, lr, _ = st.exit_reason_flags[j]
                day = int(st.exit_day[j])
                if st.exit_vol[j]:
                    reason = (
                        "Career Advancement"
                        if g
                        else "Compensation"
                        if b
                        else VOLUNTARY_REASONS[reason_pick[j]]
                    )
                    terms.append(
                        [e, iso(day), "Voluntary", reason, iso(day - 14), "Y" if rehire_u[j] < 0.9 else "N"]
                    )
                else:
                    reason = "Performance" if lr else INVOLUNTARY_REASONS[reason_pick[j] % 2]
                    terms.append(
                        [e, iso(day), "Involuntary", reason, "", "Y" if reason == "Restructuring" else "N"]
                    )
                st.job_rows.append(
                    [
                        e,
                        iso(day),
                        "TER",
                        "VOL" if st.exit_vol[j] else "INV",
                        f"{prefix}{lvl}",
                        titles[lvl - 1],
                        f"L{lvl}",
                        dept_code,
                    ]
                )
                self.stats["exits_voluntary" if st.exit_vol[j] else "exits_involuntary"] += 1
            as_of = int(end_day[j]) - (0 if exited else 1)
            snaps.append(
                [
                    e,
                    iso(as_of),
                    "Yes" if exited else "No",
                    dept_name,
                    titles[lvl - 1],
                    lvl,
                    f"{st.salary[j] / 12:.0f}",
                    f"{100 * st.last_hike[j]:.0f}",
                    "Yes" if st.ot_prone[j] else "No",
                    ratings[rated[-1]] if rated else 3,
                    int(st.sat[j]),
                    int(env[j]),
                    int(wlb[j]),
                    f"{(as_of - st.hire[j]) / 365.25:.1f}",
                    f"{(as_of - st.level_since[j]) / 365.25:.1f}",
                    f"{(as_of - st.last_promo[j]) / 365.25:.1f}",
                    int(trainings_last_year[j]),
                ]
            )
            truth.write(
                json.dumps(self._truth_record(st, j, e, cand, sex, rated), separators=(",", ":")) + "\n"
            )
        self.stats["reviews"] += len(reviews)
        exports.write("employees.csv", emps)
        exports.write(
            "job_history.csv", sorted(st.job_rows, key=lambda row: (row[0], row[1], row[2] != "HIR"))
        )
        exports.write("compensation.csv", sorted(st.comp_rows, key=lambda row: (row[0], row[1])))
        exports.write("performance_reviews.csv", reviews)
        exports.write("training.csv", training_rows)
        exports.write("terminations.csv", terms)
        exports.write("workforce_snapshot.csv", snaps)
        if self.attendance == "daily":
            rows = self.attendance_writer.write_daily(exports.files["attendance.csv"], st, end_day, rng)
            exports.rows["attendance.csv"] += rows
        else:
            rows = self.attendance_writer.write_weekly(
                exports.files["attendance_weekly.csv"], st, end_day, rng
            )
            exports.rows["attendance_weekly.csv"] += rows

    def _names(self, st: ChunkState, rng: np.random.Generator) -> list[tuple[str, str, str, str]]:
        out = []
        sexes = rng.choice(len(lexicon.SEXES), size=len(st.idx), p=lexicon.SEX_SHARES)
        for j in range(len(st.idx)):
            c = int(self.roster.cand[st.idx[j]])
            if c >= 0:
                cand = self.hired[c]
                first, last, sex = cand.first_name, cand.last_name, cand.sex
            else:
                sex = lexicon.SEXES[int(sexes[j])]
                first = first_name_for(sex, rng, self.lex)
                last = self.lex.LAST_NAMES[int(rng.integers(len(self.lex.LAST_NAMES)))]
            local = f"{ascii_name(first, self.lex)}.{ascii_name(last, self.lex)}"
            local = local.lower().replace("'", "").replace(" ", "")
            seen = self.email_seen.get(local, 0) + 1
            self.email_seen[local] = seen
            email = f"{local}{seen if seen > 1 else ''}@{self.params.email_domain}"
            out.append((first, last, email, sex))
        return out

    def _truth_record(
        self, st: ChunkState, j: int, e: str, cand: Candidate | None, sex: str, rated: list[int]
    ) -> dict:
        first_day = int(st.first_day[j])
        exited = bool(st.exit_day[j] >= 0)
        years_in = (self.q_bounds[1:][rated] - first_day) / 365.25
        return {
            "employee_id": e,
            "candidate_id": cand.candidate_id if cand else None,
            "person_id": cand.person_id if cand else None,
            "job_family": JOB_FAMILIES[int(st.family[j])],
            "hire_date": self.tl.iso(int(st.hire[j])),
            "incumbent": bool(st.hire[j] < 0),
            "sex": sex,
            "motivation": MOTIVATIONS[int(st.motivation[j])],
            "latent": dict(zip(ALL_COMPETENCIES, np.round(st.latent[j], 4).tolist(), strict=True)),
            "weighted_score": round(float(st.score[j]), 4),
            "person_effect": round(float(st.person[j]), 4),
            "trajectory_slope": round(float(st.slope[j]), 4),
            "decliner": bool(st.decliner[j]),
            "overtime_prone": bool(st.ot_prone[j]),
            "performance": {
                "periods": [self.tl.quarter_labels[q] for q in rated],
                "years_in_window": np.round(years_in, 3).tolist(),
                "true": np.round(st.perf[j, rated], 4).tolist(),
                "rating": st.rating[j, rated].tolist(),
            },
            "final_level": int(st.level[j]),
            "final_salary": float(st.salary[j]),
            "exit": {
                "date": self.tl.iso(int(st.exit_day[j])),
                "type": "voluntary" if st.exit_vol[j] else "involuntary",
                # which hazard indicators were on in the quarter the person left
                "hazard_terms": dict(zip(RISK_TERMS, st.exit_reason_flags[j].tolist(), strict=True)),
            }
            if exited
            else None,
            "at_risk": bool(st.at_risk[j]),
            "exposed_quarters": int(st.exposed_quarters[j]),
            "risk_quarters": {k: int(v[j]) for k, v in st.risk_counts.items()},
        }

    def _training(
        self, st: ChunkState, end_day: np.ndarray, rng: np.random.Generator
    ) -> tuple[list[list], np.ndarray]:
        """Courses taken: Poisson counts per employee, then all draws for the chunk at once."""
        n = len(st.idx)
        active_years = np.maximum(end_day - st.first_day, 0) / 365.25
        low_rated = ((st.rating > 0) & (st.rating <= 2)).any(axis=1)
        rate = self.params.training_rate * (1 + 0.4 * (st.motivation == GROWTH)) * (1 + 0.3 * low_rated)
        counts = rng.poisson(rate * active_years)
        who = np.repeat(np.arange(n), counts)
        k = len(who)
        lo, hi = st.first_day[who], np.maximum(end_day[who], st.first_day[who] + 1)
        day = lo + np.floor(rng.random(k) * (hi - lo)).astype(np.int64)
        comp = self.family_course_comp[st.family[who], rng.integers(0, 8, k)]
        course = comp * 2 + rng.integers(0, 2, k)
        finish = day + rng.integers(1, 30, k)
        completed = (rng.random(k) < 0.9) & (finish < end_day[who])
        score = rng.integers(60, 101, k)
        order = np.lexsort((course, day, who))
        last_year = np.bincount(who[completed & (finish >= end_day[who] - 365)], minlength=n)
        iso = self.tl.iso
        rows = []
        for t in order.tolist():
            c = self.catalog[int(course[t])]
            done = bool(completed[t])
            rows.append(
                [
                    emp_id(int(st.idx[who[t]])),
                    c["courseId"],
                    c["title"],
                    iso(int(day[t])),
                    iso(int(finish[t])) if done else "",
                    "Completed" if done else "Incomplete",
                    c["durationHours"],
                    int(score[t]) if done else "",
                ]
            )
        return rows, last_year
