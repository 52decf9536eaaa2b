"""The ATS side of a world: ``candidates/applications.csv``, ``consents.csv`` (no row for a candidate
never asked) and ``demographics.csv`` (voluntary: "undisclosed" where not given)."""

from __future__ import annotations

import csv
from pathlib import Path

from talentflow_demo.world.interview_files import CONSENT_PURPOSE
from talentflow_demo.world.people import Candidate
from talentflow_demo.world.timeline import Timeline


def write_candidate_tables(out: Path, timeline: Timeline, cands: list[Candidate]) -> None:
    folder = out / "candidates"
    with (folder / "applications.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            [
                "candidate_id",
                "requisition_id",
                "source",
                "applied_at",
                "stage_reached",
                "hired",
                "hired_at",
                "interview_id",
                "resume_file",
            ]
        )
        for c in cands:
            w.writerow(
                [
                    c.candidate_id,
                    c.requisition.requisition_id,
                    c.source,
                    timeline.iso(c.applied_day),
                    c.stage,
                    "true" if c.hired else "false",
                    timeline.iso(c.hired_day) if c.hired else "",
                    c.interview_id or "",
                    c.resume_file,
                ]
            )
    with (folder / "consents.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["candidate_id", "consent_given", "purpose", "recorded_at", "policy_version", "channel"])
        for n, c in enumerate(cands):
            if c.consent == "missing":
                continue  # never asked: no record at all
            w.writerow(
                [
                    c.candidate_id,
                    "true" if c.consent == "given" else "false",
                    CONSENT_PURPOSE,
                    f"{timeline.iso(c.consent_day)}T{c.consent_time}",
                    "2021.2" if c.consent_day < 365 else "2023.1",
                    ("web_form", "email", "recruiter")[n % 3],
                ]
            )
    with (folder / "demographics.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["candidate_id", "sex", "ethnicity", "age_band", "collected_at"])
        for c in cands:
            if c.demographics_disclosed:
                w.writerow([c.candidate_id, c.sex, c.ethnicity, c.age_band, timeline.iso(c.applied_day)])
            else:
                w.writerow(
                    [c.candidate_id, "undisclosed", "undisclosed", "undisclosed", timeline.iso(c.applied_day)]
                )
