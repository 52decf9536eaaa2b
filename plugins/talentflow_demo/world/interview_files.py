"""The interviews of a world: a transcript for every interviewed candidate, scoring-task manifests
(DESIGN.md contract) and audio for the recorded ones, consent included."""

from __future__ import annotations

import json
import math
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

from talentflow.core.errors import UserError
from talentflow_demo.world import audio
from talentflow_demo.world.interviews import answer_text, pick_question
from talentflow_demo.world.params import (
    GENERAL_COMPETENCIES,
    family_competencies,
)
from talentflow_demo.world.people import Candidate
from talentflow_demo.world.timeline import Timeline

CONSENT_PURPOSE = "automated_interview_scoring"
QUESTIONS_PER_INTERVIEW = len(GENERAL_COMPETENCIES) + 2


def _dump(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def select_recorded(pool: list[Candidate], n: int, rng: np.random.Generator) -> list[Candidate]:
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


def write_interviews(
    out: Path,
    seed: int,
    timeline: Timeline,
    cands: list[Candidate],
    recordings: int,
    use_espeak: bool | None,
    sample_dir: Path | None,
    report: Callable[[str, int, int], None],
    locale: str = "en",
) -> tuple[str, list[Candidate], list[str]]:
    """Transcripts, manifests and recordings; ``zh-CN`` interviews are in Chinese (``language:
    zh-CN``) and spoken by espeak-ng's Mandarin voice. The committed samples are English, so a
    Chinese world without espeak-ng has no audio."""
    warnings: list[str] = []
    interviewed = [c for c in cands if c.interview_id is not None]
    n_wanted = math.ceil(recordings / QUESTIONS_PER_INTERVIEW)
    binary = audio.espeak_binary() if use_espeak in (None, True) else None
    if use_espeak and binary is None:
        raise UserError("espeak-ng was requested but is not installed (apt-get install espeak-ng)")
    mandarin = locale == "zh-CN"
    if mandarin and binary and not audio.pinyin_available():
        binary = None
        warnings.append("pypinyin is not installed (make setup-zh): a Chinese world has no recordings")
    pool = None
    rng = np.random.default_rng([seed, 6])
    if n_wanted == 0:
        source = "none"
        recorded: list[Candidate] = []
    elif binary:
        source = "espeak-ng"
        recorded = select_recorded(interviewed, n_wanted, rng)
    elif locale != "en":
        source, recorded = "none", []
        warnings.append(
            "espeak-ng is not installed: a Chinese world has no recordings (the samples are English)"
        )
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
            recorded = select_recorded(
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
                question_id, question = pick_question(comp, arng, locale)
                text = answer_text(
                    comp, c.answer_levels[comp], arng, company=company, concise=is_recorded, locale=locale
                )
                answers.append(
                    {"question_id": question_id, "competency": comp, "question": question, "text": text}
                )
        transcript = {
            "interview_id": c.interview_id,
            "candidate_id": c.candidate_id,
            "requisition_id": c.requisition.requisition_id,
            "conducted_at": timeline.iso(c.interview_day),
            "language": locale,
            "answers": answers,
        }
        _dump(out / "interviews" / "transcripts" / f"{c.interview_id}.json", transcript)
        if not is_recorded:
            continue
        base = Path("recordings") / c.candidate_id / c.interview_id
        voice = audio.voice_for(c.sex, rng, locale)
        c.extras["voice"] = voice if source == "espeak-ng" else None
        for a in answers:
            target = out / base / f"{a['question_id']}.wav"
            target.parent.mkdir(parents=True, exist_ok=True)
            if source == "espeak-ng" and mandarin:
                spoken = audio.mandarin_pinyin(a["text"])
                audio.synthesize(spoken, target, voice=voice, binary=binary, speed=audio.MANDARIN_SPEED)
            elif source == "espeak-ng":
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
            "language": locale,
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
