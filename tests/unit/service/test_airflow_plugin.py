"""The API mounted in Airflow 3's API server as a plugin: Airflow's own plugin manager finds it in
plugins/, Airflow's own ``init_plugins`` mounts it, and our OAuth still guards every /v1 route (Airflow
does not authenticate plugin apps). Off by default. Each case runs in a fresh interpreter because
Airflow loads plugins once per process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]

PROBE = """
import json
from fastapi import FastAPI
from fastapi.testclient import TestClient
from airflow import plugins_manager
from airflow.api_fastapi.app import init_plugins

plugins, errors = plugins_manager._get_plugins()
ours = [p for p in plugins if p.name == "talentflow_service"]
out = {"found": len(ours), "errors": {k: v for k, v in errors.items() if "talentflow" in k}}
apps, _ = plugins_manager.get_fastapi_plugins()
out["apps"] = [(a["name"], a["url_prefix"], type(a["app"]).__name__) for a in apps if "TalentFlow" in a["name"]]
if out["apps"]:
    server = FastAPI()
    init_plugins(server)  # what Airflow's API server does with every plugin's fastapi_apps
    client = TestClient(server)  # no lifespan: nothing here reaches the warehouse
    prefix = out["apps"][0][1]
    r = client.get(prefix + "/v1/candidates")
    out["unauthenticated"] = [r.status_code, r.headers.get("content-type"), r.headers.get("www-authenticate")]
    r = client.get(prefix + "/v1/interviews/iv_x", headers={"Authorization": "Bearer not-a-token"})
    out["bad_token"] = r.status_code
    out["healthz"] = client.get(prefix + "/healthz").json()
print("RESULT " + json.dumps(out))
"""


def _probe(**env) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env={**os.environ, "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr[-3000:]
    return json.loads(lines[-1].removeprefix("RESULT "))


def test_plugin_mounts_the_api_and_our_oauth_still_guards_it():
    out = _probe(TALENTFLOW_API_AIRFLOW_PLUGIN="true")
    assert out["found"] == 1 and out["errors"] == {}
    assert out["apps"] == [["TalentFlow HR-system API", "/talentflow", "FastAPI"]]
    status, content_type, challenge = out["unauthenticated"]
    assert status == 401 and content_type.startswith("application/problem+json")
    assert challenge.startswith("Bearer")
    assert out["bad_token"] == 401
    assert out["healthz"] == {"status": "ok"}


def test_plugin_mounts_nothing_by_default():
    out = _probe(TALENTFLOW_API_AIRFLOW_PLUGIN="false")
    assert out["found"] == 1 and out["errors"] == {}
    assert out["apps"] == []
