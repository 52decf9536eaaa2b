"""The files honour the output contract other parts of TalentFlow build on."""

from __future__ import annotations

import json
import wave
from collections import Counter
from datetime import date

import docx
import pdfplumber
import pytest
from talentflow_demo.world import generate_world
from talentflow_demo.world.params import JOB_FAMILIES, family_competencies

from talentflow.core.cliutil import UserError

REQUISITION_KEYS = {
    "requisition_id",
    "title",
    "department",
    "job_family",
    "level",
    "description",
    "required_skills",
    "min_experience_years",
    "degree",
    "salary_min",
    "salary_max",
    "currency",
    "competency_profile",
    "rubric_id",
    "opened_at",
    "status",
}
RESUME_KEYS = {
    "file",
    "candidate_id",
    "format",
    "layout",
    "name",
    "email",
    "phone",
    "location",
    "skills",
    "education",
    "experience",
    "experience_years",
    "certifications",
    "languages",
}


def test_requisitions_follow_the_contract(stats_world):
    reqs = json.loads((stats_world.root / "company" / "requisitions.json").read_text())
    assert {r["job_family"] for r in reqs} == set(JOB_FAMILIES)
    for r in reqs:
        assert REQUISITION_KEYS <= set(r)
        assert r["rubric_id"] == r["job_family"]
        assert r["level"] in ("L1", "L2", "L3", "L4")
        assert r["degree"] in ("none", "bachelor", "master", "phd")
        assert r["salary_min"] < r["salary_max"]
        assert set(r["competency_profile"]) == set(family_competencies(r["job_family"]))
        assert abs(sum(r["competency_profile"].values()) - 1) < 0.01
        assert r["status"] in ("open", "closed")
        date.fromisoformat(r["opened_at"])
    departments = json.loads((stats_world.root / "company" / "departments.json").read_text())
    assert {d["department_code"] for d in departments} >= {r["department_code"] for r in reqs}


def test_resume_truth_covers_every_file(stats_world):
    files = {p.name for p in (stats_world.root / "resumes").iterdir()}
    records = stats_world.resumes
    assert {r["file"] for r in records} == files
    assert len(records) == len(files) == len(stats_world.candidates)
    assert all(RESUME_KEYS <= set(r) for r in records)
    assert {r["format"] for r in records} == {"pdf", "docx", "txt"}
    assert {r["layout"] for r in records} == {"one_column", "two_column", "bullets"}
    assert len({r["section_headings"]["experience"] for r in records}) >= 4
    assert len({r["date_format"] for r in records}) >= 4
    for r in records:
        for job in r["experience"]:
            assert len(job["start"]) == 7 and (job["end"] is None or job["end"] >= job["start"])
        assert r["phone"].startswith("+")


def _text(path) -> str:
    if path.suffix == ".pdf":
        with pdfplumber.open(path) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)
    if path.suffix == ".docx":
        document = docx.Document(str(path))
        cells = [p.text for t in document.tables for cell in t._cells for p in cell.paragraphs]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    return path.read_text(encoding="utf-8")


def test_resume_files_say_what_the_truth_says(stats_world):
    seen = Counter()
    for r in stats_world.resumes:
        key = (r["format"], r["layout"])
        if seen[key] >= 2:
            continue
        seen[key] += 1
        text = _text(stats_world.root / "resumes" / r["file"])
        flat = " ".join(text.split())
        assert r["email"] in flat, r["file"]
        for job in r["experience"]:
            assert job["company"] in flat, (r["file"], job["company"])
        for skill in r["skills"]:
            assert skill in flat, (r["file"], skill)
    assert len(seen) == 9  # every format in every layout was checked


def test_duplicates_and_consent(stats_world):
    cands = stats_world.candidates
    by_id = {c["candidate_id"]: c for c in cands}
    dups = [c for c in cands if c["duplicate_of"]]
    assert dups
    for d in dups:
        orig = by_id[d["duplicate_of"]]
        assert orig["person_id"] == d["person_id"] and orig["duplicate_of"] is None
        assert orig["latent"] == d["latent"]
        assert d["resume_file"] != orig["resume_file"]
    apps = {a["candidate_id"]: a for a in stats_world.csv("candidates/applications.csv")}
    assert {apps[d["candidate_id"]]["source"] for d in dups} and all(
        apps[d["candidate_id"]]["source"] != apps[d["duplicate_of"]]["source"] for d in dups
    )
    consents = {row["candidate_id"]: row for row in stats_world.csv("candidates/consents.csv")}
    declined = [cid for cid, row in consents.items() if row["consent_given"] == "false"]
    missing = [c for c in cands if c["candidate_id"] not in consents]
    assert declined and missing
    assert all(c["consent"] == "missing" for c in missing)
    demographics = stats_world.csv("candidates/demographics.csv")
    assert len(demographics) == len(cands)
    assert {"female", "male", "undisclosed"} <= {d["sex"] for d in demographics}


def test_transcripts_cover_the_family_competencies(stats_world):
    interviewed = [c for c in stats_world.candidates if c["interview_id"]]
    assert interviewed
    for c in interviewed[:50]:
        t = json.loads(
            (stats_world.root / "interviews" / "transcripts" / f"{c['interview_id']}.json").read_text()
        )
        assert t["candidate_id"] == c["candidate_id"] and t["requisition_id"] == c["requisition_id"]
        assert [a["competency"] for a in t["answers"]] == list(family_competencies(c["job_family"]))
        assert all(a["question"].strip() and a["text"].strip() and a["question_id"] for a in t["answers"])


def test_manifests_and_recordings(small_world):
    manifests = sorted((small_world.root / "interviews" / "manifests").glob("*.json"))
    assert len(manifests) == 2
    for path in manifests:
        m = json.loads(path.read_text())
        assert path.stem == m["task_id"]
        assert m["language"] == "en" and m["rubric_id"] in JOB_FAMILIES
        assert set(m["consent"]) == {"given", "recorded_at", "purpose"}
        transcript = json.loads(
            (small_world.root / "interviews" / "transcripts" / f"{m['interview_id']}.json").read_text()
        )
        assert [a["question_id"] for a in m["answers"]] == [a["question_id"] for a in transcript["answers"]]
        for a in m["answers"]:
            wav = small_world.root / a["recording"]
            assert (
                a["recording"] == f"recordings/{m['candidate_id']}/{m['interview_id']}/{a['question_id']}.wav"
            )
            with wave.open(str(wav)) as w:
                assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2)
                assert w.getnframes() > 16000
    assert small_world.truth["audio"]["source"] == "sample_data"


def test_hris_exports(stats_world):
    emps = stats_world.csv("hris/employees.csv")
    truth = {e["employee_id"]: e for e in stats_world.employees}
    assert [e["EmpID"] for e in emps] == list(truth)
    hired = {c["candidate_id"]: c for c in stats_world.candidates if c["hired"]}
    linked = {e["Applicant_ID"]: e["EmpID"] for e in emps if e["Applicant_ID"]}
    assert set(linked) == set(hired)
    assert all(hired[cid]["employee_id"] == eid for cid, eid in linked.items())
    terms = stats_world.csv("hris/terminations.csv")
    exits = {eid: e["exit"] for eid, e in truth.items() if e["exit"]}
    assert {t["EmpID"] for t in terms} == set(exits)
    assert all(t["Term_Type"].lower() == exits[t["EmpID"]]["type"] for t in terms)
    snapshot = stats_world.csv("hris/workforce_snapshot.csv")
    assert len(snapshot) == len(emps)
    assert {s["Attrition"] for s in snapshot} == {"Yes", "No"}
    reviews = stats_world.csv("hris/performance_reviews.csv")
    assert len(reviews) == sum(len(e["performance"]["rating"]) for e in truth.values())
    assert {r["Review_Period"][-2:] for r in reviews} == {"Q1", "Q2", "Q3", "Q4"}
    history = stats_world.csv("hris/job_history.csv")
    assert {h["Action"] for h in history} == {"HIR", "PRO", "TER"}
    comp = stats_world.csv("hris/compensation.csv")
    assert {"MERIT", "PROMOTION", "NEW_HIRE", "DATA_CONVERSION"} <= {c["Change_Reason"] for c in comp}
    catalog = json.loads((stats_world.root / "hris" / "training_catalog.json").read_text())
    courses = {c["courseId"] for c in catalog["courses"]}
    assert {t["Course_ID"] for t in stats_world.csv("hris/training.csv")} <= courses


def test_attendance_is_daily_on_workdays_while_employed(small_world):
    truth = {e["employee_id"]: e for e in small_world.employees}
    rows = small_world.csv("hris/attendance.csv")
    assert {r["Pay_Code"] for r in rows} >= {"REG", "PTO", "SICK"}
    start, end = small_world.truth["window"]["start"], small_world.truth["window"]["end"]
    per_emp = Counter()
    for r in rows:
        d = date.fromisoformat(r["Work_Date"])
        assert d.weekday() < 5 and start <= r["Work_Date"] < end
        e = truth[r["EmpID"]]
        assert r["Work_Date"] >= e["hire_date"]
        if e["exit"]:
            assert r["Work_Date"] < e["exit"]["date"]
        per_emp[r["EmpID"]] += 1
    assert max(per_emp.values()) > 400  # two years of working days for someone employed throughout


def test_weekly_attendance_option(tmp_path):
    generate_world(
        tmp_path / "w", seed=2, candidates=20, employees=30, years=1, recordings=0, attendance="weekly"
    )
    hris = tmp_path / "w" / "hris"
    assert not (hris / "attendance.csv").exists()
    header = (hris / "attendance_weekly.csv").read_text().splitlines()[0]
    assert header.startswith("EmpID,Week_Start,Days_Worked")


def test_refuses_a_folder_that_is_not_a_world(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="not empty"):
        generate_world(tmp_path, seed=1, candidates=5, employees=5, years=1, recordings=0)
    assert (tmp_path / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"years": 0}, "--years"),
        ({"attendance": "hourly"}, "--attendance"),
        ({"bias": {"attribute": "sex", "group": "martian", "size": 1}}, "bias group"),
    ],
)
def test_bad_arguments_are_user_errors(tmp_path, kwargs, message):
    with pytest.raises(UserError, match=message):
        generate_world(tmp_path / "w", seed=1, candidates=5, employees=5, recordings=0, **kwargs)
