"""Attrition model artefacts come from the object store, and joblib/pickle runs code while loading:
only artefacts signed with the platform's key are loaded; a changed, unsigned or foreign one is refused
before anything is unpickled."""

from __future__ import annotations

import io
import os

import joblib
import numpy as np
import pytest

from talentflow.attrition.model import RulesCalibration, Scorer, UntrustedArtefact
from talentflow.attrition.rules import load_rules
from talentflow.attrition.scoring import load_scorer
from talentflow.core import storage
from talentflow.core.config import Settings, model_signing_key
from talentflow.core.paths import DBT_PROJECT_DIR

MARKER = "/tmp/talentflow-adversarial-pickle-ran"


class Payload:
    """What an attacker writes into the bucket: unpickling it runs a command."""

    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.setenv("TALENTFLOW_HOME", str(tmp_path))
    monkeypatch.delenv("TALENTFLOW_MODEL_SIGNING_KEY", raising=False)
    if os.path.exists(MARKER):
        os.unlink(MARKER)
    return Settings()


@pytest.fixture
def scorer():
    scores = np.array([0, 1, 2, 3, 4, 5, 6, 7], float)
    calibration = RulesCalibration.fit(scores, np.array([0, 0, 0, 1, 0, 1, 1, 1], float))
    rules = load_rules(DBT_PROJECT_DIR / "seeds" / "attrition_rules.csv")
    return Scorer("rules", rules, 0.12, 12, calibration=calibration)


def pickled(obj) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(obj, buffer)
    return buffer.getvalue()


def test_signed_artefact_round_trips_through_the_store(settings, scorer):
    store = storage.get_store(settings)
    store.put("models/attrition/good.joblib", scorer.dumps(model_signing_key(settings)))
    loaded = load_scorer("models/attrition/good.joblib", settings)
    assert loaded.version == scorer.version and loaded.base_rate == 0.12
    key_file = settings.home_dir / "secrets" / "model-signing.key"
    assert key_file.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    "attack", ["raw_pickle", "flipped_byte", "swapped_payload", "other_key", "no_payload"]
)
def test_tampered_artefact_is_refused_unloaded(settings, scorer, attack):
    key = model_signing_key(settings)
    signed = scorer.dumps(key)
    header, _, payload = signed.partition(b"\n")
    signature, _, payload = payload.partition(b"\n")
    hostile = {
        "raw_pickle": pickled(Payload()),
        "flipped_byte": signed[:-10] + bytes([signed[-10] ^ 1]) + signed[-9:],
        "swapped_payload": header + b"\n" + signature + b"\n" + pickled(Payload()),
        "other_key": scorer.dumps(b"an-attacker-chosen-key-0123456789")[:-1] + signed[-1:],
        "no_payload": header + b"\n" + signature,
    }[attack]
    store = storage.get_store(settings)
    store.put("models/attrition/planted.joblib", hostile)
    with pytest.raises(UntrustedArtefact, match="refused without loading it|not signed"):
        load_scorer("models/attrition/planted.joblib", settings)
    assert not os.path.exists(MARKER), "the planted pickle ran"
    # the good artefact beside it still loads: nothing else blocked
    store.put("models/attrition/good.joblib", signed)
    assert load_scorer("models/attrition/good.joblib", settings).version == scorer.version


def test_external_warehouse_needs_a_configured_key(monkeypatch, tmp_path):
    monkeypatch.setenv("TALENTFLOW_HOME", str(tmp_path))
    monkeypatch.setenv("TALENTFLOW_WAREHOUSE_URL", "postgresql://x@db.example/wh")
    monkeypatch.delenv("TALENTFLOW_MODEL_SIGNING_KEY", raising=False)
    from talentflow.core.errors import ConfigError

    with pytest.raises(ConfigError, match="TALENTFLOW_MODEL_SIGNING_KEY is not set"):
        model_signing_key(Settings())
    monkeypatch.setenv("TALENTFLOW_MODEL_SIGNING_KEY", "k" * 32)
    assert model_signing_key(Settings()) == b"k" * 32
