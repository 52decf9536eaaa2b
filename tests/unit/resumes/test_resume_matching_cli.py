"""Requisition matching with reasons as data (a stand-in embedder), and ``talentflow resume parse``."""

from __future__ import annotations

import json

import numpy as np
from typer.testing import CliRunner

from talentflow.cli import app
from talentflow.resumes.matching import match_requisitions
from talentflow.resumes.parse import parse_resume

from .conftest import AS_OF, BAD, FIXTURES


class CountingEmbedder:
    """Deterministic unit vectors from word hashes; counts calls to check batching."""

    version = "fake-embedder"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts, batch_size=64):
        self.calls.append(len(texts))
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i, hash(word.strip(".,;:")) % 64] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


REQS = [
    {
        "requisition_id": "REQ-1",
        "title": "Senior Backend Engineer",
        "description": "Build Go and Python services on Kubernetes.",
        "required_skills": ["Python", "Go", "k8s", "PostgreSQL", "Kafka"],
        "min_experience_years": 5,
        "degree": "bachelor",
        "status": "open",
    },
    {
        "requisition_id": "REQ-2",
        "title": "Staff Nurse",
        "description": "Telemetry unit nurse.",
        "required_skills": ["Patient Care"],
        "min_experience_years": 2,
        "degree": "Bachelor of Science in Nursing",
    },
    {"requisition_id": "REQ-3", "title": "Closed role", "status": "closed", "required_skills": []},
]


def test_match_reasons_as_data_and_one_batch_per_side():
    resumes = [
        parse_resume(FIXTURES / name, as_of=AS_OF) for name in ("01_classic_chrono.txt", "06_nurse.txt")
    ]
    embedder = CountingEmbedder()
    matches = match_requisitions(resumes, REQS, embedder)
    assert embedder.calls == [2, 2]  # every resume in one call, every open requisition in one
    assert len(matches) == 4
    eng = next(m for m in matches if m.requisition_id == "REQ-1" and m.text_sha256 == resumes[0].text_sha256)
    skills = next(r for r in eng.reasons if r.code == "required_skills")
    assert skills.message == "has 4 of 5 required skills; missing Kafka"
    assert skills.data["missing"] == ["Kafka"] and skills.passed is False
    assert eng.skill_coverage == 0.8 and not eng.meets_hard_requirements
    years = next(r for r in eng.reasons if r.code == "min_experience_years")
    assert years.passed and years.data["required"] == 5
    assert next(r for r in eng.reasons if r.code == "degree").passed
    assert eng.model_version == "fake-embedder"
    nurse = next(
        m for m in matches if m.requisition_id == "REQ-2" and m.text_sha256 == resumes[1].text_sha256
    )
    assert nurse.meets_hard_requirements
    wrong = next(
        m for m in matches if m.requisition_id == "REQ-2" and m.text_sha256 == resumes[0].text_sha256
    )
    assert wrong.score < nurse.score


def test_cli_single_file_json():
    result = CliRunner().invoke(
        app, ["resume", "parse", str(FIXTURES / "04_skills_first.txt"), "--json", "--as-of", "2024-06-01"]
    )
    assert result.exit_code == 0, result.output
    obj = json.loads(result.stdout)
    assert obj["name"] == "Priya Raghunathan"
    assert {"name", "email", "phone", "skills", "education", "experience", "experience_years"} <= set(obj)
    assert obj["experience"][0] == {
        "company": "Quayside Payments",
        "title": "Site Reliability Engineer",
        "start": "2020-03",
        "end": None,
    }
    assert obj["experience_years"] == 7.8  # 51 + 43 months


def test_cli_several_files_report_errors_per_file():
    result = CliRunner().invoke(
        app, ["resume", "parse", str(FIXTURES / "14_minimal.txt"), str(BAD / "encrypted.pdf"), "--json"]
    )
    assert result.exit_code == 0, result.output
    good, bad = json.loads(result.stdout)
    assert good["email"] == "omar.haddad@example.com"
    assert bad["error"]["reason_code"] == "encrypted"


def test_cli_bad_input_exits_non_zero_with_one_line():
    runner = CliRunner()
    one = runner.invoke(app, ["resume", "parse", str(BAD / "corrupt.pdf"), "--json"])
    assert one.exit_code == 2 and "cannot read resume (corrupt)" in one.output
    missing = runner.invoke(app, ["resume", "parse", "nope.pdf"])
    assert missing.exit_code == 2 and "nope.pdf: no such file" in missing.output
    every = runner.invoke(app, ["resume", "parse", str(BAD / "empty.txt"), str(BAD / "resume.odt"), "--json"])
    assert every.exit_code == 2
    assert [r["error"]["reason_code"] for r in json.loads(every.stdout)] == ["empty", "unsupported_type"]
