"""Word lists for the fictional world: names, employers, schools, skills, titles, read once from
``talentflow_demo/world/data/lexicon.yaml`` (lists become tuples, so nothing can change them).

Every string is Latin-1 so PDFs can use the built-in fonts (small, fast, byte-stable files).
Organisations and schools are invented; phone numbers use the 555-01xx fictional range.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from types import ModuleType, SimpleNamespace
from typing import Any

from talentflow.core.datafiles import packaged_yaml

LOCALES: tuple[str, ...] = ("en", "zh-CN")
LOCALE = "en"


def frozen(value: Any) -> Any:
    """``value`` with every list a tuple, recursively (mappings stay dicts)."""
    if isinstance(value, list):
        return tuple(frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: frozen(v) for k, v in value.items()}
    return value


_DATA: dict[str, Any] = frozen(packaged_yaml("talentflow_demo.world", "lexicon.yaml"))

FIRST_NAMES_FEMALE: tuple[str, ...] = _DATA["first_names_female"]
FIRST_NAMES_MALE: tuple[str, ...] = _DATA["first_names_male"]
FIRST_NAMES_NEUTRAL: tuple[str, ...] = _DATA["first_names_neutral"]
LAST_NAMES: tuple[str, ...] = _DATA["last_names"]
MIDDLE_INITIALS: str = _DATA["middle_initials"]

SEXES: tuple[str, ...] = _DATA["sexes"]
SEX_SHARES: tuple[float, ...] = _DATA["sex_shares"]
ETHNICITIES: tuple[str, ...] = _DATA["ethnicities"]
ETHNICITY_SHARES: tuple[float, ...] = _DATA["ethnicity_shares"]
AGE_BANDS: tuple[str, ...] = _DATA["age_bands"]

SOURCES: tuple[str, ...] = _DATA["sources"]
SOURCE_SHARES: tuple[float, ...] = _DATA["source_shares"]

CITIES: tuple[str, ...] = _DATA["cities"]
OFFICES: tuple[str, ...] = _DATA["offices"]
US_AREA_CODES: tuple[str, ...] = _DATA["us_area_codes"]
PERSONAL_EMAIL_DOMAINS: tuple[str, ...] = _DATA["personal_email_domains"]

EMPLOYERS: tuple[str, ...] = _DATA["employers"]
SCHOOLS: tuple[str, ...] = _DATA["schools"]
FIELDS_OF_STUDY: dict[str, tuple[str, ...]] = _DATA["fields_of_study"]
DEGREE_LABELS: dict[str, tuple[str, ...]] = _DATA["degree_labels"]

SKILLS: dict[str, tuple[str, ...]] = _DATA["skills"]
COMMON_SKILLS: tuple[str, ...] = _DATA["common_skills"]
CERTIFICATIONS: dict[str, tuple[str, ...]] = _DATA["certifications"]
LANGUAGES: tuple[str, ...] = _DATA["languages"]
LANGUAGE_LEVELS: tuple[str, ...] = _DATA["language_levels"]

RESUME_TITLES: dict[str, tuple[tuple[str, ...], ...]] = _DATA["resume_titles"]
"""Per family, the titles candidates write at each level (1..4)."""
JOB_ARCHITECTURE: dict[str, tuple[str, tuple[str, ...], tuple[int, ...]]] = _DATA["job_architecture"]
"""The company's own job architecture: (job code prefix, title per level, grade midpoints in USD)."""
DEPARTMENTS: tuple[tuple[str, str, str, str], ...] = _DATA["departments"]
"""Departments: (code, name, primary family, cost centre)."""

PROJECTS: tuple[str, ...] = _DATA["projects"]
ACHIEVEMENTS: dict[str, tuple[str, ...]] = _DATA["achievements"]


# Names in the Chinese lexicon are ``name: pinyin`` mappings; these keys become the English ones.
_ZH_NAME_KEYS = {
    "family_names": "last_names",
    "given_names_female": "first_names_female",
    "given_names_male": "first_names_male",
    "given_names_neutral": "first_names_neutral",
}


@lru_cache(maxsize=1)
def _chinese() -> SimpleNamespace:
    zh = packaged_yaml("talentflow_demo.world", "lexicon_zh.yaml")
    pinyin: dict[str, str] = {}
    merged = dict(_DATA)
    for key, value in zh.items():
        if key in _ZH_NAME_KEYS:
            pinyin.update(value)
            merged[_ZH_NAME_KEYS[key]] = tuple(value)
        else:
            merged[key] = frozen(value)
    return SimpleNamespace(
        LOCALE="zh-CN", PINYIN=pinyin, **{key.upper(): value for key, value in merged.items()}
    )


def for_locale(locale: str) -> ModuleType | SimpleNamespace:
    """The word lists of the company in ``locale``: this module for ``en``, the same names read from
    ``data/lexicon_zh.yaml`` for ``zh-CN`` (a Chinese company: Chinese names, cities, CNY bands)."""
    if locale == "en":
        return sys.modules[__name__]
    if locale == "zh-CN":
        return _chinese()
    raise ValueError(f"no world lexicon for locale {locale!r}; use one of {', '.join(LOCALES)}")
