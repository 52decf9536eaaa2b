"""Split a normalised resume into sections by their headings ("Work History", "Professional
Experience", "Employment"… all mean *experience*); the headings are data (``data/headings.yaml``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from talentflow.resumes.lexicon import AMBIGUOUS_HEADINGS, HEADING_VOCABULARY, HEADINGS
from talentflow.resumes.normalize import fold

_LOOKUP = {h: section for section, names in HEADINGS.items() for h in names}
_KEYWORDS = [
    ("experience", ("experience", "employment", "work history", "career history", "erfahrung")),
    ("education", ("education", "academic", "formacion")),
    ("certifications", ("certif", "licens", "licenc")),
    ("skills", ("skills", "competenc", "technologies", "expertise", "proficienc")),
    ("projects", ("projects",)),
    ("languages", ("languages",)),
]
# Heading words that are also ordinary list items ("Leadership" in a list of skills) are a heading
# only when decorated (AMBIGUOUS_HEADINGS); a longer heading is made of heading vocabulary only.
_VOCAB = {w.rstrip("s") for names in HEADINGS.values() for n in names for w in n.split()} | HEADING_VOCABULARY
_DECOR = re.compile(r"^[\s#=*_~\-–—:|>•]+|[\s#=*_~\-–—:|<•]+$")


@dataclass
class Section:
    name: str
    """Canonical name: header (before any heading), summary, experience, education, skills,
    certifications, languages, projects, other, contact."""
    heading: str
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _canonical_heading(text: str) -> str | None:
    key = fold(_DECOR.sub("", text)).replace("&", " and ")
    key = re.sub(r"[^\w\s]", " ", key)
    key = re.sub(r"\s+", " ", key).strip()
    if not key or len(key.split()) > 5:
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    # "Professional Experiences", "Work Experience & Internships", "Technical Skills Summary": every
    # word must be heading vocabulary, so "Software Developer, Brightpath Education" is no heading
    if len(key.split()) <= 4 and all(w.rstrip("s") in _VOCAB or w in _VOCAB for w in key.split()):
        for section, stems in _KEYWORDS:
            if any(s in key for s in stems):
                return section
    return None


def heading_of(line: str) -> tuple[str, str] | None:
    """(section, rest-of-line) when ``line`` is a section heading, with ``rest`` the inline content
    of headings like "Skills: Python, SQL"; None otherwise."""
    stripped = line.strip()
    if not stripped or stripped.startswith("•"):
        return None
    if ":" in stripped:
        head, rest = stripped.split(":", 1)
        section = _canonical_heading(head) if len(head) <= 40 else None
        if (
            section
            and (rest.strip() or section != "other")
            and not (
                fold(_DECOR.sub("", head)) in AMBIGUOUS_HEADINGS
                and not rest.strip() == ""
                and section not in ("skills", "languages", "certifications")
            )
        ):
            return section, rest.strip()
        if rest.strip():
            return None
    if len(stripped) > 60:
        return None
    section = _canonical_heading(stripped)
    if section and fold(_DECOR.sub("", stripped)) in AMBIGUOUS_HEADINGS:
        decorated = stripped.isupper() or stripped.endswith(":") or stripped[0] in "#=*_"
        section = section if decorated else None
    if section:
        # a heading line is short and not a sentence; "Experience with Python." is content
        if stripped.endswith(".") or any(ch.isdigit() for ch in stripped):
            return None
        return section, ""
    if "\t" in stripped:  # "EXPERIENCE\t2015 – today" style: heading with a tab-aligned extra
        head = stripped.split("\t", 1)[0]
        section = _canonical_heading(head)
        if section and head.isupper():
            return section, ""
    return None


def split_sections(text: str) -> list[Section]:
    """Sections in order; the lines before the first heading are the ``header`` section."""
    sections = [Section("header", "")]
    for line in text.split("\n"):
        found = heading_of(line)
        if found and found[1] and sections[-1].name == "skills":
            found = None  # "Languages: Python, Go" inside Skills is a skills line, not a new section
        if found:
            name, rest = found
            sections.append(Section(name, line.strip()))
            if rest:
                sections[-1].lines.append(rest)
            continue
        sections[-1].lines.append(line)
    return [s for s in sections if s.lines or s.name != "header"]


def section_text(sections: list[Section], name: str) -> str:
    return "\n".join(s.text for s in sections if s.name == name)
