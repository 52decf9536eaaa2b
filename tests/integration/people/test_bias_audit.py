"""The bias audit on generated worlds: with an injected bias against women (``--bias-group
sex=female``) the report shows it, with impact ratios equal to those computed straight from the
world's ground truth; on an unbiased world it shows none by sex.

The tool's scores here are the world's own answer levels combined as the Scorer combines them (the
scoring pipeline itself is tested elsewhere; running MiniLM on every interview would cost minutes):
what this tests is the audit — the warehouse query, the join with the ATS demographics, the rates,
ratios, unknowns and the publication — against an independent computation from the truth files.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from scoring_tasks.model_version import load_model_version
from scoring_tasks.recommend import recommend
from talentflow.core import storage, warehouse
from talentflow.fairness.impact import impact_table
from talentflow.retraining.backfill import combine

pytestmark = pytest.mark.slow
PERIOD = (date(2020, 1, 1), date(2030, 12, 31))


def _world(tmp_path_factory, name: str, bias: dict | None):
    from talentflow_demo.world import generate_world

    out = tmp_path_factory.mktemp(name)
    generate_world(out, seed=23, candidates=700, employees=10, years=1, recordings=0, bias=bias)
    return out


def _interviewed(world) -> list[dict]:
    with (world / "ground_truth" / "candidates.jsonl").open() as fh:
        return [c for c in map(json.loads, fh) if c.get("interview_id") and c.get("answer_levels")]


def _tool_output(world) -> pd.DataFrame:
    """The tool's overall score and recommendation per interviewed candidate (see module doc)."""
    version = load_model_version()
    rows = []
    for c in _interviewed(world):
        overall, confidence = combine(
            version, c["job_family"], [(k, float(v), 0.8) for k, v in sorted(c["answer_levels"].items())]
        )
        rec = recommend(overall, confidence, version.thresholds, version.version)
        rows.append(
            {
                "candidate_id": c["candidate_id"],
                "interview_id": c["interview_id"],
                "requisition_id": c["requisition_id"],
                "overall": overall,
                "recommendation": rec.decision.value,
                "version": version.version,
                "demographics": c["demographics"],
                "applied_at": c["applied_at"],
            }
        )
    return pd.DataFrame(rows)


def _load(world, settings, tool: pd.DataFrame) -> None:
    from talentflow.core.tables.interviews import RESULTS
    from talentflow.hris.ats_exports import load_export

    with warehouse.connect(settings) as conn:
        conn.execute("TRUNCATE raw.interview_results, restricted.candidate_demographics")
    load_export(world / "candidates", settings=settings)
    with warehouse.connect(settings) as conn:
        warehouse.upsert(
            conn,
            RESULTS,
            [
                {
                    "task_id": f"task-{r.interview_id}",
                    "interview_id": r.interview_id,
                    "candidate_id": r.candidate_id,
                    "requisition_id": r.requisition_id,
                    "status": "done",
                    "overall": r.overall,
                    "recommendation": r.recommendation,
                    "scoring_model_version": r.version,
                    "scored_at": pd.Timestamp(r.applied_at, tz="UTC") + pd.Timedelta(days=14),
                }
                for r in tool.itertuples()
            ],
        )


def _truth_ratios(tool: pd.DataFrame, attribute: str) -> dict[str, dict[str, float]]:
    """Impact ratios computed straight from the ground-truth files (no warehouse)."""
    groups = [d[attribute] if d["disclosed"] else "undisclosed" for d in tool["demographics"]]
    out = {}
    for measure, selected in (
        ("selection", tool["recommendation"].eq("advance")),
        ("scoring", tool["overall"] > tool["overall"].median()),
    ):
        t = impact_table(selected, pd.Series(groups), min_share=0.02)
        out[measure] = {
            r["category"]: r["impact_ratio"] for r in t["categories"] if r["impact_ratio"] is not None
        }
    return out


def _report_ratios(report: dict, dim: str) -> dict[str, dict[str, float]]:
    return {
        m: {
            r["category"]: r["impact_ratio"]
            for r in report["measures"][m]["dimensions"][dim]["categories"]
            if r["impact_ratio"] is not None
        }
        for m in ("selection", "scoring")
    }


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    return {
        "biased": _world(tmp_path_factory, "biased", {"attribute": "sex", "group": "female", "size": 0.8}),
        "unbiased": _world(tmp_path_factory, "unbiased", None),
    }


def test_biased_world_shows_the_bias_with_the_ground_truth_ratios(worlds, clean_runtime, run_dag):
    settings = clean_runtime
    tool = _tool_output(worlds["biased"])
    _load(worlds["biased"], settings, tool)
    result = run_dag(
        "bias_audit",
        conf={"date_from": PERIOD[0].isoformat(), "date_to": PERIOD[1].isoformat()},
        retries=0,
        xcom_tasks=("publish_audit",),
    )
    assert result.ok, result.failed_tasks()
    published = result.xcoms["publish_audit"]
    store = storage.get_store(settings)
    report = store.get_json(published["json_key"])
    html = store.get(published["html_key"]).decode()
    assert report["assessed"] == len(tool)
    for dim in ("sex", "ethnicity"):
        expected, got = _truth_ratios(tool, dim), _report_ratios(report, dim)
        for measure in ("selection", "scoring"):
            assert got[measure] == pytest.approx(expected[measure], abs=1e-3), (dim, measure)
    sex = _report_ratios(report, "sex")
    for measure in ("selection", "scoring"):
        assert sex[measure]["female"] < 0.8, (measure, sex)
        assert sex[measure]["male"] == 1.0
    flagged = {(f["measure"], f["dimension"], f["category"]) for f in report["below_four_fifths"]}
    assert ("selection", "sex", "female") in flagged and ("scoring", "sex", "female") in flagged
    adverse = {(f["measure"], f["dimension"], f["category"]) for f in report["adverse_impact"]}
    assert ("selection", "sex", "female") in adverse and ("scoring", "sex", "female") in adverse
    assert report["unknown"]["sex"] == sum(not d["disclosed"] for d in tool["demographics"])
    assert "female" in html and 'class="low"' in html
    with warehouse.connect(settings) as conn:
        logged = warehouse.fetch_all(conn, "SELECT assessed, min_impact_ratio FROM audit.bias_audits")
    assert logged and logged[-1]["assessed"] == len(tool)


def test_unbiased_world_shows_no_bias_by_sex(worlds, clean_runtime, tmp_path):
    from typer.testing import CliRunner

    from talentflow.cli import app

    tool = _tool_output(worlds["unbiased"])
    _load(worlds["unbiased"], clean_runtime, tool)
    out = CliRunner().invoke(
        app,
        [
            "audit",
            "bias",
            "--from",
            PERIOD[0].isoformat(),
            "--to",
            PERIOD[1].isoformat(),
            "--out",
            str(tmp_path),
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    sex = _report_ratios(report, "sex")
    expected = _truth_ratios(tool, "sex")
    for measure in ("selection", "scoring"):
        assert sex[measure] == pytest.approx(expected[measure], abs=1e-3), measure
        assert min(sex[measure].values()) >= 0.8, (measure, sex)
    assert not [f for f in report["below_four_fifths"] if f["dimension"] == "sex"]
    assert not [f for f in report["adverse_impact"] if f["dimension"] == "sex"]
    assert (tmp_path / "bias_audit.html").read_text().startswith("<!doctype html>")


def test_ai_system_log_shows_each_recommendation_with_the_human_decision_and_is_kept(clean_runtime, worlds):
    from datetime import UTC, datetime, timedelta

    from typer.testing import CliRunner

    from talentflow.cli import app
    from talentflow.core import recommendations
    from talentflow.people.retention import purge_personal_data

    tool = _tool_output(worlds["unbiased"]).head(5)
    _load(worlds["unbiased"], clean_runtime, tool)
    with warehouse.connect(clean_runtime) as conn:
        conn.execute("TRUNCATE audit.recommendations")
        for r in tool.itertuples():
            recommendations.record(
                conn,
                "interview",
                "candidate",
                r.candidate_id,
                r.recommendation,
                r.version,
                {"task_id": f"task-{r.interview_id}", "overall": r.overall},
            )
    today = datetime.now(UTC).date()
    out = CliRunner().invoke(app, ["audit", "log", "--from", str(today), "--to", str(today), "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert len(rows) == 5
    truth = {c["candidate_id"]: c for c in _interviewed(worlds["unbiased"])}
    for row in rows:
        assert row["model_version"] and row["inputs"]["overall"] is not None
        assert row["human_decision"]["stage_reached"] == truth[row["subject_id"]]["stage_reached"]
    # kept for the AI-log period (at least six months), purged after it, each purge in audit
    settings = clean_runtime.model_copy(update={"candidate_retention_days": 100_000})  # candidates: below
    kept = purge_personal_data(settings, now=datetime.now(UTC) + timedelta(days=200))
    assert kept["policies"]["ai_log"]["purged"] == 0
    later = clean_runtime.ai_log_retention_days + 1
    gone = purge_personal_data(settings, now=datetime.now(UTC) + timedelta(days=later))
    assert gone["policies"]["ai_log"]["purged"] == 5
    with warehouse.connect(clean_runtime) as conn:
        assert conn.execute("SELECT count(*) FROM audit.recommendations").fetchone()[0] == 0
        assert (
            conn.execute("SELECT count(*) FROM audit.retention_purges WHERE policy = 'ai_log'").fetchone()[0]
            == 5
        )


def test_candidates_never_hired_expire_after_their_period(clean_runtime, worlds):
    from datetime import UTC, datetime

    from talentflow.hris.ats_exports import load_export
    from talentflow.people.retention import expired_candidates

    load_export(worlds["unbiased"] / "candidates", settings=clean_runtime)
    cutoff = datetime(2022, 7, 1, tzinfo=UTC)
    with (worlds["unbiased"] / "ground_truth" / "candidates.jsonl").open() as fh:
        truth = [json.loads(line) for line in fh]
    last: dict[str, str] = {}
    hired = {c["candidate_id"] for c in truth if c["hired"]}
    for c in truth:
        last[c["candidate_id"]] = max(last.get(c["candidate_id"], ""), c["applied_at"])
    expected = sorted(cid for cid, day in last.items() if cid not in hired and day < "2022-07-01")
    with warehouse.connect(clean_runtime) as conn:
        assert expired_candidates(conn, cutoff) == expected
    assert expected and len(expected) < len(last)
