"""Skills a resume's skills section lists that the taxonomy does not know ("Sqoop", "Stata", "OCaml").

They are kept as written, apart from the canonical skills, so HR sees them and can add them to the
taxonomy; matching uses only canonical skills, so nothing unknown counts for or against a match.
"""

from __future__ import annotations

import re

from talentflow.resumes.normalize import fold
from talentflow.resumes.sections import heading_of
from talentflow.resumes.taxonomy import Taxonomy

_ITEM_SPLIT = re.compile(r"\s*(?:,|;|\s\|\s|\s•\s|\s·\s|\t)\s*")
_LABEL = re.compile(r"^[^,:]{1,40}:\s*")
"""A group label before the list: "Programming Languages: ", "Data Science: "."""
_LEVEL = re.compile(
    r"\s*(?:\((?:[^)]*)\)|[-–]\s*(?:beginner|intermediate|advanced|expert|rookie|basic|fluent|native))\s*$",
    re.I,
)
_VERSION = re.compile(r":\s*[\d.]+$")
MAX_WORDS = 4
NOT_SKILL_LISTS = {
    "interests",
    "hobbies",
    "language",
    "languages",
    "spoken languages",
    "coursework",
    "relevant coursework",
    "core subjects",
}


def unknown_skills(skills_section: str, taxonomy: Taxonomy) -> list[str]:
    """Items of the skills section that are not taxonomy skills, as written, first mention first."""
    found: dict[str, str] = {}
    for raw in skills_section.split("\n"):
        line = raw.strip().removeprefix("• ").strip()
        label = _LABEL.match(line)
        if label and fold(label.group(0).strip(" :")) in NOT_SKILL_LISTS:
            continue  # "Interests: Ultimate Frisbee", "Languages: French"
        line = _LABEL.sub("", line)
        if "\t" in line and "," not in line.split("\t", 1)[0]:
            line = line.split("\t", 1)[1]  # "Big Data Tools<tab>Hadoop, Spark": a label column
        line = re.sub(r"\s*\([^()]*\)", "", line)  # "Firebase (Auth, Firestore)": the parent is the skill
        items = [i for i in _ITEM_SPLIT.split(line) if i.strip()]
        if len(items) < 4 and any(len(i.split()) > 6 for i in items):
            continue  # prose that strayed into the section ("Research Intern at … worked on …")
        for item in items:
            item = _VERSION.sub("", _LEVEL.sub("", item.strip(" .*")).strip(" .*"))
            if not _skill_like(item) or taxonomy.canonical(item) or taxonomy.find_skills(item, item):
                continue
            if heading_of(item) is not None:
                continue  # "Internship", "Projects": a heading, not a skill
            found.setdefault(fold(item), item)
    return list(found.values())


def _skill_like(item: str) -> bool:
    words = item.split()
    if not words or len(words) > MAX_WORDS or len(item) > 40:
        return False
    if not re.search(r"[A-Za-z]", item) or item[0].isdigit():
        return False
    # "and", "etc", "tools": the joints of a list, not skills
    return fold(item) not in {"and", "etc", "others", "other", "tools", "more", "and more", "basics"}
