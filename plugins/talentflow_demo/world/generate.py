"""Build a whole world into a folder: company, resumes, interviews, recordings, HRIS exports, truth.

The same seed and sizes give byte-identical files on the same machine (with or without espeak-ng, the
audio differs between the two cases, and truth.json says which one was used).
"""

from __future__ import annotations

import csv
import json
import math
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from talentflow.core.errors import UserError
from talentflow_demo.world import audio, lexicon
from talentflow_demo.world.company import departments, make_requisitions
from talentflow_demo.world.hris import HrisExporter, training_catalog
from talentflow_demo.world.interviews import answer_text, pick_question
from talentflow_demo.world.params import (
    ALL_COMPETENCIES,
    FAMILY_COMPETENCIES,
    GENERAL_COMPETENCIES,
    GENERATOR_VERSION,
    RELATIVE_WEIGHTS,
    BiasSpec,
    WorldParams,
    family_competencies,
    true_weights,
)
from talentflow_demo.world.people import Candidate, make_candidates, run_funnel
from talentflow_demo.world.resumes import choose_style, file_stem, fixed_time, truth_record, write_resume
from talentflow_demo.world.timeline import Timeline
from talentflow_demo.world.workforce import CHUNK, build_roster, emp_id

MARKER = ".talentflow-world"
SUBDIRS = ("company", "resumes", "interviews", "recordings", "candidates", "hris", "ground_truth")
CONSENT_PURPOSE = "automated_interview_scoring"
QUESTIONS_PER_INTERVIEW = len(GENERAL_COMPETENCIES) + 2

Progress = Callable[[str, int, int], None]


@dataclass
class WorldSummary:
    out: Path
    seed: int
    counts: dict[str, int]
    paths: dict[str, str]
    audio_source: str  # espeak-ng | sample_data | none
    attendance: str
    bias: dict | None
    warnings: list[str] = field(default_factory=list)


def _stream(seed: int, name: int) -> np.random.Generator:
    return np.random.default_rng([seed, name])


def _prepare_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; give a folder")
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise UserError(
                f"--out {out} is not empty and holds no TalentFlow world; choose an empty or new folder"
            )
        for name in SUBDIRS:
            shutil.rmtree(out / name, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text(
        "TalentFlow synthetic world; safe to delete and regenerate.\n", encoding="utf-8"
    )
    for name in SUBDIRS:
        (out / name).mkdir()
    for sub in ("interviews/transcripts", "interviews/manifests"):
        (out / sub).mkdir(parents=True)


def _dump(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def generate_world(
    out: Path | str,
    seed: int = 7,
    candidates: int = 300,
    employees: int = 200,
    years: int = 3,
    recordings: int = 24,
    bias: dict | BiasSpec | None = None,
    attendance: str = "daily",
    params: WorldParams | None = None,
    use_espeak: bool | None = None,
    sample_dir: Path | None = None,
    progress: Progress | None = None,
) -> WorldSummary:
    """Generate a world into ``out`` and return what was written.

    ``recordings`` counts audio files; it is rounded up to whole interviews of eight answers.
    ``bias`` (e.g. ``{"attribute": "sex", "group": "female", "size": 0.5}``) lowers the observed
    interview answer quality of that group. ``use_espeak=None`` synthesises speech when espeak-ng is
    installed and otherwise reuses the committed sample recordings.
    """
    out = Path(out)
    params = params or WorldParams()
    spec = BiasSpec.parse(bias)
    _validate(candidates, employees, years, recordings, attendance, spec)
    report = progress or (lambda stage, done, total: None)
    warnings: list[str] = []
    _prepare_out(out)
    timeline = Timeline(params.start, years)

    # company and recruiting
    report("company", 0, 1)
    reqs = make_requisitions(params, timeline, candidates, _stream(seed, 1))
    report("candidates", 0, 1)
    cands = make_candidates(params, timeline, reqs, candidates, _stream(seed, 2))
    run_funnel(params, timeline, cands, employees, spec, _stream(seed, 3))
    _dump(out / "company" / "departments.json", departments(params))

    # resumes
    resume_truth = _write_resumes(out, seed, timeline, cands, report)

    # interviews, recordings, manifests
    audio_source, recorded, audio_warnings = _write_interviews(
        out, seed, timeline, cands, recordings, use_espeak, sample_dir, report
    )
    warnings += audio_warnings
    _dump(out / "company" / "requisitions.json", [r.to_json() for r in reqs])
    _write_candidate_tables(out, timeline, cands)

    # workforce
    report("hris", 0, employees)
    hired = sorted((c for c in cands if c.hired), key=lambda c: (c.hired_day, c.candidate_id))
    roster = build_roster(params, timeline, hired, employees, _stream(seed, 4))
    for i in np.flatnonzero(roster.cand >= 0):
        hired[int(roster.cand[i])].employee_id = emp_id(int(i))
    sim = HrisExporter(
        params,
        timeline,
        seed,
        roster,
        hired,
        out / "hris",
        out / "ground_truth" / "employees.jsonl",
        attendance,
    )
    stats = sim.run(lambda done, total: report("hris", done, total))
    _dump(
        out / "hris" / "training_catalog.json",
        {"courses": training_catalog(), "exportedAt": timeline.end.isoformat()},
    )

    # ground truth
    with (out / "ground_truth" / "candidates.jsonl").open("w", encoding="utf-8") as fh:
        for c in cands:
            fh.write(json.dumps(_candidate_truth(c, timeline, recorded), ensure_ascii=False) + "\n")
    with (out / "ground_truth" / "resumes.jsonl").open("w", encoding="utf-8") as fh:
        for rec in resume_truth:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")

    formats = Counter(rec["format"] for rec in resume_truth)
    counts = {
        "departments": len(lexicon.DEPARTMENTS),
        "requisitions": len(reqs),
        "candidates": len(cands),
        "duplicate_candidates": sum(c.duplicate_of is not None for c in cands),
        "candidates_without_consent": sum(c.consent != "given" for c in cands),
        "resumes": len(resume_truth),
        "resumes_pdf": formats.get("pdf", 0),
        "resumes_docx": formats.get("docx", 0),
        "resumes_txt": formats.get("txt", 0),
        "interviews": sum(c.interview_id is not None for c in cands),
        "recorded_interviews": len(recorded),
        "recordings": len(recorded) * QUESTIONS_PER_INTERVIEW if audio_source != "none" else 0,
        "hired_candidates": len(hired),
        "employees": roster.size,
        "exits_voluntary": stats["exits_voluntary"],
        "exits_involuntary": stats["exits_involuntary"],
        "promotions": stats["promotions"],
        "performance_reviews": stats["reviews"],
        "attendance_rows": stats["rows"].get("attendance.csv", stats["rows"].get("attendance_weekly.csv", 0)),
    }
    truth = _truth(
        params,
        seed,
        timeline,
        candidates,
        employees,
        years,
        recordings,
        spec,
        audio_source,
        recorded,
        attendance,
        counts,
    )
    _dump(out / "ground_truth" / "truth.json", truth)
    report("done", 1, 1)
    paths = {name: str(out / name) for name in SUBDIRS}
    paths["truth"] = str(out / "ground_truth" / "truth.json")
    return WorldSummary(
        out=out,
        seed=seed,
        counts=counts,
        paths=paths,
        audio_source=audio_source,
        attendance=attendance,
        bias=truth["bias"],
        warnings=warnings,
    )


def _validate(
    candidates: int, employees: int, years: int, recordings: int, attendance: str, spec: BiasSpec | None
) -> None:
    if candidates < 0 or employees < 0 or recordings < 0:
        raise UserError("--candidates, --employees and --recordings must be 0 or more")
    if not 1 <= years <= 20:
        raise UserError(f"--years must be between 1 and 20, not {years}")
    if attendance not in ("daily", "weekly"):
        raise UserError(f"--attendance must be daily or weekly, not {attendance!r}")
    if spec is not None:
        allowed = {"sex": lexicon.SEXES, "ethnicity": lexicon.ETHNICITIES, "age_band": lexicon.AGE_BANDS}[
            spec.attribute
        ]
        if spec.group not in allowed:
            raise UserError(
                f"bias group {spec.group!r} is not a {spec.attribute} value; use one of {', '.join(allowed)}"
            )


def _write_resumes(
    out: Path, seed: int, timeline: Timeline, cands: list[Candidate], report: Progress
) -> list[dict]:
    rng = _stream(seed, 5)
    used: set[str] = set()
    records = []
    for n, c in enumerate(cands):
        style = choose_style(rng)
        stem = file_stem(c.resume.name, rng, timeline.date(c.applied_day).year)
        when = fixed_time(timeline.iso(c.applied_day))
        name = write_resume(out / "resumes", stem, c.resume, style, when, used)
        c.resume_file, c.resume_format, c.resume_layout = name, style.fmt, style.layout
        records.append(truth_record(name, c.candidate_id, c.resume, style))
        if n % 25 == 0:
            report("resumes", n, len(cands))
    report("resumes", len(cands), len(cands))
    return records


def _select_recorded(pool: list[Candidate], n: int, rng: np.random.Generator) -> list[Candidate]:
    """Pick ``n`` interviews to record; at least one without consent when there are two or more,
    so the scoring pipeline's consent gate is exercised."""
    if n <= 0 or not pool:
        return []
    without = [c for c in pool if c.consent != "given"]
    with_ = [c for c in pool if c.consent == "given"]
    chosen: list[Candidate] = []
    if n >= 2 and without:
        chosen.append(without[int(rng.integers(len(without)))])
    rest = [c for c in with_ if c not in chosen] or [c for c in pool if c not in chosen]
    take = min(n - len(chosen), len(rest))
    chosen += [rest[int(j)] for j in sorted(rng.choice(len(rest), size=take, replace=False))]
    return sorted(chosen, key=lambda c: c.candidate_id)


def _write_interviews(
    out: Path,
    seed: int,
    timeline: Timeline,
    cands: list[Candidate],
    recordings: int,
    use_espeak: bool | None,
    sample_dir: Path | None,
    report: Progress,
) -> tuple[str, list[Candidate], list[str]]:
    warnings: list[str] = []
    interviewed = [c for c in cands if c.interview_id is not None]
    n_wanted = math.ceil(recordings / QUESTIONS_PER_INTERVIEW)
    binary = audio.espeak_binary() if use_espeak in (None, True) else None
    if use_espeak and binary is None:
        raise UserError("espeak-ng was requested but is not installed (apt-get install espeak-ng)")
    pool = None
    rng = _stream(seed, 6)
    if n_wanted == 0:
        source = "none"
        recorded: list[Candidate] = []
    elif binary:
        source = "espeak-ng"
        recorded = _select_recorded(interviewed, n_wanted, rng)
    else:
        pool = audio.load_sample_pool(sample_dir or audio.SAMPLE_DIR)
        if pool is None:
            source, recorded = "none", []
            warnings.append(
                "espeak-ng is not installed and no sample recordings were found: no audio written"
            )
        else:
            source = "sample_data"
            families = {i["job_family"] for i in pool["interviews"]}
            recorded = _select_recorded(
                [c for c in interviewed if c.requisition.job_family in families], n_wanted, rng
            )
            why = "sample recordings were asked for" if use_espeak is False else "espeak-ng is not installed"
            warnings.append(
                f"{why}: {len(recorded)} recorded interviews reuse the committed sample recordings "
                f"({', '.join(sorted(families))} interviews only)"
            )
    if len(recorded) < n_wanted and source != "none":
        warnings.append(f"only {len(recorded)} interviews could be recorded ({n_wanted} wanted)")
    recorded_ids = {c.candidate_id for c in recorded}
    pool_by_family: dict[str, list[dict]] = {}
    for item in (pool or {}).get("interviews", []):
        pool_by_family.setdefault(item["job_family"], []).append(item)
    pool_use: Counter = Counter()
    report("interviews", 0, len(interviewed))
    for n_done, c in enumerate(interviewed, start=1):
        if n_done % 20 == 0 or c.candidate_id in recorded_ids:
            report("interviews", n_done, len(interviewed))
        family = c.requisition.job_family
        is_recorded = c.candidate_id in recorded_ids
        answers = []
        if is_recorded and source == "sample_data":
            options = pool_by_family[family]
            sample = options[pool_use[family] % len(options)]
            pool_use[family] += 1
            c.extras["answer_source"] = "sample_data"
            c.extras["sample_interview"] = sample["key"]
            for a in sample["answers"]:
                answers.append({k: a[k] for k in ("question_id", "competency", "question", "text")})
                c.answer_levels[a["competency"]] = int(a["level"])
        else:
            arng = np.random.default_rng([seed, 3001, int(c.candidate_id[1:])])
            company = c.resume.experience[0]["company"] if c.resume.experience else None
            for comp in family_competencies(family):
                question_id, question = pick_question(comp, arng)
                text = answer_text(comp, c.answer_levels[comp], arng, company=company, concise=is_recorded)
                answers.append(
                    {"question_id": question_id, "competency": comp, "question": question, "text": text}
                )
        transcript = {
            "interview_id": c.interview_id,
            "candidate_id": c.candidate_id,
            "requisition_id": c.requisition.requisition_id,
            "conducted_at": timeline.iso(c.interview_day),
            "language": "en",
            "answers": answers,
        }
        _dump(out / "interviews" / "transcripts" / f"{c.interview_id}.json", transcript)
        if not is_recorded:
            continue
        base = Path("recordings") / c.candidate_id / c.interview_id
        voice = audio.voice_for(c.sex, rng)
        c.extras["voice"] = voice if source == "espeak-ng" else None
        for a in answers:
            target = out / base / f"{a['question_id']}.wav"
            target.parent.mkdir(parents=True, exist_ok=True)
            if source == "espeak-ng":
                audio.synthesize(a["text"], target, voice=voice, binary=binary)
            else:
                src = next(s for s in sample["answers"] if s["question_id"] == a["question_id"])
                shutil.copyfile((sample_dir or audio.SAMPLE_DIR) / src["file"], target)
        task_id = f"task-{c.interview_id}"
        manifest = {
            "task_id": task_id,
            "candidate_id": c.candidate_id,
            "interview_id": c.interview_id,
            "requisition_id": c.requisition.requisition_id,
            "rubric_id": c.requisition.rubric_id,
            "language": "en",
            "consent": {
                "given": c.consent == "given",
                "recorded_at": None
                if c.consent == "missing"
                else f"{timeline.iso(c.consent_day)}T{c.consent_time}",
                "purpose": CONSENT_PURPOSE,
            },
            "answers": [
                {
                    "question_id": a["question_id"],
                    "competency": a["competency"],
                    "question": a["question"],
                    "recording": (base / f"{a['question_id']}.wav").as_posix(),
                }
                for a in answers
            ],
        }
        _dump(out / "interviews" / "manifests" / f"{task_id}.json", manifest)
    return source, recorded, warnings


def _write_candidate_tables(out: Path, timeline: Timeline, cands: list[Candidate]) -> None:
    folder = out / "candidates"
    with (folder / "applications.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            [
                "candidate_id",
                "requisition_id",
                "source",
                "applied_at",
                "stage_reached",
                "hired",
                "hired_at",
                "interview_id",
                "resume_file",
            ]
        )
        for c in cands:
            w.writerow(
                [
                    c.candidate_id,
                    c.requisition.requisition_id,
                    c.source,
                    timeline.iso(c.applied_day),
                    c.stage,
                    "true" if c.hired else "false",
                    timeline.iso(c.hired_day) if c.hired else "",
                    c.interview_id or "",
                    c.resume_file,
                ]
            )
    with (folder / "consents.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["candidate_id", "consent_given", "purpose", "recorded_at", "policy_version", "channel"])
        for n, c in enumerate(cands):
            if c.consent == "missing":
                continue  # never asked: no record at all
            w.writerow(
                [
                    c.candidate_id,
                    "true" if c.consent == "given" else "false",
                    CONSENT_PURPOSE,
                    f"{timeline.iso(c.consent_day)}T{c.consent_time}",
                    "2021.2" if c.consent_day < 365 else "2023.1",
                    ("web_form", "email", "recruiter")[n % 3],
                ]
            )
    with (folder / "demographics.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["candidate_id", "sex", "ethnicity", "age_band", "collected_at"])
        for c in cands:
            if c.demographics_disclosed:
                w.writerow([c.candidate_id, c.sex, c.ethnicity, c.age_band, timeline.iso(c.applied_day)])
            else:
                w.writerow(
                    [c.candidate_id, "undisclosed", "undisclosed", "undisclosed", timeline.iso(c.applied_day)]
                )


def _candidate_truth(c: Candidate, timeline: Timeline, recorded: list[Candidate]) -> dict:
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


def _truth(
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
