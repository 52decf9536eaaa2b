"""Jobs from the experience section: dates, title and company of each, and its bullets."""

from __future__ import annotations

import re

from talentflow.resumes.dates import SEASONS, DateRange, find_date_ranges, find_dates, looks_like_date_range
from talentflow.resumes.lexicon import CITIES, COMPANY_WORDS, REGIONS
from talentflow.resumes.model import Experience
from talentflow.resumes.normalize import fold
from talentflow.resumes.patterns import REMOTE_RE, SEPARATORS, URL_RE
from talentflow.resumes.places import location_in, split_trailing_location
from talentflow.resumes.roles import company_score, title_score

SEASON_RE = re.compile(r"\b(spring|summer|fall|autumn|winter)\s+((?:19|20)\d\d)\b", re.I)


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
    lines = _narrative_as_headers(section.split("\n"))
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


_NARRATIVE_START = re.compile(r"^(?:currently\s+)?(?:working|worked|employed)\s+(?:with|for|at|in)\s+", re.I)
_NARRATIVE = re.compile(
    r"^(?:currently\s+)?(?:working|worked|employed)\s+(?:with|for|at|in)\s+(?P<company>.+?),?\s+"
    r"(?:from|since)\s+(?P<dates>.+?)\s+(?:in\s+the\s+(?:designation|role|capacity|position)"
    r"(?:\s+of|\s+as)?\s*[-\u2013\u2014:]?|as)\s+(?P<title>[^.]+?)\.?$",
    re.I,
)


def _narrative_as_headers(lines: list[str]) -> list[str]:
    """ "Worked for Acme Ltd, from Mar 2016 to Nov 2018 in the designation of Associate." (a style of
    Indian resumes, often wrapped over two lines) as the header "Associate <tab> Acme Ltd <tab> dates"."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _NARRATIVE_START.match(line):
            joined, j = line, i + 1
            while not joined.rstrip().endswith(".") and j < len(lines) and j - i <= 2 and lines[j].strip():
                if _NARRATIVE_START.match(lines[j]):
                    break
                joined = f"{joined.rstrip()} {lines[j].strip()}"
                j += 1
            m = _NARRATIVE.match(joined.strip())
            if m and find_date_ranges(m.group("dates")):
                out.append(
                    f"{m.group('title').strip()}\t{m.group('company').strip()}\t{m.group('dates').strip()}"
                )
                out += [""] * (j - i - 1)  # keep line numbers: the joined lines are used up
                i = j
                continue
        out.append(line)
        i += 1
    return out


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
        for part in SEPARATORS.split(line):
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
            elif location_in(part) or fold(part) in CITIES or fold(part) in REGIONS:
                continue  # "Seoul, S.Korea", "London", "S.Korea": where, not who
            at = re.match(r"^(.+?)\s+(?:at|@|chez|bei|en)\s+(.+)$", part)
            if at and title_score(at.group(1)) > 0:
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
            title_score(comma[0]) > 0
            and title_score(comma[1]) == 0
            or company_score(comma[1]) > 0
            or title_score(comma[1]) > 0
            and title_score(comma[0]) == 0
        ):
            pieces = [comma[0], ", ".join(comma[1:])]
    return [p for p in pieces if p and not re.fullmatch(r"[\W\d]+", p)]


def _assign_titles_companies(entries: list[Experience], headers: list[list[str]]) -> None:
    undecided: list[tuple[Experience, list[str]]] = []
    votes = {"title_first": 0, "company_first": 0}
    for entry, header in zip(entries, headers, strict=True):
        pieces = _pieces(header)[:3]
        if not pieces:
            continue
        if len(pieces) == 1:
            p = pieces[0]
            if title_score(p) > company_score(p):
                entry.title = p
            else:
                entry.company = p
            continue
        scores = [(title_score(p) - company_score(p), idx) for idx, p in enumerate(pieces)]
        best_title = max(scores)
        others = [p for s, idx in scores if idx != best_title[1] for p in [pieces[idx]]]
        # the piece that reads most like a title ("Logistics Assistant" vs "Meridian Retail Group")
        if any(title_score(p) - company_score(p) < best_title[0] for p in others):
            entry.title = pieces[best_title[1]]
            entry.company = min(others, key=lambda p: title_score(p) - company_score(p))
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
