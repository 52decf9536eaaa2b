"""A pre-screening note for the interviewer: what to probe, derived from the resume alone.

- a career change → questions on transferable skills;
- many projects or bullets with no stated outcome → probe the candidate's own role and results;
- gaps in the timeline → a neutral question about them;
- several very short jobs → ask what drove the moves.
"""

from __future__ import annotations

import re
from datetime import date

from talentflow.core.datafiles import packaged_yaml
from talentflow.resumes.dates import as_of_month, month_index
from talentflow.resumes.model import Experience, FocusPoint, ParsedResume, PrescreenNote
from talentflow.resumes.normalize import fold
from talentflow.resumes.zh.text import count_words

GAP_MONTHS = 6
"""A break longer than this between jobs is worth a question."""
MIN_ITEMS_FOR_OUTCOMES = 4
OUTCOME_SHARE = 0.3
# A bullet that states an outcome: a number, a currency or a verb of change ("reduced", "grew").
OUTCOME_RE = re.compile(
    r"\d|%|\$|€|£|\b(?:increas|reduc|improv|sav|grew|grow|cut|boost|achiev|result|deliver(?:ed)? .* ahead|"
    r"won|award|doubl|tripl|decreas|lower|raise|generat|accelerat|shorten|eliminat)"
    r"|提升|提高|降低|减少|增长|节省|缩短|实现|达成|翻倍|获得|荣获",
    re.I,
)

# Checked in order: the first family whose words appear in a title wins ("Data Engineer" is data).
JOB_FAMILIES: list[tuple[str, tuple[str, ...]]] = [
    (family, tuple(words))
    for family, words in packaged_yaml("talentflow.resumes", "job_families.yaml")["job_families"].items()
]


def job_family(title: str | None) -> str | None:
    if not title:
        return None
    t = f" {fold(title)} "
    for family, words in JOB_FAMILIES:
        if any(w in t for w in words):
            return family
    return None


def _months(e: Experience, now: int) -> int:
    if not e.start:
        return 0
    end = month_index(e.end) if e.end else now
    return max(0, end - month_index(e.start) + 1)


def _career_change(jobs: list[Experience], now: int) -> FocusPoint | None:
    dated = sorted((e for e in jobs if e.start), key=lambda e: e.start or "")
    if len(dated) < 2:
        return None
    latest = dated[-1]
    fam = job_family(latest.title)
    if fam is None:
        return None
    before: dict[str, int] = {}
    for e in dated[:-1]:
        f = job_family(e.title)
        if f:
            before[f] = before.get(f, 0) + _months(e, now)
    if not before:
        return None
    prior, months = max(before.items(), key=lambda kv: kv[1])
    if prior == fam or months < 24 or before.get(fam, 0) >= 12:
        return None
    prior_titles = [e.title for e in dated[:-1] if job_family(e.title) == prior]
    return FocusPoint(
        kind="career_change",
        question=(
            f"The candidate moved from {prior.replace('_', ' ')} ({months // 12} years) to "
            f"{fam.replace('_', ' ')} in {latest.start[:4]}: ask which skills from the earlier career "
            "they use now, with a concrete example, and what drove the change."
        ),
        evidence=[f"{t}" for t in prior_titles[:3]] + [f"now: {latest.title} ({latest.start} –)"],
    )


def _unquantified(resume: ParsedResume) -> FocusPoint | None:
    items = list(resume.projects) + [b for e in resume.experience for b in e.bullets]
    items = [i for i in items if count_words(i) >= 4]  # jieba words for Chinese, not spaces
    if len(items) < MIN_ITEMS_FOR_OUTCOMES:
        return None
    without = [i for i in items if not OUTCOME_RE.search(i)]
    if len(items) - len(without) > OUTCOME_SHARE * len(items):
        return None
    return FocusPoint(
        kind="unquantified_projects",
        question=(
            f"{len(without)} of {len(items)} projects and achievements state no outcome: ask for the "
            "candidate's own role in two of them, what they decided, and how the result was measured."
        ),
        evidence=without[:3],
    )


def _gaps(jobs: list[Experience], now: int, as_of: str) -> list[FocusPoint]:
    intervals = sorted((month_index(e.start), month_index(e.end) if e.end else now) for e in jobs if e.start)
    if not intervals:
        return []
    evidence = []
    cur_end = intervals[0][1]
    for a, b in intervals[1:]:
        if a - cur_end - 1 > GAP_MONTHS:
            evidence.append(
                f"no role listed from {_ym(cur_end + 1)} to {_ym(a - 1)} ({a - cur_end - 1} months)"
            )
        cur_end = max(cur_end, b)
    if now - cur_end > GAP_MONTHS:
        evidence.append(f"no current role since {_ym(cur_end)} ({now - cur_end} months to {as_of})")
    if not evidence:
        return []
    return [
        FocusPoint(
            kind="timeline_gap",
            question="Ask openly what the candidate did between these roles and what they took from it "
            "(gaps have many legitimate reasons; this is context, not a judgement).",
            evidence=evidence,
        )
    ]


def _ym(idx: int) -> str:
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def _short_tenures(jobs: list[Experience], now: int) -> FocusPoint | None:
    short = [
        e
        for e in jobs
        if e.start
        and e.end
        and _months(e, now) < 12
        and "intern" not in fold(e.title or "")
        and "实习" not in (e.title or "")
    ]
    if len(short) < 3:
        return None
    return FocusPoint(
        kind="short_tenures",
        question="Several roles lasted under a year: ask what led to each move and what the candidate "
        "looks for in a role to stay.",
        evidence=[f"{e.title or '?'} at {e.company or '?'} ({e.start} – {e.end})" for e in short[:4]],
    )


def prescreen(resume: ParsedResume, as_of: date | None = None) -> PrescreenNote:
    """The interviewer's note for one parsed resume."""
    as_of_ym = as_of_month(as_of)
    now = month_index(as_of_ym)
    jobs = resume.experience
    points: list[FocusPoint] = []
    for point in (_career_change(jobs, now), _unquantified(resume)):
        if point:
            points.append(point)
    points += _gaps(jobs, now, as_of_ym)
    tenure = _short_tenures(jobs, now)
    if tenure:
        points.append(tenure)
    if not jobs and not resume.education:
        points.append(
            FocusPoint(
                kind="thin_resume",
                question="The resume lists no dated work history or education: "
                "ask the candidate to walk through their background.",
                evidence=[],
            )
        )
    latest = max((e for e in jobs if e.start), key=lambda e: e.start or "", default=None)
    role = " at ".join(x for x in ((latest.title, latest.company) if latest else ()) if x)
    headline = ", ".join(
        p
        for p in (
            resume.name or "Candidate",
            role or None,
            f"{resume.experience_years:g} years' experience" if jobs else None,
            ("skills: " + ", ".join(resume.skills[:5])) if resume.skills else None,
        )
        if p
    )
    return PrescreenNote(
        text_sha256=resume.text_sha256, name=resume.name, headline=headline, focus_points=points
    )
