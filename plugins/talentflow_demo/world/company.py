"""The fictional company: departments, grade bands and open requisitions."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from talentflow_demo.world import lexicon
from talentflow_demo.world.params import (
    FAMILY_COMPETENCIES,
    JOB_FAMILIES,
    LEVELS,
    WorldParams,
    competency_profile,
)
from talentflow_demo.world.timeline import Timeline

RESPONSIBILITIES = {
    "sales": (
        "own a territory of mid-market accounts",
        "run discovery calls and product demos",
        "forecast your pipeline accurately every week",
        "negotiate multi-year contracts",
        "work with customer success on renewals",
    ),
    "engineering": (
        "design and build backend services",
        "own services in production, including on-call",
        "review code and mentor other engineers",
        "improve the reliability and cost of our platform",
        "turn product requirements into technical plans",
    ),
    "operations": (
        "run and improve our fulfilment processes",
        "plan capacity across sites and shifts",
        "manage vendors against service levels",
        "build the weekly operations reporting",
        "lead continuous-improvement projects",
    ),
    "management": (
        "lead a team of five to twelve people",
        "hire, coach and develop your team",
        "set quarterly goals and report progress to leadership",
        "own the team budget",
        "drive change across departments",
    ),
}
DEGREE_TEXT = {
    "none": "no formal degree required",
    "bachelor": "a bachelor's degree or equivalent experience",
    "master": "a master's degree",
    "phd": "a PhD in a relevant field",
}
MIN_EXPERIENCE = {1: (0, 1), 2: (2, 3), 3: (4, 6), 4: (7, 10)}
DEGREE_BY_FAMILY = {
    "sales": (0.45, 0.50, 0.05, 0.0),
    "engineering": (0.10, 0.65, 0.22, 0.03),
    "operations": (0.40, 0.50, 0.10, 0.0),
    "management": (0.10, 0.55, 0.35, 0.0),
}


@dataclass
class Requisition:
    requisition_id: str
    title: str
    department: str
    department_code: str
    job_family: str
    level: str
    description: str
    required_skills: list[str]
    min_experience_years: int
    degree: str
    salary_min: int
    salary_max: int
    currency: str
    competency_profile: dict[str, float]
    rubric_id: str
    opened_at: str
    status: str
    location: str
    opened_day: int = field(default=0, repr=False)

    def to_json(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "opened_day"}
        return data


def departments(params: WorldParams) -> list[dict]:
    return [
        {
            "department_code": code,
            "name": name,
            "primary_job_family": family,
            "cost_center": cost_center,
            "company": params.company_name,
        }
        for code, name, family, cost_center in lexicon.for_locale(params.locale).DEPARTMENTS
    ]


def departments_of(family: str) -> list[int]:
    """Indices into lexicon.DEPARTMENTS where people of ``family`` work (managers work anywhere).

    Every locale's company has the same department codes and families in the same order."""
    if family == "management":
        return list(range(len(lexicon.DEPARTMENTS)))
    return [i for i, d in enumerate(lexicon.DEPARTMENTS) if d[2] == family]


def grade_mid(params: WorldParams, family: str, level: int, year_index: int | np.ndarray) -> np.ndarray:
    """Grade midpoint for ``level`` (1..4); bands rise by the market increase each calendar year."""
    mids = np.array(lexicon.for_locale(params.locale).JOB_ARCHITECTURE[family][2], dtype=float)
    return mids[np.asarray(level) - 1] * (1 + params.market_increase) ** np.asarray(year_index)


def grade_mid_table(params: WorldParams, years: int) -> np.ndarray:
    """(n_families, 5, years + 1) midpoints; index [family, level, year_index] with level 1..4."""
    table = np.zeros((len(JOB_FAMILIES), 5, years + 1))
    lex = lexicon.for_locale(params.locale)
    for f, family in enumerate(JOB_FAMILIES):
        mids = np.array(lex.JOB_ARCHITECTURE[family][2], dtype=float)
        for y in range(years + 1):
            table[f, 1:, y] = mids * (1 + params.market_increase) ** y
    return table


def _description(
    params: WorldParams,
    family: str,
    title: str,
    level: int,
    dept_name: str,
    location: str,
    picked: list[str],
    min_exp: int,
    degree: str,
    skills: list[str],
) -> str:
    extras = " and ".join(c.replace("_", " ") for c in FAMILY_COMPETENCIES[family])
    return (
        f"{params.company_name} is hiring a {title} ({LEVELS[level - 1]}) to join {dept_name} "
        f"({location}). You will {picked[0]}, {picked[1]} and {picked[2]}.\n"
        f"What you bring: at least {min_exp} years of relevant experience, "
        f"{DEGREE_TEXT[degree]}, and hands-on skill with {', '.join(skills[:-1])} and {skills[-1]}.\n"
        f"We look for strong {extras}, clear communication and ownership of results."
    )


def _description_zh(
    params: WorldParams,
    family: str,
    title: str,
    level: int,
    dept_name: str,
    location: str,
    picked: list[str],
    min_exp: int,
    degree: str,
    skills: list[str],
) -> str:
    lex = lexicon.for_locale(params.locale)
    extras = "和".join(lex.COMPETENCY_NAMES[c] for c in FAMILY_COMPETENCIES[family])
    experience = "经验不限" if min_exp == 0 else f"{min_exp}年以上相关工作经验"
    return (
        f"{params.company_name}招聘{title}（{LEVELS[level - 1]}），加入{dept_name}（{location}）。"
        f"你将{picked[0]}，{picked[1]}，并{picked[2]}。\n"
        f"任职要求：{experience}，{lex.DEGREE_TEXT[degree]}，熟悉{'、'.join(skills)}。\n"
        f"我们看重{extras}、清晰的沟通和对结果负责的态度。"
    )


def make_requisitions(
    params: WorldParams, timeline: Timeline, n_candidates: int, rng: np.random.Generator
) -> list[Requisition]:
    n = max(len(JOB_FAMILIES), round(n_candidates / 12))
    shares = np.array(params.family_shares)
    families = list(JOB_FAMILIES) + [
        JOB_FAMILIES[i] for i in rng.choice(len(JOB_FAMILIES), size=n - len(JOB_FAMILIES), p=shares)
    ]
    latest_open = max(timeline.n_days - 150, 30)
    open_days = np.sort(rng.integers(-60, latest_open, size=n))
    reqs: list[Requisition] = []
    seq_by_year: dict[int, int] = {}
    lex = lexicon.for_locale(params.locale)
    for i, family in enumerate(families):
        level = int(rng.choice(4, p=[0.30, 0.35, 0.25, 0.10])) + 1
        dept_idx = int(rng.choice(departments_of(family)))
        code, dept_name, _, _ = lex.DEPARTMENTS[dept_idx]
        prefix, titles, _ = lex.JOB_ARCHITECTURE[family]
        title = titles[level - 1]
        opened = timeline.date(int(open_days[i]))
        seq_by_year[opened.year] = seq_by_year.get(opened.year, 0) + 1
        year_index = max(opened.year - timeline.start.year, 0)
        mid = float(grade_mid(params, family, level, year_index))
        lo_exp, hi_exp = MIN_EXPERIENCE[level]
        min_exp = int(rng.integers(lo_exp, hi_exp + 1))
        degree = ("none", "bachelor", "master", "phd")[int(rng.choice(4, p=DEGREE_BY_FAMILY[family]))]
        skills_pool = lex.SKILLS[family]
        n_skills = int(rng.integers(4, 7))
        skills = [skills_pool[j] for j in sorted(rng.choice(len(skills_pool), n_skills, replace=False))]
        location = lex.OFFICES[int(rng.integers(len(lex.OFFICES)))]
        duties = RESPONSIBILITIES[family] if params.locale == "en" else lex.RESPONSIBILITIES[family]
        picked = [duties[j] for j in rng.choice(len(duties), 3, replace=False)]
        describe = _description if params.locale == "en" else _description_zh
        description = describe(
            params, family, title, level, dept_name, location, picked, min_exp, degree, skills
        )
        reqs.append(
            Requisition(
                requisition_id=f"REQ-{opened.year}-{seq_by_year[opened.year]:04d}",
                title=title,
                department=dept_name,
                department_code=code,
                job_family=family,
                level=LEVELS[level - 1],
                description=description,
                required_skills=skills,
                min_experience_years=min_exp,
                degree=degree,
                salary_min=int(round(mid * (1 - params.band_half_width), -3)),
                salary_max=int(round(mid * (1 + params.band_half_width), -3)),
                currency=params.currency,
                competency_profile=competency_profile(family, rng),
                rubric_id=family,
                opened_at=opened.isoformat(),
                status="open",
                location=location,
                opened_day=int(open_days[i]),
            )
        )
    return reqs
