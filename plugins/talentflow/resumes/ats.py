"""Resumes exported by an ATS as JSON: the JSON Resume schema (``basics``, ``work``, ``education``…)
and flat exports (``name``, ``email``, ``experience``/``positions``…), keys matched by synonym."""

from __future__ import annotations

import re
from typing import Any

from talentflow.resumes.dates import find_dates, parse_date

_KEYS = {
    "name": ["name", "full_name", "fullname", "candidate_name", "display_name"],
    "first_name": ["first_name", "firstname", "given_name", "givenname"],
    "last_name": ["last_name", "lastname", "family_name", "familyname", "surname"],
    "email": ["email", "email_address", "emails", "primary_email", "mail"],
    "phone": ["phone", "phone_number", "phones", "mobile", "telephone", "mobile_phone", "primary_phone"],
    "location": ["location", "address", "city", "current_location", "residence"],
    "summary": ["summary", "profile", "objective", "headline", "about", "label"],
    "experience": [
        "work",
        "experience",
        "work_experience",
        "employment",
        "employment_history",
        "positions",
        "jobs",
        "work_history",
        "experiences",
    ],
    "education": ["education", "educations", "schools", "degrees", "academic_history"],
    "skills": ["skills", "skill", "competencies", "technologies", "tags"],
    "certifications": ["certifications", "certificates", "certs", "licenses", "credentials"],
    "languages": ["languages", "spoken_languages", "language_skills"],
    "projects": ["projects"],
    "resume_text": ["resume_text", "text", "raw_text", "plain_text", "body", "content", "cv_text"],
}
_CONTAINERS = ["basics", "candidate", "applicant", "profile", "person", "contact", "personal", "data"]


def _norm_key(k: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", k.lower()).strip("_")


def _get(obj: Any, field: str, depth: int = 0) -> Any:
    if not isinstance(obj, dict):
        return None
    keys = {_norm_key(k): v for k, v in obj.items()}
    for name in _KEYS.get(field, [field]):
        if name in keys and keys[name] not in (None, "", [], {}):
            return keys[name]
    if depth < 2:
        for c in _CONTAINERS:
            if c in keys and isinstance(keys[c], dict):
                found = _get(keys[c], field, depth + 1)
                if found not in (None, "", [], {}):
                    return found
    return None


def _str(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, list):
        v = v[0] if v else None
        if isinstance(v, dict):
            v = v.get("value") or v.get("address") or v.get("number") or next(iter(v.values()), None)
    if isinstance(v, dict):
        parts = [v.get(k) for k in ("city", "region", "state", "country", "countryCode") if v.get(k)]
        if parts:
            return ", ".join(dict.fromkeys(str(p) for p in parts[:2]))
        v = v.get("value") or v.get("name")
    s = str(v).strip() if v is not None else ""
    return s or None


def _ym(v: Any, is_end: bool = False) -> str | None:
    if v in (None, ""):
        return None
    s = str(v).strip()
    m = re.match(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?", s)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    if re.fullmatch(r"(?i)present|current|now|ongoing", s):
        return None
    d = parse_date(s, is_end=is_end)
    if d:
        return d
    found = find_dates(s)
    return found[0][0] if found else None


def _first(d: dict, *names: str) -> Any:
    keys = {_norm_key(k): v for k, v in d.items()}
    for n in names:
        if keys.get(n) not in (None, ""):
            return keys[n]
    return None


def structured_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """The resume fields an ATS record states directly (skills are names as exported)."""
    name = _str(_get(obj, "name"))
    if not name:
        first, last = _str(_get(obj, "first_name")), _str(_get(obj, "last_name"))
        name = " ".join(p for p in (first, last) if p) or None
    work = []
    for job in _get(obj, "experience") or []:
        if not isinstance(job, dict):
            continue
        end_raw = _first(job, "enddate", "end_date", "end", "to", "until", "date_end")
        current = _first(job, "current", "is_current", "currently_working")
        work.append(
            {
                "company": _str(
                    _first(job, "name", "company", "company_name", "employer", "organization", "organisation")
                ),
                "title": _str(_first(job, "position", "title", "job_title", "role")),
                "start": _ym(_first(job, "startdate", "start_date", "start", "from", "date_start")),
                "end": None if current is True else _ym(end_raw, is_end=True),
                "summary": " ".join(
                    str(x)
                    for x in [_first(job, "summary", "description") or "", *(_first(job, "highlights") or [])]
                ).strip(),
            }
        )
    education = []
    for ed in _get(obj, "education") or []:
        if not isinstance(ed, dict):
            continue
        degree = _str(_first(ed, "studytype", "study_type", "degree", "degree_name", "qualification"))
        area = _str(_first(ed, "area", "field", "field_of_study", "major"))
        if degree and area and area.lower() not in degree.lower():
            degree = f"{degree} in {area}"
        end = _first(ed, "enddate", "end_date", "graduation_year", "year", "graduation_date", "end")
        year = None
        if end not in (None, ""):
            m = re.search(r"(19|20)\d\d", str(end))
            year = int(m.group(0)) if m else None
        education.append(
            {
                "degree": degree or area,
                "school": _str(_first(ed, "institution", "school", "school_name", "university", "college")),
                "year": year,
            }
        )
    skills: list[str] = []
    for s in _get(obj, "skills") or []:
        if isinstance(s, dict):
            skills += [str(x) for x in [s.get("name"), *(s.get("keywords") or [])] if x]
        elif s:
            skills.append(str(s))
    if isinstance(_get(obj, "skills"), str):
        skills = [p.strip() for p in re.split(r"[,;\n]", _get(obj, "skills")) if p.strip()]
    certs = []
    for c in _get(obj, "certifications") or []:
        certs.append(str(c.get("name") or c.get("title")) if isinstance(c, dict) else str(c))
    langs = []
    for lang in _get(obj, "languages") or []:
        langs.append(str(lang.get("language") or lang.get("name")) if isinstance(lang, dict) else str(lang))
    projects = []
    for p in _get(obj, "projects") or []:
        if isinstance(p, dict):
            projects.append(
                " ".join(
                    str(x)
                    for x in [p.get("name") or "", p.get("description") or "", *(p.get("highlights") or [])]
                ).strip()
            )
        else:
            projects.append(str(p))
    return {
        "name": name,
        "email": _str(_get(obj, "email")),
        "phone": _str(_get(obj, "phone")),
        "location": _str(_get(obj, "location")),
        "summary": _str(_get(obj, "summary")),
        "experience": work,
        "education": education,
        "skills": skills,
        "certifications": [c for c in certs if c and c != "None"],
        "languages": [lang for lang in langs if lang and lang != "None"],
        "projects": projects,
        "resume_text": _str(_get(obj, "resume_text")),
    }


def render_text(obj: dict[str, Any]) -> str:
    """A plain-text resume of the ATS record, for language detection, embeddings and identity."""
    f = structured_fields(obj)
    if f["resume_text"]:
        return f["resume_text"]
    out = [f["name"] or "", " | ".join(x for x in (f["email"], f["phone"], f["location"]) if x)]
    if f["summary"]:
        out += ["", "Summary", f["summary"]]
    if f["experience"]:
        out += ["", "Experience"]
        for job in f["experience"]:
            dates = f"{job['start'] or ''} – {job['end'] or 'present'}"
            out.append("\t".join(x for x in (job["title"] or "", job["company"] or "", dates) if x))
            if job["summary"]:
                out.append(job["summary"])
    if f["education"]:
        out += ["", "Education"]
        for ed in f["education"]:
            out.append("\t".join(str(x) for x in (ed["degree"], ed["school"], ed["year"]) if x))
    if f["skills"]:
        out += ["", "Skills", ", ".join(f["skills"])]
    if f["certifications"]:
        out += ["", "Certifications", *f["certifications"]]
    if f["languages"]:
        out += ["", "Languages", ", ".join(f["languages"])]
    if f["projects"]:
        out += ["", "Projects", *f["projects"]]
    return "\n".join(out).strip()
