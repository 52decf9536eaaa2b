"""Shared fixtures for the resume tests: the hand-written corpus and its expected fields."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "resumes"
BAD = FIXTURES / "bad"
AS_OF = date(2024, 6, 1)
"""The date "present" means for the hand-written resumes (their expected years assume it)."""


def corpus() -> list[tuple[Path, dict]]:
    """(resume file, expected fields) for every hand-written resume."""
    out = []
    for expected in sorted((FIXTURES / "expected").glob("*.json")):
        matches = [p for p in FIXTURES.iterdir() if p.is_file() and p.stem == expected.stem]
        assert len(matches) == 1, f"expected/{expected.name} needs exactly one resume file beside it"
        out.append((matches[0], json.loads(expected.read_text(encoding="utf-8"))))
    return out


@pytest.fixture(scope="session")
def taxonomy():
    from talentflow.resumes.taxonomy import load_taxonomy

    return load_taxonomy()


@pytest.fixture(scope="session")
def parsed_corpus(taxonomy):
    from talentflow.resumes.parse import parse_resume

    return [(path, parse_resume(path, as_of=AS_OF, taxonomy=taxonomy), truth) for path, truth in corpus()]
