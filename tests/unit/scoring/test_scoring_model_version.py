"""The scoring-model version is data: weights and thresholds feedback retraining can replace."""

from __future__ import annotations

import pytest
import yaml

from scoring_tasks.model_version import load_model_version


def test_shipped_default_version():
    version = load_model_version()
    assert version.version == "default-2026.1"
    assert version.speech_facts.enabled is False  # speech facts stay out of the score by default
    assert version.thresholds.talent_pool <= version.thresholds.advance


def test_job_family_weights_fall_back_to_default_and_one():
    version = load_model_version(
        {"version": "v2", "competency_weights": {"default": {"teamwork": 2.0}, "sales": {"negotiation": 3.0}}}
    )
    assert version.weight("sales", "negotiation") == 3.0
    assert version.weight("sales", "teamwork") == 2.0
    assert version.weight("engineering", "ownership") == 1.0


def test_retrained_version_from_a_file(tmp_path):
    path = tmp_path / "retrained.yaml"
    path.write_text(yaml.safe_dump({"version": "retrained-2025-06", "thresholds": {"advance": 80}}))
    assert load_model_version(path).thresholds.advance == 80


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"version": "x", "thresholds": {"advance": 40, "talent_pool": 60}}, "talent_pool must not exceed"),
        (
            {"version": "x", "feature_weights": {"anchors": 0, "star": 0, "specificity": 0, "depth": 0}},
            "positive",
        ),
        ({"thresholds": {}}, "at 'version'"),
    ],
)
def test_invalid_versions_are_rejected(data, message):
    with pytest.raises(ValueError, match=message):
        load_model_version(data)


def test_missing_version_file_is_named(tmp_path):
    with pytest.raises(ValueError, match="not found"):
        load_model_version(tmp_path / "nope.yaml")
