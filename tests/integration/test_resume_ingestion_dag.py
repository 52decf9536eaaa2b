"""resume_ingestion through real dag.test() runs on a mix of good and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from talentflow_demo.delivery import deliver_world

from talentflow.core import storage, warehouse
from talentflow.hris import ats_exports as ats

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "resumes" / "bad"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from talentflow_demo.world import generate_world

    out = tmp_path_factory.mktemp("resume-world")
    generate_world(out, seed=3, candidates=60, employees=10, years=1, recordings=0)
    return out


@pytest.fixture(scope="module")
def first_run(world, clean_runtime, run_dag):
    tf_runtime = clean_runtime
    store = storage.get_store(tf_runtime)
    deliver_world(world, "resumes", tf_runtime, exports=False, interviews=False)
    ats.ensure_tables(tf_runtime)
    folder = world / "company"
    ats.load_export(folder, settings=tf_runtime)
    with warehouse.connect(tf_runtime) as conn:  # hiring is open on every requisition of this world
        conn.execute("UPDATE raw.ats_requisitions SET status = 'open'")
    for path in sorted(BAD.iterdir()):
        store.put_file(f"incoming/resumes/{path.name}", path)
    store.put("incoming/resumes/huge.txt", b"Jane Doe\n" + b"x" * (3 * 1024 * 1024))
    result = run_dag(
        "resume_ingestion", conf={"max_bytes": 2 * 1024 * 1024}, retries=0, xcom_tasks=("summarize",)
    )
    return result


def _q(settings, query):
    with warehouse.connect(settings) as conn:
        return warehouse.fetch_all(conn, query)


def test_good_files_load_bad_files_are_quarantined(first_run, world, tf_runtime):
    assert first_run.ok, (first_run.state, first_run.task_states)
    summary = first_run.xcoms["summarize"]
    n_bad = len(list(BAD.iterdir())) + 1
    assert summary["quarantined"] == n_bad and summary["matches_valid"]
    n_resumes = len(list((world / "resumes").iterdir()))
    assert summary["loaded"] == n_resumes

    store = storage.get_store(tf_runtime)
    assert list(store.list("incoming/resumes/")) == []
    quarantined = {o.key for o in store.list("quarantine/resumes/")}
    for path in [*BAD.iterdir(), Path("huge.txt")]:
        assert f"quarantine/resumes/{path.name}" in quarantined
        assert f"quarantine/resumes/{path.name}.error.json" in quarantined
    assert store.get_json("quarantine/resumes/huge.txt.error.json")["reason_code"] == "too_large"
    codes = {
        r["reason_code"]
        for r in _q(
            tf_runtime, "SELECT reason_code FROM audit.ingest_errors WHERE source = 'resume_ingestion'"
        )
    }
    assert {"corrupt", "empty", "too_large"} <= codes

    subs = _q(
        tf_runtime,
        "SELECT count(*) AS n, count(DISTINCT candidate_key) AS people FROM raw.resume_submissions",
    )[0]
    assert subs["n"] >= n_resumes - 2 and subs["people"] < subs["n"], "duplicates of one person share a key"
    raw_cols = {
        r["column_name"]
        for r in _q(
            tf_runtime,
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema='raw' AND table_name='resume_submissions'",
        )
    }
    assert not raw_cols & {"name", "email", "phone"}
    assert _q(tf_runtime, "SELECT count(*) AS n FROM restricted.resume_contacts")[0]["n"] == subs["n"]
    n_reqs = _q(tf_runtime, "SELECT count(*) AS n FROM raw.ats_requisitions")[0]["n"]
    assert _q(tf_runtime, "SELECT count(*) AS n FROM raw.resume_matches")[0]["n"] == subs["n"] * n_reqs
    reasons = _q(tf_runtime, "SELECT reasons FROM raw.resume_matches LIMIT 20")
    assert all({"required_skills"} <= {r["code"] for r in m["reasons"]} for m in reasons)
    notes = _q(tf_runtime, "SELECT count(*) AS n FROM raw.resume_prescreen_notes")[0]["n"]
    assert notes == subs["n"]


def test_rerun_on_the_same_files_changes_nothing(first_run, world, tf_runtime, run_dag):
    before = _q(tf_runtime, "SELECT count(*) AS n, max(_loaded_at) AS t FROM raw.resume_submissions")[0]
    deliver_world(world, "resumes", tf_runtime, exports=False, interviews=False)
    again = run_dag("resume_ingestion", retries=0, xcom_tasks=("summarize",))
    assert again.ok
    assert (
        _q(tf_runtime, "SELECT count(*) AS n, max(_loaded_at) AS t FROM raw.resume_submissions")[0] == before
    )
