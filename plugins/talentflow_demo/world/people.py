"""Candidates: who they are (latent competencies, motivation, demographics), what their resume says,
how far they get in the hiring funnel, and which of them are the same person applying twice."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np

from talentflow_demo.world import lexicon
from talentflow_demo.world.company import Requisition
from talentflow_demo.world.params import (
    ALL_COMPETENCIES,
    COMPETENCY_INDEX,
    JOB_FAMILIES,
    MOTIVATIONS,
    BiasSpec,
    WorldParams,
    family_competencies,
)
from talentflow_demo.world.timeline import Timeline

STAGES = ("applied", "screened", "interviewed", "offered", "hired")


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


@dataclass
class Candidate:
    candidate_id: str
    person_id: str
    duplicate_of: str | None
    first_name: str
    last_name: str
    sex: str
    ethnicity: str
    age_band: str
    birth_year: int
    latent: np.ndarray
    motivation: str
    requisition: Requisition
    source: str
    applied_day: int
    consent: str  # given | declined | missing
    consent_day: int
    consent_time: str
    demographics_disclosed: bool
    resume: ResumeContent
    stage: str = "applied"
    interview_day: int | None = None
    hired_day: int | None = None
    offer_salary: int | None = None
    interview_id: str | None = None
    observed_quality: dict[str, float] | None = None
    answer_levels: dict[str, int] | None = None
    biased: bool = False
    employee_id: str | None = None
    resume_file: str = ""
    resume_format: str = ""
    resume_layout: str = ""
    extras: dict = field(default_factory=dict)

    @property
    def hired(self) -> bool:
        return self.stage == "hired"


def ascii_slug(text: str) -> str:
    """'Zoë Müller' -> 'Zoe Muller' (emails and file names stay ASCII)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def draw_latent(rng: np.random.Generator, n: int, loading: float) -> np.ndarray:
    g = rng.standard_normal((n, 1))
    e = rng.standard_normal((n, len(ALL_COMPETENCIES)))
    return loading * g + np.sqrt(1 - loading**2) * e


def pick(rng: np.random.Generator, options, p=None):
    return (
        options[int(rng.choice(len(options), p=p))]
        if p is not None
        else options[int(rng.integers(len(options)))]
    )


def first_name_for(sex: str, rng: np.random.Generator) -> str:
    if sex == "female":
        return pick(rng, lexicon.FIRST_NAMES_FEMALE)
    if sex == "male":
        return pick(rng, lexicon.FIRST_NAMES_MALE)
    return pick(rng, lexicon.FIRST_NAMES_NEUTRAL)


def age_band(age: float) -> str:
    if age < 30:
        return "under_30"
    if age < 40:
        return "30_39"
    if age < 50:
        return "40_49"
    return "50_plus"


def _month(day: int, timeline: Timeline) -> int:
    d = timeline.date(day)
    return d.year * 12 + d.month - 1


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


def _email(first: str, last: str, rng: np.random.Generator, variant: int | None = None) -> str:
    f = ascii_slug(first).lower().replace("'", "").replace("-", "")
    last_ = ascii_slug(last).lower().replace("'", "").replace(" ", "")
    v = int(rng.integers(5)) if variant is None else variant
    local = (
        f"{f}.{last_}",
        f"{f}{last_}{int(rng.integers(1, 99))}",
        f"{f[0]}.{last_}",
        f"{last_}{f[0]}",
        f"{f}_{last_}",
    )[v]
    return f"{local}@{pick(rng, lexicon.PERSONAL_EMAIL_DOMAINS)}"


def make_resume_content(
    first: str,
    last: str,
    family: str,
    req: Requisition,
    applied_month: int,
    rng: np.random.Generator,
    location: str,
) -> tuple[ResumeContent, float]:
    """A career consistent with the target requisition; returns the content and the career start age."""
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
    employers = rng.choice(len(lexicon.EMPLOYERS), size=n_jobs, replace=False)
    top_level = int(np.clip(req_level + rng.integers(-1, 1), 1, 4))
    cursor_end = end
    for k in range(n_jobs):  # most recent first
        length = int(lengths[k])
        start = cursor_end - length
        level = int(np.clip(top_level - k, 1, 4))
        title = pick(rng, lexicon.RESUME_TITLES[family][level - 1])
        ach_pool = lexicon.ACHIEVEMENTS[family]
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
                "company": lexicon.EMPLOYERS[int(employers[k])],
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
    field_ = pick(rng, lexicon.FIELDS_OF_STUDY[family])
    grad_year = career_start_month // 12
    education: list[dict] = []
    schools = rng.choice(len(lexicon.SCHOOLS), size=3, replace=False)
    if degree_idx >= 1:
        bachelor_year = grad_year - (2 if degree_idx == 2 else 5 if degree_idx == 3 else 0)
        if degree_idx >= 2:
            kind = degree_order[degree_idx]
            education.append(
                {
                    "degree": kind,
                    "label": pick(rng, lexicon.DEGREE_LABELS[kind]),
                    "field": field_,
                    "school": lexicon.SCHOOLS[int(schools[0])],
                    "year": grad_year,
                }
            )
        education.append(
            {
                "degree": "bachelor",
                "label": pick(rng, lexicon.DEGREE_LABELS["bachelor"]),
                "field": field_ if degree_idx == 1 else pick(rng, lexicon.FIELDS_OF_STUDY[family]),
                "school": lexicon.SCHOOLS[int(schools[1])],
                "year": bachelor_year,
            }
        )
    # skills: some of the requisition's, some others from the family and common pools
    fit = rng.beta(3, 2)
    skills = [s for s in req.required_skills if rng.random() < fit]
    others = [s for s in lexicon.SKILLS[family] if s not in skills]
    skills += [others[j] for j in rng.choice(len(others), size=int(rng.integers(2, 5)), replace=False)]
    skills += [
        lexicon.COMMON_SKILLS[j]
        for j in rng.choice(len(lexicon.COMMON_SKILLS), size=int(rng.integers(0, 3)), replace=False)
    ]
    skills = [skills[j] for j in rng.permutation(len(skills))]
    certs = []
    if rng.random() < 0.4:
        pool = lexicon.CERTIFICATIONS[family]
        certs = [pool[j] for j in rng.choice(len(pool), size=int(rng.integers(1, 3)), replace=False)]
    languages = [("English", pick(rng, ("native", "fluent", "professional"), p=(0.6, 0.3, 0.1)))]
    for j in rng.choice(
        np.arange(1, len(lexicon.LANGUAGES)), size=int(rng.choice(3, p=(0.45, 0.4, 0.15))), replace=False
    ):
        languages.append((lexicon.LANGUAGES[int(j)], pick(rng, lexicon.LANGUAGE_LEVELS)))
    e164, display = _phone(rng, location)
    years = round(experience_months / 12, 1)
    title = jobs[0]["title"]
    area = ", ".join(skills[:3])
    summary = pick(
        rng,
        (
            f"{title} with {int(years)}+ years of experience. Strong in {area}.",
            f"Results-driven {title.lower()} experienced in {area}. Looking for my next challenge.",
            f"{int(years)} years in {family} roles; hands-on with {area}.",
            f"I am a {title.lower()} who enjoys {area} and working with great teams.",
        ),
    )
    content = ResumeContent(
        name=f"{first} {last}",
        email=_email(first, last, rng),
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


def _consent(rng: np.random.Generator, params: WorldParams) -> str:
    u = rng.random()
    if u < params.consent_missing_share:
        return "missing"
    if u < params.consent_missing_share + params.consent_declined_share:
        return "declined"
    return "given"


def make_candidates(
    params: WorldParams,
    timeline: Timeline,
    requisitions: list[Requisition],
    n_candidates: int,
    rng: np.random.Generator,
) -> list[Candidate]:
    """People applying to requisitions, duplicates included; ids follow application order."""
    n_dup = int(round(n_candidates * params.duplicate_share)) if n_candidates >= 10 else 0
    n_people = n_candidates - n_dup
    latent = draw_latent(rng, n_people, params.general_factor_loading)
    req_weights = np.array([params.family_shares[JOB_FAMILIES.index(r.job_family)] for r in requisitions])
    req_weights = req_weights / req_weights.sum()
    raw: list[Candidate] = []
    for i in range(n_people):
        req = requisitions[int(rng.choice(len(requisitions), p=req_weights))]
        sex = pick(rng, lexicon.SEXES, p=lexicon.SEX_SHARES)
        first = first_name_for(sex, rng)
        last = pick(rng, lexicon.LAST_NAMES)
        location = pick(rng, lexicon.CITIES)
        latest = max(timeline.n_days - 120, req.opened_day + 1)
        applied = int(min(req.opened_day + rng.integers(0, 90), latest))
        content, career_start_year = make_resume_content(
            first, last, req.job_family, req, _month(applied, timeline), rng, location
        )
        age_at_start = (
            22
            + rng.normal(0.5, 1.2)
            + (2 if content.education and content.education[0]["degree"] == "master" else 0)
        )
        birth_year = int(round(career_start_year - age_at_start))
        age = timeline.date(applied).year - birth_year
        raw.append(
            Candidate(
                candidate_id="",
                person_id=f"P{i + 1:06d}",
                duplicate_of=None,
                first_name=first,
                last_name=last,
                sex=sex,
                ethnicity=pick(rng, lexicon.ETHNICITIES, p=lexicon.ETHNICITY_SHARES),
                age_band=age_band(age),
                birth_year=birth_year,
                latent=latent[i],
                motivation=pick(rng, MOTIVATIONS, p=params.motivation_shares),
                requisition=req,
                source=pick(rng, lexicon.SOURCES, p=lexicon.SOURCE_SHARES),
                applied_day=applied,
                consent=_consent(rng, params),
                consent_day=applied,
                consent_time=f"{int(rng.integers(7, 22)):02d}:{int(rng.integers(60)):02d}:{int(rng.integers(60)):02d}Z",
                demographics_disclosed=bool(rng.random() >= params.demographics_undisclosed_share),
                resume=content,
            )
        )
    # The same person again, from another source, with a re-written resume.
    for k in range(n_dup):
        orig = raw[int(rng.integers(n_people))]
        while orig.duplicate_of is not None:  # never a duplicate of a duplicate
            orig = raw[int(rng.integers(n_people))]
        same_family = [r for r in requisitions if r.job_family == orig.requisition.job_family]
        req = orig.requisition if rng.random() < 0.6 else same_family[int(rng.integers(len(same_family)))]
        source = pick(rng, [s for s in lexicon.SOURCES if s != orig.source])
        latest = max(timeline.n_days - 120, req.opened_day + 1)
        applied = int(np.clip(orig.applied_day + rng.integers(1, 30), req.opened_day, latest))
        content = _rewrite_resume(orig.resume, orig.first_name, orig.last_name, rng)
        raw.append(
            Candidate(
                candidate_id="",
                person_id=orig.person_id,
                duplicate_of=orig.person_id,  # replaced by the original's candidate id below
                first_name=orig.first_name,
                last_name=orig.last_name,
                sex=orig.sex,
                ethnicity=orig.ethnicity,
                age_band=orig.age_band,
                birth_year=orig.birth_year,
                latent=orig.latent,
                motivation=orig.motivation,
                requisition=req,
                source=source,
                applied_day=applied,
                consent=_consent(rng, params),
                consent_day=applied,
                consent_time=f"{int(rng.integers(7, 22)):02d}:{int(rng.integers(60)):02d}:{int(rng.integers(60)):02d}Z",
                demographics_disclosed=orig.demographics_disclosed,
                resume=content,
                extras={"duplicate_index": k},
            )
        )
    order = sorted(
        range(len(raw)), key=lambda j: (raw[j].applied_day, raw[j].person_id, raw[j].duplicate_of is not None)
    )
    candidates = [raw[j] for j in order]
    first_id: dict[str, str] = {}
    for n, cand in enumerate(candidates):
        cand.candidate_id = f"C{n + 1:06d}"
        if cand.duplicate_of is None:
            first_id[cand.person_id] = cand.candidate_id
    for cand in candidates:
        if cand.duplicate_of is not None:
            cand.duplicate_of = first_id[cand.person_id]
    return candidates


def _rewrite_resume(base: ResumeContent, first: str, last: str, rng: np.random.Generator) -> ResumeContent:
    """A second version of someone's resume: middle initial, other email, other phone format."""
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


def is_biased(cand: Candidate, bias: BiasSpec | None) -> bool:
    return bias is not None and getattr(cand, bias.attribute) == bias.group


def run_funnel(
    params: WorldParams,
    timeline: Timeline,
    candidates: list[Candidate],
    max_hires: int,
    bias: BiasSpec | None,
    rng: np.random.Generator,
) -> None:
    """Screen, interview, offer and hire. Interview answer quality follows the latent competencies;
    the injected bias lowers the observed quality of one group (and so its chance of an offer)."""
    cuts = np.array(params.answer_level_cuts)
    interview_seq = 0
    for cand in candidates:
        req = cand.requisition
        if cand.duplicate_of is not None:
            continue  # recruiters merge duplicate applications before screening
        matched = sum(s in cand.resume.skills for s in req.required_skills) / len(req.required_skills)
        fit = (
            matched
            + 0.15 * (cand.resume.experience_years >= req.min_experience_years)
            + 0.10 * (_degree_rank(cand) >= ("none", "bachelor", "master", "phd").index(req.degree))
        )
        if rng.random() >= 1 / (1 + np.exp(-6 * (fit - 0.85))):
            continue
        cand.stage = "screened"
        if rng.random() < 0.05 or cand.applied_day + 30 > timeline.n_days:
            continue  # withdrew before the interview
        interview_seq += 1
        cand.stage = "interviewed"
        cand.interview_id = f"INT-{interview_seq:06d}"
        cand.interview_day = cand.applied_day + int(rng.integers(7, 26))
        cand.biased = is_biased(cand, bias)
        comps = family_competencies(req.job_family)
        z = np.array([cand.latent[COMPETENCY_INDEX[c]] for c in comps])
        q = z + rng.normal(0, params.interview_noise_sd, size=len(comps))
        if cand.biased:
            q = q - bias.size
        cand.observed_quality = {c: round(float(v), 4) for c, v in zip(comps, q, strict=True)}
        cand.answer_levels = {c: int(np.searchsorted(cuts, v)) + 1 for c, v in zip(comps, q, strict=True)}
        composite = sum(req.competency_profile[c] * cand.observed_quality[c] for c in comps)
        if rng.random() >= 1 / (1 + np.exp(-4 * (composite - 0.1))):
            continue
        cand.stage = "offered"
        if rng.random() >= params.offer_accept_rate:
            continue
        hired_day = cand.interview_day + int(rng.integers(14, 46))
        if hired_day > timeline.n_days - 100:
            continue  # starts after the window: the offer is still open
        cand.stage = "hired"
        cand.hired_day = hired_day
        lo, hi = req.salary_min, req.salary_max
        cand.offer_salary = int(round((lo + hi) / 2 * rng.normal(0.97, 0.05), -2))
    hired = [c for c in candidates if c.stage == "hired"]
    hired.sort(key=lambda c: (c.hired_day, c.candidate_id))
    for cand in hired[max_hires:]:
        cand.stage = "offered"  # the company only had room for max_hires people
        cand.hired_day = None
        cand.offer_salary = None
    for cand in hired[:max_hires]:
        cand.requisition.status = "closed"


def _degree_rank(cand: Candidate) -> int:
    order = ("none", "bachelor", "master", "phd")
    return max((order.index(e["degree"]) for e in cand.resume.education), default=0)
