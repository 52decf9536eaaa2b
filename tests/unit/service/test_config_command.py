"""`talentflow config` lists the API's TALENTFLOW_API_* settings beside the platform's, secrets masked."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from talentflow.cli import app
from talentflow.service.settings import ServiceSettings


def test_config_lists_every_api_setting_with_the_secret_masked(monkeypatch):
    secret = "jwt-signing-key-that-must-never-be-printed-42"
    monkeypatch.setenv("TALENTFLOW_API_JWT_SECRET", secret)
    monkeypatch.setenv("TALENTFLOW_API_PUBLIC_URL", "https://talent.example.com")
    for fmt in (["--json"], []):
        out = CliRunner().invoke(app, ["config", *fmt])
        assert out.exit_code == 0, out.output
        assert secret not in out.output
    rows = {
        r["variable"]: r["value"] for r in json.loads(CliRunner().invoke(app, ["config", "--json"]).output)
    }
    expected = {f"TALENTFLOW_API_{name.upper()}" for name in ServiceSettings.model_fields}
    assert expected <= set(rows)
    assert rows["TALENTFLOW_API_JWT_SECRET"] == "***"
    assert rows["TALENTFLOW_API_PUBLIC_URL"] == "https://talent.example.com"
    assert rows["TALENTFLOW_API_AIRFLOW_PLUGIN"] == "False"
    assert "TALENTFLOW_HOME" in rows  # the platform's settings are still there
