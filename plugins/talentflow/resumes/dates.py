"""Dates and date ranges as resumes write them: "Jan 2019", "01/2019", "2019-01", "2019 – present"…"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from talentflow.core.datafiles import packaged_yaml

MONTHS: dict[str, int] = {
    name: number
    for number, names in packaged_yaml("talentflow.resumes", "months.yaml")["months"].items()
    for name in names
}
"""Month name or abbreviation (``data/months.yaml``) -> month number."""
SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}

_MONTH_RE = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_SEASON_RE = r"(?:spring|summer|fall|autumn|winter)"
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
DATE_RE = (
    rf"(?:{_MONTH_RE}\s*,?\s*(?:{_YEAR}|'\d\d)"  # Jan 2019, Sept. 2019, Jan '19
    rf"|{_SEASON_RE}\s+{_YEAR}"  # Summer 2019
    rf"|(?:0?[1-9]|1[0-2])\s*[/.]\s*{_YEAR}"  # 01/2019, 1.2019
    rf"|{_YEAR}\s*[-/.]\s*(?:0?[1-9]|1[0-2])(?![\d])"  # 2019-01, 2019/1
    rf"|{_YEAR})"  # 2019
)
PRESENT_RE = (
    r"(?:present|current(?:ly)?|now|today|(?:to|till|until)\s+(?:date|now)|date|ongoing|actualidad|presente|actual"
    r"|aujourd'hui|heute|jetzt|hoy|atual|oggi|in\s+corso)"
)
_SEP = r"\s*(?:[-\u2010-\u2015~\u2192>]+|\bto\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b|\bbis\b|\ba\b|\bau\b|\bhasta\b)\s*"
RANGE_RE = re.compile(
    rf"(?<![\w/.])(?P<start>{DATE_RE})(?:{_SEP}(?P<end>{DATE_RE}|{PRESENT_RE})(?![\w/])"
    rf"|\s*[-\u2013\u2014]\s*(?=$|[\s)\]|,;]))",
    re.IGNORECASE,
)
_MONTH_YEAR = rf"{_MONTH_RE}\s*,?\s*{_YEAR}"
# "Sep. 2023 Mar. 2024", "Mar. 2016 Exp. Jun. 2017": a PDF whose dash was drawn, not written, keeps
# two month-year dates side by side; nothing else puts two such dates next to each other.
ADJACENT_RANGE_RE = re.compile(
    rf"(?<![\w/.])(?P<start>{_MONTH_YEAR})\s+(?:exp(?:ected)?\.?\s+)?(?P<end>{_MONTH_YEAR}|{PRESENT_RE})(?![\w/])",
    re.IGNORECASE,
)
# "May - August 2023", "January – May 2021": the start month takes the end's year.
MONTHS_OF_YEAR_RE = re.compile(
    rf"(?<![\w/.])(?P<month>{_MONTH_RE}){_SEP}(?P<end>{_MONTH_YEAR})(?![\w/])",
    re.IGNORECASE,
)
SINCE_RE = re.compile(rf"\b(?:since|depuis|desde|seit)\s+(?P<start>{DATE_RE})", re.IGNORECASE)
DATE_TOKEN_RE = re.compile(rf"(?<![\w/.])(?P<d>{DATE_RE})(?![\w/])", re.IGNORECASE)
_YEAR_ONLY = re.compile(rf"^{_YEAR}$")


@dataclass(frozen=True)
class DateRange:
    start: str
    """YYYY-MM"""
    end: str | None
    """YYYY-MM, or None when current."""
    span: tuple[int, int]
    year_only: bool = False


def parse_date(token: str, *, is_end: bool = False) -> str | None:
    """``YYYY-MM`` for one date token; a bare year is January (start) or December (end)."""
    t = token.strip().lower().replace(",", " ")
    t = re.sub(r"\s+", " ", t)
    if _YEAR_ONLY.match(t):
        return f"{t}-{12 if is_end else 1:02d}"
    m = re.match(rf"^({_MONTH_RE})\s*('\d\d|\d{{4}})$", t)
    if m:
        month = MONTHS.get(m.group(1).rstrip(".").strip())
        y = m.group(2)
        if y.startswith("'"):
            year = 2000 + int(y[1:]) if int(y[1:]) < 50 else 1900 + int(y[1:])
        else:
            year = int(y)
        return f"{year}-{month:02d}" if month else None
    m = re.match(rf"^({_SEASON_RE}) (\d{{4}})$", t)
    if m:
        return f"{m.group(2)}-{SEASONS[m.group(1)]:02d}"
    m = re.match(r"^(\d{1,2})\s*[/.]\s*(\d{4})$", t)
    if m:
        return f"{m.group(2)}-{int(m.group(1)):02d}"
    m = re.match(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$", t)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    return None


def find_date_ranges(text: str) -> list[DateRange]:
    """Every date range in ``text`` ("Jan 2019 – Mar 2021", "2019 - present", "since 2020")."""
    out: list[DateRange] = []
    for m in RANGE_RE.finditer(text):
        start = parse_date(m.group("start"))
        end_tok = m.group("end")
        if start is None:
            continue
        if end_tok is None or re.fullmatch(PRESENT_RE, end_tok.strip(), re.IGNORECASE):
            end = None
        else:
            end = parse_date(end_tok, is_end=True)
            if end is None or end < start:
                continue
        year_only = bool(_YEAR_ONLY.match(m.group("start").strip()))
        out.append(DateRange(start, end, m.span(), year_only))
    out += _unseparated_ranges(text, [r.span for r in out])
    out.sort(key=lambda r: r.span)
    if not out:
        for m in SINCE_RE.finditer(text):
            start = parse_date(m.group("start"))
            if start:
                out.append(DateRange(start, None, m.span()))
    return out


def _unseparated_ranges(text: str, taken: list[tuple[int, int]]) -> list[DateRange]:
    """Ranges written without a separator or with the start's year left out, where no other range is."""
    found: list[DateRange] = []

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= a or span[0] >= b for a, b in taken)

    for m in MONTHS_OF_YEAR_RE.finditer(text):
        end = parse_date(m.group("end"), is_end=True)
        month = MONTHS.get(m.group("month").lower().rstrip("."))
        # resumes capitalise months: "I may - March 2020" is not a range
        if end is None or month is None or not m.group("month")[0].isupper() or not free(m.span()):
            continue
        year = int(end[:4]) - (1 if month > int(end[5:]) else 0)  # "November - February 2020"
        found.append(DateRange(f"{year}-{month:02d}", end, m.span()))
        taken.append(m.span())
    for m in ADJACENT_RANGE_RE.finditer(text):
        start = parse_date(m.group("start"))
        end_tok = m.group("end")
        if start is None or not free(m.span()):
            continue
        end = None if re.fullmatch(PRESENT_RE, end_tok, re.IGNORECASE) else parse_date(end_tok, is_end=True)
        if end is not None and end < start:
            continue
        found.append(DateRange(start, end, m.span()))
        taken.append(m.span())
    return found


def find_dates(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Single dates in ``text`` as (YYYY-MM, span)."""
    out = []
    for m in DATE_TOKEN_RE.finditer(text):
        d = parse_date(m.group("d"), is_end=True)
        if d:
            out.append((d, m.span()))
    return out


def looks_like_date_range(text: str) -> bool:
    """True when ``text`` is mostly a date or date range (a right-aligned date column)."""
    s = text.strip()
    if not s:
        return False
    spans = [r.span for r in find_date_ranges(s)] or [sp for _, sp in find_dates(s)]
    covered = sum(b - a for a, b in spans)
    return covered >= 0.5 * len(s)


def month_index(ym: str) -> int:
    y, m = ym.split("-")
    return int(y) * 12 + int(m) - 1


def as_of_month(as_of: date | None) -> str:
    d = as_of or date.today()
    return f"{d.year:04d}-{d.month:02d}"


AsOfSource = str
"""How the "as of" date of a resume was found: ``given``, ``file_metadata``, ``latest_date`` (the
latest date the text mentions) or ``today`` (nothing better)."""


def latest_mentioned(text: str, today: date | None = None) -> date | None:
    """The latest month the text mentions, a bare year read as its December, never after today.

    "Present" itself is not a date, so a resume whose latest date is the start of its current job
    yields that month: the years of that job are then a lower bound, not a guess up to today."""
    today = today or date.today()
    cap = f"{today.year:04d}-{today.month:02d}"
    # "May 2022 - Present (11 months)" (LinkedIn's export) says when "present" was, to the month;
    # it outranks a bare year elsewhere ("2019 - 2023" of a degree read as December 2023)
    months = [d for d in _present_by_duration(text) if d <= cap] or [
        d for d, _ in find_dates(text) if d <= cap
    ]
    if not months:
        return None
    year, month = (int(x) for x in max(months).split("-"))
    return date(year, month, 1)


_DURATION_RE = re.compile(
    rf"(?P<start>{_MONTH_YEAR})\s*[-\u2010-\u2015]\s*{PRESENT_RE}\s*"
    r"\((?:(?P<years>\d{1,2})\s*(?:years?|yrs?))?\s*(?:(?P<months>\d{1,2})\s*(?:months?|mos?))?\)",
    re.IGNORECASE,
)


def _present_by_duration(text: str) -> list[str]:
    """The months that "Present" stands for in "start - Present (N years M months)", both ends counted."""
    out = []
    for m in _DURATION_RE.finditer(text):
        start = parse_date(m.group("start"))
        if start is None or not (m.group("years") or m.group("months")):
            continue
        months = int(m.group("years") or 0) * 12 + int(m.group("months") or 0)
        index = month_index(start) + max(months - 1, 0)
        out.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
    return out


def resume_as_of(
    given: date | None, file_date: date | None, text: str, today: date | None = None
) -> tuple[date, AsOfSource]:
    """The date "present" means for one resume: the caller's, else the file's own date (never before
    the latest date its text mentions: a converted old file can carry a newer date, not an older
    one), else the latest date the text mentions, else today."""
    if given is not None:
        return given, "given"
    mentioned = latest_mentioned(text, today)
    if file_date is not None:
        if mentioned is not None and mentioned > file_date:
            return mentioned, "latest_date"
        return file_date, "file_metadata"
    if mentioned is not None:
        return mentioned, "latest_date"
    return today or date.today(), "today"


def total_years(ranges: list[tuple[str, str | None]], as_of: date | None = None) -> float:
    """Years covered by ``ranges``, overlaps counted once, rounded to 0.1.

    A job runs from its start month up to its end month ("Jan 2019 – Mar 2019" is two months, the
    way months between two dates are counted); "present" runs to ``as_of`` (default: this month).
    """
    now = month_index(as_of_month(as_of))
    intervals = []
    for start, end in ranges:
        if not start:
            continue
        a = month_index(start)
        b = month_index(end) if end else now
        if b > a:
            intervals.append((a, b))
    intervals.sort()
    months = 0
    cur_a = cur_b = None
    for a, b in intervals:
        if cur_b is None or a > cur_b:
            if cur_b is not None:
                months += cur_b - cur_a
            cur_a, cur_b = a, b
        else:
            cur_b = max(cur_b, b)
    if cur_b is not None:
        months += cur_b - cur_a
    return round(months / 12, 1)
