"""How sure the parser is of each field, and whether a person should look at the resume.

The scores are rules over what was found (an entry with company, title and dates is surer than one
with dates alone), not calibrated probabilities: they order fields for review. A resume
``needs_review`` when a field HR cannot do without is missing or unsure: the name, a way to reach the
person (e-mail or phone) and at least one work or education entry.
"""

from __future__ import annotations

import re

from talentflow.resumes.model import Education, Experience, ParsedResume

UNSURE = 0.6
"""Below this a required field counts as unsure."""

_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:[-'’.][^\W\d_]+)*\.?$")


def name_confidence(name: str | None, from_structured: bool = False) -> float:
    if not name:
        return 0.0
    if from_structured:
        return 1.0
    words = name.split()
    if any(not _NAME_WORD.match(w) for w in words):
        return 0.4
    if 2 <= len(words) <= 4:
        return 0.9
    if len(words) == 1 and len(name) >= 2 and not name.isascii():  # 张伟, 田中太郎: one token
        return 0.8
    return 0.5


def phone_confidence(phone: str | None) -> float:
    if not phone:
        return 0.0
    digits = sum(ch.isdigit() for ch in phone)
    return 0.9 if 10 <= digits <= 15 else 0.6 if 7 <= digits <= 9 else 0.3


def experience_entry_confidence(job: Experience) -> float:
    """Dates anchor an entry; company and title are each worth a third."""
    return round((bool(job.start) + bool(job.company) + bool(job.title)) / 3, 2)


def education_entry_confidence(edu: Education) -> float:
    return round((bool(edu.degree or edu.degree_level) + bool(edu.school) + bool(edu.year)) / 3, 2)


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 2) if values else 0.0


def assess(resume: ParsedResume, from_structured: bool = False) -> tuple[dict[str, float], list[str]]:
    """(confidence per field, review reason codes) of one parsed resume."""
    conf = {
        "name": name_confidence(resume.name, from_structured),
        "email": 0.95 if resume.email else 0.0,
        "phone": phone_confidence(resume.phone),
        "location": 0.7 if resume.location else 0.0,
        "skills": (0.9 if "skills" in resume.sections else 0.7) if resume.skills else 0.0,
        "experience": _mean([experience_entry_confidence(j) for j in resume.experience]),
        "education": _mean([education_entry_confidence(e) for e in resume.education]),
    }
    current = any(j.start and j.end is None for j in resume.experience)
    if not resume.experience:
        conf["experience_years"] = 0.0
    elif not current or resume.as_of_source in ("given", "file_metadata"):
        conf["experience_years"] = 0.9
    else:  # "present" read against a guessed date
        conf["experience_years"] = 0.6 if resume.as_of_source == "latest_date" else 0.5
    if from_structured:
        conf.update({k: max(v, 0.95) for k, v in conf.items() if k in ("email", "phone") and v})
    reasons: list[str] = []
    if not resume.name:
        reasons.append("missing_name")
    elif conf["name"] < UNSURE:
        reasons.append("unsure_name")
    if not resume.email and not resume.phone:
        reasons.append("missing_contact")
    if not resume.experience and not resume.education:
        reasons.append("missing_history")
    elif max(conf["experience"], conf["education"]) < UNSURE:
        reasons.append("unsure_history")
    return conf, reasons
