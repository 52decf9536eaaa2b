"""Contact details from the top of a resume: the candidate's name, e-mail address and phone number."""

from __future__ import annotations

import re

from talentflow.resumes.dates import looks_like_date_range
from talentflow.resumes.lexicon import CITIES, NAME_PARTICLES, NOT_NAME, TITLE_WORDS
from talentflow.resumes.normalize import fold
from talentflow.resumes.patterns import EMAIL_RE, PHONE_RE, SEPARATORS, URL_RE
from talentflow.resumes.places import location_in
from talentflow.resumes.taxonomy import Taxonomy

_NAME_TOKEN = re.compile(
    r"^(?:[A-ZÀ-Ý][a-zà-ÿ'’\-]+|[A-ZÀ-Ý][A-ZÀ-Ý'’\-]+|[A-Z]\.|Mc[A-Z][a-z]+|O'[A-Z][a-z]+)$"
)


def find_email(text: str) -> str | None:
    m = EMAIL_RE.search(text)
    return m.group(0).strip(".").lower() if m else None


def find_phone(text: str) -> str | None:
    """The first phone number: 7–15 digits, not a date range, preferring labelled or +-prefixed ones."""
    clean = URL_RE.sub(" ", EMAIL_RE.sub(" ", text))
    candidates = []
    for m in PHONE_RE.finditer(clean):
        raw = m.group(0).strip(" .-")
        digits = re.sub(r"\D", "", raw)
        if not 7 <= len(digits) <= 15 or looks_like_date_range(raw):
            continue
        if re.fullmatch(r"(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d", raw):
            continue
        before = clean[max(0, m.start() - 12) : m.start()].lower()
        labelled = any(
            k in before for k in ("phone", "tel", "mobile", "cell", "mob", "☎", "📞", "handy", "móvil")
        )
        strong = labelled or raw.startswith("+") or "(" in raw or len(digits) >= 10
        candidates.append((not strong, m.start(), raw))
    if not candidates:
        return None
    return min(candidates)[2]


def find_name(header_lines: list[str], text: str, taxonomy: Taxonomy | None = None) -> str | None:
    """The candidate's name: a "Name:" label, else the first name-like line at the top."""
    m = re.search(r"^\s*(?:full\s+)?name\s*[:\t]\s*(.+)$", text[:2000], re.I | re.M)
    if m and _name_like(m.group(1).strip()):
        return _tidy_name(m.group(1).strip())
    for line in [ln for ln in header_lines if ln.strip()][:8]:
        line = re.sub(r"^[#*_\s]+|[*_\s]+$", "", line)
        line = re.sub(r"^(?:Dr|Mr|Mrs|Ms|Mx|Prof|Dra)\.?\s+", "", line)
        for part in SEPARATORS.split(line.strip()):
            part = re.sub(
                r",\s*(?:Ph\.?D|MBA|PMP|CPA|MSc|BSc|MD|RN|P\.?Eng|CFA|PE)\.?\b.*$", "", part.strip()
            )
            if _name_like(part) and not (taxonomy and taxonomy.canonical(part)):
                return _tidy_name(part)
            break  # only the first segment of a line can be the name
    return None


def _name_like(s: str) -> bool:
    if not s or any(ch.isdigit() for ch in s) or "@" in s or len(s) > 50:
        return False
    tokens = s.replace(",", " ").split()
    if not 2 <= len(tokens) <= 5:
        return False
    if any(fold(t.strip(".")) in NOT_NAME for t in tokens):
        return False
    if any(fold(t) in TITLE_WORDS for t in tokens) or location_in(s) or fold(tokens[0].strip(",")) in CITIES:
        return False
    real = [t for t in tokens if t.lower() not in NAME_PARTICLES]
    return len(real) >= 2 and all(_NAME_TOKEN.match(t) for t in real)


def _tidy_name(s: str) -> str:
    tokens = s.split()
    if all(t.isupper() or not t.isalpha() for t in tokens):
        tokens = [t if len(t.strip(".")) == 1 else _cap(t) for t in tokens]
    return " ".join(tokens)


def _cap(token: str) -> str:
    # JEAN-LUC O'NEILL -> Jean-Luc O'Neill
    return re.sub(r"[A-Za-zÀ-ÿ]+", lambda m: m.group(0).capitalize(), token.lower())
