"""Build a whole world into a folder: company, resumes, interviews, recordings, HRIS exports, truth.

The same seed and sizes give byte-identical files on the same machine (with or without espeak-ng, the
audio differs between the two cases, and truth.json says which one was used).
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from talentflow.core.errors import UserError
from talentflow_demo.world import lexicon, resume_zh
from talentflow_demo.world.candidate_files import write_candidate_tables
from talentflow_demo.world.company import departments, make_requisitions
from talentflow_demo.world.hris import HrisExporter, training_catalog
from talentflow_demo.world.interview_files import QUESTIONS_PER_INTERVIEW, write_interviews
from talentflow_demo.world.params import (
    BiasSpec,
    WorldParams,
)
from talentflow_demo.world.people import Candidate, make_candidates, run_funnel
from talentflow_demo.world.resume_style import choose_style
from talentflow_demo.world.resumes import file_stem, fixed_time, truth_record, write_resume
from talentflow_demo.world.timeline import Timeline
from talentflow_demo.world.truth import candidate_truth, world_truth
from talentflow_demo.world.workforce import build_roster, emp_id

MARKER = ".talentflow-world"
SUBDIRS = ("company", "resumes", "interviews", "recordings", "candidates", "hris", "ground_truth")

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
    locale: str | None = None,
) -> WorldSummary:
    """Generate a world into ``out`` and return what was written.

    ``recordings`` counts audio files; it is rounded up to whole interviews of eight answers.
    ``bias`` (e.g. ``{"attribute": "sex", "group": "female", "size": 0.5}``) lowers the observed
    interview answer quality of that group. ``use_espeak=None`` synthesises speech when espeak-ng is
    installed and otherwise reuses the committed sample recordings.
    ``locale`` ``zh-CN`` builds a Chinese company (Chinese names, resumes, interviews and Mandarin
    recordings, CNY pay); the default ``en`` is Larkspur Systems. It must agree with ``params.locale``.
    """
    out = Path(out)
    if locale is not None and locale not in lexicon.LOCALES:
        raise UserError(f"--locale must be one of {', '.join(lexicon.LOCALES)}, not {locale!r}")
    if params is not None and locale is not None and params.locale != locale:
        raise UserError(f"locale {locale!r} disagrees with params.locale {params.locale!r}")
    params = params or WorldParams.for_locale(locale or "en")
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
    resume_truth = _write_resumes(out, seed, timeline, cands, report, params.locale)

    # interviews, recordings, manifests
    audio_source, recorded, audio_warnings = write_interviews(
        out, seed, timeline, cands, recordings, use_espeak, sample_dir, report, params.locale
    )
    warnings += audio_warnings
    _dump(out / "company" / "requisitions.json", [r.to_json() for r in reqs])
    write_candidate_tables(out, timeline, cands)

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
            fh.write(json.dumps(candidate_truth(c, timeline, recorded), ensure_ascii=False) + "\n")
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
    truth = world_truth(
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
    out: Path, seed: int, timeline: Timeline, cands: list[Candidate], report: Progress, locale: str = "en"
) -> list[dict]:
    rng = _stream(seed, 5)
    used: set[str] = set()
    records = []
    lex = lexicon.for_locale(locale)
    for n, c in enumerate(cands):
        year = timeline.date(c.applied_day).year
        when = fixed_time(timeline.iso(c.applied_day))
        if locale == "zh-CN":
            style = resume_zh.choose_style(rng)
            stem = resume_zh.file_stem(c.resume.name, rng, year, lex)
            name = write_resume(out / "resumes", stem, c.resume, style, when, used, resume_zh.render)
        else:
            style = choose_style(rng)
            stem = file_stem(c.resume.name, rng, year)
            name = write_resume(out / "resumes", stem, c.resume, style, when, used)
        c.resume_file, c.resume_format, c.resume_layout = name, style.fmt, style.layout
        records.append(truth_record(name, c.candidate_id, c.resume, style))
        if n % 25 == 0:
            report("resumes", n, len(cands))
    report("resumes", len(cands), len(cands))
    return records
