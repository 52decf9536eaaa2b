"""Structured fields out of a normalised resume text: contact, education, work history, skills,
certifications and spoken languages. Each concern has its own module; this one puts them together."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from talentflow.resumes.certifications import list_items, parse_certifications, parse_languages
from talentflow.resumes.contact import find_email, find_name, find_phone
from talentflow.resumes.dates import total_years
from talentflow.resumes.education import parse_education_and_credentials
from talentflow.resumes.experience import parse_experience
from talentflow.resumes.model import Education, Experience
from talentflow.resumes.places import find_location
from talentflow.resumes.sections import Section, section_text, split_sections
from talentflow.resumes.taxonomy import Taxonomy
from talentflow.resumes.unknown_skills import unknown_skills


@dataclass
class Fields:
    name: str | None
    email: str | None
    phone: str | None
    location: str | None
    summary: str | None
    skills: list[str]
    education: list[Education]
    experience: list[Experience]
    experience_years: float
    certifications: list[str]
    languages: list[str]
    projects: list[str]
    sections: list[str]
    unknown_skills: list[str] = field(default_factory=list)
    """Skills-section items the taxonomy does not know (the Chinese parser leaves it empty)."""


def extract_fields(text: str, taxonomy: Taxonomy, as_of: date | None = None) -> Fields:
    """All structured fields of one normalised resume text."""
    text = without_markdown(text)
    sections = split_sections(text)
    header = next((s for s in sections if s.name == "header"), Section("header", ""))
    contact_text = "\n".join(s.text for s in sections if s.name in ("header", "contact"))
    experience = parse_experience(section_text(sections, "experience"))
    education, credentials = parse_education_and_credentials(section_text(sections, "education"))
    skills_text = _join_wrapped_lists(section_text(sections, "skills"))
    cert_scope = "\n".join(
        s.text for s in sections if s.name in ("header", "summary", "skills", "certifications", "education")
    )
    return Fields(
        name=find_name(header.lines or text.split("\n")[:12], text, taxonomy),
        email=find_email(text),
        phone=find_phone(contact_text) or find_phone(text),
        location=find_location(contact_text) or find_location("\n".join(text.split("\n")[:15])),
        summary=_summary(sections),
        skills=taxonomy.find_skills(
            _without_employers(text, experience, section_text(sections, "certifications")), skills_text
        ),
        unknown_skills=unknown_skills(skills_text, taxonomy),
        education=education,
        experience=experience,
        experience_years=total_years([(e.start, e.end) for e in experience if e.start], as_of),
        certifications=parse_certifications(
            "\n".join([section_text(sections, "certifications"), *credentials]), cert_scope, taxonomy
        ),
        languages=parse_languages(section_text(sections, "languages"), skills_text, taxonomy),
        projects=list_items(section_text(sections, "projects")),
        sections=[s.name for s in sections],
    )


_MD_HEADING = re.compile(r"^#{1,6}\s+", re.M)
_MD_EMPHASIS = re.compile(r"(?<!\w)(\*\*|__)(\S(?:.*?\S)?)\1(?!\w)")
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)")
# "**Degree** | School": normalising took the first "*" for a bullet and left "• *Degree** | School"
_MD_BOLD_LINE = re.compile(r"^• \*(?=\S)(.+?)\*\*", re.M)


def without_markdown(text: str) -> str:
    """The text without Markdown markup ("### Python Developer | OCTA", "**Master of AI**", "[Link]()"),
    which resumes written as README-style text carry. Only the fields are read from it: the stored
    text and its hash stay those of the file."""
    text = _MD_BOLD_LINE.sub(r"\1", _MD_HEADING.sub("", text))
    text = _MD_EMPHASIS.sub(r"\2", text)
    return _MD_LINK.sub(r"\1", text)


def _join_wrapped_lists(text: str) -> str:
    """Join a comma-separated list wrapped over lines ("…, Territory Planning, Project" + "Management")."""
    out: list[str] = []
    for line in text.split("\n"):
        prev = out[-1] if out else ""
        if prev and line.strip() and ", " in prev and not line.startswith("• ") and ":" not in line[:25]:
            out[-1] = f"{prev.rstrip()} {line.strip()}"
        else:
            out.append(line)
    return "\n".join(out)


def _without_employers(text: str, experience: list[Experience], certifications: str = "") -> str:
    """The text without employer names, job titles and certification lines: "Bluefin Analytics",
    "Business Development Representative" or "Salesforce Certified Administrator" claim no skill."""
    names = {e.company for e in experience if e.company} | {e.title for e in experience if e.title}
    names |= {ln.strip().removeprefix("• ") for ln in certifications.split("\n")}
    for name in sorted((n for n in names if len(n) > 2), key=len, reverse=True):
        text = re.sub(rf"(?<![\w&]){re.escape(name)}(?![\w&])", " ", text)
    return text


def _summary(sections: list[Section]) -> str | None:
    text = " ".join(ln.strip() for ln in section_text(sections, "summary").split("\n") if ln.strip())
    return text[:1000] or None
