"""A simulated HR system: distinct resumes, typed interview answers and (with espeak-ng) spoken ones."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

FIRST = ["Avery", "Jordan", "Riley", "Morgan", "Casey", "Quinn", "Harper", "Rowan", "Emery", "Sasha"]
LAST = [
    "Lindqvist",
    "Okonkwo",
    "Marchetti",
    "Nakamura",
    "Delacroix",
    "Brennan",
    "Halvorsen",
    "Szabo",
    "Ferreira",
    "Kowalczyk",
    "Abernathy",
    "Castellano",
    "Wojcik",
    "Thorsen",
    "Mbeki",
    "Villanueva",
    "Ekström",
    "Oyelaran",
    "Baptiste",
    "Rasmussen",
]
SKILLS = ["Python", "Go", "SQL", "PostgreSQL", "Kubernetes", "Docker", "AWS", "Terraform", "Django", "Redis"]

RESUME = """{name}
Backend Software Engineer
Denver, CO | (303) 555-{phone:04d} | {email}

PROFESSIONAL SUMMARY
Backend engineer with {years} years of experience building APIs and data services.

PROFESSIONAL EXPERIENCE

Software Engineer, {company}                    Jan {start} – Present
• Designed a billing API serving {rps} requests per second.
• Reduced report query time from 40 s to {secs} s with PostgreSQL partitioning.

EDUCATION
B.S. Computer Science, University of Colorado, {grad}

TECHNICAL SKILLS
Languages: {skills}
"""


def resumes(folder: Path, n: int, prefix: str = "A") -> list[tuple[str, Path]]:
    """``n`` distinct text resumes: [(the HR system's candidate id, file)]."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7 + i // len(LAST)) % len(LAST)]}"
        if i >= len(LAST):
            name += f" {chr(65 + (i // len(LAST)) % 26)}."
        text = RESUME.format(
            name=name,
            phone=1000 + i,
            email=f"{name.split()[0].lower()}.{i}@example.org",
            years=3 + i % 9,
            company=f"Northwind {i}",
            start=2015 + i % 8,
            rps=500 + 37 * i,
            secs=2 + i % 7,
            grad=2010 + i % 10,
            skills=", ".join(SKILLS[j % len(SKILLS)] for j in range(i % 5, i % 5 + 5)),
        )
        path = folder / f"{prefix}-{i:04d}.txt"
        path.write_text(text)
        out.append((f"{prefix}-{i:04d}", path))
    return out


ANSWERS = [
    "Last year our checkout service kept timing out during the holiday sales. I was responsible for fixing it "
    "within two weeks. I profiled the database queries, added an index and introduced a cache. As a result, "
    "the waiting time dropped by half and we handled twice the traffic.",
    "When two colleagues disagreed about the project plan, I brought the data to a meeting. We agreed on the "
    "criteria together and delivered the project one week early.",
    "I made a mistake in a customer report. I told my manager the same day, corrected the numbers and added "
    "a check to our process so it does not happen again.",
]


def typed_answers(questions: list[dict]) -> dict[str, str]:
    return {q["question_id"]: ANSWERS[i % len(ANSWERS)] for i, q in enumerate(questions)}


def spoken_answers(questions: list[dict], folder: Path) -> dict[str, Path] | None:
    """One espeak-ng recording per question; None when espeak-ng is not installed."""
    espeak = shutil.which("espeak-ng")
    if not espeak:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for qid, text in typed_answers(questions).items():
        path = folder / f"{qid}.wav"
        subprocess.run([espeak, "-v", "en-us", "-s", "150", "-w", str(path), text], check=True)
        out[qid] = path
    return out
