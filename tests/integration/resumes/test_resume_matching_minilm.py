"""Requisition matching with the bundled all-MiniLM-L6-v2 weights (loaded once for the module)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from talentflow.resumes.matching import match_requisitions, resume_profile_text
from talentflow.resumes.parse import parse_resume

os.environ.setdefault("HF_HUB_OFFLINE", "1")
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "resumes"

pytestmark = pytest.mark.slow

REQS = [
    {
        "requisition_id": "DATA-1",
        "title": "Data Engineer",
        "description": "Build batch and streaming data pipelines with Spark, Kafka and Airflow into Snowflake.",
        "required_skills": ["Python", "SQL", "Spark", "Airflow"],
        "min_experience_years": 3,
        "degree": "bachelor",
    },
    {
        "requisition_id": "NURSE-1",
        "title": "Registered Nurse, Telemetry",
        "description": "Care for cardiac telemetry patients; medication administration and patient education.",
        "required_skills": ["Patient Care", "EHR"],
        "min_experience_years": 2,
        "degree": "bachelor",
    },
]


@pytest.fixture(scope="module")
def embedder():
    from talentflow.core.models import get_embedder

    try:
        return get_embedder()
    except Exception as exc:  # noqa: BLE001 - name the missing model instead of erroring
        pytest.skip(f"bundled MiniLM model not loadable: {exc}")


def test_semantic_similarity_ranks_the_right_requisition(embedder):
    names = ["25_docx_tables.docx", "06_nurse.txt", "10_markdown.txt"]
    resumes = [parse_resume(FIXTURES / n) for n in names]
    matches = match_requisitions(resumes, REQS, embedder)
    sim = {(m.text_sha256, m.requisition_id): m for m in matches}
    data, nurse, ml = (r.text_sha256 for r in resumes)
    assert sim[(data, "DATA-1")].similarity > sim[(data, "NURSE-1")].similarity + 0.15
    assert sim[(nurse, "NURSE-1")].similarity > sim[(nurse, "DATA-1")].similarity + 0.15
    assert sim[(data, "DATA-1")].meets_hard_requirements
    assert sim[(data, "DATA-1")].score > sim[(ml, "DATA-1")].score > sim[(nurse, "DATA-1")].score
    assert all(m.model_version == embedder.version for m in matches)
    strength = next(r for r in sim[(data, "DATA-1")].reasons if r.code == "semantic_similarity")
    assert strength.data["strength"] in {"moderate", "strong"}


def test_batched_and_one_at_a_time_embeddings_agree(embedder):
    texts = [
        resume_profile_text(parse_resume(FIXTURES / n)) for n in ("01_classic_chrono.txt", "14_minimal.txt")
    ]
    batched = embedder.encode(texts, batch_size=64)
    single = np.vstack([embedder.encode([t]) for t in texts])
    assert batched.shape == (2, 384)
    np.testing.assert_allclose(batched, single, atol=1e-4)
    np.testing.assert_allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
