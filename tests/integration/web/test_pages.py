"""Each role signs in with a real browser and sees what is theirs, and is refused the rest; the page
actions (decision, resume correction, human-review request) land in the same tables the API and the
CLI write; every link in an alert and in the dashboard opens the page it names."""

from __future__ import annotations

import json

from tests.integration.web.conftest import links_in, query


def test_pages_need_sign_in_and_a_wrong_password_is_refused(browser, server, people):
    from tests.integration.web.conftest import Session

    with Session(browser, server.url, "t.hr_admin").http() as anon:
        resp = anon.get("/hr/employees")
        assert resp.status_code == 303 and resp.headers["location"].startswith("/hr/login")
        assert anon.get(f"/hr/candidates/{people['candidate']['candidate_id']}").status_code == 303
    session = Session(browser, server.url, "t.hr_admin").sign_in("not-the-password-at-all")
    assert "Wrong username or password" in session.text()
    assert not browser.get_cookie("tf_session") or "/hr/login" in browser.current_url
    session.shot("login")


def test_session_cookie_is_httponly_and_posts_need_the_csrf_token(as_role, people):
    session = as_role("hr_admin")
    cookie = session.driver.get_cookie("tf_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    with session.http() as client:
        iv = people["candidate"]
        resp = client.post(
            f"/hr/candidates/{iv['candidate_id']}/interviews/{iv['interview_id']}/decision",
            data={"decision": "approve"},
        )
        assert resp.status_code == 403
    assert not query(session_settings(), "SELECT 1 FROM raw.hiring_decisions WHERE decided_by = 't.hr_admin'")


def session_settings():
    from talentflow.core.config import get_settings

    return get_settings()


def test_hr_admin_sees_every_page(as_role, people):
    session = as_role("hr_admin")
    assert "Test hr_admin" in session.text()
    session.shot("hr_admin-home")
    session.open("/hr/requisitions")
    assert "Requisitions" in session.text() and "applications" in session.text()
    session.shot("hr_admin-requisitions")
    req = query(
        session_settings(),
        "SELECT requisition_id FROM raw.interview_results WHERE candidate_id = %s",
        (people["candidate"]["candidate_id"],),
    )[0]["requisition_id"]
    session.open(f"/hr/requisitions/{req}")
    assert "Funnel" in session.text() and people["candidate"]["candidate_id"] in session.text()
    session.shot("hr_admin-requisition")
    session.open("/hr/employees")
    text = session.text()
    assert people["own_department"] in text and people["other_department"] in text
    session.open("/hr/health")
    text = session.text()
    assert "Data quality" in text and "Last run of each DAG" in text
    assert "attrition_alerts" in text and "interview_scoring" in text
    health_links = [
        a.get_attribute("href") for a in session.driver.find_elements("css selector", "#dag-runs a")
    ]
    assert health_links and all("/dags/" in h and "/runs/" in h for h in health_links)
    session.shot("hr_admin-health")


def test_candidate_page_shows_resume_scores_evidence_transcript_recording_and_model(as_role, people):
    cand = people["candidate"]
    session = as_role("hiring_manager")
    session.open(f"/hr/candidates/{cand['candidate_id']}")
    assert not session.refused()
    text = session.text()
    assert "Scores per competency" in text and "Transcript" in text and "Scoring model" in text
    version = query(
        session_settings(),
        "SELECT scoring_model_version FROM raw.interview_results WHERE interview_id = %s",
        (cand["interview_id"],),
    )[0]["scoring_model_version"]
    assert version and version in text
    evidence = session.driver.find_elements("css selector", "table.scores blockquote")
    assert evidence, "evidence sentences are shown under the scores"
    recordings = session.driver.find_elements("css selector", "a.recording")
    assert recordings
    with session.http() as client:
        resp = client.get(recordings[0].get_attribute("href").removeprefix(session.base))
        assert resp.status_code == 200 and resp.content[:4] == b"RIFF"
    session.shot("hiring_manager-candidate")


def test_hiring_manager_decides_next_round_through_the_api_decision_code(as_role, people):
    cand = people["candidate"]
    session = as_role("hiring_manager")
    session.open(f"/hr/candidates/{cand['candidate_id']}")
    session.submit("css selector", f"#interview-{cand['interview_id']} #approve")
    assert "decision_saved" in session.driver.current_url
    rows = query(
        session_settings(),
        "SELECT decision, decided_by, client_id FROM raw.hiring_decisions WHERE interview_id = %s",
        (cand["interview_id"],),
    )
    assert rows == [
        {"decision": "approve", "decided_by": "t.hiring_manager", "client_id": "web:t.hiring_manager"}
    ]
    assert "t.hiring_manager" in session.text()


def test_resume_correction_is_kept_with_who_changed_what(as_role, people):
    cand = people["candidate"]
    session = as_role("hr_admin")
    session.open(f"/hr/candidates/{cand['candidate_id']}")
    if not session.driver.find_elements("id", "correct-form"):
        raise AssertionError("the candidate's parsed resume is on the page")
    session.driver.find_element("id", "correct-field").send_keys("name")
    session.driver.find_element("id", "correct-value").send_keys("Corrected Name")
    session.submit("id", "correct-submit")
    assert "correction_saved" in session.driver.current_url
    assert session.driver.find_element("id", "resume-name").text == "Corrected Name"
    rows = query(
        session_settings(),
        "SELECT field_path, new_value, corrected_by FROM restricted.resume_corrections"
        " WHERE corrected_by = 't.hr_admin'",
        role=None,
    )
    assert [(r["field_path"], r["new_value"]) for r in rows] == [("name", "Corrected Name")]
    session.shot("hr_admin-candidate")


def test_hrbp_sees_own_department_and_is_refused_another(as_role, people):
    settings = session_settings()
    own = query(
        settings,
        "SELECT employee_key FROM marts.employee_lifecycle_profile WHERE department = %s"
        " ORDER BY employee_key LIMIT 1",
        (people["own_department"],),
    )[0]["employee_key"]
    other = query(
        settings,
        "SELECT employee_key FROM marts.employee_lifecycle_profile WHERE department = %s"
        " ORDER BY employee_key LIMIT 1",
        (people["other_department"],),
    )[0]["employee_key"]
    session = as_role("hrbp")
    session.open("/hr/employees")
    text = session.text()
    assert people["own_department"] in text and people["other_department"] not in text
    session.open(f"/hr/employees/{own}")
    assert not session.refused() and "Performance trend" in session.text()
    session.shot("hrbp-employee")
    session.open(f"/hr/employees/{other}")
    assert session.refused()
    session.shot("hrbp-refused-other-department")
    with session.http() as client:
        assert client.get(f"/hr/employees/{other}").status_code == 403
        assert client.get(f"/hr/employees/{other}/pay.csv").status_code == 403
        assert client.get("/hr/health").status_code == 403
    session.open("/hr/attrition")
    assert not session.refused()
    session.shot("hrbp-attrition")
    with session.http() as client:
        assert client.get(f"/hr/attrition?department={people['other_department']}").status_code == 403


def test_manager_cannot_see_pay_outside_their_team(as_role, people):
    settings = session_settings()
    team = people["candidate"]["department_code"]
    inside = query(
        settings,
        "SELECT employee_key FROM marts.employee_lifecycle_profile WHERE lower(department) = lower(%s) LIMIT 1",
        (team,),
    )
    outside = query(
        settings,
        "SELECT employee_key FROM marts.employee_lifecycle_profile WHERE lower(department) <> lower(%s)"
        " ORDER BY employee_key LIMIT 1",
        (team,),
    )[0]["employee_key"]
    session = as_role("hiring_manager")
    with session.http() as client:
        if inside:
            resp = client.get(f"/hr/employees/{inside[0]['employee_key']}/pay.csv")
            assert resp.status_code == 200 and resp.text.startswith("effective_date,base_salary")
        refused = client.get(f"/hr/employees/{outside}/pay.csv")
        assert refused.status_code == 403 and "base_salary" not in refused.text
        assert client.get(f"/hr/employees/{outside}").status_code == 403
        assert client.get("/hr/attrition").status_code == 403
    session.open(f"/hr/employees/{outside}")
    assert session.refused()
    session.shot("hiring_manager-refused-pay")


def test_candidate_sees_own_feedback_asks_for_review_and_is_refused_others(as_role, people):
    own, other = people["candidate"], people["other_candidate"]
    session = as_role("candidate")
    assert session.driver.current_url.endswith("/hr/me")
    text = session.text()
    assert "Feedback" in text and "How the decision was reached" in text
    assert "were not used" in text
    session.shot("candidate-me")
    session.open(f"/hr/candidates/{other['candidate_id']}")
    assert session.refused()
    session.shot("candidate-refused-other")
    with session.http() as client:
        assert client.get(f"/hr/candidates/{other['candidate_id']}").status_code == 403
        assert client.get("/hr/employees").status_code == 403
        rec = people["recordings"].get((other["candidate_id"], other["interview_id"]), ["answer.wav"])[0]
        url = f"/hr/candidates/{other['candidate_id']}/interviews/{other['interview_id']}/recording/{rec}"
        assert client.get(url).status_code == 403
    session.open("/hr/me")
    session.driver.find_element("id", "review-reason").send_keys("Please have a person look at my answers.")
    session.submit("id", "ask-review")
    assert "review_requested" in session.driver.current_url
    rows = query(
        session_settings(),
        "SELECT candidate_id, requested_by, status FROM audit.web_review_requests",
        role=None,
    )
    assert rows == [{"candidate_id": own["candidate_id"], "requested_by": "t.candidate", "status": "open"}]
    admin = as_role("hr_admin")
    admin.open("/hr/reviews")
    assert own["candidate_id"] in admin.text() and "Please have a person look" in admin.text()
    admin.shot("hr_admin-reviews")


def test_someone_elses_recording_is_refused_by_direct_url(as_role, people):
    settings = session_settings()

    def outside(cand: str) -> bool:
        dept = query(
            settings,
            "SELECT q.department_code FROM raw.ats_applications a JOIN raw.ats_requisitions q"
            " USING (requisition_id) WHERE a.candidate_id = %s",
            (cand,),
        )
        return people["own_department"].lower() not in {d["department_code"].lower() for d in dept}

    found = [(key, names) for key, names in people["recordings"].items() if outside(key[0])]
    assert found, "a recording outside the HRBP's departments"
    (cand, iv), names = found[0]
    url = f"/hr/candidates/{cand}/interviews/{iv}/recording/{names[0]}"
    with as_role("hrbp").http() as client:
        assert client.get(url).status_code == 403
    with as_role("hr_admin").http() as client:
        assert client.get(url).status_code == 200


def test_every_link_in_alerts_and_the_dashboard_opens_its_page(as_role, web_world):
    settings, _, public = web_world
    alerts = query(settings, "SELECT payload FROM audit.alerts_sent")
    assert alerts, "the attrition DAG recorded alerts"
    alert_links = sorted(
        {u for a in alerts for u in links_in(json.dumps(a["payload"]).replace("\\n", "\n"), public)}
    )
    assert any("/hr/employees/" in u for u in alert_links) and any("/hr/dashboard/" in u for u in alert_links)
    session = as_role("hr_admin")
    session.open("/hr/dashboard")
    dashboard = session.driver.page_source
    assert "file://" not in dashboard and "s3://" not in dashboard
    dash_links = links_in(dashboard.replace("&amp;", "&"), public)
    assert any("/hr/requisitions/" in u for u in dash_links) and any(
        "/hr/attrition?department=" in u for u in dash_links
    )
    session.shot("hr_admin-dashboard")
    with session.http() as client:
        for url in alert_links[:40] + dash_links:
            resp = client.get(url.removeprefix(public))
            assert resp.status_code == 200, url
            assert 'id="refused"' not in resp.text, url
    employee = next(u for u in alert_links if "/hr/employees/" in u)
    session.open(employee)
    assert "Attrition risk" in session.text() and not session.refused()
    session.shot("hr_admin-employee")


def test_pages_speak_chinese(as_role):
    session = as_role("hrbp")
    session.open("/hr/attrition?lang=zh-CN")
    text = session.text()
    assert "离职风险" in text and "建议" in text
    session.open("/hr/employees")  # the choice stays for the session
    assert "员工" in session.text()
    session.shot("hrbp-attrition-zh")
    session.open("/hr/employees?lang=en")
