"""``talentflow attrition evaluate`` on the generated world's HRIS exports (no warehouse involved)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
TALENTFLOW = str(Path(sys.executable).with_name("talentflow"))
MAPPING = REPO / "sample_data" / "mappings" / "larkspur_hris.yaml"


def _evaluate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [TALENTFLOW, "attrition", "evaluate", *args, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_cross_validates_the_world_snapshot_selecting_only_its_entity(attrition_world):
    world, _ = attrition_world
    out = _evaluate(
        "--hris-export", str(world / "hris" / "workforce_snapshot.csv"), "--mapping", str(MAPPING)
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["source"] == "snapshot" and result["system"] == "larkspur_hris"
    snapshot_rows = sum(1 for _ in (world / "hris" / "workforce_snapshot.csv").open()) - 1
    assert result["employees"] == snapshot_rows and result["rejected_rows"] == 0
    # The snapshot carries job satisfaction, which the generator lowers for every exit-hazard indicator.
    assert 0.55 < result["roc_auc"] < 0.95 and len(result["roc_auc_per_fold"]) == 5
    assert result["precision_at_top_decile"] > result["base_rate"]
    assert 0 < result["brier"] < 0.25
    assert "job_satisfaction" in result["features"] and "age" not in result["features"]


def test_cross_validates_a_multi_entity_export(attrition_world):
    world, _ = attrition_world
    out = _evaluate("--hris-export", str(world / "hris"), "--mapping", str(MAPPING), "--source", "entities")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["source"] == "entities" and result["employees"] == 1000
    assert result["roc_auc"] > 0.5 and "years_since_last_promotion" in result["features"]
