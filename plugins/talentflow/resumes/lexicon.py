"""Word lists the resume parser reads, shipped as YAML in ``talentflow/resumes/data/`` and loaded once:
places (``places.yaml``), job-title and employer words (``job_words.yaml``), name words
(``names.yaml``) and section headings (``headings.yaml``). The skills taxonomy has its own loader
(:mod:`talentflow.resumes.taxonomy`), since operators extend it."""

from __future__ import annotations

from talentflow.core.datafiles import packaged_yaml
from talentflow.resumes.normalize import fold


def _data(name: str) -> dict:
    return packaged_yaml("talentflow.resumes", name)


def _folded(words: list[str]) -> frozenset[str]:
    return frozenset(fold(w) for w in words)


HEADINGS: dict[str, list[str]] = _data("headings.yaml")["sections"]
"""Canonical section -> the (folded) headings that start it."""
AMBIGUOUS_HEADINGS = frozenset(_data("headings.yaml")["ambiguous"])
HEADING_VOCABULARY = frozenset(_data("headings.yaml")["vocabulary"])

US_STATES = frozenset(_data("places.yaml")["region_codes"])
"""Region codes matched as written: US states, Canadian provinces, Australian states."""
REGIONS = _folded(_data("places.yaml")["regions"])
CITIES = _folded(_data("places.yaml")["cities"])

TITLE_WORDS = frozenset(_data("job_words.yaml")["title_words"])
COMPANY_WORDS = frozenset(_data("job_words.yaml")["company_words"])

NAME_PARTICLES = frozenset(_data("names.yaml")["particles"])
NOT_NAME = frozenset(_data("names.yaml")["not_name"]) | {
    w for names in HEADINGS.values() for n in names for w in n.split() if len(w) > 3
}
"""Words that rule a line out as the candidate's name, the longer heading words among them."""
