"""Issue 21 on the generated world: the platform's evaluation uses the extra columns the mapping
declares (FTE on employees; salary hike and trainings on the snapshot), never a protected attribute,
and records the fairness audit with each evaluation."""

from __future__ import annotations

import json

from tests.integration.attrition.conftest import query
from tests.integration.attrition.test_attrition_cli import MAPPING, _evaluate

PROTECTED = {"sex", "age", "birth_date", "ethnicity", "marital_status"}


def _bare(features) -> set[str]:
    return {f.removeprefix("x_") for f in features}


def test_the_held_out_evaluation_uses_extra_columns_and_records_the_fairness_audit(
    first_run, attrition_world
):
    _, settings = attrition_world
    rows = {r["model_name"]: r for r in query(settings, "SELECT * FROM audit.model_evaluations")}
    model, rules = rows["attrition_logistic"], rows["attrition_rules"]
    details = model["details"]
    assert "x_fte" in details["features"] and "pay_vs_band_midpoint" in details["features"]
    assert not PROTECTED & _bare(details["features"])
    assert details["family"] in {"logistic", "logistic_mild", "gbm"}
    assert set(details["selection"]["roc_auc"]) == {"logistic", "logistic_mild", "gbm"}
    for evaluation in (model, rules):
        fairness = evaluation["details"]["fairness"]
        assert {"sex", "age_band"} <= set(fairness)
        groups = {g["category"] for g in fairness["sex"]["groups"]}
        assert {"f", "m"} <= groups
        flagged = sum(g["selected"] for g in fairness["sex"]["groups"])
        assert flagged <= evaluation["details"]["high_risk_flagged"]
        counted = [g for g in fairness["sex"]["groups"] if g["impact_ratio"] is not None]
        assert counted and max(g["impact_ratio"] for g in counted) == 1.0
    assert isinstance(details["proxy_warnings"], list)


def test_the_world_snapshot_and_entities_use_their_declared_columns(attrition_world):
    world, _ = attrition_world
    out = _evaluate(
        "--hris-export", str(world / "hris" / "workforce_snapshot.csv"), "--mapping", str(MAPPING)
    )
    assert out.returncode == 0, out.stderr
    snapshot = json.loads(out.stdout)
    assert {"x_salary_hike_pct", "x_trainings_last_year"} <= set(snapshot["features"])
    assert not PROTECTED & _bare(snapshot["features"])

    out = _evaluate("--hris-export", str(world / "hris"), "--mapping", str(MAPPING), "--source", "entities")
    assert out.returncode == 0, out.stderr
    entities = json.loads(out.stdout)
    for history in ("overtime_hours_90d", "absence_rate_365d", "trainings_365d", "pay_change_365d", "x_fte"):
        assert history in entities["features"], history
    assert not PROTECTED & _bare(entities["features"])
    assert {"sex", "age"} <= set(entities["protected_attributes_audited"])
    assert entities["fairness"]["sex"]["groups"] and "age_band" in entities["fairness"]
