"""Certifications and spoken languages: list sections read item by item and matched against the
skills taxonomy."""

from __future__ import annotations

import re

from talentflow.resumes.dates import find_dates
from talentflow.resumes.normalize import fold
from talentflow.resumes.patterns import SEPARATORS
from talentflow.resumes.taxonomy import Taxonomy


def list_items(section: str) -> list[str]:
    """List items; in a bulleted list a line without a bullet continues the item above (a narrow
    sidebar wraps "AWS Certified Solutions" / "Architect")."""
    items: list[str] = []
    raw_lines = [ln.strip() for ln in section.split("\n") if ln.strip()]
    bulleted = sum(ln.startswith("• ") for ln in raw_lines) >= max(1, len(raw_lines) // 2)
    prev_bullet = False
    for raw in raw_lines:
        is_bullet = raw.startswith("• ")
        line = raw.removeprefix("• ").strip()
        if bulleted and not is_bullet and prev_bullet and items and not find_dates(line):
            items[-1] = f"{items[-1]} {line}"
            continue
        items.append(line)
        prev_bullet = is_bullet
    return items


def parse_certifications(section: str, scope: str, taxonomy: Taxonomy) -> list[str]:
    """Certifications: the Certifications section item by item (issuer and dates cut off), plus known
    certifications named in the header, summary, skills or education."""
    found: dict[str, None] = {}
    for item in list_items(section):
        parts = [p for p in re.split(r";\s*", item) if p.strip()]
        commas = [p.strip() for p in item.split(",") if p.strip()]
        if len(parts) == 1 and len(commas) >= 3 and not re.search(r"\d{4}", item):
            parts = commas  # "PMP, CSM, ITIL Foundation"
        for part in parts:
            name = SEPARATORS.split(part)[0]
            name = re.sub(r"\(.*?\)", "", name)
            name = re.sub(
                r",?\s*(?:issued|obtained|earned|expires?|valid|credential id|license|licence)\b.*$",
                "",
                name,
                flags=re.I,
            )
            if "," in name and not taxonomy.canonical_certification(name):
                name = name.split(",")[0]  # "Registered Nurse, Georgia Board of Nursing"
            name = re.sub(
                r"[,\s]+(?:(?:19|20)\d\d|\d{1,2}/\d{4}|[A-Z][a-z]{2,8}\.? (?:19|20)\d\d)\s*$", "", name
            ).strip(" ,-–—")
            if len(name) < 2:
                continue
            found.setdefault(taxonomy.canonical_certification(name) or name, None)
    for cert in taxonomy.find_certifications(scope):
        if not any(fold(cert) in fold(f) or fold(f) in fold(cert) for f in found):
            found.setdefault(cert, None)
    return list(found)


def parse_languages(section: str, skills_text: str, taxonomy: Taxonomy) -> list[str]:
    """Spoken languages from the Languages section (or a "Languages:" line among the skills)."""
    text = section
    for line in skills_text.split("\n"):
        m = re.match(r"^\s*(?:•\s*)?(?:spoken\s+)?languages?\s*[:\t]\s*(.+)$", line, re.I)
        if m:
            text += "\n" + m.group(1)
    found: dict[str, None] = {}
    for item in re.split(r"[,;\n\t|•/·]|\s+-\s+|\s+–\s+", text):
        item = re.sub(r"\(.*?\)|\[.*?\]", " ", item)
        item = re.split(r"[:–—]|\s-\s", item)[0]
        words = item.split()
        for n in (3, 2, 1):
            hit = None
            for i in range(len(words) - n + 1):
                hit = taxonomy.spoken_language(" ".join(words[i : i + n]))
                if hit:
                    break
            if hit:
                found.setdefault(hit, None)
                break
    return list(found)
