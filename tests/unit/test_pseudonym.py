"""The pseudonym secret: where it comes from, how it is kept, and that the pads the warehouse stores
compute exactly HMAC-SHA256 (what restricted.pseudonym() does in SQL)."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from pydantic import SecretStr

from talentflow.core import pseudonym
from talentflow.core.config import Settings
from talentflow.core.errors import ConfigError


def _sql_hmac(secret: bytes, message: bytes) -> str:
    inner, outer = pseudonym._pads(secret)
    return hashlib.sha256(outer + hashlib.sha256(inner + message).digest()).hexdigest()


@pytest.mark.parametrize("secret", [b"k" * 16, b"0123456789abcdef" * 4, b"x" * 200])
def test_the_stored_pads_compute_hmac_sha256(secret):
    for kind, ident in [("employee", "E00042"), ("candidate", "C-7"), ("employee", "雇员-1")]:
        message = f"{kind}:{ident}".encode()
        expected = hmac.new(secret, message, hashlib.sha256).hexdigest()
        assert _sql_hmac(secret, message) == expected == pseudonym.key(secret, kind, ident)


def test_rfc4231_vector():
    # RFC 4231 test case 2
    assert (
        _sql_hmac(b"Jefe", b"what do ya want for nothing?")
        == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )


def test_embedded_secret_is_generated_once_private_and_stable(tmp_path):
    settings = Settings(home=tmp_path)
    first = pseudonym.secret(settings)
    path = pseudonym.secret_file(settings)
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    assert len(first) >= 48 and pseudonym.secret(Settings(home=tmp_path)) == first
    assert pseudonym.secret(Settings(home=tmp_path / "other")) != first


def test_a_world_readable_secret_file_is_refused(tmp_path):
    settings = Settings(home=tmp_path)
    pseudonym.secret(settings)
    pseudonym.secret_file(settings).chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        pseudonym.secret(settings)


def test_configured_secret_wins_and_must_be_long_enough(tmp_path):
    configured = Settings(home=tmp_path, pseudonym_secret=SecretStr("a-secret-from-the-vault-0123"))
    assert pseudonym.secret(configured) == b"a-secret-from-the-vault-0123"
    assert not pseudonym.secret_file(configured).exists()
    with pytest.raises(ConfigError, match="too short"):
        pseudonym.secret(Settings(home=tmp_path, pseudonym_secret=SecretStr("short")))


def test_external_warehouse_needs_the_secret(tmp_path):
    settings = Settings(home=tmp_path, warehouse_url="postgresql://x@db.example/warehouse")
    with pytest.raises(ConfigError, match="TALENTFLOW_PSEUDONYM_SECRET"):
        pseudonym.secret(settings)


def test_the_secret_is_masked_in_settings_output(tmp_path):
    settings = Settings(home=tmp_path, pseudonym_secret=SecretStr("a-secret-from-the-vault-0123"))
    shown = {name: value for name, value, _ in settings.describe()}
    assert "a-secret-from-the-vault" not in repr(shown)
    assert "a-secret-from-the-vault" not in repr(settings)
