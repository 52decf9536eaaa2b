"""Places in resume text: "Austin, TX", "Berlin, Germany", "Remote"; and a place cut off the end of
a company or school ("Acme Corp, Seattle, WA")."""

from __future__ import annotations

import re

from talentflow.resumes.lexicon import CITIES, NOT_NAME, REGIONS, TITLE_WORDS, US_STATES
from talentflow.resumes.normalize import fold
from talentflow.resumes.patterns import REMOTE_RE, SCHOOL_RE, SEPARATORS, URL_RE
from talentflow.resumes.roles import company_score

_PLACE = r"[A-ZÀ-Ý][\w'.À-ÿ-]*(?:\s+(?:[A-ZÀ-Ý][\w'.À-ÿ-]*|de|del|am|upon|on|la|le|sur))*"
LOCATION_RE = re.compile(
    rf"(?P<loc>{_PLACE}(?:,\s*{_PLACE})?,\s*(?P<region>[A-Z]{{2,3}}|{_PLACE}(?:\s+(?:of|and)\s+{_PLACE})?))(?:\s+\d{{4,5}}(?:-\d{{4}})?)?\s*$"
)


# LinkedIn's profile place: "New York City Metropolitan Area", "Greater Seattle Area", "Bengaluru".
_WORD = r"[A-ZÀ-Ý][\w'.À-ÿ-]*"
_AREA_RE = re.compile(
    rf"^(?:Greater(?:\s+{_WORD}){{1,4}}|{_WORD}(?:\s+{_WORD}){{0,4}}\s+(?:Metropolitan|Bay))\s+Area$"
)


def find_location(text: str) -> str | None:
    m = re.search(
        r"^\s*(?:location|address|based in|city|lives in|ort|ubicaci[oó]n|adresse)\s*[:\t]\s*(.+)$",
        text,
        re.I | re.M,
    ) or re.search(r"(?<=\s)(?<!mail\s)(?:address|location)\s*:\s*([^@\n]+)$", text, re.I | re.M)  # Europass
    if m:
        return _clean_location(m.group(1))
    remote = None
    for line in text.split("\n"):
        for part in SEPARATORS.split(line.removeprefix("• ")):
            part = part.strip(" ,;")
            if not part or "@" in part or URL_RE.search(part):
                continue
            if REMOTE_RE.match(part):
                remote = remote or part.strip()
                continue
            loc = location_in(part)
            if loc:
                return loc
            if _AREA_RE.match(part):
                return part
    return remote


def location_in(part: str) -> str | None:
    if any(ch.isdigit() for ch in part[:3]) and "," not in part:
        return None
    # drop a street address before the city: "12 Elm St, Springfield, IL 62704"
    segments = [s.strip() for s in part.split(",")]
    kept = [seg for seg in segments if not any(ch.isdigit() for ch in seg)]
    if len(kept) >= 2:
        segments = kept
    # "Warangal, Telangana (506005)", "Ljubljana, Slovenia (Main)"
    candidate = re.sub(r"\s*\([^)]*\)\s*$", "", ", ".join(segments))
    m = LOCATION_RE.search(candidate)
    if not m:
        return None
    region = m.group("region")
    if region.isupper() and len(region) <= 3:
        if region not in US_STATES and fold(region) not in REGIONS:
            return None
    elif fold(region) not in REGIONS:
        return None
    loc = m.group("loc").strip()
    first = fold(loc.split(",")[0])
    if first in NOT_NAME or any(w in TITLE_WORDS for w in first.split()):
        return None
    return loc


def split_trailing_location(text: str) -> tuple[str, str | None]:
    """("Acme Corp", "Seattle, WA") from "Acme Corp, Seattle, WA"; (text, None) without a place."""
    segments = [x.strip() for x in text.split(",")]
    if len(segments) < 2:
        return text, None
    for cut in range(1, len(segments)):
        tail = ", ".join(segments[cut:])
        head = ", ".join(segments[:cut])
        if not head:
            continue
        last = segments[-1]
        tail_is_place = (
            location_in(tail) is not None and len(segments) - cut <= 3 and not SCHOOL_RE.search(tail)
        ) or (
            len(segments) - cut == 1
            and (fold(last) in CITIES or fold(last) in REGIONS or REMOTE_RE.match(last))
        )
        if tail_is_place and not company_score(tail):
            return head, tail
    return text, None


def _clean_location(s: str) -> str | None:
    s = SEPARATORS.split(s.strip())[0].strip(" ,;")
    return location_in(s) or (s or None)
