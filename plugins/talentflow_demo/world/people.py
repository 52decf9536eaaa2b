"""Candidates: who they are (latent competencies, motivation, demographics), how far they get in the
hiring funnel, and which of them are the same person applying twice. What their resume says is drawn
in ``resume_content``."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from talentflow_demo.world import lexicon
from talentflow_demo.world.company import Requisition
from talentflow_demo.world.draw import pick
from talentflow_demo.world.params import (
    ALL_COMPETENCIES,
    COMPETENCY_INDEX,
    JOB_FAMILIES,
    MOTIVATIONS,
    BiasSpec,
    WorldParams,
    family_competencies,
)
from talentflow_demo.world.resume_content import ResumeContent, make_resume_content, rewrite_resume
from talentflow_demo.world.timeline import Timeline

STAGES = ("applied", "screened", "interviewed", "offered", "hired")


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


def draw_latent(rng: np.random.Generator, n: int, loading: float) -> np.ndarray:
    g = rng.standard_normal((n, 1))
    e = rng.standard_normal((n, len(ALL_COMPETENCIES)))
    return loading * g + np.sqrt(1 - loading**2) * e


def first_name_for(sex: str, rng: np.random.Generator, lex=lexicon) -> str:
    """A given name for ``sex`` from the lexicon ``lex`` (``lexicon.for_locale``)."""
    if sex == "female":
        return pick(rng, lex.FIRST_NAMES_FEMALE)
    if sex == "male":
        return pick(rng, lex.FIRST_NAMES_MALE)
    return pick(rng, lex.FIRST_NAMES_NEUTRAL)


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
    lex = lexicon.for_locale(params.locale)
    for i in range(n_people):
        req = requisitions[int(rng.choice(len(requisitions), p=req_weights))]
        sex = pick(rng, lexicon.SEXES, p=lexicon.SEX_SHARES)
        first = first_name_for(sex, rng, lex)
        last = pick(rng, lex.LAST_NAMES)
        location = pick(rng, lex.CITIES)
        latest = max(timeline.n_days - 120, req.opened_day + 1)
        applied = int(min(req.opened_day + rng.integers(0, 90), latest))
        content, career_start_year = make_resume_content(
            first, last, req.job_family, req, _month(applied, timeline), rng, location, lex
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
        content = rewrite_resume(orig.resume, orig.first_name, orig.last_name, rng, lex)
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
