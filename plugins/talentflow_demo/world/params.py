"""The world's parameters: competencies, job families, true weights, noise and hazard settings.

Everything a test or benchmark may check the generated data against lives here and is written to
``ground_truth/truth.json``. The platform itself never reads these values.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date

import numpy as np

GENERATOR_VERSION = "1.1"

GENERAL_COMPETENCIES: tuple[str, ...] = (
    "communication",
    "problem_solving",
    "teamwork",
    "ownership",
    "learning_agility",
    "innovation",
)
FAMILY_COMPETENCIES: dict[str, tuple[str, str]] = {
    "sales": ("customer_focus", "negotiation"),
    "engineering": ("technical_depth", "system_design"),
    "operations": ("process_improvement", "planning"),
    "management": ("leadership", "coaching"),
}
JOB_FAMILIES: tuple[str, ...] = tuple(FAMILY_COMPETENCIES)
ALL_COMPETENCIES: tuple[str, ...] = GENERAL_COMPETENCIES + tuple(
    c for extras in FAMILY_COMPETENCIES.values() for c in extras
)
COMPETENCY_INDEX = {c: i for i, c in enumerate(ALL_COMPETENCIES)}
MOTIVATIONS: tuple[str, ...] = ("growth", "stability", "compensation", "mission")
LEVELS: tuple[str, ...] = ("L1", "L2", "L3", "L4")
DEGREES: tuple[str, ...] = ("none", "bachelor", "master", "phd")


def family_competencies(family: str) -> tuple[str, ...]:
    """The eight competencies an interview for ``family`` covers: six general plus two extras."""
    return GENERAL_COMPETENCIES + FAMILY_COMPETENCIES[family]


# How much each competency really drives performance, before normalisation. Zeros are deliberate:
# feedback retraining should learn that these interview dimensions do not predict success.
RELATIVE_WEIGHTS: dict[str, dict[str, float]] = {
    "sales": {
        "communication": 0.30,
        "problem_solving": 0.05,
        "teamwork": 0.0,
        "ownership": 0.20,
        "learning_agility": 0.05,
        "innovation": 0.0,
        "customer_focus": 0.35,
        "negotiation": 0.40,
    },
    "engineering": {
        "communication": 0.10,
        "problem_solving": 0.35,
        "teamwork": 0.10,
        "ownership": 0.15,
        "learning_agility": 0.10,
        "innovation": 0.0,
        "technical_depth": 0.45,
        "system_design": 0.25,
    },
    "operations": {
        "communication": 0.10,
        "problem_solving": 0.20,
        "teamwork": 0.25,
        "ownership": 0.25,
        "learning_agility": 0.0,
        "innovation": 0.0,
        "process_improvement": 0.35,
        "planning": 0.35,
    },
    "management": {
        "communication": 0.25,
        "problem_solving": 0.10,
        "teamwork": 0.0,
        "ownership": 0.15,
        "learning_agility": 0.05,
        "innovation": 0.05,
        "leadership": 0.40,
        "coaching": 0.35,
    },
}


@dataclass(frozen=True)
class BiasSpec:
    """Lower the *observed* interview answer quality of one demographic group by ``size``.

    ``size`` is in standard deviations of the latent competencies. The latent competencies and job
    performance of the group are untouched, so an audit can tell measurement bias from real gaps.
    """

    attribute: str  # sex | ethnicity | age_band
    group: str
    size: float

    @classmethod
    def parse(cls, spec: dict | BiasSpec | None) -> BiasSpec | None:
        if spec is None or isinstance(spec, BiasSpec):
            return spec
        attribute = spec.get("attribute", "sex")
        if attribute not in ("sex", "ethnicity", "age_band"):
            raise ValueError(f"bias attribute must be sex, ethnicity or age_band, not {attribute!r}")
        if "group" not in spec:
            raise ValueError("bias needs a 'group' (for example {'attribute': 'sex', 'group': 'female'})")
        return cls(attribute=attribute, group=str(spec["group"]), size=float(spec.get("size", 0.5)))


@dataclass(frozen=True)
class HazardParams:
    """Quarterly exit hazards: ``base * exp(sum(coefficient * indicator))``."""

    base_voluntary: float = 0.018
    growth_without_promotion: float = 1.1  # motivation == growth and no promotion for `promotion_gap_years`
    declining_performance: float = 0.7  # true trajectory has fallen by more than `decline_threshold`
    pay_below_band: float = 0.8  # base salary below the grade minimum
    underpaid: float = (
        0.9  # per half-band below the grade midpoint (0 at or above it, 1 at the minimum, cap 2)
    )
    overtime: float = 0.3  # habitual overtime
    early_tenure: float = 0.8  # in the first `early_tenure_years` of employment (first-year attrition)
    early_tenure_years: float = 1.0
    promotion_gap_years: float = 2.0
    decline_threshold: float = 0.5
    base_involuntary: float = 0.003
    low_rating: float = 2.2  # the last two quarterly ratings were both <= low_rating_max
    low_rating_max: int = 2


@dataclass(frozen=True)
class WorldParams:
    """Knobs of the world. Defaults give realistic rates; tests read them from truth.json."""

    start: date = date(2022, 1, 1)
    # en: Larkspur Systems (USD); zh-CN: a Chinese company (Chinese names, resumes and interviews, CNY)
    locale: str = "en"
    company_name: str = "Larkspur Systems"
    email_domain: str = "larkspur.example"
    currency: str = "USD"
    # latent competencies: z_c = loading * g + sqrt(1 - loading^2) * e_c (all standard normal)
    general_factor_loading: float = 0.5
    motivation_shares: tuple[float, ...] = (0.30, 0.30, 0.20, 0.20)
    # performance_q = weighted_latent + person_effect + slope * years_in_window + noise
    person_effect_sd: float = 0.5
    performance_noise_sd: float = 0.8
    slope_sd: float = 0.15
    decliner_share: float = 0.10
    decliner_slope: float = -0.6  # per year
    rating_cuts: tuple[float, ...] = (-2.25, -0.95, 0.95, 2.25)
    # interview: observed quality = latent + noise - bias; answer level 1..5 from these cuts
    interview_noise_sd: float = 0.5
    answer_level_cuts: tuple[float, ...] = (-1.0, -0.35, 0.35, 1.0)
    # recruiting funnel
    consent_declined_share: float = 0.08
    consent_missing_share: float = 0.04
    demographics_undisclosed_share: float = 0.04
    duplicate_share: float = 0.06
    offer_accept_rate: float = 0.85
    # workforce
    family_shares: tuple[float, ...] = (0.28, 0.35, 0.27, 0.10)  # order of JOB_FAMILIES
    incumbent_share: float = 0.75  # non-candidate employees already employed when the window opens
    part_time_share: float = 0.05
    hazard: HazardParams = field(default_factory=HazardParams)
    # promotions once a year (January): logit = intercept + per_rating*(avg_rating-3) + per_level*(level-1)
    promotion_intercept: float = -1.9
    promotion_per_rating: float = 1.4
    promotion_per_level: float = -0.45
    promotion_min_years_in_level: float = 1.0
    promotion_raise: float = 0.10
    # pay: grade min/max = mid * (1 -/+ band_half_width); bands rise each January by market_increase
    band_half_width: float = 0.15
    market_increase: float = 0.03
    merit_base: float = 0.025
    merit_per_rating: float = 0.015
    merit_sd: float = 0.01
    initial_compa_mean: float = 0.98
    initial_compa_sd: float = 0.08
    # attendance: daily probabilities of each pay code; disengaged = any hazard term active
    pto_rate: float = 0.07
    sick_rate: float = 0.02
    absent_rate: float = 0.004
    disengaged_sick_factor: float = 1.6
    disengaged_absent_factor: float = 3.0
    overtime_prone_share: float = 0.25
    overtime_day_rate_prone: float = 0.45
    overtime_day_rate_other: float = 0.05
    # training: courses per year (Poisson); growth-motivated and low-rated people take more
    training_rate: float = 2.0
    training_effect: float = 0.0  # training has no true effect on performance in this world

    @classmethod
    def for_locale(cls, locale: str, **overrides) -> WorldParams:
        """The default knobs of the company in ``locale`` (``en`` or ``zh-CN``)."""
        if locale == "en":
            return cls(**overrides)
        if locale == "zh-CN":
            chinese = {
                "company_name": "云杉数智科技有限公司",
                "email_domain": "yunshan.example",
                "currency": "CNY",
            }
            return cls(locale=locale, **{**chinese, **overrides})
        raise ValueError(f"no world for locale {locale!r}; use en or zh-CN")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["start"] = self.start.isoformat()
        if self.locale == "en":
            del data["locale"]  # English worlds' truth.json stays as it was before locales
        return data


def latent_covariance(competencies: tuple[str, ...], loading: float) -> np.ndarray:
    n = len(competencies)
    return loading**2 * np.ones((n, n)) + (1 - loading**2) * np.eye(n)


def true_weights(params: WorldParams) -> dict[str, dict[str, float]]:
    """Per family, the weights actually used: scaled so the weighted latent score has variance 1."""
    weights: dict[str, dict[str, float]] = {}
    for family in JOB_FAMILIES:
        comps = family_competencies(family)
        raw = np.array([RELATIVE_WEIGHTS[family][c] for c in comps])
        var = float(raw @ latent_covariance(comps, params.general_factor_loading) @ raw)
        scaled = raw / math.sqrt(var)
        weights[family] = {c: round(float(w), 6) for c, w in zip(comps, scaled, strict=True)}
    return weights


def weight_matrix(params: WorldParams) -> np.ndarray:
    """(n_families, n_competencies) array of true weights, zero outside each family's competencies."""
    matrix = np.zeros((len(JOB_FAMILIES), len(ALL_COMPETENCIES)))
    for f, (family, weights) in enumerate(true_weights(params).items()):
        assert family == JOB_FAMILIES[f]
        for c, w in weights.items():
            matrix[f, COMPETENCY_INDEX[c]] = w
    return matrix


def slope_second_moment(params: WorldParams) -> float:
    """E[slope^2] of the trajectory mixture (ordinary employees and decliners)."""
    p = params.decliner_share
    return params.slope_sd**2 + p * params.decliner_slope**2


def expected_performance_correlation(
    params: WorldParams, n_reviews: np.ndarray, years_mean: np.ndarray
) -> float:
    """Correlation to expect between the weighted latent score and an employee's mean true performance.

    mean_perf = S + u + slope * mean(years) + mean(noise), with var(S) = 1 and the rest independent,
    so corr = 1 / sqrt(1 + var(u) + E[slope^2 * mean(years)^2] + noise^2 * E[1/n_reviews]).
    Using E[slope^2] rather than var(slope) makes this a slight underestimate (a safe threshold).
    """
    n_reviews = np.asarray(n_reviews, dtype=float)
    years_mean = np.asarray(years_mean, dtype=float)
    var = (
        1.0
        + params.person_effect_sd**2
        + slope_second_moment(params) * float(np.mean(years_mean**2))
        + params.performance_noise_sd**2 * float(np.mean(1.0 / n_reviews))
    )
    return 1.0 / math.sqrt(var)


def competency_profile(family: str, rng: np.random.Generator) -> dict[str, float]:
    """What the hiring team *believes* matters (not the truth): extras weigh double, with jitter."""
    comps = family_competencies(family)
    raw = np.array([2.0 if c in FAMILY_COMPETENCIES[family] else 1.0 for c in comps])
    raw = raw * rng.uniform(0.8, 1.2, size=len(comps))
    raw = raw / raw.sum()
    return {c: round(float(w), 3) for c, w in zip(comps, raw, strict=True)}
