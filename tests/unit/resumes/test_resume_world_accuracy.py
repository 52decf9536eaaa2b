"""Extraction precision and recall per field over the synthetic world's resumes and ground truth.

``ground_truth/resumes.jsonl`` says what a perfect parser returns; an open job runs to the
application date (``candidates/applications.csv``), which is what "present" means for that resume.
"""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from talentflow.resumes.evaluation import aggregate, format_report, report, score_resume
from talentflow.resumes.extract import UnreadableResume
from talentflow.resumes.parse import parse_resume

try:
    from talentflow_demo.world import generate_world
except ImportError:  # the generator lands separately
    generate_world = None

FLOORS = {
    "name": (0.97, 0.97),
    "email": (0.99, 0.99),
    "phone": (0.99, 0.99),
    "location": (0.97, 0.97),
    "experience_years": (0.95, 0.95),
    "skills": (0.85, 0.97),
    "certifications": (0.95, 0.95),
    "languages": (0.97, 0.97),
    "education": (0.95, 0.95),
    "experience": (0.95, 0.95),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    if generate_world is None:
        pytest.skip("talentflow_demo.world.generate_world not available yet")
    out = tmp_path_factory.mktemp("world")
    generate_world(out, seed=23, candidates=150, employees=20, years=1, recordings=0)
    return out


def test_world_precision_recall(world, taxonomy):
    applied = {
        row["candidate_id"]: date.fromisoformat(row["applied_at"][:10])
        for row in csv.DictReader((world / "candidates" / "applications.csv").open(encoding="utf-8"))
    }
    truths = [json.loads(line) for line in (world / "ground_truth" / "resumes.jsonl").open(encoding="utf-8")]
    assert len(truths) >= 100
    per_resume, unreadable = [], []
    for truth in truths:
        try:
            parsed = parse_resume(
                world / "resumes" / truth["file"], as_of=applied.get(truth["candidate_id"]), taxonomy=taxonomy
            )
        except UnreadableResume as exc:
            unreadable.append(exc)
            continue
        per_resume.append(score_resume(parsed.contract(), truth, taxonomy))
    assert not unreadable
    table = report(aggregate(per_resume))
    print(f"\nworld resumes: {len(per_resume)}")
    print(format_report(table))
    for field, (p_floor, r_floor) in FLOORS.items():
        assert table[field]["precision"] >= p_floor, (field, table[field])
        assert table[field]["recall"] >= r_floor, (field, table[field])
