"""feedback_retraining through dag.test() on a demo-sized world, with approval, promotion and rollback.

The world (300 applicants, 145 interviews, 53 hires) goes through delivery, archive_sync and dbt.
Interview scores: a sample of engineering hires is scored by the real Scorer (MiniLM), the other
interviews are simulated from the world's truth (the real Scorer takes ~1.5 s per interview here).
The guard thresholds are relaxed for the approval flow (a world this small proves nothing about
validity); the statistical checks live in test_learning_from_performance.py.
"""

from __future__ import annotations

import json

import pytest
from talentflow_demo.delivery import deliver_world
from typer.testing import CliRunner

from talentflow.cli import app
from talentflow.core import storage, warehouse
from talentflow.retraining import backfill, registry
from talentflow.retraining.dataset import load_from_warehouse
from talentflow.warehouse_build import dbt_project as dbt

from . import scores
from .world_data import ratings, simulated_scores

DEFAULT = "default-2026.1"
FLOW = {"min_hires": 10, "validity_margin": -1.0, "air_threshold": 0.0, "min_group_size": 5}
REAL_SCORER_SAMPLE = 8


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from talentflow_demo.world import generate_world

    out = tmp_path_factory.mktemp("demo-world")
    generate_world(out, seed=7, candidates=300, employees=200, years=3, recordings=0)
    return out


@pytest.fixture(scope="module")
def loaded(world, fresh_registry, run_dag):
    settings = fresh_registry
    deliver_world(world, "retraining-demo", settings, resumes=False, interviews=False)
    synced = run_dag("archive_sync", retries=0)
    assert synced.ok, synced.failed_tasks()
    simulated = simulated_scores(world, seed=3)
    records = {r["interview_id"]: r for r in scores.simulated_records(world, simulated)}
    hires = set(ratings(world)["candidate_id"])
    sample = simulated[(simulated["job_family"] == "engineering") & simulated["candidate_id"].isin(hires)]
    real = scores.scorer_records(world, sorted(sample["interview_id"])[:REAL_SCORER_SAMPLE])
    records.update({r["interview_id"]: r for r in real})
    with warehouse.connect(settings) as conn:
        scores.write(conn, list(records.values()))
    dbt.run(["seed"], settings)
    dbt.run(
        ["run", "--select", "+fct_interview_scores", "+employee_lifecycle_profile", "+employee_key_map"],
        settings,
    )
    return {"settings": settings, "records": records, "real": {r["interview_id"] for r in real}, "state": {}}


def _cli(*args: str) -> tuple[int, object]:
    result = CliRunner().invoke(app, ["scoring", *args, "--json"])
    try:
        return result.exit_code, json.loads(result.stdout)
    except json.JSONDecodeError:
        return result.exit_code, result.output


def _one(settings, query, params=None):
    with warehouse.connect(settings) as conn:
        return conn.execute(query, params).fetchone()[0]


def test_dataset_from_the_warehouse_matches_the_world(loaded, world):
    data = load_from_warehouse(loaded["settings"])
    frame = data.frame.set_index("candidate_id")
    assert len(frame) == len(loaded["records"]) == 145
    truth = ratings(world).set_index("candidate_id")
    hired = frame[frame["hired"]]
    assert set(hired.index) == set(truth.index) & set(frame.index)
    joined = hired[["rating_6m", "rating_12m"]].join(truth, rsuffix="_world")
    for col in ("rating_6m", "rating_12m"):
        assert (joined[col].isna() == joined[f"{col}_world"].isna()).all()
        assert (joined[col] - joined[f"{col}_world"]).abs().max() < 1e-3
    real = next(iter(loaded["real"]))
    record = loaded["records"][real]
    cid = record["candidate_id"]
    assert {c["competency"]: c["score"] for c in record["competencies"]} == pytest.approx(
        {c: frame.loc[cid, c] for c in data.competencies("engineering")}
    )
    assert frame["sex"].notna().all()


def test_first_run_keeps_a_candidate_that_waits_for_approval(loaded, run_dag):
    settings, state = loaded["settings"], loaded["state"]
    result = run_dag(
        "feedback_retraining",
        conf=FLOW,
        retries=0,
        xcom_tasks=("analyse_validity", "propose_candidate", "guard_candidate"),
    )
    assert result.ok, result.failed_tasks()
    states = result.task_states
    assert [states[t] for t in ("analyse_validity", "propose_candidate", "guard_candidate")] == [
        "success"
    ] * 3
    assert [states[t] for t in ("wait_for_approval", "promote", "backfill")] == ["skipped"] * 3
    guarded = result.xcoms["guard_candidate"]
    version = guarded["version"]
    assert guarded["status"] == "candidate" and "engineering" in guarded["refit_families"]
    state["version"], state["weights"] = (
        version,
        result.xcoms["propose_candidate"]["candidate"]["competency_weights"],
    )

    row = registry.get(version, settings)
    assert row["status"] == "candidate" and row["parent_version"] == DEFAULT
    assert row["artifact_key"] == f"models/scoring/{version}.yaml"
    assert storage.get_store(settings).exists(row["artifact_key"])
    assert registry.load_version(version, settings).competency_weights == row["weights"] == state["weights"]
    assert sum(row["weights"]["engineering"].values()) == pytest.approx(1.0, abs=1e-5)
    assert row["metrics"]["holdout_validity"]["pooled"]["n"] > 0
    assert registry.active_version(settings).version == DEFAULT

    validity = result.xcoms["analyse_validity"]
    n_rows = _one(settings, "SELECT count(*) FROM raw.interview_validity WHERE run_id = %s", (result.run_id,))
    assert n_rows == validity["rows"] == 18 * len(validity["counts"])  # (8 competencies + overall) x 2
    overall = _one(
        settings,
        "SELECT pearson_r FROM raw.interview_validity WHERE run_id = %s AND job_family ="
        " 'engineering' AND predictor = 'overall' AND criterion = 'rating_6m'",
        (result.run_id,),
    )
    assert overall is not None and -1 <= overall <= 1


def test_approval_then_the_next_run_promotes_and_scoring_uses_it(loaded, run_dag):
    settings, version = loaded["settings"], loaded["state"]["version"]
    code, row = _cli("approve", version, "--by", "alice", "--comment", "checked the metrics")
    assert code == 0 and row["status"] == "approved" and row["approved_by"] == "alice"

    result = run_dag("feedback_retraining", conf=FLOW, retries=0, xcom_tasks=("promote",))
    assert result.ok, result.failed_tasks()
    assert result.task_states["wait_for_approval"] == "success"
    assert result.xcoms["promote"] == {
        "version": version,
        "previous_version": DEFAULT,
        "approved_by": "alice",
    }
    assert registry.active_version(settings).competency_weights == loaded["state"]["weights"]
    from talentflow.interviews.scoring import active_model_version

    assert active_model_version(settings).version == version  # what the scoring DAG will score with
    assert (
        _one(
            settings,
            "SELECT count(*) FROM audit.scoring_model_approvals WHERE version = %s AND decided_by = 'alice'",
            (version,),
        )
        == 1
    )
    assert (
        _one(
            settings,
            "SELECT activated_by FROM audit.scoring_model_activations WHERE version = %s AND action"
            " = 'promote'",
            (version,),
        )
        == "alice"
    )


def test_rollback_to_any_earlier_version_with_one_command(loaded):
    settings, version = loaded["settings"], loaded["state"]["version"]
    code, row = _cli("rollback", DEFAULT, "--by", "bob")
    assert code == 0 and row["status"] == "active" and row["previous_version"] == version
    assert registry.active_version(settings).version == DEFAULT
    code, listed = _cli("versions")
    assert code == 0 and {r["version"]: r["status"] for r in listed} == {
        DEFAULT: "active",
        version: "retired",
    }
    code, row = _cli("rollback", version)
    assert code == 0 and registry.active_version(settings).version == version
    code, message = _cli("rollback", "fr-does-not-exist")
    assert code == 2 and "unknown scoring-model version" in message


def test_too_few_hires_nothing_promoted_reason_recorded_and_backfill_by_param(loaded, run_dag):
    settings, version = loaded["settings"], loaded["state"]["version"]
    conf = {**FLOW, "min_hires": 5000, "backfill_version": version}
    result = run_dag("feedback_retraining", conf=conf, retries=0, xcom_tasks=("guard_candidate", "backfill"))
    assert result.ok, result.failed_tasks()
    assert result.task_states["wait_for_approval"] == "skipped" and result.task_states["promote"] == "skipped"
    guarded = result.xcoms["guard_candidate"]
    assert guarded["status"] == "rejected" and guarded["refit_families"] == []
    row = registry.get(guarded["version"], settings)
    assert (
        "no job family had enough rated hires" in row["reasons"][0] and "at least 5000" in row["reasons"][0]
    )
    assert registry.active_version(settings).version == version  # unchanged
    code, message = _cli("approve", guarded["version"], "--by", "alice")
    assert code == 2 and "was rejected" in message

    # The backfill param re-weighted every earlier interview under the active version as new rows.
    done = len(loaded["records"])
    assert result.xcoms["backfill"]["reweighted"] == done
    assert (
        _one(
            settings,
            "SELECT count(*) FROM raw.interview_rescores WHERE scoring_model_version = %s",
            (version,),
        )
        == done
    )
    assert (
        _one(
            settings,
            "SELECT count(DISTINCT task_id) FROM raw.interview_competency_scores WHERE"
            " scoring_model_version = %s",
            (version,),
        )
        == done
    )
    assert (
        _one(
            settings,
            "SELECT count(DISTINCT task_id) FROM raw.interview_competency_scores WHERE"
            " scoring_model_version = %s",
            (DEFAULT,),
        )
        == done
    )  # the old scores are kept
    assert (
        _one(
            settings,
            "SELECT count(*) FROM raw.interview_results WHERE scoring_model_version = %s",
            (DEFAULT,),
        )
        == done
    )  # and the hiring-time results untouched
    code, again = _cli("backfill", version)
    assert code == 0 and again["reweighted"] == again["rescored"] == 0  # idempotent


def test_approval_in_the_trigger_form_and_a_rejection_that_sticks(loaded, run_dag):
    settings = loaded["settings"]
    other_split = {**FLOW, "holdout_fraction": 0.4}  # another split, so another candidate
    first = run_dag("feedback_retraining", conf=other_split, retries=0, xcom_tasks=("guard_candidate",))
    candidate = first.xcoms["guard_candidate"]["version"]
    assert first.ok and registry.get(candidate, settings)["status"] == "candidate"
    approved = run_dag(
        "feedback_retraining",
        conf={**other_split, "approve_version": candidate, "approved_by": "carol"},
        retries=0,
        xcom_tasks=("promote",),
    )
    assert approved.ok and approved.xcoms["promote"]["approved_by"] == "carol"
    assert registry.active_version(settings).version == candidate
    assert (
        _one(settings, "SELECT channel FROM audit.scoring_model_approvals WHERE version = %s", (candidate,))
        == "dag_param"
    )

    third_split = {**FLOW, "holdout_fraction": 0.45}
    run = run_dag("feedback_retraining", conf=third_split, retries=0, xcom_tasks=("guard_candidate",))
    declined = run.xcoms["guard_candidate"]["version"]
    code, row = _cli("reject", declined, "--by", "dan", "--reason", "weights look implausible for sales")
    assert code == 0 and row["status"] == "rejected"
    again = run_dag(
        "feedback_retraining",
        conf={**third_split, "approve_version": declined, "approved_by": "eve"},
        retries=0,
        xcom_tasks=("guard_candidate",),
    )
    assert again.ok and again.xcoms["guard_candidate"]["status"] == "rejected"  # a person's no sticks
    assert again.task_states["promote"] == "skipped"
    assert registry.get(declined, settings)["reasons"][-1].startswith("rejected by dan")
    assert registry.active_version(settings).version == candidate
    code, _ = _cli("rollback", loaded["state"]["version"])
    assert code == 0


def test_backfill_rescores_answers_when_the_features_change(loaded):
    settings = loaded["settings"]
    base = registry.active_version(settings)
    other = base.model_copy(
        update={
            "version": "test-features-2",
            "feature_weights": base.feature_weights.model_copy(update={"anchors": 0.6, "specificity": 0.1}),
        }
    )
    registry.write_artifact(other, settings)
    counts = backfill.backfill(other.version, settings=settings, limit=3)
    assert counts["rescored"] == 3 and counts["reweighted"] == 0
    with warehouse.connect(settings) as conn:
        rows = warehouse.fetch_all(
            conn,
            "SELECT task_id, overall, method FROM raw.interview_rescores WHERE scoring_model_version = %s",
            (other.version,),
        )
    assert len(rows) == 3 and all(r["method"] == "rescored" and 0 <= r["overall"] <= 100 for r in rows)


def test_validity_mart_is_built_documented_and_readable_by_bi(loaded):
    settings = loaded["settings"]
    dbt.run(["build", "--select", "stg_retraining__interview_validity+"], settings)
    warehouse.refresh_grants(settings)
    assert _one(settings, "SELECT count(*) FROM marts.interview_validity") == _one(
        settings, "SELECT count(*) FROM raw.interview_validity"
    )
    with warehouse.connect(settings) as conn:
        latest = dict(
            conn.execute(
                "SELECT job_family, count(*) FROM marts.interview_validity WHERE is_latest_run"
                " GROUP BY job_family"
            ).fetchall()
        )
    assert latest and set(latest.values()) == {18}  # one run per family: (8 competencies + overall) x 2
    assert _one(settings, "SELECT obj_description('marts.interview_validity'::regclass)").startswith(
        "Criterion validity of interview scores"
    )
    with warehouse.connect(settings, role="bi_reader") as conn:
        row = conn.execute(
            "SELECT n_hires, pearson_r, corrected_r FROM marts.interview_validity WHERE predictor ="
            " 'overall' AND job_family = 'engineering' AND is_latest_run AND criterion ="
            " 'rating_6m'"
        ).fetchone()
    assert row[0] > 20 and row[1] is not None
