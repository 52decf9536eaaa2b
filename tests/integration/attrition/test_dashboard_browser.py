"""The stored HR dashboard in a real headless Chromium: charts drawn, key numbers shown, nothing fetched.

The screenshot is kept at bench/results/dashboard.png for people to look at."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from talentflow.core import storage
from tests.integration.attrition.conftest import query

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path(__file__).resolve().parents[3] / "bench" / "results" / "dashboard.png"


def _chromium(page: Path, tmp_path: Path, *mode: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1400,2400",
            *mode,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def page(first_run, attrition_world, tmp_path_factory) -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium package to render the dashboard")
    _, settings = attrition_world
    path = tmp_path_factory.mktemp("dashboard") / "latest.html"
    return storage.get_store(settings).get_file("reports/dashboard/latest.html", path)


def test_dashboard_renders_charts_and_key_numbers(page, first_run, attrition_world, tmp_path):
    _, settings = attrition_world
    dom = _chromium(page, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    # Charts: one inline SVG per section with data (funnel, risk, pay); no interviews were scored.
    assert len(re.findall(r"<svg\b", html)) >= 3
    assert "No interviews scored yet." in html
    funnel = query(
        settings, "SELECT sum(applications)::bigint AS a, sum(hired)::bigint AS h FROM marts.hiring_funnel"
    )[0]
    assert f"Applications<b>{funnel['a']:,}</b>" in html and f"Hired<b>{funnel['h']:,}</b>" in html
    high = first_run["result"].xcoms["score"]["bands"]["high"]
    assert re.search(rf"High attrition risk<b[^>]*>{high}</b>", html)
    sent = first_run["result"].xcoms["send_alerts"]["sent"]
    assert f"Alerts sent<b>{sent}</b>" in html
    for department in ("eng-plt", "ops-biz", "sls-smb"):
        assert f"<td>{department}</td>" in html
    suites = query(settings, "SELECT count(DISTINCT suite) AS n FROM audit.data_quality_results")[0]["n"]
    assert html.count("<td>hris_") >= 1 and html.count('class="ok">passed') >= suites - 1

    shot = _chromium(page, tmp_path, f"--screenshot={tmp_path / 'dashboard.png'}")
    assert shot.returncode == 0, shot.stderr[-2000:]
    png = (tmp_path / "dashboard.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 50_000  # a blank page is a few kB
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tmp_path / "dashboard.png", SCREENSHOT)
