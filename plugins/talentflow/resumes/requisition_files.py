"""A requisition from a file, for ``talentflow resume match``: the same mapping the DAG reads from
``raw.ats_requisitions`` (requisition_id, title, description, required_skills,
min_experience_years, degree), so matching runs the DAG's code unchanged.

- JSON or YAML: a requisition object. Hard requirements may sit at the top level or under
  ``hard_requirements`` (``skills``/``required_skills``, ``min_experience_years``/``min_years``,
  ``degree``); a competency profile (``competencies``/``competency_profile``: a list of names, or a
  mapping of name to level or weight) joins the text the resumes are compared with.
- Anything else is a job description as text: its first line is the title, the skills the taxonomy
  finds are required, "N+ years" is the minimum experience and a named degree is the minimum degree.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from talentflow.core.errors import UserError
from talentflow.resumes.education import degree_level
from talentflow.resumes.taxonomy import Taxonomy, load_taxonomy

_YEARS_RE = re.compile(
    r"(\d{1,2})(?:\s*(?:-|to|–)\s*\d{1,2})?\s*\+?\s*(?:years?|yrs?)(?:'s)?\b(?:\s+of)?", re.IGNORECASE
)


def load_requisition(path: Path, taxonomy: Taxonomy | None = None) -> dict[str, Any]:
    """The requisition mapping of one file (see the module text); a UserError says what is wrong."""
    if not path.is_file():
        raise UserError(f"{path}: no such requisition file")
    text = path.read_text(encoding="utf-8", errors="replace")
    suffix = path.suffix.lower()
    if suffix in (".json", ".yaml", ".yml"):
        try:
            if suffix == ".json":
                obj = json.loads(text)
            else:
                import yaml

                obj = yaml.safe_load(text)
        except Exception as exc:  # json.JSONDecodeError, yaml.YAMLError
            raise UserError(f"{path}: not valid {suffix[1:].upper()} ({str(exc).splitlines()[0]})") from None
        if not isinstance(obj, dict):
            raise UserError(f"{path}: a requisition is one object (mapping)")
        return requisition_from_mapping(obj, default_id=path.stem)
    return requisition_from_text(text, default_id=path.stem, taxonomy=taxonomy)


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip()]
    if isinstance(value, dict):
        return [str(k) for k in value]
    if isinstance(value, list):
        out = []
        for item in value:
            if isinstance(item, dict):
                item = item.get("name") or item.get("skill") or item.get("competency")
            if item:
                out.append(str(item))
        return out
    raise UserError(f"expected a list of names, got {type(value).__name__}")


def requisition_from_mapping(obj: dict[str, Any], default_id: str = "requisition") -> dict[str, Any]:
    hard = obj.get("hard_requirements") or {}
    if not isinstance(hard, dict):
        raise UserError("hard_requirements must be a mapping")
    skills = _names(
        hard.get("required_skills") or hard.get("skills") or obj.get("required_skills") or obj.get("skills")
    )
    years = hard.get("min_experience_years", hard.get("min_years", obj.get("min_experience_years")))
    try:
        years = float(years) if years not in (None, "") else None
    except (TypeError, ValueError):
        raise UserError(f"min_experience_years must be a number, got {years!r}") from None
    competencies = _names(obj.get("competency_profile") or obj.get("competencies"))
    description = str(obj.get("description") or "").strip()
    if competencies:
        description = f"{description} Competencies: {', '.join(competencies)}.".strip()
    return {
        "requisition_id": str(obj.get("requisition_id") or obj.get("id") or default_id),
        "title": str(obj.get("title") or ""),
        "description": description,
        "required_skills": skills,
        "min_experience_years": years,
        "degree": hard.get("degree") or obj.get("degree"),
        "competencies": competencies,
        "status": "open",  # matching by hand: whatever the ATS says, rank against it
    }


def requisition_from_text(
    text: str, default_id: str = "requisition", taxonomy: Taxonomy | None = None
) -> dict[str, Any]:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise UserError("the job description is empty")
    tax = taxonomy or load_taxonomy()
    years = [int(m.group(1)) for m in _YEARS_RE.finditer(text) if int(m.group(1)) <= 40]
    return {
        "requisition_id": default_id,
        "title": lines[0][:200],
        "description": " ".join(lines[1:])[:4000],
        "required_skills": tax.find_skills(text),
        "min_experience_years": float(min(years)) if years else None,
        "degree": degree_level(text),
        "competencies": [],
        "status": "open",
    }
