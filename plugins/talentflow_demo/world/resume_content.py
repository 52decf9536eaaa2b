"""What a candidate's resume says: jobs with dates and achievements, degrees, skills, certifications,
languages and contact details, drawn from the lexicon for the candidate's job family; and the
second version of a resume someone sends when applying twice."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from talentflow_demo.world import lexicon
from talentflow_demo.world.company import Requisition
from talentflow_demo.world.draw import ascii_name, pick


@dataclass
class ResumeContent:
    name: str
    email: str
    phone: str  # E.164
    phone_display: str
    location: str
    title: str
    summary: str
    skills: list[str]
    education: list[dict]
    experience: list[dict]
    certifications: list[str]
    languages: list[tuple[str, str]]  # (language, level)
    experience_years: float


def _ym(month_index: int) -> str:
    return f"{month_index // 12:04d}-{month_index % 12 + 1:02d}"


def _phone(rng: np.random.Generator, location: str) -> tuple[str, str]:
    line = f"01{int(rng.integers(0, 100)):02d}"
    if location.endswith("UK"):
        display = pick(rng, (f"+44 20 7946 {line}", f"020 7946 {line}", f"+44 (0)20 7946 {line}"))
        return f"+44207946{line}", display
    area = pick(rng, lexicon.US_AREA_CODES)
    e164 = f"+1{area}555{line}"
    display = pick(
        rng,
        (
            f"({area}) 555-{line}",
            f"+1 {area} 555 {line}",
            f"{area}-555-{line}",
            f"+1 ({area}) 555-{line}",
            f"{area}.555.{line}",
        ),
    )
    return e164, display


def _phone_zh(rng: np.random.Generator, lex) -> tuple[str, str]:
    prefix = pick(rng, lex.MOBILE_PREFIXES)
    a, b = f"{int(rng.integers(0, 10000)):04d}", f"{int(rng.integers(0, 10000)):04d}"
    display = pick(
        rng,
        (
            f"{prefix} {a} {b}",
            f"{prefix}-{a}-{b}",
            f"+86 {prefix} {a} {b}",
            f"{prefix}{a}{b}",
            f"+86-{prefix}{a}{b}",
        ),
    )
    return f"+86{prefix}{a}{b}", display


def _email(first: str, last: str, rng: np.random.Generator, variant: int | None = None, lex=lexicon) -> str:
    f = ascii_name(first, lex).lower().replace("'", "").replace("-", "")
    last_ = ascii_name(last, lex).lower().replace("'", "").replace(" ", "")
    v = int(rng.integers(5)) if variant is None else variant
    local = (
        f"{f}.{last_}",
        f"{f}{last_}{int(rng.integers(1, 99))}",
        f"{f[0]}.{last_}",
        f"{last_}{f[0]}",
        f"{f}_{last_}",
    )[v]
    return f"{local}@{pick(rng, lex.PERSONAL_EMAIL_DOMAINS)}"


def make_resume_content(
    first: str,
    last: str,
    family: str,
    req: Requisition,
    applied_month: int,
    rng: np.random.Generator,
    location: str,
    lex=lexicon,
) -> tuple[ResumeContent, float]:
    """A career consistent with the target requisition; returns the content and the career start age.

    ``lex`` is the company's lexicon (``lexicon.for_locale``): a Chinese one writes a Chinese resume
    (family name first, +86 mobile, CNY-era employers and schools, Chinese summary)."""
    zh = lex.LOCALE == "zh-CN"
    req_level = int(req.level[1])
    years_target = max(0.25, req.min_experience_years + rng.normal(1.0, 2.2))
    months_total = int(round(years_target * 12))
    n_jobs = int(
        min(1 + (years_target > 2) + (years_target > 5) + (years_target > 9) + rng.integers(0, 2), 5)
    )
    shares = rng.dirichlet(np.full(n_jobs, 2.0))
    lengths = np.maximum(3, np.round(shares * months_total)).astype(int)
    currently_employed = rng.random() < 0.75
    end = applied_month if currently_employed else applied_month - int(rng.integers(1, 7))
    jobs: list[dict] = []
    employers = rng.choice(len(lex.EMPLOYERS), size=n_jobs, replace=False)
    top_level = int(np.clip(req_level + rng.integers(-1, 1), 1, 4))
    cursor_end = end
    for k in range(n_jobs):  # most recent first
        length = int(lengths[k])
        start = cursor_end - length
        level = int(np.clip(top_level - k, 1, 4))
        title = pick(rng, lex.RESUME_TITLES[family][level - 1])
        ach_pool = lex.ACHIEVEMENTS[family]
        bullets = [
            ach_pool[j].format(
                n=int(rng.integers(3, 40)),
                n2=int(rng.integers(41, 90)),
                pct=int(rng.integers(8, 45)),
                k=int(rng.integers(50, 900)),
            )
            for j in rng.choice(len(ach_pool), size=int(rng.integers(1, 3)), replace=False)
        ]
        jobs.append(
            {
                "company": lex.EMPLOYERS[int(employers[k])],
                "title": title,
                "start": _ym(start),
                "end": None if (k == 0 and currently_employed) else _ym(cursor_end),
                "months": cursor_end - start
                if not (k == 0 and currently_employed)
                else applied_month - start,
                "bullets": bullets,
            }
        )
        cursor_end = start - int(rng.integers(0, 4))
    career_start_month = cursor_end
    experience_months = sum(j.pop("months") for j in jobs)

    # education
    degree_order = ("none", "bachelor", "master", "phd")
    wanted = degree_order.index(req.degree)
    degree_idx = int(np.clip(wanted + rng.choice([-1, 0, 0, 0, 1]), 0, 3))
    field_ = pick(rng, lex.FIELDS_OF_STUDY[family])
    grad_year = career_start_month // 12
    education: list[dict] = []
    schools = rng.choice(len(lex.SCHOOLS), size=3, replace=False)
    if degree_idx >= 1:
        bachelor_year = grad_year - (2 if degree_idx == 2 else 5 if degree_idx == 3 else 0)
        if degree_idx >= 2:
            kind = degree_order[degree_idx]
            education.append(
                {
                    "degree": kind,
                    "label": pick(rng, lex.DEGREE_LABELS[kind]),
                    "field": field_,
                    "school": lex.SCHOOLS[int(schools[0])],
                    "year": grad_year,
                }
            )
        education.append(
            {
                "degree": "bachelor",
                "label": pick(rng, lex.DEGREE_LABELS["bachelor"]),
                "field": field_ if degree_idx == 1 else pick(rng, lex.FIELDS_OF_STUDY[family]),
                "school": lex.SCHOOLS[int(schools[1])],
                "year": bachelor_year,
            }
        )
    # skills: some of the requisition's, some others from the family and common pools
    fit = rng.beta(3, 2)
    skills = [s for s in req.required_skills if rng.random() < fit]
    others = [s for s in lex.SKILLS[family] if s not in skills]
    skills += [others[j] for j in rng.choice(len(others), size=int(rng.integers(2, 5)), replace=False)]
    skills += [
        lex.COMMON_SKILLS[j]
        for j in rng.choice(len(lex.COMMON_SKILLS), size=int(rng.integers(0, 3)), replace=False)
    ]
    skills = [skills[j] for j in rng.permutation(len(skills))]
    certs = []
    if rng.random() < 0.4:
        pool = lex.CERTIFICATIONS[family]
        certs = [pool[j] for j in rng.choice(len(pool), size=int(rng.integers(1, 3)), replace=False)]
    first_levels = ("熟练", "良好", "一般") if zh else ("native", "fluent", "professional")
    languages = [(lex.LANGUAGES[0], pick(rng, first_levels, p=(0.6, 0.3, 0.1)))]
    for j in rng.choice(
        np.arange(1, len(lex.LANGUAGES)), size=int(rng.choice(3, p=(0.45, 0.4, 0.15))), replace=False
    ):
        languages.append((lex.LANGUAGES[int(j)], pick(rng, lex.LANGUAGE_LEVELS)))
    e164, display = _phone_zh(rng, lex) if zh else _phone(rng, location)
    years = round(experience_months / 12, 1)
    title = jobs[0]["title"]
    area = ", ".join(skills[:3])
    summary = pick(
        rng,
        (
            f"{title}，{int(years)}年以上工作经验，擅长{'、'.join(skills[:3])}。",
            f"{int(years)}年相关工作经验，熟悉{'、'.join(skills[:3])}，沟通能力强，结果导向。",
            f"从事{title}工作{int(years)}年，熟练掌握{'、'.join(skills[:3])}。",
            f"做事踏实，学习能力强；熟悉{'、'.join(skills[:3])}，希望加入有挑战的团队。",
        )
        if zh
        else (
            f"{title} with {int(years)}+ years of experience. Strong in {area}.",
            f"Results-driven {title.lower()} experienced in {area}. Looking for my next challenge.",
            f"{int(years)} years in {family} roles; hands-on with {area}.",
            f"I am a {title.lower()} who enjoys {area} and working with great teams.",
        ),
    )
    content = ResumeContent(
        name=f"{last}{first}" if zh else f"{first} {last}",
        email=_email(first, last, rng, lex=lex),
        phone=e164,
        phone_display=display,
        location=location,
        title=title,
        summary=summary,
        skills=skills,
        education=education,
        experience=jobs,
        certifications=certs,
        languages=languages,
        experience_years=years,
    )
    return content, float(career_start_month) / 12.0


def rewrite_resume(
    base: ResumeContent, first: str, last: str, rng: np.random.Generator, lex=lexicon
) -> ResumeContent:
    """A second version of someone's resume: middle initial, other email, other phone format."""
    if lex.LOCALE == "zh-CN":
        return _rewrite_resume_zh(base, first, last, rng, lex)
    middle = lexicon.MIDDLE_INITIALS[int(rng.integers(len(lexicon.MIDDLE_INITIALS)))]
    name = f"{first} {middle}. {last}" if rng.random() < 0.4 else base.name
    email = base.email if rng.random() < 0.5 else _email(first, last, rng)
    digits = base.phone
    if digits.startswith("+1"):
        a, line = digits[2:5], digits[-4:]
        display = pick(rng, (f"{a}-555-{line}", f"({a}) 555-{line}", f"+1 {a} 555 {line}"))
    else:
        display = pick(rng, (f"+44 20 7946 {digits[-4:]}", f"020 7946 {digits[-4:]}"))
    skills = list(base.skills)
    if len(skills) > 3 and rng.random() < 0.5:
        skills.pop(int(rng.integers(len(skills))))
    experience = [dict(job) for job in base.experience]
    return ResumeContent(
        name=name,
        email=email,
        phone=digits,
        phone_display=display,
        location=base.location,
        title=base.title,
        summary=base.summary,
        skills=skills,
        education=[dict(e) for e in base.education],
        experience=experience,
        certifications=list(base.certifications),
        languages=list(base.languages),
        experience_years=base.experience_years,
    )


def _rewrite_resume_zh(
    base: ResumeContent, first: str, last: str, rng: np.random.Generator, lex
) -> ResumeContent:
    """A Chinese resume sent again: the same name (no middle names), maybe another e-mail, another
    phone format, a skill left out."""
    email = base.email if rng.random() < 0.5 else _email(first, last, rng, lex=lex)
    p = base.phone[3:]
    display = pick(rng, (f"{p[:3]} {p[3:7]} {p[7:]}", f"+86 {p}", f"{p[:3]}-{p[3:7]}-{p[7:]}"))
    skills = list(base.skills)
    if len(skills) > 3 and rng.random() < 0.5:
        skills.pop(int(rng.integers(len(skills))))
    return replace(
        base,
        email=email,
        phone_display=display,
        skills=skills,
        education=[dict(e) for e in base.education],
        experience=[dict(job) for job in base.experience],
        certifications=list(base.certifications),
        languages=list(base.languages),
    )
