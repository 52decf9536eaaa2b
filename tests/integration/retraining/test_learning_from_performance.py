"""Feedback retraining on a synthetic world whose true competency weights are known.

The world (6,000 applicants, ~3,000 interviews, ~900 hires over three years, with the generator's
interview bias against women switched on) is read from its files; interview scores are simulated
from each answer's true level plus scoring noise (the real Scorer would take over an hour here).
The registry steps run against the real warehouse and object store.
"""

from __future__ import annotations

import numpy as np
import pytest

from scoring_tasks.model_version import load_model_version
from talentflow.retraining import guard, pipeline, registry, reweight
from talentflow.retraining.dataset import family_competencies, version_overall
from talentflow.retraining.settings import RetrainingSettings

from .world_data import hiring_data, true_signal, truth

BIAS = {"attribute": "sex", "group": "female", "size": 0.3}
BIG_FAMILIES = 100  # families with at least this many rated hires must move toward the truth


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from talentflow_demo.world import generate_world

    out = tmp_path_factory.mktemp("biased-world")
    generate_world(
        out, seed=21, candidates=6000, employees=2500, years=3, recordings=0, attendance="weekly", bias=BIAS
    )
    return out


@pytest.fixture(scope="module")
def data(world):
    return hiring_data(world, seed=1)


def test_active_version_falls_back_to_the_shipped_default(fresh_registry):
    from talentflow.core import warehouse

    settings = fresh_registry
    assert registry.active_version(settings) == load_model_version()  # empty registry
    with warehouse.connect(settings) as conn:
        conn.execute("DROP TABLE audit.scoring_model_versions")
    assert registry.active_version(settings).version == "default-2026.1"  # never used
    assert registry.ensure_root(settings) == "default-2026.1"  # recreated, the default registered as root
    assert registry.get("default-2026.1", settings)["status"] == "active"


def test_retraining_moves_weights_toward_the_truth_and_raises_heldout_validity(world, data):
    true_weights = truth(world)["true_weights"]
    default = load_model_version()
    proposal = reweight.propose(data, default, RetrainingSettings())
    signal = data.frame["candidate_id"].map(true_signal(world))
    before, after = version_overall(data, default), version_overall(data, proposal.candidate_version())
    big = [f for f, fit in proposal.families.items() if fit["refit"] and fit["n_hires"] >= BIG_FAMILIES]
    assert len(big) >= 3, proposal.families
    for fam in big:
        fit = proposal.families[fam]
        d_before = reweight.distance(fit["weights_before"], true_weights[fam])
        d_after = reweight.distance(fit["weights_after"], true_weights[fam])
        assert d_after["l1"] < d_before["l1"] and d_after["l2"] < d_before["l2"], (fam, d_before, d_after)
        # Against the world's noise-free performance signal, the new weights predict better.
        rows = data.frame["job_family"] == fam
        r_before = np.corrcoef(before[rows], signal[rows])[0, 1]
        r_after = np.corrcoef(after[rows], signal[rows])[0, 1]
        assert r_after > r_before, (fam, r_before, r_after)
    held = guard.holdout_validity(
        data,
        {"active": default, "candidate": proposal.candidate_version()},
        proposal.refit_families,
        RetrainingSettings(),
    )
    assert held["pooled"]["n"] > 200
    assert held["pooled"]["candidate"] > held["pooled"]["active"]


def _single_focus():
    """A plausible but poor active version: each family judged on the one competency its hiring team
    believed in."""
    focus = {
        "sales": "negotiation",
        "engineering": "technical_depth",
        "operations": "planning",
        "management": "leadership",
    }
    weights = {"default": {}, **{f: {c: float(c == focus[f]) for c in family_competencies(f)} for f in focus}}
    return load_model_version().model_copy(
        update={
            "version": "single-focus-test",
            "competency_weights": weights,
            "source": "test: one competency per family",
        }
    )


def test_guard_refuses_a_more_valid_candidate_that_worsens_adverse_impact(data, fresh_registry):
    """The generator lowers women's answer quality in every competency (size 0.3 SD). The active version
    judges on one competency; retraining spreads the weight over all that predict performance. That is
    much more valid, but a composite of many dimensions measures the uniform bias more reliably (less
    noise around the same shift), so women score above the median less often: the guard refuses."""
    settings = fresh_registry
    focus = _single_focus()
    registry.ensure_root(settings)
    registry.register(
        focus,
        parent="default-2026.1",
        status="candidate",
        metrics={},
        reasons=["test"],
        run_id="test",
        settings=settings,
    )
    registry.decide(focus.version, "approved", "test-lead", settings=settings)
    registry.promote(focus.version, by="test-lead", settings=settings)

    result = pipeline.retrain("test-bias", settings=settings, data=data)
    guarded, proposal = result["guard"], result["proposal"]
    assert guarded["status"] == "rejected"
    # Validity alone would pass by far: the refusal is the adverse-impact check's.
    held = guarded["holdout_validity"]
    assert held["candidate"] - held["active"] > 0.1
    assert len(guarded["reasons"]) == 1 and guarded["reasons"][0].startswith("adverse impact by sex"), guarded
    row = registry.get(proposal["version"], settings)
    impact = row["metrics"]["adverse_impact"]
    cfg = RetrainingSettings()
    air_active, air_candidate = impact["active"]["sex"]["air"], impact["candidate"]["sex"]["air"]
    assert air_candidate < cfg.air_threshold and air_candidate < air_active - cfg.air_tolerance
    rates = {k: impact[k]["sex"]["rates"] for k in ("active", "candidate")}
    assert rates["candidate"]["female"] < rates["active"]["female"]
    assert (
        rates["candidate"]["female"] / rates["candidate"]["male"]
        < rates["active"]["female"] / rates["active"]["male"]
    )
    assert row["status"] == "rejected" and row["reasons"] == guarded["reasons"]
    assert (
        registry.load_version(proposal["version"], settings).competency_weights
        == proposal["candidate"]["competency_weights"]
    )  # kept, with its artefact, though refused
    with pytest.raises(registry.RegistryError, match="was rejected"):
        registry.decide(proposal["version"], "approved", "someone", settings=settings)
    assert registry.active_version(settings).version == focus.version
    registry.rollback("default-2026.1", by="test-lead", settings=settings)
    assert registry.active_version(settings).version == "default-2026.1"


def test_below_the_minimum_sample_nothing_is_promoted_and_the_reason_is_recorded(data, fresh_registry):
    settings = fresh_registry
    before = registry.active_name(settings)
    result = pipeline.retrain("test-min", {"min_hires": 5000}, settings=settings, data=data)
    guarded = result["guard"]
    assert guarded["status"] == "rejected" and guarded["refit_families"] == []
    row = registry.get(guarded["version"], settings)
    assert row["status"] == "rejected"
    assert "no job family had enough rated hires" in row["reasons"][0]
    assert "at least 5000 are needed" in row["reasons"][0]
    assert all(not fit["refit"] for fit in row["metrics"]["fit"].values())
    assert registry.active_name(settings) == before
    with pytest.raises(registry.RegistryError):
        registry.promote(guarded["version"], settings=settings)
