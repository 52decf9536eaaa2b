"""The same seed gives byte-identical worlds; different seeds give different ones."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from talentflow_demo.world import generate_world
from talentflow_demo.world.audio import espeak_binary

SIZES = {"candidates": 80, "employees": 60, "years": 2, "recordings": 16}


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_byte_identical_tree(small_world, tmp_path):
    """Generated again in another process with another hash seed: nothing may depend on either."""
    again = tmp_path / "again"
    code = f"from talentflow_demo.world import generate_world; generate_world({str(again)!r}, seed=3, use_espeak=False, **{SIZES!r})"
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONHASHSEED": "12345"})
    first, second = tree_digest(small_world.root), tree_digest(again)
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, f"files differ between two runs with the same seed: {differing[:5]}"
    # every kind of file is covered by the comparison
    suffixes = {Path(name).suffix for name in first}
    assert {".pdf", ".docx", ".txt", ".wav", ".csv", ".json", ".jsonl"} <= suffixes


def test_different_seeds_differ(small_world, tmp_path):
    other = tmp_path / "other"
    generate_world(other, seed=4, **SIZES, use_espeak=False)
    first, second = tree_digest(small_world.root), tree_digest(other)
    for rel in (
        "ground_truth/truth.json",
        "ground_truth/employees.jsonl",
        "hris/attendance.csv",
        "candidates/applications.csv",
    ):
        assert first[rel] != second[rel], rel
    assert set(first) != set(second) or any(first[k] != second[k] for k in first)


def test_regenerating_into_an_existing_world_replaces_it(small_world, tmp_path):
    target = tmp_path / "w"
    generate_world(target, seed=3, **SIZES, use_espeak=False)
    (target / "resumes" / "stale.txt").write_text("left over")
    generate_world(target, seed=3, **SIZES, use_espeak=False)
    assert tree_digest(target) == tree_digest(small_world.root)


@pytest.mark.skipif(espeak_binary() is None, reason="espeak-ng is not installed (apt-get install espeak-ng)")
def test_espeak_recordings_are_deterministic(tmp_path):
    sizes = {"candidates": 40, "employees": 10, "years": 1, "recordings": 8}
    generate_world(tmp_path / "a", seed=5, **sizes, use_espeak=True)
    generate_world(tmp_path / "b", seed=5, **sizes, use_espeak=True)
    a, b = tree_digest(tmp_path / "a"), tree_digest(tmp_path / "b")
    wavs = [k for k in a if k.endswith(".wav")]
    assert len(wavs) == 8
    assert a == b
