"""The skills taxonomy: canonical skills with synonyms ("JS" → JavaScript, "k8s" → Kubernetes),
certifications and spoken languages, shipped as ``talentflow/resumes/data/skills.yaml``.

Operators extend it without editing the shipped file: ``TALENTFLOW_SKILLS_TAXONOMY`` names one or
more YAML files of the same shape (separated by ``:``), or pass ``extra_paths`` to
:func:`load_taxonomy`. An entry whose name exists adds its spellings; a new name adds a skill.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from talentflow.resumes.normalize import fold

ENV_VAR = "TALENTFLOW_SKILLS_TAXONOMY"
BUNDLED = Path(__file__).resolve().parent / "data" / "skills.yaml"
MAX_NGRAM = 6

# Tokens keep the characters that make "C++", "C#", ".NET", "Node.js" what they are; hyphens,
# slashes and spaces all separate tokens so "CI/CD", "CI-CD" and "CI CD" are the same phrase.
_TOKEN = re.compile(r"\.?[\w+#&]+(?:\.[\w+#]+)*")
_CLAUSE_SPLIT = re.compile(r"[,;:|()\[\]{}\n\t•·]|\s-\s|\s–\s|\.\s")


class TaxonomyError(ValueError):
    """The taxonomy file is malformed; the message names the file and the entry."""


def _key(tokens: Iterable[str]) -> str:
    return " ".join(fold(t) for t in tokens)


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text)


@dataclass
class Taxonomy:
    skills: dict[str, str] = field(default_factory=dict)
    """folded phrase → canonical skill name (case-insensitive spellings)"""
    exact: dict[str, str] = field(default_factory=dict)
    """exact-case phrase → canonical (case-sensitive spellings, anywhere)"""
    list_only: dict[str, str] = field(default_factory=dict)
    """exact-case phrase → canonical (only inside skills sections)"""
    categories: dict[str, str] = field(default_factory=dict)
    certifications: dict[str, str] = field(default_factory=dict)
    spoken: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    # ---- building ---------------------------------------------------------------------------------
    def add_file(self, path: Path) -> None:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise TaxonomyError(f"cannot read skills taxonomy {path} ({ENV_VAR}): {exc}") from exc
        if not isinstance(data, dict):
            raise TaxonomyError(f"{path}: expected a mapping with 'skills:' at the top")
        for i, entry in enumerate(data.get("skills") or []):
            if not isinstance(entry, dict) or not entry.get("name"):
                raise TaxonomyError(f"{path}: skills[{i}] needs a 'name'")
            self.add_skill(
                str(entry["name"]),
                aliases=entry.get("aliases") or [],
                case_sensitive=entry.get("case_sensitive") or [],
                in_skill_lists=entry.get("in_skill_lists") or [],
                category=entry.get("category"),
            )
        for entry in data.get("certifications") or []:
            name = str(entry["name"])
            for alias in [name, *(entry.get("aliases") or [])]:
                self.certifications[_key(tokenize(str(alias)))] = name
        for name, aliases in (data.get("spoken_languages") or {}).items():
            for alias in [name, *(aliases or [])]:
                self.spoken[fold(str(alias)).strip()] = str(name)
        self.sources.append(str(path))

    def add_skill(
        self,
        name: str,
        aliases: Sequence[str] = (),
        case_sensitive: Sequence[str] = (),
        in_skill_lists: Sequence[str] = (),
        category: str | None = None,
    ) -> None:
        name = self.canonical(name) or name
        if category or name not in self.categories:
            self.categories[name] = category or self.categories.get(name) or "other"
        strict = {str(a) for a in [*case_sensitive, *in_skill_lists]}
        if name not in strict:
            self.skills[_key(tokenize(name))] = name
        for alias in aliases:
            self.skills[_key(tokenize(str(alias)))] = name
        for alias in case_sensitive:
            self.exact[" ".join(tokenize(str(alias)))] = name
        for alias in in_skill_lists:
            self.list_only[" ".join(tokenize(str(alias)))] = name

    # ---- lookups ----------------------------------------------------------------------------------
    def canonical(self, phrase: str) -> str | None:
        """The canonical skill for one phrase ("k8s" → "Kubernetes"), or None."""
        tokens = tokenize(phrase)
        return (
            self.skills.get(_key(tokens))
            or self.exact.get(" ".join(tokens))
            or self.list_only.get(" ".join(tokens))
        )

    def find_skills(self, text: str, skill_lists: str = "") -> list[str]:
        """Canonical skills mentioned in ``text``, in order of first mention, longest phrase first.

        ``skill_lists`` is the text of the Skills section(s), where ambiguous spellings ("Go", "R")
        count too.
        """
        found: dict[str, None] = {}
        self._scan(text, found, lists=False)
        if skill_lists:
            self._scan(skill_lists, found, lists=True)
        return list(found)

    def _scan(self, text: str, found: dict[str, None], lists: bool) -> None:
        for clause in _CLAUSE_SPLIT.split(text):
            tokens = tokenize(clause)
            i = 0
            while i < len(tokens):
                step = 1
                for n in range(min(MAX_NGRAM, len(tokens) - i), 0, -1):
                    window = tokens[i : i + n]
                    hit = self.skills.get(_key(window)) or self.exact.get(" ".join(window))
                    if hit is None and lists:
                        hit = self.list_only.get(" ".join(window))
                    if hit is not None:
                        found.setdefault(hit, None)
                        step = n
                        break
                i += step

    def find_certifications(self, text: str) -> list[str]:
        found: dict[str, None] = {}
        for clause in _CLAUSE_SPLIT.split(text):
            tokens = tokenize(clause)
            for n in range(min(8, len(tokens)), 0, -1):
                for i in range(len(tokens) - n + 1):
                    hit = self.certifications.get(_key(tokens[i : i + n]))
                    if hit:
                        found.setdefault(hit, None)
        return list(found)

    def canonical_certification(self, phrase: str) -> str | None:
        return self.certifications.get(_key(tokenize(phrase)))

    def spoken_language(self, phrase: str) -> str | None:
        return self.spoken.get(fold(phrase).strip())


def taxonomy_paths(extra_paths: Sequence[str | Path] = ()) -> list[Path]:
    """The bundled file, then files from TALENTFLOW_SKILLS_TAXONOMY, then ``extra_paths``."""
    paths = [BUNDLED]
    from talentflow.core.config import get_settings

    env = get_settings().skills_taxonomy.strip()
    if env:
        paths += [Path(p).expanduser() for p in env.split(os.pathsep) if p.strip()]
    paths += [Path(p) for p in extra_paths]
    return paths


@lru_cache(maxsize=8)
def _load(paths: tuple[Path, ...]) -> Taxonomy:
    tax = Taxonomy()
    for path in paths:
        if not path.is_file():
            raise TaxonomyError(f"skills taxonomy file not found: {path} (check {ENV_VAR})")
        tax.add_file(path)
    return tax


def load_taxonomy(extra_paths: Sequence[str | Path] = ()) -> Taxonomy:
    """The taxonomy in force (cached per set of files; treat it as read-only)."""
    return _load(tuple(taxonomy_paths(extra_paths)))
