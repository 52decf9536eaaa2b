"""HRIS exports into the real warehouse: bad rows quarantined, PII restricted, re-load changes nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from talentflow.core import warehouse
from talentflow.hris.load import ensure_tables, load_export

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "hris"
TALENTFLOW = str(Path(sys.executable).with_name("talentflow"))


@pytest.fixture
def clean_hris(tf_runtime):
    ensure_tables(tf_runtime)
    with warehouse.connect(tf_runtime) as conn:
        for (table,) in conn.execute(
            "SELECT schemaname || '.' || tablename FROM pg_tables "
            "WHERE tablename LIKE 'hris_%' AND schemaname IN ('raw', 'restricted')"
        ):
            conn.execute(f"TRUNCATE {table}")
        conn.execute("DELETE FROM audit.ingest_errors WHERE source = 'hris'")
    return tf_runtime


def _q(settings, query, params=None):
    with warehouse.connect(settings) as conn:
        return warehouse.fetch_all(conn, query, params)


def test_acme_export_loads_good_rows_and_quarantines_bad_ones(clean_hris):
    summary = load_export(FIXTURES / "acme_export", FIXTURES / "acme_mapping.yaml", settings=clean_hris)
    e = summary.entities
    assert (e["employees"].rows_read, e["employees"].inserted, e["employees"].rejected) == (5, 3, 2)
    assert e["job_history"].inserted == 4
    assert (e["performance_reviews"].inserted, e["performance_reviews"].rejected) == (3, 2)
    assert e["training"].inserted == 2 and e["exits"].inserted == 1
    assert (e["compensation"].inserted, e["compensation"].rejected) == (3, 1)

    errors = _q(
        clean_hris,
        "SELECT object_key, row_ref, reason_code, message FROM audit.ingest_errors "
        "WHERE source='hris' ORDER BY object_key, row_ref",
    )
    by_key = {(Path(r["object_key"]).name, r["row_ref"]): r for r in errors}
    assert by_key[("PEOPLE_EXPORT.csv", "5")]["reason_code"] == "bad_value"  # 31.31.2021
    assert "unknown code 'Q'" in by_key[("PEOPLE_EXPORT.csv", "6")]["message"]
    assert by_key[("APPRAISALS.csv", "5")]["reason_code"] == "quality"  # 7 on a 1-4 scale
    assert "expect_column_values_to_be_between on rating" in by_key[("APPRAISALS.csv", "5")]["message"]
    assert by_key[("APPRAISALS.csv", "6")]["reason_code"] == "bad_value"  # 'abc'
    assert by_key[("PAY.csv", "5")]["reason_code"] == "quality"  # negative salary
    assert len(errors) == summary.rejected == 5

    # Ratings normalised onto 1-5; codes translated; thousands separators read.
    assert _q(
        clean_hris,
        "SELECT rating FROM raw.hris_performance_reviews WHERE employee_id='E001' ORDER BY review_date",
    ) == [{"rating": pytest.approx(1 + 8 / 3)}, {"rating": 5.0}]
    assert _q(clean_hris, "SELECT base_salary FROM raw.hris_compensation WHERE employee_id='E001'") == [
        {"base_salary": 62000.0}
    ]
    assert _q(clean_hris, "SELECT exit_type FROM raw.hris_exits") == [{"exit_type": "voluntary"}]


def test_pii_goes_to_restricted_only(clean_hris):
    load_export(FIXTURES / "acme_export", FIXTURES / "acme_mapping.yaml", settings=clean_hris)
    raw_cols = {
        r["column_name"]
        for r in _q(
            clean_hris,
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema='raw' AND table_name='hris_employees'",
        )
    }
    assert not raw_cols & {"first_name", "last_name", "email", "phone", "birth_date", "sex", "ethnicity"}
    pii = _q(clean_hris, "SELECT email, sex FROM restricted.hris_employees_pii WHERE employee_id='E001'")
    assert pii == [{"email": "ana.silva@acme.example", "sex": "F"}]


def test_reloading_the_same_export_changes_nothing(clean_hris):
    load_export(FIXTURES / "acme_export", FIXTURES / "acme_mapping.yaml", settings=clean_hris)
    before = _q(clean_hris, "SELECT count(*) AS n, max(_loaded_at) AS t FROM raw.hris_performance_reviews")
    again = load_export(FIXTURES / "acme_export", FIXTURES / "acme_mapping.yaml", settings=clean_hris)
    assert all(e.inserted == 0 and e.updated == 0 for e in again.entities.values())
    assert (
        _q(clean_hris, "SELECT count(*) AS n, max(_loaded_at) AS t FROM raw.hris_performance_reviews")
        == before
    )


def test_history_is_kept_across_exports(clean_hris, tmp_path):
    load_export(FIXTURES / "acme_export", FIXTURES / "acme_mapping.yaml", settings=clean_hris)
    later = tmp_path / "later"
    shutil.copytree(FIXTURES / "acme_export", later)
    people = later / "PEOPLE_EXPORT.csv"
    people.write_text(
        people.read_text().replace(
            "E001;Ana;Silva;ana.silva@acme.example;+351 912 000 001;14.02.1990;F;ENG;Software Engineer;G2",
            "E001;Ana;Silva;ana.silva@acme.example;+351 912 000 001;14.02.1990;F;ENG;Senior Engineer;G3",
        )
    )
    load_export(later, FIXTURES / "acme_mapping.yaml", settings=clean_hris)
    versions = _q(
        clean_hris,
        "SELECT job_title, level FROM raw.hris_employees WHERE employee_id='E001' ORDER BY _loaded_at, level",
    )
    assert versions == [
        {"job_title": "Software Engineer", "level": "G2"},
        {"job_title": "Senior Engineer", "level": "G3"},
    ]


def test_snapshot_export_with_its_own_layout_via_cli(clean_hris):
    out = subprocess.run(
        [
            TALENTFLOW,
            "hris",
            "load",
            str(FIXTURES / "snapshot" / "attrition_snapshot.csv"),
            "--mapping",
            str(FIXTURES / "snapshot" / "ibm_style_mapping.yaml"),
            "--json",
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    snap = summary["entities"]["snapshot"]
    assert (snap["rows_read"], snap["inserted"], snap["rejected"]) == (7, 6, 1)  # OverTime 'Maybe'
    rows = _q(
        clean_hris,
        "SELECT employee_id, as_of::text, left_company, overtime, tenure_years "
        "FROM raw.hris_snapshot ORDER BY employee_id::int",
    )
    assert rows[0] == {
        "employee_id": "1",
        "as_of": "2026-06-30",
        "left_company": True,
        "overtime": True,
        "tenure_years": 6.0,
    }
    assert _q(clean_hris, "SELECT age, sex FROM restricted.hris_snapshot_pii WHERE employee_id='1'") == [
        {"age": 41, "sex": "Female"}
    ]


def test_cli_errors_are_one_line(tf_runtime, tmp_path):
    out = subprocess.run(
        [
            TALENTFLOW,
            "hris",
            "load",
            str(tmp_path / "missing"),
            "--mapping",
            str(FIXTURES / "acme_mapping.yaml"),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2 and out.stderr.strip().count("\n") == 0
    assert "HRIS export not found" in out.stderr
