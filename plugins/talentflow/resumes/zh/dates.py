"""Dates as Chinese resumes write them: ``2019年7月``, ``2019.07``, ``2019/07``, ``2019-7``, ``2019年``,
ranges joined by ``-``, ``–``, ``~``, ``至`` or ``到``, and ``至今``/``今``/``现在``/``目前`` for a
current job. Months come out as ``YYYY-MM`` like the English parser's (``YYYY-01`` for a year alone
at the start, ``YYYY-12`` at the end)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
DATE = rf"{_YEAR}\s*(?:年\s*(?:\d{{1,2}}\s*月?)?|[./\-]\s*\d{{1,2}}(?!\d))?(?:\s*\d{{1,2}}\s*[日号])?"
PRESENT = r"(?:至今|迄今|今|现在|目前|当前|现今|在职|Present|present|Now|now)"
_SEP = r"\s*(?:[-－–—~～至到]+|\s)\s*"
RANGE_RE = re.compile(rf"(?P<start>{DATE}){_SEP}(?P<end>{DATE}|{PRESENT})")
SINCE_RE = re.compile(rf"(?P<start>{DATE})\s*(?:起|以来|开始|至今|迄今)")
DATE_RE = re.compile(DATE)


@dataclass(frozen=True)
class ZhRange:
    start: str
    end: str | None
    """None: current ("至今")."""
    span: tuple[int, int]


def to_month(token: str, *, is_end: bool = False) -> str | None:
    """``2019年7月`` / ``2019.07`` / ``2019`` → ``2019-07`` / ``2019-07`` / ``2019-01`` (``-12`` at an end)."""
    m = re.match(rf"({_YEAR})\s*(?:年\s*(\d{{1,2}})?|[./\-]\s*(\d{{1,2}}))?", token.strip())
    if not m:
        return None
    month = m.group(2) or m.group(3)
    if month is None:
        return f"{m.group(1)}-{12 if is_end else 1:02d}"
    if not 1 <= int(month) <= 12:
        return None
    return f"{m.group(1)}-{int(month):02d}"


def find_ranges(text: str) -> list[ZhRange]:
    """Date ranges in ``text``, in order: ``2016/07 - 2019/06``, ``2019年7月至今``, ``2012.09-2016.06``."""
    out: list[ZhRange] = []
    for m in RANGE_RE.finditer(text):
        start = to_month(m.group("start"))
        end_tok = m.group("end")
        end = None if re.fullmatch(PRESENT, end_tok) else to_month(end_tok, is_end=True)
        if start and (end is None and re.fullmatch(PRESENT, end_tok) or end and end >= start):
            out.append(ZhRange(start, end, m.span()))
    if not out:
        for m in SINCE_RE.finditer(text):
            start = to_month(m.group("start"))
            if start:
                out.append(ZhRange(start, None, m.span()))
    return out


def latest_mentioned_zh(text: str, today: date | None = None) -> date | None:
    """The latest month a Chinese text mentions (``2021年4月``, ``2021.04``), never after today."""
    today = today or date.today()
    cap = f"{today.year:04d}-{today.month:02d}"
    months = []
    for m in DATE_RE.finditer(text):
        month = to_month(m.group(0), is_end=not re.search(r"[年./\-]\s*\d", m.group(0)))
        if month and month <= cap:
            months.append(month)
    if not months:
        return None
    year, month = (int(x) for x in max(months).split("-"))
    return date(year, month, 1)


def resume_as_of_zh(
    given: date | None, file_date: date | None, text: str, today: date | None = None
) -> tuple[date, str]:
    """:func:`talentflow.resumes.dates.resume_as_of`, reading the dates Chinese resumes write too: the
    caller's date, else the file's own (never before the latest date the text mentions), else the
    latest date mentioned, else today."""
    from talentflow.resumes.dates import latest_mentioned

    if given is not None:
        return given, "given"
    found = [d for d in (latest_mentioned(text, today), latest_mentioned_zh(text, today)) if d]
    mentioned = max(found) if found else None
    if file_date is not None:
        if mentioned is not None and mentioned > file_date:
            return mentioned, "latest_date"
        return file_date, "file_metadata"
    if mentioned is not None:
        return mentioned, "latest_date"
    return today or date.today(), "today"
