"""How one resume looks: file format, layout, section names, date format and bullet style drawn per
candidate (``Style``), and the document model every renderer draws from (``build_blocks``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from talentflow_demo.world.resume_content import ResumeContent

FORMATS = ("pdf", "docx", "txt")
FORMAT_SHARES = (0.45, 0.35, 0.20)
LAYOUTS = ("one_column", "two_column", "bullets")
LAYOUT_SHARES = (0.45, 0.25, 0.30)
HEADINGS = {
    "summary": ("Summary", "Profile", "Professional Summary", "About Me", "Objective"),
    "experience": (
        "Experience",
        "Work Experience",
        "Professional Experience",
        "Employment History",
        "Career History",
    ),
    "education": ("Education", "Academic Background", "Education & Training", "Qualifications"),
    "skills": ("Skills", "Technical Skills", "Core Competencies", "Key Skills", "Expertise"),
    "certifications": ("Certifications", "Licenses & Certifications", "Certificates"),
    "languages": ("Languages", "Language Skills"),
    "contact": ("Contact", "Contact Details", "Personal Details"),
}
DATE_FORMATS = ("iso", "slash", "abbr", "full", "dot")
PRESENT_WORDS = ("Present", "Current", "Now", "today")
RANGE_SEPARATORS = (" - ", " to ", " -- ", " \u2013 ")
BULLETS = ("-", "*", "\u00b7", "o", "\u2022")
MONTHS_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_FULL = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Characters the PDF core fonts cannot show, and what to print instead.
PDF_REPLACEMENTS = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2022": "\u00b7", "\u2019": "'"})


@dataclass(frozen=True)
class Style:
    fmt: str
    layout: str
    headings: dict[str, str]
    date_format: str
    present: str
    separator: str
    upper_headings: bool
    entry_style: int
    bullet: str
    skills_inline: bool


def choose_style(rng: np.random.Generator, fmt: str | None = None) -> Style:
    def pick(options):
        return options[int(rng.integers(len(options)))]

    fmt = fmt or FORMATS[int(rng.choice(len(FORMATS), p=FORMAT_SHARES))]
    return Style(
        fmt=fmt,
        layout=LAYOUTS[int(rng.choice(len(LAYOUTS), p=LAYOUT_SHARES))],
        headings={k: pick(v) for k, v in HEADINGS.items()},
        date_format=pick(DATE_FORMATS),
        present=pick(PRESENT_WORDS),
        separator=pick(RANGE_SEPARATORS),
        upper_headings=bool(rng.random() < 0.4),
        entry_style=int(rng.integers(3)),
        bullet=pick(BULLETS),
        skills_inline=bool(rng.random() < 0.5),
    )


def format_month(ym: str | None, style: Style) -> str:
    if ym is None:
        return style.present
    year, month = int(ym[:4]), int(ym[5:7])
    return {
        "iso": f"{year:04d}-{month:02d}",
        "slash": f"{month:02d}/{year:04d}",
        "abbr": f"{MONTHS_ABBR[month - 1]} {year}",
        "full": f"{MONTHS_FULL[month - 1]} {year}",
        "dot": f"{year:04d}.{month:02d}",
    }[style.date_format]


# --------------------------------------------------------------------------------- document model
# A resume is rendered from a list of blocks: ("name", text), ("line", text), ("heading", key),
# ("para", text), ("entry", headline, dates, bullets), ("bullets", items).


def _heading(style: Style, key: str) -> str:
    label = style.headings[key]
    return label.upper() if style.upper_headings else label


def _entry_headline(job: dict, style: Style) -> str:
    title, company = job["title"], job["company"]
    return (f"{title}, {company}", f"{company} | {title}", f"{title} at {company}")[style.entry_style]


def _education_line(edu: dict, style: Style) -> str:
    label = f"{edu['label']} in {edu['field']}" if edu["label"] not in ("MBA",) else edu["label"]
    return (
        f"{label}, {edu['school']}, {edu['year']}",
        f"{edu['school']} | {label} ({edu['year']})",
        f"{edu['year']}  {label}, {edu['school']}",
    )[style.entry_style]


def build_blocks(c: ResumeContent, style: Style) -> tuple[list[tuple], list[tuple]]:
    """(sidebar, main) block lists; one-column layouts put everything in ``main``."""
    contact = [c.email, c.phone_display, c.location]
    langs = [f"{lang} ({level})" for lang, level in c.languages]
    experience: list[tuple] = []
    for job in c.experience:
        dates = f"{format_month(job['start'], style)}{style.separator}{format_month(job['end'], style)}"
        experience.append(("entry", _entry_headline(job, style), dates, list(job["bullets"])))
    education = [("para", _education_line(e, style)) for e in c.education]
    skills: list[tuple] = (
        [("para", ", ".join(c.skills))]
        if style.skills_inline and style.layout != "bullets"
        else [("bullets", list(c.skills))]
    )
    main: list[tuple] = [("heading", _heading(style, "summary")), ("para", c.summary)]
    main += [("heading", _heading(style, "experience"))] + experience
    if education:
        main += [("heading", _heading(style, "education"))] + education
    side: list[tuple] = []
    if style.layout == "two_column":
        side += [("heading", _heading(style, "contact"))] + [("line", x) for x in contact]
        side += [("heading", _heading(style, "skills")), ("bullets", list(c.skills))]
        side += [("heading", _heading(style, "languages")), ("bullets", langs)]
        if c.certifications:
            side += [("heading", _heading(style, "certifications")), ("bullets", list(c.certifications))]
        head = [("name", c.name), ("line", c.title)]
        return side, head + main
    head: list[tuple] = [("name", c.name)]
    if style.layout == "bullets":
        head += [("bullets", contact)]
    else:
        head += [("line", " | ".join(contact))]
    tail: list[tuple] = [("heading", _heading(style, "skills"))] + skills
    if c.certifications:
        tail += [("heading", _heading(style, "certifications")), ("bullets", list(c.certifications))]
    tail += [("heading", _heading(style, "languages"))]
    tail += [("bullets", langs)] if style.layout == "bullets" else [("para", ", ".join(langs))]
    # some people put skills first, most put them last
    if style.entry_style == 1:
        return [], head + tail + main
    return [], head + main + tail
