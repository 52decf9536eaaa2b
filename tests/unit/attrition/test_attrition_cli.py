"""``talentflow attrition evaluate`` on the tiny IBM-style fixture: a clear one-line refusal, no crash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "hris" / "snapshot"
TALENTFLOW = str(Path(sys.executable).with_name("talentflow"))


def test_too_few_rows_for_cross_validation_is_said_plainly():
    out = subprocess.run(
        [
            TALENTFLOW,
            "attrition",
            "evaluate",
            "--hris-export",
            str(FIXTURES / "attrition_snapshot.csv"),
            "--mapping",
            str(FIXTURES / "ibm_style_mapping.yaml"),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 2 and out.stdout == ""
    [line] = out.stderr.strip().splitlines()
    assert "too few rows for 5-fold cross-validation: 6 employees, 2 leavers and 4 stayers" in line


def test_a_missing_export_is_a_one_line_error(tmp_path):
    out = subprocess.run(
        [
            TALENTFLOW,
            "attrition",
            "evaluate",
            "--hris-export",
            str(tmp_path / "nope"),
            "--mapping",
            str(FIXTURES / "ibm_style_mapping.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 2 and "HRIS export not found" in out.stderr
