"""What the platform must rediscover, written to ``ground_truth/``: per candidate (latent competencies,
bias, outcome) and for the world (the models, weights and hazard that generated it)."""

from __future__ import annotations

from talentflow_demo.world import audio
from talentflow_demo.world.params import (
    ALL_COMPETENCIES,
    FAMILY_COMPETENCIES,
    GENERAL_COMPETENCIES,
    GENERATOR_VERSION,
    RELATIVE_WEIGHTS,
    BiasSpec,
    WorldParams,
    true_weights,
)
from talentflow_demo.world.people import Candidate
from talentflow_demo.world.timeline import Timeline
from talentflow_demo.world.workforce import CHUNK


def candidate_truth(c: Candidate, timeline: Timeline, recorded: list[Candidate]) -> dict:
    return {
        "candidate_id": c.candidate_id,
        "person_id": c.person_id,
        "duplicate_of": c.duplicate_of,
        "name": f"{c.first_name} {c.last_name}",
        "requisition_id": c.requisition.requisition_id,
        "job_family": c.requisition.job_family,
        "source": c.source,
        "applied_at": timeline.iso(c.applied_day),
        "latent": {k: round(float(v), 4) for k, v in zip(ALL_COMPETENCIES, c.latent, strict=True)},
        "motivation": c.motivation,
        "consent": c.consent,
        "demographics": {
            "sex": c.sex,
            "ethnicity": c.ethnicity,
            "age_band": c.age_band,
            "disclosed": c.demographics_disclosed,
        },
        "biased": c.biased,
        "stage_reached": c.stage,
        "hired": c.hired,
        "employee_id": c.employee_id,
        "interview_id": c.interview_id,
        "observed_quality": c.observed_quality,
        "answer_levels": c.answer_levels,
        "answer_source": c.extras.get("answer_source", "generated") if c.interview_id else None,
        "recorded": any(r.candidate_id == c.candidate_id for r in recorded),
        "resume_file": c.resume_file,
    }


def world_truth(
    params: WorldParams,
    seed: int,
    timeline: Timeline,
    candidates: int,
    employees: int,
    years: int,
    recordings: int,
    spec: BiasSpec | None,
    audio_source: str,
    recorded: list[Candidate],
    attendance: str,
    counts: dict,
) -> dict:
    hz = params.hazard
    return {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "sizes": {"candidates": candidates, "employees": employees, "years": years, "recordings": recordings},
        "window": {"start": timeline.start.isoformat(), "end": timeline.end.isoformat()},
        "competencies": {
            "general": list(GENERAL_COMPETENCIES),
            "family_extras": {k: list(v) for k, v in FAMILY_COMPETENCIES.items()},
        },
        "true_weights": true_weights(params),
        "relative_weights": RELATIVE_WEIGHTS,
        "latent_model": {
            "formula": "z_c = loading * g + sqrt(1 - loading^2) * e_c; g, e_c ~ N(0, 1)",
            "loading": params.general_factor_loading,
        },
        "performance_model": {
            "formula": "perf_q = sum_c true_weights[family][c] * z_c + person_effect + slope * years_in_window + noise",
            "weights_scaled_to_unit_variance": True,
            "person_effect_sd": params.person_effect_sd,
            "noise_sd": params.performance_noise_sd,
            "slope_sd": params.slope_sd,
            "decliner_share": params.decliner_share,
            "decliner_slope": params.decliner_slope,
            "rating_cuts": list(params.rating_cuts),
            "training_effect": params.training_effect,
        },
        "interview_model": {
            "formula": "observed_c = z_c + noise - bias; answer level = 1 + number of cuts below observed_c",
            "noise_sd": params.interview_noise_sd,
            "answer_level_cuts": list(params.answer_level_cuts),
        },
        "hazard": {
            "formula": "quarterly h_vol = base_voluntary * exp(sum coefficient * term); "
            "h_inv = base_involuntary * exp(low_rating * indicator); P(exit) = 1 - exp(-(h_vol + h_inv))",
            "indicators": {
                "growth_without_promotion": f"motivation == growth and >= {hz.promotion_gap_years} years since last promotion",
                "declining_performance": f"slope * years_in_window < -{hz.decline_threshold}",
                "pay_below_band": "base salary below the grade minimum of the year",
                "underpaid": "(grade midpoint - base salary) / (grade midpoint - grade minimum), clipped to [0, 2]",
                "overtime": "overtime_prone",
                "early_tenure": f"less than {hz.early_tenure_years:g} years since the hire date",
                "low_rating": f"last two quarterly ratings <= {hz.low_rating_max}",
            },
            **{k: v for k, v in params.to_dict()["hazard"].items()},
        },
        "at_risk_definition": "employee had the growth_without_promotion indicator on in at least one quarter",
        "bias": None
        if spec is None
        else {
            "attribute": spec.attribute,
            "group": spec.group,
            "size": spec.size,
            "applies_to": "observed interview answer quality only",
        },
        "audio": {
            "source": audio_source,
            "recorded_interviews": [c.interview_id for c in recorded],
            "sample_rate": audio.SAMPLE_RATE,
            "words_per_minute": audio.WORDS_PER_MINUTE,
        },
        "attendance": attendance,
        "chunk_size": CHUNK,
        "params": params.to_dict(),
        "counts": counts,
    }
