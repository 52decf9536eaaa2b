"""Structured fields out of a normalised resume text: contact, education, work history, skills,
certifications and spoken languages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from talentflow.resumes.dates import (
    SEASONS,
    DateRange,
    find_date_ranges,
    find_dates,
    looks_like_date_range,
    total_years,
)
from talentflow.resumes.model import Education, Experience
from talentflow.resumes.normalize import fold
from talentflow.resumes.sections import HEADINGS, Section, section_text, split_sections
from talentflow.resumes.taxonomy import Taxonomy

SEASON_RE = re.compile(r"\b(spring|summer|fall|autumn|winter)\s+((?:19|20)\d\d)\b", re.I)
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
PHONE_RE = re.compile(
    r"(?<![\w/+])(?:\+\d{1,3}[\s.\-]?)?(?:\(\d{1,5}\)[\s.\-]?)?\d{2,5}(?:[\s.\-]\d{2,8}){1,4}(?![\w/])"
)
URL_RE = re.compile(r"(?:https?://|www\.)\S+|\b(?:linkedin\.com|github\.com)/\S+", re.I)
_SEPARATORS = re.compile(r"\t|\s+\|\s+|\s+[—–]\s+|\s+-\s+|\s+@\s+|\s+·\s+|\s+•\s+|\s+/\s+(?=[A-Z])")

US_STATES = {
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
    "DC",
    "ON",
    "QC",
    "BC",
    "AB",
    "MB",
    "NS",
    "NB",
    "SK",
    "NSW",
    "VIC",
    "QLD",
}
REGIONS = {
    fold(x)
    for x in (
        "USA US United States U.S. U.S.A. UK U.K. United Kingdom England Scotland Wales Ireland Canada "
        "Germany Deutschland France Spain España Italy Italia Portugal Netherlands Belgium Switzerland Austria "
        "Sweden Norway Denmark Finland Poland Czechia Czech Republic Romania Hungary Greece Turkey Israel "
        "India China Japan Korea South Korea Singapore Malaysia Indonesia Philippines Vietnam Thailand "
        "Australia New Zealand Mexico México Brazil Brasil Argentina Chile Colombia Peru Nigeria Kenya "
        "South Africa Egypt UAE United Arab Emirates Saudi Arabia Pakistan Bangladesh Ukraine Estonia "
        "Latvia Lithuania Luxembourg Taiwan Hong Kong "
        "California Texas New York Washington Florida Illinois Massachusetts Ontario Quebec Bavaria Bayern "
        "Catalonia Catalunya England Île-de-France Ile-de-France"
    ).split()
} | {
    fold(x)
    for x in (
        "United States",
        "United Kingdom",
        "New Zealand",
        "South Korea",
        "South Africa",
        "Czech Republic",
        "United Arab Emirates",
        "Saudi Arabia",
        "Hong Kong",
        "New York",
        "British Columbia",
        "New South Wales",
    )
}
# Big cities people write without a region ("Acme Corp, London"); a place after a comma is dropped
# from a company or school only when it is one of these or has a region ("Austin, TX").
CITIES = {
    fold(c)
    for c in (
        "London|Paris|Berlin|Munich|Hamburg|Frankfurt|Madrid|Barcelona|Lisbon|Rome|Milan|Amsterdam|Brussels|"
        "Vienna|Zurich|Geneva|Dublin|Edinburgh|Manchester|Birmingham|Leeds|Glasgow|Bristol|Brighton|Oxford|"
        "Cambridge|Stockholm|Oslo|Copenhagen|Helsinki|Warsaw|Prague|Budapest|Bucharest|Athens|Istanbul|"
        "Tel Aviv|Dubai|Mumbai|Bangalore|Bengaluru|Delhi|New Delhi|Hyderabad|Chennai|Pune|Singapore|"
        "Hong Kong|Shanghai|Beijing|Shenzhen|Tokyo|Osaka|Seoul|Sydney|Melbourne|Auckland|Toronto|Vancouver|"
        "Montreal|Ottawa|Calgary|Mexico City|Monterrey|Guadalajara|Sao Paulo|São Paulo|Buenos Aires|Santiago|"
        "Bogota|Bogotá|Lima|Lagos|Nairobi|Cape Town|Johannesburg|Cairo|New York|NYC|San Francisco|Los Angeles|"
        "Chicago|Boston|Seattle|Austin|Denver|Atlanta|Dallas|Houston|Miami|Philadelphia|Washington|Phoenix|"
        "San Diego|San Jose|Portland|Minneapolis|Detroit|Nashville|Charlotte|Raleigh|Durham|Pittsburgh|"
        "Salt Lake City|Las Vegas|Baltimore|Milwaukee|Columbus|Cleveland|Cincinnati|Indianapolis|Kansas City|"
        "St. Louis|Orlando|Tampa|Sacramento|Oakland|Newark|Brooklyn|Cambridge|Lyon|Marseille|Toulouse|Porto|"
        "Valencia|Seville|Rotterdam|Utrecht|Antwerp|Cologne|Stuttgart|Dusseldorf|Düsseldorf|Leipzig|Turin|"
        "Naples|Krakow|Kraków|Kyiv|Riga|Vilnius|Tallinn|Oldham|Stockport|Bolton|Round Rock|San Jose|Decatur"
    ).split("|")
}
_PLACE = r"[A-ZÀ-Ý][\w'.À-ÿ-]*(?:\s+(?:[A-ZÀ-Ý][\w'.À-ÿ-]*|de|del|am|upon|on|la|le|sur))*"
LOCATION_RE = re.compile(
    rf"(?P<loc>{_PLACE}(?:,\s*{_PLACE})?,\s*(?P<region>[A-Z]{{2,3}}|{_PLACE}))(?:\s+\d{{4,5}}(?:-\d{{4}})?)?\s*$"
)
REMOTE_RE = re.compile(r"^\s*(?:remote|fully remote|remote \(.*\))\s*$", re.I)

TITLE_WORDS = {
    "engineer",
    "developer",
    "manager",
    "analyst",
    "designer",
    "director",
    "lead",
    "head",
    "specialist",
    "consultant",
    "intern",
    "internship",
    "coordinator",
    "scientist",
    "administrator",
    "architect",
    "officer",
    "assistant",
    "associate",
    "representative",
    "nurse",
    "teacher",
    "accountant",
    "recruiter",
    "technician",
    "supervisor",
    "executive",
    "president",
    "vp",
    "founder",
    "co-founder",
    "cofounder",
    "owner",
    "partner",
    "programmer",
    "writer",
    "editor",
    "strategist",
    "marketer",
    "advisor",
    "adviser",
    "planner",
    "agent",
    "clerk",
    "operator",
    "instructor",
    "professor",
    "lecturer",
    "researcher",
    "therapist",
    "physician",
    "pharmacist",
    "chef",
    "cashier",
    "tutor",
    "trainee",
    "apprentice",
    "fellow",
    "auditor",
    "controller",
    "bookkeeper",
    "paralegal",
    "attorney",
    "lawyer",
    "counsel",
    "principal",
    "staff",
    "senior",
    "junior",
    "sr",
    "jr",
    "chief",
    "cto",
    "ceo",
    "cfo",
    "coo",
    "cio",
    "generalist",
    "business partner",
    "sde",
    "swe",
    "devops",
    "sre",
    "product owner",
    "scrum master",
    "buyer",
    "merchandiser",
    "dispatcher",
    "driver",
    "mechanic",
    "electrician",
    "welder",
    "carpenter",
    "secretary",
    "receptionist",
    "paramedic",
    "dentist",
    "surgeon",
    "caregiver",
    "photographer",
    "illustrator",
    "artist",
    "journalist",
    "reporter",
    "translator",
    "interpreter",
    "volunteer",
    "member",
    "ambassador",
    "mentor",
    "coach",
    "trainer",
    "estimator",
    "inspector",
    "ingeniero",
    "ingeniera",
    "desarrollador",
    "desarrolladora",
    "gerente",
    "analista",
    "jefe",
    "jefa",
    "ingenieur",
    "ingénieur",
    "entwickler",
    "entwicklerin",
    "leiter",
    "leiterin",
    "berater",
    "beraterin",
    "chargé",
    "chargée",
    "responsable",
    "chef de projet",
    "développeur",
    "développeuse",
    "werkstudent",
    "praktikant",
    "praktikantin",
    "becario",
    "becaria",
    "stagiaire",
    "data",
    "software",
    "qa",
}
COMPANY_WORDS = {
    "inc",
    "inc.",
    "llc",
    "ltd",
    "ltd.",
    "limited",
    "gmbh",
    "ag",
    "sa",
    "s.a.",
    "s.l.",
    "sl",
    "corp",
    "corp.",
    "corporation",
    "co",
    "co.",
    "company",
    "plc",
    "pty",
    "bv",
    "b.v.",
    "se",
    "llp",
    "lp",
    "group",
    "holdings",
    "technologies",
    "tech",
    "labs",
    "lab",
    "solutions",
    "systems",
    "software",
    "bank",
    "hospital",
    "university",
    "school",
    "consulting",
    "consultancy",
    "partners",
    "agency",
    "studio",
    "studios",
    "media",
    "health",
    "healthcare",
    "foundation",
    "institute",
    "capital",
    "ventures",
    "networks",
    "analytics",
    "pharma",
    "pharmaceuticals",
    "logistics",
    "retail",
    "foods",
    "energy",
    "motors",
    "airlines",
    "insurance",
    "services",
    "industries",
    "international",
    "global",
    "digital",
    "interactive",
    "games",
    "clinic",
    "council",
    "ministry",
    "department",
    "gmbh & co. kg",
    "kg",
    "srl",
    "s.r.l.",
    "spa",
    "s.p.a.",
    "ab",
    "oy",
    "as",
    "a/s",
    "nv",
    "n.v.",
    "sas",
    "sarl",
    "ltda",
    "k.k.",
    "corporate",
    "bancorp",
    "trust",
    "academy",
    "college",
    "center",
    "centre",
    "store",
    "stores",
    "restaurant",
    "hotel",
    "cafe",
    "bakery",
    "press",
    "publishing",
    "enterprises",
    "associates",
    "firm",
    "office",
    "authority",
    "county",
    "city of",
}


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
            r"\b(?:High School(?: Diploma)?|GED\b|A[- ]Levels?|Abitur|Baccalaur[ée]at|Bachillerato)", re.I
        ),
    ),
]
CREDENTIAL_RE = re.compile(r"\b(?:Certificate|Diploma|Certification|Certified)\b", re.I)
SCHOOL_RE = re.compile(
    r"\b(?:University|Universit[äaé]t?|Universit[ée]|Universidad|Universidade|Università|College|"
    r"Institute|Institut|Instituto|School|Academy|Polytechnic|Politecnico|Polytechnique|Hochschule|"
    r"Conservatory|Seminary|ETH|EPFL|MIT|UCLA|NYU|UC Berkeley|Escuela|École|Ecole|Sorbonne|TU\s|"
    r"Tecnol[oó]gico|Polit[eé]cnic[oa]|Fachhochschule|Bootcamp|Campus)",
)
OUTCOME_RE = re.compile(
    r"\d|%|\$|€|£|\b(?:increas|reduc|improv|sav|grew|grow|cut|boost|achiev|result|deliver(?:ed)? .* ahead|"
    r"won|award|doubl|tripl|decreas|lower|raise|generat|accelerat|shorten|eliminat)",
    re.I,
)
_NAME_TOKEN = re.compile(
    r"^(?:[A-ZÀ-Ý][a-zà-ÿ'’\-]+|[A-ZÀ-Ý][A-ZÀ-Ý'’\-]+|[A-Z]\.|Mc[A-Z][a-z]+|O'[A-Z][a-z]+)$"
)
_NAME_PARTICLES = {
    "van",
    "von",
    "de",
    "da",
    "del",
    "der",
    "di",
    "la",
    "le",
    "bin",
    "binti",
    "al",
    "dos",
    "du",
    "ter",
}
_NOT_NAME = {
    "resume",
    "résumé",
    "curriculum",
    "vitae",
    "cv",
    "profile",
    "contact",
    "page",
    "references",
    *(w for names in HEADINGS.values() for n in names for w in n.split() if len(w) > 3),
}


@dataclass
class Fields:
    name: str | None
    email: str | None
    phone: str | None
    location: str | None
    summary: str | None
    skills: list[str]
    education: list[Education]
    experience: list[Experience]
    experience_years: float
    certifications: list[str]
    languages: list[str]
    projects: list[str]
    sections: list[str]


def extract_fields(text: str, taxonomy: Taxonomy, as_of: date | None = None) -> Fields:
    """All structured fields of one normalised resume text."""
    sections = split_sections(text)
    header = next((s for s in sections if s.name == "header"), Section("header", ""))
    contact_text = "\n".join(s.text for s in sections if s.name in ("header", "contact"))
    experience = parse_experience(section_text(sections, "experience"))
    education, credentials = _parse_education(section_text(sections, "education"))
    skills_text = _join_wrapped_lists(section_text(sections, "skills"))
    cert_scope = "\n".join(
        s.text for s in sections if s.name in ("header", "summary", "skills", "certifications", "education")
    )
    return Fields(
        name=find_name(header.lines or text.split("\n")[:12], text, taxonomy),
        email=find_email(text),
        phone=find_phone(contact_text) or find_phone(text),
        location=find_location(contact_text) or find_location("\n".join(text.split("\n")[:15])),
        summary=_summary(sections),
        skills=taxonomy.find_skills(
            _without_employers(text, experience, section_text(sections, "certifications")), skills_text
        ),
        education=education,
        experience=experience,
        experience_years=total_years([(e.start, e.end) for e in experience if e.start], as_of),
        certifications=parse_certifications(
            "\n".join([section_text(sections, "certifications"), *credentials]), cert_scope, taxonomy
        ),
        languages=parse_languages(section_text(sections, "languages"), skills_text, taxonomy),
        projects=_items(section_text(sections, "projects")),
        sections=[s.name for s in sections],
    )


def _join_wrapped_lists(text: str) -> str:
    """Join a comma-separated list wrapped over lines ("…, Territory Planning, Project" + "Management")."""
    out: list[str] = []
    for line in text.split("\n"):
        prev = out[-1] if out else ""
        if prev and line.strip() and ", " in prev and not line.startswith("• ") and ":" not in line[:25]:
            out[-1] = f"{prev.rstrip()} {line.strip()}"
        else:
            out.append(line)
    return "\n".join(out)


def _without_employers(text: str, experience: list[Experience], certifications: str = "") -> str:
    """The text without employer names, job titles and certification lines: "Bluefin Analytics",
    "Business Development Representative" or "Salesforce Certified Administrator" claim no skill."""
    names = {e.company for e in experience if e.company} | {e.title for e in experience if e.title}
    names |= {ln.strip().removeprefix("• ") for ln in certifications.split("\n")}
    for name in sorted((n for n in names if len(n) > 2), key=len, reverse=True):
        text = re.sub(rf"(?<![\w&]){re.escape(name)}(?![\w&])", " ", text)
    return text


# ---- contact -----------------------------------------------------------------------------------------


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
        for part in _SEPARATORS.split(line.strip()):
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
    if any(fold(t.strip(".")) in _NOT_NAME for t in tokens):
        return False
    if any(fold(t) in TITLE_WORDS for t in tokens) or _location_in(s) or fold(tokens[0].strip(",")) in CITIES:
        return False
    real = [t for t in tokens if t.lower() not in _NAME_PARTICLES]
    return len(real) >= 2 and all(_NAME_TOKEN.match(t) for t in real)


def _tidy_name(s: str) -> str:
    tokens = s.split()
    if all(t.isupper() or not t.isalpha() for t in tokens):
        tokens = [t if len(t.strip(".")) == 1 else _cap(t) for t in tokens]
    return " ".join(tokens)


def _cap(token: str) -> str:
    # JEAN-LUC O'NEILL -> Jean-Luc O'Neill
    return re.sub(r"[A-Za-zÀ-ÿ]+", lambda m: m.group(0).capitalize(), token.lower())


def find_location(text: str) -> str | None:
    m = re.search(
        r"^\s*(?:location|address|based in|city|lives in|ort|ubicaci[oó]n|adresse)\s*[:\t]\s*(.+)$",
        text,
        re.I | re.M,
    )
    if m:
        return _clean_location(m.group(1))
    remote = None
    for line in text.split("\n"):
        for part in _SEPARATORS.split(line.removeprefix("• ")):
            part = part.strip(" ,;")
            if not part or "@" in part or URL_RE.search(part):
                continue
            if REMOTE_RE.match(part):
                remote = remote or part.strip()
                continue
            loc = _location_in(part)
            if loc:
                return loc
    return remote


def _location_in(part: str) -> str | None:
    if any(ch.isdigit() for ch in part[:3]) and "," not in part:
        return None
    # drop a street address before the city: "12 Elm St, Springfield, IL 62704"
    segments = [s.strip() for s in part.split(",")]
    kept = [seg for seg in segments if not any(ch.isdigit() for ch in seg)]
    if len(kept) >= 2:
        segments = kept
    candidate = ", ".join(segments)
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
    if first in _NOT_NAME or any(w in TITLE_WORDS for w in first.split()):
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
            _location_in(tail) is not None and len(segments) - cut <= 3 and not SCHOOL_RE.search(tail)
        ) or (
            len(segments) - cut == 1
            and (fold(last) in CITIES or fold(last) in REGIONS or REMOTE_RE.match(last))
        )
        if tail_is_place and not _company_score(tail):
            return head, tail
    return text, None


def _clean_location(s: str) -> str | None:
    s = _SEPARATORS.split(s.strip())[0].strip(" ,;")
    return _location_in(s) or (s or None)


def _summary(sections: list[Section]) -> str | None:
    text = " ".join(ln.strip() for ln in section_text(sections, "summary").split("\n") if ln.strip())
    return text[:1000] or None


# ---- experience --------------------------------------------------------------------------------------


def _is_bullet(line: str) -> bool:
    return line.startswith("• ")


def _short(line: str) -> bool:
    """A header-like line: not a bullet, not a sentence ("Acme Co." ends with a period too)."""
    s = line.strip()
    if not s or _is_bullet(s) or len(s.split()) > 14:
        return False
    if s.endswith(".") and s[0].islower():  # the wrapped end of a sentence
        return False
    if s.endswith(".") and len(s.split()) > 5:
        last = s.split()[-1]
        return last.count(".") > 1 or fold(last) in COMPANY_WORDS  # "S.p.A.", "Inc."
    return True


def parse_experience(section: str) -> list[Experience]:
    """Jobs from the experience section: each anchored on a date range, with title and company from
    the header lines around it (before it in most layouts, after it when dates come first)."""
    lines = section.split("\n")
    anchors: list[tuple[int, DateRange]] = []
    for i, line in enumerate(lines):
        if len(line.split()) > 25:
            continue
        if _is_bullet(line.strip()):
            # "• Acme | Engineer (Jan 2020 – Now)": a job header written as a bullet
            body = line.strip().removeprefix("• ")
            ranges = find_date_ranges(body)
            if not ranges or len(body.split()) > 14 or ranges[0].span[1] < len(body.rstrip(" )]")) - 1:
                continue
            lines[i] = body
            anchors.append((i, ranges[0]))
            continue
        ranges = find_date_ranges(line) or _single_date_range(line)
        if ranges:
            anchors.append((i, ranges[0]))
    if not anchors:
        return []
    first = anchors[0][0]
    date_first = not any(_short(ln) for ln in lines[:first])
    entries: list[Experience] = []
    raw_headers: list[list[str]] = []
    anchor_rows = {i for i, _ in anchors}
    for k, (i, rng) in enumerate(anchors):
        nxt = anchors[k + 1][0] if k + 1 < len(anchors) else len(lines)
        prev = anchors[k - 1][0] if k > 0 else -1
        line = lines[i]
        rest = (line[: rng.span[0]] + "\t" + line[rng.span[1] :]).strip(" \t,|()-–—:")
        header = [rest] if rest else []
        used: set[int] = {i}
        if date_first:
            j = i + 1
            # "2021 – present  Title, Company": the next line is the description, not more header
            room = 3 if not rest else (2 if len(_pieces([rest])) < 2 else 1)
            while (
                j < nxt
                and len(header) < room
                and _short(lines[j])
                and j not in anchor_rows
                and not (rest and lines[j].strip().endswith("."))
            ):
                header.append(lines[j])
                used.add(j)
                j += 1
            if not rest and len(header) == 0:  # nothing after: take what stands right before
                j = i - 1
                while j > prev and _short(lines[j]) and len(header) < 2:
                    header.insert(0, lines[j])
                    used.add(j)
                    j -= 1
        else:
            j = i - 1
            before: list[str] = []
            while j > prev and len(before) < 2 and lines[j].strip() and _short(lines[j]):
                before.insert(0, lines[j])
                used.add(j)
                j -= 1
            header = before + header
            # a title or company on the line right after the dates ("Acme 2019–2021\nEngineer")
            if (
                len(header) < 2
                and i + 1 < nxt
                and _short(lines[i + 1])
                and not _probably_sentence(lines[i + 1])
            ):
                header.append(lines[i + 1])
                used.add(i + 1)
        end_of_entry = nxt
        if not date_first and k + 1 < len(anchors):
            # the next entry's header lines stand before its dates: they are not our bullets
            j = nxt - 1
            while j > i and lines[j].strip() and _short(lines[j]) and nxt - j <= 2:
                j -= 1
            end_of_entry = j + 1
        bullets = [
            ln.strip().removeprefix("• ").strip()
            for n, ln in enumerate(lines[i + 1 : end_of_entry], start=i + 1)
            if ln.strip() and n not in used
        ]
        entries.append(Experience(start=rng.start, end=rng.end, bullets=bullets))
        raw_headers.append(header)
    _assign_titles_companies(entries, raw_headers)
    return entries


def _single_date_range(line: str) -> list[DateRange]:
    """A job dated by one month or season ("Summer 2024", "Jun 2020"): a season is its three months,
    a month is that month. A bare year is too vague to anchor a job on."""
    if len(line.split()) > 14:
        return []
    m = SEASON_RE.search(line)
    if m:
        year, month = int(m.group(2)), SEASONS[m.group(1).lower()]
        end_month = month + 2
        end = f"{year + (end_month - 1) // 12}-{(end_month - 1) % 12 + 1:02d}"
        return [DateRange(f"{year}-{month:02d}", end, m.span())]
    dates = [
        (d, span) for d, span in find_dates(line) if not re.fullmatch(r"\s*\d{4}\s*", line[span[0] : span[1]])
    ]
    if len(dates) == 1:
        d, span = dates[0]
        return [DateRange(d, d, span)]
    return []


def _probably_sentence(line: str) -> bool:
    words = line.split()
    return len(words) > 8 and line[0].isupper() and sum(w[0].islower() for w in words) > len(words) / 2


def _pieces(header: list[str]) -> list[str]:
    """Title/company candidates of one job header, without dates, places and durations.

    Each header line is split on strong separators (tab, |, —); commas split only a job written on a
    single line ("Senior Engineer, Acme Corp, Berlin"), since a title such as "Staff Nurse, ICU" has
    commas too.
    """
    per_line: list[list[str]] = []
    for line in header:
        line = URL_RE.sub(" ", line)
        parts = []
        for part in _SEPARATORS.split(line):
            part = part.strip(" ,|[]:;")
            if part.startswith("(") and part.endswith(")"):
                part = part[1:-1].strip()
            if not part or REMOTE_RE.match(part) or looks_like_date_range(part):
                continue
            if re.fullmatch(r"\(?\d+\s*(?:yrs?|years?|mos?|months?)\b.*", part, re.I):
                continue
            head, place = split_trailing_location(part)
            if place is not None:
                part = head
            elif _location_in(part) or fold(part) in CITIES:
                continue
            at = re.match(r"^(.+?)\s+(?:at|@|chez|bei|en)\s+(.+)$", part)
            if at and _title_score(at.group(1)) > 0:
                parts += [at.group(1).strip(), at.group(2).strip()]
                continue
            parts.append(part)
        if parts:
            per_line.append(parts)
    pieces = [p for parts in per_line for p in parts if not re.fullmatch(r"[\W\d]+", p)]
    if len(pieces) == 1 and "," in pieces[0]:
        comma = [c.strip() for c in pieces[0].split(",") if c.strip()]
        # "Title, Company" / "Company, Title"; a comma inside a title ("Nurse, ICU") stays
        if len(comma) >= 2 and (
            _title_score(comma[0]) > 0
            and _title_score(comma[1]) == 0
            or _company_score(comma[1]) > 0
            or _title_score(comma[1]) > 0
            and _title_score(comma[0]) == 0
        ):
            pieces = [comma[0], ", ".join(comma[1:])]
    return [p for p in pieces if p and not re.fullmatch(r"[\W\d]+", p)]


def _words(s: str) -> list[str]:
    return re.findall(r"[\w&.'/-]+", fold(s))


def _title_score(s: str) -> int:
    words = _words(s)
    text = " ".join(words)
    score = sum(1 for w in words if w.strip(".") in TITLE_WORDS)
    score += sum(1 for t in TITLE_WORDS if " " in t and t in text)
    return score


def _company_score(s: str) -> int:
    words = _words(s)
    return sum(1 for w in words if w in COMPANY_WORDS) + (
        1 if re.search(r"\b(?:Inc|LLC|Ltd|GmbH|Corp|plc)\b", s) else 0
    )


def _assign_titles_companies(entries: list[Experience], headers: list[list[str]]) -> None:
    undecided: list[tuple[Experience, list[str]]] = []
    votes = {"title_first": 0, "company_first": 0}
    for entry, header in zip(entries, headers, strict=True):
        pieces = _pieces(header)[:3]
        if not pieces:
            continue
        if len(pieces) == 1:
            p = pieces[0]
            if _title_score(p) > _company_score(p):
                entry.title = p
            else:
                entry.company = p
            continue
        scores = [(_title_score(p) - _company_score(p), idx) for idx, p in enumerate(pieces)]
        best_title = max(scores)
        others = [p for s, idx in scores if idx != best_title[1] for p in [pieces[idx]]]
        # the piece that reads most like a title ("Logistics Assistant" vs "Meridian Retail Group")
        if any(_title_score(p) - _company_score(p) < best_title[0] for p in others):
            entry.title = pieces[best_title[1]]
            entry.company = min(others, key=lambda p: _title_score(p) - _company_score(p))
            votes["title_first" if best_title[1] < pieces.index(entry.company) else "company_first"] += 1
        else:
            undecided.append((entry, pieces))
    title_first = votes["title_first"] >= votes["company_first"]
    for entry, pieces in undecided:
        a, b = pieces[0], pieces[1]
        entry.title, entry.company = (a, b) if title_first else (b, a)
    last_company = None
    for entry in entries:
        if entry.company is None and entry.title and last_company:
            entry.company = last_company  # several roles under one employer
        last_company = entry.company or last_company


# ---- education ---------------------------------------------------------------------------------------


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
    return _parse_education(section)[0]


def _parse_education(section: str) -> tuple[list[Education], list[str]]:
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
        for p in _SEPARATORS.split(line):
            p = p.strip(" ,;")
            head, _place = split_trailing_location(p)
            for q in re.split(r",\s+(?=[A-Z0-9(])", head):
                q = q.strip(" ,;")
                if q and not (_location_in(q) and not SCHOOL_RE.search(q)) and fold(q) not in CITIES:
                    pieces.append(q)
        degree = school = None
        for idx, p in enumerate(pieces):
            if (
                degree is None
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
                school = p
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
        if degree and school is None:
            # "Coding Bootcamp Certificate, Code Fellows, 2019": the other piece is the school
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


# ---- certifications and languages --------------------------------------------------------------------


def _items(section: str) -> list[str]:
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
    for item in _items(section):
        parts = [p for p in re.split(r";\s*", item) if p.strip()]
        commas = [p.strip() for p in item.split(",") if p.strip()]
        if len(parts) == 1 and len(commas) >= 3 and not re.search(r"\d{4}", item):
            parts = commas  # "PMP, CSM, ITIL Foundation"
        for part in parts:
            name = _SEPARATORS.split(part)[0]
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
