"""People's rights on a small world taken through the real pipeline: subject access, erasure with a
tombstone, refusal of re-delivered files, consent withdrawal, and no PII in Airflow logs or XComs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from talentflow.core import storage, warehouse
from talentflow.interviews import scoring
from talentflow.people import catalog
from talentflow.people.consent import withdraw
from talentflow.people.erase import erase_subject
from talentflow.people.export import export_subject
from talentflow.people.identity import resolve

pytestmark = pytest.mark.slow


def _rows(settings, query, params=None):
    with warehouse.connect(settings) as conn:
        return warehouse.fetch_all(conn, query, params)


@pytest.fixture(scope="module")
def pair(pipeline_world):
    """Two interviewed, never-hired candidates of one requisition (one department), scored in the same
    interview_scoring run, with consent and distinct e-mails: subject A and bystander B."""
    scored = {
        r["candidate_id"]
        for r in _rows(
            pipeline_world.settings, "SELECT candidate_id FROM raw.interview_results WHERE status = 'done'"
        )
    }
    by_req: dict[str, list[dict]] = {}
    persons = [c["person_id"] for c in pipeline_world.truth]
    for c in pipeline_world.truth:
        once = persons.count(c["person_id"]) == 1  # applied once: one candidate id
        if c["candidate_id"] in scored and not c["hired"] and once and c["consent"] == "given":
            by_req.setdefault(c["requisition_id"], []).append(c)
    group = next(g for g in by_req.values() if len(g) >= 2)
    return pipeline_world.person(group[0]["candidate_id"]), pipeline_world.person(group[1]["candidate_id"])


def _package_text(folder: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file())


def test_export_holds_everything_about_the_subject_and_nothing_about_the_other(
    pipeline_world, pair, tmp_path
):
    a, b = pair
    manifest = export_subject(a.candidate_id, tmp_path / "pkg", settings=pipeline_world.settings)
    tables = manifest["tables"]
    for table in (
        "raw.ats_applications",
        "raw.ats_consents",
        "restricted.candidate_demographics",
        "raw.resume_submissions",
        "restricted.resume_contacts",
        "raw.interview_results",
        "raw.interview_answers",
        "raw.interview_competency_scores",
        "audit.recommendations",
        "marts.dim_candidate",
        "marts.fct_interview_scores",
    ):
        assert tables.get(table, 0) >= 1, (table, tables)
    keys = {o["key"] for o in manifest["objects"]}
    assert f"archive/resumes/{a.resume_file}" in keys
    assert f"scoring-tasks/done/task-{a.interview_id}.json" in keys
    assert any(k.startswith("archive/ats/") and k.endswith("applications.csv") for k in keys)
    original = (tmp_path / "pkg" / "files" / "archive" / "resumes" / a.resume_file).read_bytes()
    assert original == (pipeline_world.path / "resumes" / a.resume_file).read_bytes()
    text = _package_text(tmp_path / "pkg")
    assert a.email in text and a.name in text and a.candidate_id in text
    for needle in b.needles():
        assert needle not in text, f"the package of {a.candidate_id} mentions the bystander: {needle!r}"
    logged = _rows(
        pipeline_world.settings,
        "SELECT kind, subject_hash FROM audit.people_requests WHERE request_id = %s",
        (manifest["request_id"],),
    )
    assert logged[0]["kind"] == "export" and a.candidate_id not in json.dumps(logged, default=str)


def test_export_by_email_finds_the_same_person(pipeline_world, pair):
    a, _ = pair
    by_email = resolve(a.email, pipeline_world.settings)
    by_id = resolve(a.candidate_id, pipeline_world.settings)
    assert by_email.candidate_ids == by_id.candidate_ids == {a.candidate_id}
    assert by_email.candidate_keys == by_id.candidate_keys


def _hits(settings, needles: list[str]) -> dict[str, int]:
    """Every table and view of every schema, every column cast to text, searched for the needles."""
    hits = {}
    with warehouse.connect(settings, login="admin") as conn:  # every relation: only the owner sees all
        rels = conn.execute(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'v', 'm', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg_%'"
        ).fetchall()
        pats = [f"%{n}%" for n in needles]
        for schema, name in rels:
            n = conn.execute(
                f'SELECT count(*) FROM "{schema}"."{name}" t WHERE t::text ILIKE ANY(%s)', (pats,)
            ).fetchone()[0]
            if n:
                hits[f"{schema}.{name}"] = n
    return hits


def _object_hits(settings, needles: list[str]) -> list[str]:
    store = storage.get_store(settings)
    found = []
    for obj in store.list(""):
        data = store.get(obj.key).decode("utf-8", "replace").lower()
        if any(n.lower() in data or n.lower() in obj.key.lower() for n in needles):
            found.append(obj.key)
    return found


@pytest.fixture(scope="module")
def erased(pipeline_world, pair):
    a, b = pair
    settings = pipeline_world.settings
    before = resolve(a.candidate_id, settings)
    funnel_before = _rows(settings, "SELECT * FROM marts.hiring_funnel")
    summary = erase_subject(
        a.candidate_id,
        reason="erasure request of the test",
        requested_by="dpo@test",
        settings=settings,
        rebuild=True,
    )
    return {"subject": before, "summary": summary, "funnel_before": funnel_before}


def test_after_erasure_only_the_tombstone_knows(pipeline_world, pair, erased):
    a, b = pair
    subject = erased["subject"]
    settings = pipeline_world.settings
    assert erased["summary"]["rebuild"]["dbt"] == "rebuilt"
    needles = [*a.needles(), *subject.candidate_keys, *subject.pseudonyms]
    assert _hits(settings, needles) == {}
    assert _object_hits(settings, needles) == []
    assert not storage.get_store(settings).exists(f"archive/resumes/{a.resume_file}")
    graves = _rows(settings, "SELECT kind, reason, requested_by FROM audit.people_tombstones")
    assert {g["kind"] for g in graves} >= {"candidate_id", "email", "candidate_key"}
    assert all(
        g["reason"] == "erasure request of the test" and g["requested_by"] == "dpo@test" for g in graves
    )
    # the bystander is untouched
    assert resolve(b.candidate_id, settings).emails == {b.email}
    assert _hits(settings, [b.email])


def test_aggregates_no_longer_count_the_erased_person(pipeline_world, erased):
    before = erased["funnel_before"]
    after = _rows(pipeline_world.settings, "SELECT * FROM marts.hiring_funnel")
    assert before, "hiring_funnel was empty before the erasure"
    assert sum(r["applications"] for r in after) == sum(r["applications"] for r in before) - 1
    assert sum(r["interviewed"] for r in after) == sum(r["interviewed"] for r in before) - 1


def test_a_redelivered_resume_of_an_erased_person_is_refused_with_a_reason(pipeline_world, pair, erased):
    from talentflow.resumes import ingestion

    a, _ = pair
    settings = pipeline_world.settings
    store = storage.get_store(settings)
    key = f"incoming/resumes/again-{a.resume_file}"
    store.put_file(key, pipeline_world.path / "resumes" / a.resume_file)
    counts = ingestion.process_batch([key], run_id="redeliver", settings=settings)
    assert counts["loaded"] == 0 and counts["quarantined"] == 1
    assert not store.exists(key) and not store.exists(f"archive/resumes/again-{a.resume_file}")
    errors = _rows(
        settings,
        "SELECT reason_code, message, object_key FROM audit.ingest_errors WHERE run_id = 'redeliver'",
    )
    assert errors and errors[0]["reason_code"] == "erased_subject"
    assert "erased on" in errors[0]["message"] and a.resume_file not in errors[0]["object_key"]
    assert _hits(settings, [a.email, a.name]) == {}


def test_a_redelivered_scoring_task_of_an_erased_person_is_refused(pipeline_world, pair, erased):
    a, _ = pair
    settings = pipeline_world.settings
    store = storage.get_store(settings)
    manifest = {
        "task_id": "task-again",
        "candidate_id": a.candidate_id,
        "interview_id": "INT-AGAIN",
        "requisition_id": a.requisition_id,
        "rubric_id": "general",
        "consent": {"given": True, "recorded_at": "2024-01-01T00:00:00Z"},
        "answers": [{"question_id": "q1", "question": "Tell me", "text": "I led a team."}],
    }
    store.put_json(scoring.key("pending", "task-again"), manifest)
    claimed = scoring.claim_pending("refuse-run", settings=settings)
    assert "task-again" not in claimed.claimed
    assert not store.exists(scoring.key("pending", "task-again"))
    errors = _rows(settings, "SELECT reason_code FROM audit.ingest_errors WHERE run_id = 'refuse-run'")
    assert [e["reason_code"] for e in errors] == ["erased_subject"]


def test_consent_withdrawal_stops_automated_scoring(pipeline_world, pair):
    _, b = pair
    settings = pipeline_world.settings
    store = storage.get_store(settings)
    done = store.get_json(scoring.key("done", f"task-{b.interview_id}"))
    assert done["status"] == "done"  # scored while consent stood
    result = withdraw(b.candidate_id, requested_by="candidate portal", settings=settings)
    assert result["candidates"] == 1
    manifest = dict(done["manifest"], task_id="task-after-withdrawal")
    assert manifest["consent"]["given"] is True  # the manifest still says yes: the warehouse wins
    store.put_json(scoring.key("pending", "task-after-withdrawal"), manifest)
    claimed = scoring.claim_pending("withdrawn-run", settings=settings)
    assert claimed.claimed == ["task-after-withdrawal"]
    counts = scoring.score_batch(claimed.claimed, "withdrawn-run", settings=settings)
    assert counts["human_review"] == 1 and counts["done"] == 0
    row = _rows(
        settings,
        "SELECT status, recommendation, reason FROM raw.interview_results WHERE task_id = 'task-after-withdrawal'",
    )[0]
    assert row["status"] == "human_review" and "consent" in row["reason"]


def test_no_pii_in_airflow_logs_or_xcoms(pipeline_world):
    logs, xcoms = pipeline_world.logs, "\n".join(pipeline_world.xcoms)
    assert "resume_ingestion" in logs or "interview_scoring" in logs, "no task log was captured"
    assert xcoms, "no XCom was captured"
    people = [pipeline_world.person(c["candidate_id"]) for c in pipeline_world.truth]

    for p in people:
        first, last = p.name.split(" ", 1)[0], p.name.rsplit(" ", 1)[-1]
        # File names carry names too: "Ava_Jones_CV.pdf", "ava-jones-resume.docx", "Resume_AvaJones.txt".
        in_file_names = (f"{first}_{last}", f"{first}-{last}".lower(), f"{first}{last}")
        for needle in (p.name, p.email, p.phone, p.phone_display, *in_file_names):
            assert needle not in logs, f"task logs contain PII: {needle!r}"
            assert needle not in xcoms, f"XComs contain PII: {needle!r}"


def test_cli_export_and_withdraw_in_json(pipeline_world, pair, tmp_path):
    from typer.testing import CliRunner

    from talentflow.cli import app

    _, b = pair
    out = CliRunner().invoke(
        app, ["people", "export", b.candidate_id, "--out", str(tmp_path / "b"), "--zip", "--json"]
    )
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert result["path"].endswith(".zip") and Path(result["path"]).exists()
    missing = CliRunner().invoke(
        app, ["people", "export", "nobody@nowhere.example", "--out", str(tmp_path / "x")]
    )
    assert missing.exit_code == 2 and "no candidate or employee matches" in missing.output


def test_catalog_sees_dbt_relations(pipeline_world):
    with warehouse.connect(pipeline_world.settings) as conn:
        names = {r.qualified for r in catalog.relations(conn)}
    assert {"marts.dim_candidate", "raw.ats_applications", "audit.recommendations"} <= names
    assert "audit.people_tombstones" not in names
