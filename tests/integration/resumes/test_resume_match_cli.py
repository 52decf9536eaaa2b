"""``talentflow resume match`` ranks resumes against a requisition file with the DAG's matching code
and the bundled MiniLM weights, in a subprocess as a recruiter runs it (issue 13 #6)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures" / "resumes"
TALENTFLOW = REPO / ".venv" / "bin" / "talentflow"
pytestmark = pytest.mark.slow


def _match(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    if not TALENTFLOW.exists():
        pytest.skip("needs the talentflow console script in .venv/bin")
    return subprocess.run(
        [str(TALENTFLOW), "resume", "match", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "TALENTFLOW_HOME": str(tmp_path / "home")},
        cwd=tmp_path,
    )


def test_match_ranks_by_the_job_description(tmp_path):
    jd = tmp_path / "data_engineer.txt"
    jd.write_text(
        "Senior Data Engineer\nWe need 5+ years building Python and SQL pipelines with Airflow and Spark.\n"
        "Bachelor degree in Computer Science required.\n"
    )
    files = [FIXTURES / n for n in ("06_nurse.txt", "25_docx_tables.docx", "01_classic_chrono.txt")]
    proc = _match(tmp_path, *map(str, files), str(FIXTURES / "bad" / "corrupt.pdf"), "--requisition", str(jd),
                  "--json")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    ranking = out["ranking"]
    assert [Path(r["file"]).name for r in ranking][0] == "25_docx_tables.docx"
    assert Path(ranking[-1]["file"]).name == "06_nurse.txt"
    assert [r["rank"] for r in ranking] == [1, 2, 3]
    assert ranking[0]["score"] >= ranking[1]["score"] >= ranking[2]["score"]
    codes = {r["code"] for r in ranking[0]["reasons"]}
    assert {"required_skills", "min_experience_years", "degree", "semantic_similarity"} <= codes
    assert out["requisition"]["min_experience_years"] == 5.0
    assert out["unreadable"][0]["error"]["reason_code"] == "corrupt"


def test_match_with_a_yaml_requisition_and_hard_requirements(tmp_path):
    req = tmp_path / "nurse.yaml"
    req.write_text(
        "requisition_id: NURSE-7\ntitle: Staff Nurse, telemetry unit\n"
        "description: Care for cardiac telemetry patients on a busy hospital ward.\n"
        "competency_profile:\n  Patient care: 4\n  Clinical judgement: 3\n"
        "hard_requirements:\n  skills: [Patient Care]\n  min_experience_years: 2\n"
        "  degree: Bachelor of Science in Nursing\n"
    )
    files = [FIXTURES / n for n in ("01_classic_chrono.txt", "06_nurse.txt")]
    proc = _match(tmp_path, *map(str, files), "--requisition", str(req), "--json")
    assert proc.returncode == 0, proc.stderr
    ranking = json.loads(proc.stdout)["ranking"]
    top = ranking[0]
    assert Path(top["file"]).name == "06_nurse.txt" and top["meets_hard_requirements"]
    assert not ranking[1]["meets_hard_requirements"]
    assert top["similarity"] > ranking[1]["similarity"]

    nothing = _match(tmp_path, str(FIXTURES / "bad" / "corrupt.pdf"), "--requisition", str(req), "--json")
    assert nothing.returncode == 2
