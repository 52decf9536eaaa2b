"""Resume files as people really send them: PDF, DOCX and plain text in several layouts, with
different section names, date formats and bullet styles. The content comes from ``ResumeContent``
and is also written, normalised, to ``ground_truth/resumes.jsonl`` for parser tests.

Files are byte-stable for a seed: PDF creation dates and DOCX core properties and zip entry times are
fixed, and PDFs use the built-in Helvetica font (no font embedding, a few KB per file).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from talentflow_demo.world.draw import ascii_slug
from talentflow_demo.world.resume_content import ResumeContent
from talentflow_demo.world.resume_render import render
from talentflow_demo.world.resume_style import Style

# --------------------------------------------------------------------------------- files
FILE_PATTERNS = (
    "{First}_{Last}_CV",
    "{first}-{last}-resume",
    "Resume_{First}{Last}",
    "{LAST}_{First}_{year}",
    "cv_{first}{last}",
    "{First}{Last}",
)


def file_stem(name: str, rng: np.random.Generator, year: int) -> str:
    parts = ascii_slug(name).replace("'", "").replace(".", "").split()
    first, last = parts[0], parts[-1]
    pattern = FILE_PATTERNS[int(rng.integers(len(FILE_PATTERNS)))]
    return pattern.format(
        First=first, Last=last, first=first.lower(), last=last.lower(), LAST=last.upper(), year=year
    )


def truth_record(file: str, candidate_id: str, c: ResumeContent, style: Style) -> dict:
    return {
        "file": file,
        "candidate_id": candidate_id,
        "format": style.fmt,
        "layout": style.layout,
        "name": c.name,
        "email": c.email,
        "phone": c.phone,
        "phone_display": c.phone_display,
        "location": c.location,
        "title": c.title,
        "skills": list(c.skills),
        "education": [
            {
                "degree": e["degree"],
                "school": e["school"],
                "year": e["year"],
                "field": e["field"],
                "label": e["label"],
            }
            for e in c.education
        ],
        "experience": [
            {"company": j["company"], "title": j["title"], "start": j["start"], "end": j["end"]}
            for j in c.experience
        ],
        "experience_years": c.experience_years,
        "certifications": list(c.certifications),
        "languages": [lang for lang, _ in c.languages],
        "section_headings": {k: style.headings[k] for k in ("summary", "experience", "education", "skills")},
        "date_format": style.date_format,
    }


def write_resume(
    out_dir: Path,
    stem: str,
    c: ResumeContent,
    style: Style,
    when: datetime,
    used: set[str],
    renderer: Callable[[ResumeContent, Any, datetime], bytes] = render,
) -> str:
    """Write one resume under ``out_dir`` and return its file name (unique: '_2' etc. on a clash).

    ``renderer`` makes the bytes: ``resume_render.render`` (English) or ``resume_zh.render``."""
    name = f"{stem}.{style.fmt}"
    k = 2
    while name.lower() in used:
        name = f"{stem}_{k}.{style.fmt}"
        k += 1
    used.add(name.lower())
    (out_dir / name).write_bytes(renderer(c, style, when))
    return name


def fixed_time(day_iso: str) -> datetime:
    return datetime.fromisoformat(day_iso).replace(hour=9, tzinfo=UTC)
