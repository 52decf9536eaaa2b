"""The HR pages in a real browser: one generated world (HRIS, ATS, resumes, spoken and typed interviews)
run through the loader DAGs, dbt and the attrition DAG on the session's PostgreSQL; the service under
uvicorn over real HTTP; Debian's headless Chromium driven by Selenium, one browser session per role.

The world is built once per module; alerts and the dashboard are rendered with ``TALENTFLOW_PUBLIC_URL``
pointing at the live server, so the links they carry are the ones the tests click."""

from __future__ import annotations

import html
import os
import re
import threading
import time
from pathlib import Path

import httpx
import pytest

from talentflow.core.runtime import free_port

SCREENSHOTS = Path(__file__).resolve().parents[3] / "bench" / "results" / "pages"
WORLD = {"seed": 5, "candidates": 30, "employees": 90, "years": 2, "recordings": 2}
PASSWORD = "correct-horse-battery-staple"


class LiveServer:
    def __init__(self, app, port: int) -> None:
        import uvicorn

        self.port, self.url = port, f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the service did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module")
def web_world(tmp_path_factory, tf_runtime, run_dag):
    """(settings, public URL, facts about the world) after every loader DAG, dbt and attrition_alerts."""
    from talentflow_demo.delivery import deliver_world
    from talentflow_demo.world import generate_world

    from talentflow.core import tables as raw_tables
    from talentflow.core import warehouse
    from talentflow.warehouse_build import dbt_project as dbt
    from tests.conftest import reset_loaded_data

    port = free_port()
    public = f"http://127.0.0.1:{port}"
    saved = os.environ.get("TALENTFLOW_PUBLIC_URL")
    os.environ["TALENTFLOW_PUBLIC_URL"] = public
    reset_loaded_data(tf_runtime)
    with warehouse.connect(tf_runtime) as conn:
        for table in ("audit.alerts_sent", "raw.attrition_scores"):
            if conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()[0]:
                conn.execute(f"TRUNCATE {table}")
    out = tmp_path_factory.mktemp("web-world")
    generate_world(out, **WORLD)
    deliver_world(out, "web-world-5", tf_runtime)
    raw_tables.ensure_all(tf_runtime)
    for dag_id in ("archive_sync", "resume_ingestion", "interview_scoring"):
        result = run_dag(dag_id, retries=0)
        assert result.ok, (dag_id, result.failed_tasks())
    # dbt directly (as the attrition tests do): the Cosmos DAG has its own tests, and parsing it can
    # pass Airflow's DagBag import timeout on a busy 2-core machine.
    dbt.run(["build"], tf_runtime)
    result = run_dag("attrition_alerts", retries=0)
    assert result.ok, ("attrition_alerts", result.failed_tasks())
    from talentflow.core.config import get_settings

    _ensure_an_alert(get_settings())  # fresh settings: they carry TALENTFLOW_PUBLIC_URL, set above
    settings = get_settings()
    yield settings, port, public
    if saved is None:
        os.environ.pop("TALENTFLOW_PUBLIC_URL", None)
    else:
        os.environ["TALENTFLOW_PUBLIC_URL"] = saved


def _ensure_an_alert(settings) -> None:
    """A small world may have nobody in the high band: then the most at-risk employee of the day is
    moved into it and the real alert sender runs again, so there is an alert whose links to click."""
    from talentflow.attrition.alerting import send_alerts
    from talentflow.core import warehouse

    with warehouse.connect(settings) as conn:
        if conn.execute("SELECT count(*) FROM audit.alerts_sent").fetchone()[0]:
            return
        day = conn.execute("SELECT max(scored_at) FROM raw.attrition_scores").fetchone()[0]
        conn.execute(
            "UPDATE raw.attrition_scores SET risk_band = 'high' WHERE scored_at = %s AND employee_key ="
            " (SELECT employee_key FROM raw.attrition_scores WHERE scored_at = %s"
            " ORDER BY probability DESC NULLS LAST, employee_key LIMIT 1)",
            (day, day),
        )
    run = send_alerts(day, settings)
    assert run["high_risk"] >= 1 and run["alert_ids"], run


def query(settings, sql: str, params=None, role: str | None = "hr_admin") -> list[dict]:
    from talentflow.core import warehouse

    with warehouse.connect(settings, role=role) as conn:
        return warehouse.fetch_all(conn, sql, params)


@pytest.fixture(scope="module")
def people(web_world):
    """One user per role, scoped to what the world holds: two departments with employees, a
    requisition's department with interviewed candidates, two candidates with recordings."""
    from talentflow.core import accounts, warehouse

    settings, _, _ = web_world
    depts = [
        r["department"]
        for r in query(
            settings,
            "SELECT department, count(*) FROM marts.employee_lifecycle_profile WHERE is_active"
            " GROUP BY 1 ORDER BY 2 DESC, 1",
        )
    ]
    interviewed = query(
        settings,
        "SELECT i.candidate_id, i.interview_id, q.department_code FROM raw.interview_results i"
        " JOIN raw.ats_requisitions q USING (requisition_id) WHERE i.status = 'done'"
        " ORDER BY i.candidate_id",
    )
    store_keys = _recording_owners(settings)
    with_recording = [r for r in interviewed if (r["candidate_id"], r["interview_id"]) in store_keys]
    assert len(depts) >= 2 and interviewed and with_recording, (
        "the world needs employees, interviews, recordings"
    )
    own_cand = with_recording[0]
    other_cands = [r for r in interviewed if r["department_code"] != own_cand["department_code"]]
    facts = {
        "own_department": depts[0],
        "other_department": next(d for d in depts[1:]),
        "candidate": own_cand,
        "other_candidate": other_cands[0] if other_cands else interviewed[-1],
        "recordings": store_keys,
    }
    roles = {
        "hr_admin": {"role": "hr_admin"},
        "hrbp": {"role": "hrbp", "departments": [facts["own_department"]]},
        "hiring_manager": {"role": "hiring_manager", "departments": [own_cand["department_code"]]},
        "candidate": {"role": "candidate", "candidate_id": own_cand["candidate_id"]},
    }
    with warehouse.connect(settings) as conn:
        for name, spec in roles.items():
            accounts.add_user(conn, f"t.{name}", password=PASSWORD, display_name=f"Test {name}", **spec)
    return facts


def _recording_owners(settings) -> dict[tuple[str, str], list[str]]:
    from talentflow.core import storage

    found: dict[tuple[str, str], list[str]] = {}
    for obj in storage.get_store(settings).list("recordings/"):
        parts = obj.key.split("/")
        if len(parts) >= 4:
            found.setdefault((parts[1], parts[2]), []).append(parts[-1])
    return found


@pytest.fixture(scope="module")
def server(web_world, people):
    from talentflow.service.app import create_app
    from talentflow.service.settings import ServiceSettings

    settings, port, _ = web_world
    with LiveServer(create_app(settings, ServiceSettings(dispatch_interval_s=0)), port) as live:
        yield live


@pytest.fixture(scope="module")
def browser():
    from tests.browser import chromium, missing

    if absent := missing():
        pytest.skip(
            f"headless browser absent: {', '.join(absent)} (Debian packages chromium, chromium-driver)"
        )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with chromium() as driver:
        yield driver


def still_shown(element) -> bool:
    """True while ``element`` (a part of the page before a click) is still in the page shown. Once
    the browser has navigated, Chromium answers "stale element" or, under load, "node does not
    belong to the document": either means the old page is gone."""
    from selenium.common.exceptions import WebDriverException

    try:
        element.is_enabled()
        return True
    except WebDriverException:
        return False


class Session:
    """The browser signed in as one user (cookies cleared first: each role its own session)."""

    def __init__(self, driver, base: str, username: str) -> None:
        self.driver, self.base, self.username = driver, base, username

    def sign_in(self, password: str = PASSWORD) -> Session:
        from selenium.webdriver.common.by import By

        self.driver.get(self.base + "/hr/login")
        self.driver.delete_all_cookies()
        self.driver.get(self.base + "/hr/login")
        self.driver.find_element(By.ID, "username").send_keys(self.username)
        self.driver.find_element(By.ID, "password").send_keys(password)
        self.submit(By.ID, "sign-in")
        return self

    def submit(self, by: str, selector: str) -> str:
        """Click a form's button and wait until the browser has left the page (the post and its
        redirect): nothing of the old page is read after the click. Returns the new URL."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        old_page = self.driver.find_element(By.TAG_NAME, "body")
        self.driver.find_element(by, selector).click()
        WebDriverWait(self.driver, 60).until(lambda _: not still_shown(old_page))
        return self.driver.current_url

    def open(self, path: str) -> str:
        self.driver.get(path if path.startswith("http") else self.base + path)
        return self.driver.page_source

    def text(self) -> str:
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.common.by import By

        for _ in range(3):  # a page still replacing itself (a redirect) makes the body stale once
            try:
                return self.driver.find_element(By.TAG_NAME, "body").text
            except StaleElementReferenceException:
                continue
        return self.driver.find_element(By.TAG_NAME, "body").text

    def refused(self) -> bool:
        from selenium.webdriver.common.by import By

        return bool(self.driver.find_elements(By.ID, "refused"))

    def shot(self, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def http(self) -> httpx.Client:
        """An HTTP client carrying this browser's session cookie (to read status codes of downloads)."""
        cookies = {c["name"]: c["value"] for c in self.driver.get_cookies()}
        return httpx.Client(base_url=self.base, cookies=cookies, follow_redirects=False, timeout=30)


@pytest.fixture(scope="module")
def as_role(browser, server):
    def sign_in(role: str) -> Session:
        return Session(browser, server.url, f"t.{role}").sign_in()

    return sign_in


def links_in(text: str, base: str) -> list[str]:
    """Every address under ``base``/hr/ in a message or a page (JSON- and HTML-escaped text too)."""
    text = html.unescape(text.replace("\\n", "\n").replace('\\"', '"'))
    return sorted(set(re.findall(re.escape(base) + r"/hr/[^\s\"'<>)\\]*", text)))
