"""Worlds shared by the world generator's tests: generated once per session, small enough to be fast."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from talentflow_demo.world import WorldParams, generate_world

BIAS = {"attribute": "sex", "group": "female", "size": 0.8}


@dataclass
class World:
    root: Path

    @cached_property
    def truth(self) -> dict:
        return json.loads((self.root / "ground_truth" / "truth.json").read_text())

    def jsonl(self, name: str) -> list[dict]:
        with (self.root / "ground_truth" / name).open() as fh:
            return [json.loads(line) for line in fh]

    @cached_property
    def employees(self) -> list[dict]:
        return self.jsonl("employees.jsonl")

    @cached_property
    def candidates(self) -> list[dict]:
        return self.jsonl("candidates.jsonl")

    @cached_property
    def resumes(self) -> list[dict]:
        return self.jsonl("resumes.jsonl")

    def csv(self, rel: str) -> list[dict]:
        with (self.root / rel).open(newline="") as fh:
            return list(csv.DictReader(fh))

    @cached_property
    def params(self) -> WorldParams:
        return WorldParams()


@pytest.fixture(scope="session")
def stats_world(tmp_path_factory) -> World:
    """Big enough for the statistics to be decisive (a few seconds), with an injected bias."""
    root = tmp_path_factory.mktemp("stats") / "world"
    generate_world(root, seed=11, candidates=500, employees=1500, years=3, recordings=0, bias=BIAS)
    return World(root)


@pytest.fixture(scope="session")
def small_world(tmp_path_factory) -> World:
    """A demo-like world with the committed sample recordings (works without espeak-ng)."""
    root = tmp_path_factory.mktemp("small") / "world"
    generate_world(root, seed=3, candidates=80, employees=60, years=2, recordings=16, use_espeak=False)
    return World(root)
