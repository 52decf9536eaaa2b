"""Degrees from the education section (level, school, graduation year); professional certificates
listed under Education go back to the certifications."""

from __future__ import annotations

import re

from talentflow.resumes.dates import find_date_ranges, find_dates
from talentflow.resumes.lexicon import CITIES, REGIONS
from talentflow.resumes.model import Education
from talentflow.resumes.normalize import fold
from talentflow.resumes.patterns import SCHOOL_RE, SEPARATORS
from talentflow.resumes.places import location_in, split_trailing_location


def _abbr(*letters_list: str) -> str:
    """BFA -> B.F.A. / BFA / B.F.A / B F A (dotted or not)."""
    out = []
    for letters in letters_list:
        out.append(r"\.?\s?".join(re.escape(ch) for ch in letters) + r"\.?")
    return "(?:" + "|".join(out) + r")(?![\w])"


DEGREE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "doctorate",
        re.compile(
            r"\b(?:Ph\.?\s?D\.?|D\.?Phil\.?|Doctor(?:ate)?\s+(?:of|in)\b|Doctorate|Doktor|Dr\.\s?rer|Doctorado|"
            r"Doutorado|" + _abbr("EdD", "JD", "MD", "DBA", "PsyD") + ")"
        ),
    ),
    (
        "master",
        re.compile(
            r"\b(?:Master(?:'s|s)?(?:\s+(?:of|in|degree)\b)?|Máster|Maestr[ií]a|Mestrado|Diplom(?:-\w+)?\b|"
            r"Laurea Magistrale|MPhil|M\.Phil|MS[A-Z]{1,3}\b|"
            + _abbr(
                "MSc", "MS", "MA", "MBA", "MEng", "MPH", "MFA", "LLM", "MPA", "MEd", "MRes", "MSW", "MArch"
            )
            + ")"
        ),
    ),
    (
        "bachelor",
        re.compile(
            r"\b(?:Bachelor(?:'s|s)?(?:\s+(?:of|in|degree)\b)?|Licenciatura|Licence|Grado en|Graduado en|"
            r"Bacharelado|Laurea|Baccalaureate|BS[A-Z]{1,3}\b|B\.?\s?Tech\.?|"
            + _abbr(
                "BSc",
                "BS",
                "BA",
                "AB",  # Harvard's and Brown's "A.B."
                "BEng",
                "BBA",
                "BFA",
                "BE",
                "BCom",
                "LLB",
                "BASc",
                "BEd",
                "BArch",
                "BN",
                "BSN",
            )
            + ")"
        ),
    ),
    (
        "associate",
        re.compile(
            r"\b(?:Associate(?:'s)?\s+(?:of|in|degree)\b|Associate Degree|" + _abbr("AAS", "AA", "AS") + ")"
        ),
    ),
    (
        "high_school",
        re.compile(
            r"\b(?:High School(?: Diploma)?|GED\b|A[- ]Levels?|Abitur|Baccalaur[ée]at|Bachillerato"
            # Indian school-leaving levels: "Senior Secondary Education (Class XII)", "SSC", "10th"
            r"|Senior Secondary|Higher Secondary|Secondary (?:School|Education)|Class XI{0,2}\b|XI{0,2}th\b"
            r"|(?:10|12)th\b|SSC\b|HSC\b)",
            re.I,
        ),
    ),
]


CREDENTIAL_RE = re.compile(r"\b(?:Certificate|Diploma|Certification|Certified)\b", re.I)


def degree_level(text: str | None) -> str | None:
    if not text:
        return None
    for level, pattern in DEGREE_PATTERNS:
        if pattern.search(text):
            return level
    return None


def _clean_degree(text: str) -> str:
    text = re.sub(
        r"\(?\b(?:expected|anticipated|graduated|graduation|class of|completed)\b.*$", "", text, flags=re.I
    )
    for _, span in sorted(find_dates(text), key=lambda x: -x[1][0]):
        text = text[: span[0]] + text[span[1] :]
    return re.sub(r"\s+", " ", text).strip(" ,;–—-")


def parse_education(section: str) -> list[Education]:
    return parse_education_and_credentials(section)[0]


def parse_education_and_credentials(section: str) -> tuple[list[Education], list[str]]:
    """Degrees with school and graduation year; credentials with no school go back as certificates."""
    entries: list[Education] = []
    credentials: list[str] = []
    cur: Education | None = None
    raw_lines = section.split("\n")
    joined: list[str] = []
    for raw in raw_lines:
        # "Bachelor of Arts, Lakeshore" + "Institute of Technology, 2021": one entry wrapped
        if (
            joined
            and raw.strip()
            and re.match(
                r"^(?:Institute|University|College|School|Academy|of\s|and\s|Technology|Polytechnic)",
                raw.strip(),
            )
            and not degree_level(raw)
            and "," in joined[-1]
            and re.fullmatch(r"[A-Z][\w'.-]*(?: [A-Z][\w'.-]*)?", joined[-1].rsplit(",", 1)[1].strip())
            and not SCHOOL_RE.search(joined[-1].rsplit(",", 1)[1])
        ):
            joined[-1] = f"{joined[-1].rstrip()} {raw.strip()}"
            continue
        joined.append(raw)
    for raw in joined:
        line = raw.strip().removeprefix("• ").strip()
        if not line or re.match(
            r"^(?:gpa|grade|honou?rs|thesis|coursework|relevant coursework|dissertation|minor)\b", line, re.I
        ):
            continue
        pieces: list[str] = []
        for p in SEPARATORS.split(line):
            p = p.strip(" ,;")
            if location_in(p) == p and not SCHOOL_RE.search(p):
                continue  # "Cambridge, MA": a place, and its "MA" no master's degree
            head, _place = split_trailing_location(p)
            for q in re.split(r",\s+(?=[A-Z0-9(])", head):
                q = q.strip(" ,;")
                if q and not (location_in(q) and not SCHOOL_RE.search(q)) and fold(q) not in CITIES:
                    pieces.append(q)
        degree = school = None
        for idx, p in enumerate(pieces):
            named_school = bool(re.search(r"\b[A-Z][\w.'-]*\s+High School\b", p))  # "Catalina High School"
            if (
                degree is None
                and not named_school
                and (degree_level(p) or CREDENTIAL_RE.search(p))
                and not (SCHOOL_RE.search(p) and not degree_level(p) and not CREDENTIAL_RE.search(p))
            ):
                degree = p
                nxt = pieces[idx + 1] if idx + 1 < len(pieces) else ""
                # "Bachelor of Science, Computer Science": the field follows in its own piece
                if (
                    nxt
                    and not SCHOOL_RE.search(nxt)
                    and not find_dates(nxt)
                    and re.match(r"^(?:Bachelor|Master|Doctor|Associate)\b[\w\s']*$", p)
                    and not re.search(r"\b(?:in|of)\s+\w+\s+\w+", p[len(p.split()[0]) :])
                    and len(nxt.split()) <= 5
                ):
                    degree = f"{p}, {nxt}"
            elif school is None and SCHOOL_RE.search(p) and p != degree:
                # "Nagarjuna University 2007 with 72%": the year and the grade are not the name
                school = re.sub(r"\s+(?:(?:19|20)\d\d\b|with\s+\d).*$", "", p)
                # "University of California, Berkeley" (but not "Stanford University, Stanford, CA")
                nxt = pieces[idx + 1] if idx + 1 < len(pieces) else ""
                if (
                    nxt
                    and len(nxt.split()) <= 2
                    and not find_dates(nxt)
                    and not degree_level(nxt)
                    and not SCHOOL_RE.search(nxt)
                    and re.match(r"^[A-Z][a-z]", nxt)
                    and re.search(r"\bof\b", p)
                    and fold(nxt) not in REGIONS
                ):
                    school = f"{p}, {nxt}"
        school_awaits_degree = cur is not None and cur.school is not None and cur.degree is None
        if degree and school is None and not school_awaits_degree:
            # "Coding Bootcamp Certificate, Code Fellows, 2019": the other piece is the school
            # (not when the line before named the school: LinkedIn's "School" + "Degree, Field")
            rest = [
                p
                for p in pieces
                if p != degree and p not in degree and not find_dates(p) and not degree_level(p)
            ]
            if rest and len(rest[0].split()) <= 6:
                school = rest[0]
        year = _edu_year(line)
        if (
            degree
            and not degree_level(degree)
            and school is None
            and (cur is None or cur.degree or not cur.school)
        ):
            credentials.append(_clean_degree(degree))  # a professional certificate listed under Education
            continue
        new_needed = cur is None or (degree and cur.degree) or (school and cur.school)
        if new_needed and (degree or school):
            cur = Education()
            entries.append(cur)
        if cur is None:
            continue
        if degree and not cur.degree:
            cur.degree = _clean_degree(degree) or degree
            cur.degree_level = degree_level(degree)  # type: ignore[assignment]
        if school and not cur.school:
            cur.school = school
        if year and cur.year is None:
            cur.year = year
    return [e for e in entries if e.degree or e.school], credentials


def _edu_year(line: str) -> int | None:
    ranges = find_date_ranges(line)
    if ranges:
        end = ranges[-1].end
        return int(end[:4]) if end else None
    years = [int(d[:4]) for d, _ in find_dates(line)]
    return max(years) if years else None
