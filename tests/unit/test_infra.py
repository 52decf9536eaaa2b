"""The production deployment files under infra/ parse, agree with each other and with the project.

Pure file checks with PyYAML and json. The tests that need `docker compose` (v2) or `docker-compose`
(v1) skip, saying so, where neither is installed; nothing here starts a container.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
COMPOSE_FILE = INFRA / "docker-compose.yml"
ENV_EXAMPLE = INFRA / ".env.example"
INIT_SCRIPT = INFRA / "postgres" / "init" / "00-databases.sh"
WAREHOUSE_SQL = "plugins/talentflow/core/sql/warehouse.sql"

AIRFLOW_SERVICES = {
    "airflow-api-server": ["airflow", "api-server"],
    "airflow-scheduler": ["airflow", "scheduler"],
    "airflow-dag-processor": ["airflow", "dag-processor"],
    "airflow-triggerer": ["airflow", "triggerer"],
    "airflow-worker": ["airflow", "celery", "worker"],
    "airflow-worker-transcription": ["airflow", "celery", "worker", "-q", "transcription"],
}
# ${VAR}, ${VAR:-default}, ${VAR:?message} and $VAR; `$$` is compose's escape for a literal `$`.
COMPOSE_VAR = re.compile(r"(?<!\$)\$(?:\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))")


def _airflow_pin() -> str:
    match = re.search(r"^apache-airflow==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M)
    assert match, "requirements.txt has no apache-airflow== pin"
    return match.group(1)


def _env_example() -> dict[str, str]:
    values: dict[str, str] = {}
    for number, line in enumerate(ENV_EXAMPLE.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name), f".env.example:{number}: {line!r}"
        assert name not in values, f".env.example lists {name} twice"
        values[name] = value
    return values


def _compose_variables() -> set[str]:
    names = set()
    for line in COMPOSE_FILE.read_text().splitlines():
        if line.lstrip().startswith("#"):
            continue
        names |= {braced or bare for braced, bare in COMPOSE_VAR.findall(line)}
    return names


def _mount(volume: str) -> tuple[str, str, str]:
    source, target, *mode = volume.split(":")
    return source, target, (mode[0] if mode else "rw")


def _resolve(source: str) -> Path:
    return (INFRA / source).resolve()


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


# ---- docker-compose.yml ---------------------------------------------------------------------------


def test_compose_has_every_component(services):
    expected = {"postgres", "redis", "minio", "minio-setup", "airflow-init", *AIRFLOW_SERVICES}
    assert expected <= set(services), f"missing services: {sorted(expected - set(services))}"


def test_every_service_has_an_image_or_a_build(services):
    missing = [name for name, svc in services.items() if not (svc.get("image") or svc.get("build"))]
    assert not missing, f"services without image or build: {missing}"


def test_pinned_images_not_latest(services):
    for name, svc in services.items():
        image = svc.get("image", "")
        assert ":" in image and not image.endswith(":latest"), f"{name}: pin the image tag ({image!r})"


@pytest.mark.parametrize("name", ["postgres", "minio", "redis", *AIRFLOW_SERVICES])
def test_long_running_services_have_healthchecks(services, name):
    test = services[name].get("healthcheck", {}).get("test")
    assert test and test[0] in ("CMD", "CMD-SHELL"), f"{name} has no healthcheck"


def test_airflow_services_wait_for_healthy_dependencies(services):
    for name in AIRFLOW_SERVICES:
        deps = services[name]["depends_on"]
        assert deps["postgres"]["condition"] == "service_healthy", name
        assert deps["redis"]["condition"] == "service_healthy", name
        assert deps["airflow-init"]["condition"] == "service_completed_successfully", name
        assert deps["minio-setup"]["condition"] == "service_completed_successfully", name
    for worker in ("airflow-worker", "airflow-worker-transcription"):
        assert services[worker]["depends_on"]["airflow-api-server"]["condition"] == "service_healthy"
    assert services["minio-setup"]["depends_on"]["minio"]["condition"] == "service_healthy"
    assert "airflow-init" not in services["airflow-init"]["depends_on"]


def test_airflow_components_use_airflow3_commands(services):
    for name, prefix in AIRFLOW_SERVICES.items():
        command = services[name]["command"]
        assert command[: len(prefix)] == prefix, f"{name}: {command}"
    init = " ".join(services["airflow-init"]["command"])
    assert "airflow db migrate" in init
    assert "airflow pools set transcription" in init


def test_airflow_common_environment(compose, services):
    env = compose["x-airflow-common"]["environment"]
    for key in (
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
        "AIRFLOW__CELERY__BROKER_URL",
        "AIRFLOW__CELERY__RESULT_BACKEND",
        "TALENTFLOW_WAREHOUSE_URL",
        "TALENTFLOW_S3_ACCESS_KEY",
        "TALENTFLOW_S3_SECRET_KEY",
        "TALENTFLOW_BUCKET",
        "AIRFLOW_CONN_TALENTFLOW_WAREHOUSE",
        "AIRFLOW__CORE__FERNET_KEY",
        "AIRFLOW__API_AUTH__JWT_SECRET",
    ):
        assert env.get(key), f"x-airflow-common environment lacks {key}"
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["TALENTFLOW_S3_ENDPOINT"] == "minio:9000"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].endswith("@postgres:5432/airflow")
    assert env["TALENTFLOW_WAREHOUSE_URL"].endswith("@postgres:5432/warehouse")
    # Workers that override `environment` must still carry the whole common block.
    for name in AIRFLOW_SERVICES:
        assert set(env) <= set(services[name]["environment"]), name


def test_airflow_mounts_the_project_folders(services):
    mounts = {_mount(v)[1]: _mount(v) for v in services["airflow-scheduler"]["volumes"]}
    for folder in ("dags", "plugins", "scoring_tasks", "dbt_project", "expectations"):
        source, _, _ = mounts[f"/opt/airflow/{folder}"]
        assert _resolve(source) == ROOT / folder and (ROOT / folder).is_dir(), folder
    assert mounts["/opt/airflow/plugins"][2] == "ro"


def test_airflow_image_is_built_from_the_project(compose):
    build = compose["x-airflow-common"]["build"]
    context = _resolve(build["context"])
    assert context == ROOT
    dockerfile = context / build["dockerfile"]
    text = dockerfile.read_text()
    assert re.search(rf"^FROM apache/airflow:{re.escape(_airflow_pin())}-python3\.11$", text, re.M), (
        "Dockerfile base image must match the apache-airflow pin in requirements.txt"
    )
    assert "-r /opt/talentflow/requirements.txt -c /opt/talentflow/constraints.txt" in text
    assert re.search(r"pip install .*--no-deps -e /opt/airflow", text)
    ignore = (dockerfile.parent / "Dockerfile.dockerignore").read_text().splitlines()
    assert "*" in ignore and "!plugins/" in ignore, "the build context must not ship .venv/.talentflow"


def test_transcription_worker_serves_only_its_queue(services):
    default = services["airflow-worker"]["command"]
    transcription = services["airflow-worker-transcription"]["command"]
    assert default[default.index("-q") + 1] == "default"
    assert transcription[transcription.index("-q") + 1] == "transcription"


def test_every_compose_variable_is_in_env_example():
    listed = _env_example()
    missing = sorted(_compose_variables() - set(listed))
    assert not missing, f"variables used in docker-compose.yml but not in .env.example: {missing}"
    unused = sorted(set(listed) - _compose_variables())
    assert not unused, f".env.example lists variables docker-compose.yml never reads: {unused}"


def test_secrets_are_required_and_only_placeholders_are_committed():
    text = COMPOSE_FILE.read_text()
    for name, value in _env_example().items():
        if re.search(r"PASSWORD|SECRET|FERNET|ACCESS_KEY|ROOT_USER", name):
            assert value.startswith("change-me"), f".env.example: {name} must be a change-me placeholder"
            assert f"${{{name}:?" in text, f"docker-compose.yml must require {name} with ${{{name}:?...}}"
    assert (INFRA / ".gitignore").read_text().splitlines().count(".env") == 1


# ---- PostgreSQL -----------------------------------------------------------------------------------


def test_warehouse_sql_is_mounted_read_only_from_the_single_source(services):
    postgres = services["postgres"]
    assert (ROOT / WAREHOUSE_SQL).is_file()
    mounts = [_mount(v) for v in postgres["volumes"]]
    sql_mounts = [m for m in mounts if _resolve(m[0]) == ROOT / WAREHOUSE_SQL]
    assert len(sql_mounts) == 1 and sql_mounts[0][2] == "ro"
    assert postgres["environment"]["WAREHOUSE_SQL"] == sql_mounts[0][1]
    init = [m for m in mounts if m[1] == "/docker-entrypoint-initdb.d"]
    assert init and _resolve(init[0][0]) == INIT_SCRIPT.parent and init[0][2] == "ro"


def test_init_script_applies_warehouse_sql_and_sets_role_passwords(services):
    script = INIT_SCRIPT.read_text()
    assert WAREHOUSE_SQL in script
    assert re.search(r'-f "\$WAREHOUSE_SQL"', script)
    assert "CREATE DATABASE airflow" in script
    # Executable, so the image's entrypoint runs it instead of sourcing it into its own shell.
    assert os.access(INIT_SCRIPT, os.X_OK)
    sql_roles = re.search(r"ARRAY\[([^\]]*)\]", (ROOT / WAREHOUSE_SQL).read_text()).group(1)
    roles = re.findall(r"'(\w+)'", sql_roles)
    assert set(roles) == {"loader", "transformer", "bi_reader", "hr_admin"}
    env = services["postgres"]["environment"]
    for role in roles:
        variable = f"PG_{role.upper()}_PASSWORD"
        assert re.search(rf"ALTER ROLE {role}\s+PASSWORD :'{role}_pw'", script), role
        assert f'{role}_pw="${variable}"' in script, role
        assert env[variable] == f"${{{variable}:?set {variable} in infra/.env (see .env.example)}}"
    assert "password_encryption = 'scram-sha-256'" in script
    assert "password_encryption=scram-sha-256" in services["postgres"]["command"]


def test_pg_hba_allows_scram_only(services):
    hba_mounts = [_mount(v) for v in services["postgres"]["volumes"] if "pg_hba.conf" in v]
    assert hba_mounts and f"hba_file={hba_mounts[0][1]}" in services["postgres"]["command"]
    rules = [
        line.split()
        for line in _resolve(hba_mounts[0][0]).read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    for rule in rules:
        method = rule[-1]
        assert method not in ("trust", "md5", "password"), f"pg_hba.conf: {' '.join(rule)}"
        if rule[0].startswith("host"):
            assert method in ("scram-sha-256", "reject"), f"pg_hba.conf: {' '.join(rule)}"
    assert rules[-1] == ["host", "all", "all", "all", "reject"]


@pytest.mark.parametrize("script", ["postgres/init/00-databases.sh", "minio/setup.sh"])
def test_shell_scripts_parse(script):
    bash = shutil.which("bash")
    if not bash:
        pytest.skip("bash not installed: cannot syntax-check the init scripts")
    result = subprocess.run([bash, "-n", str(INFRA / script)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


# ---- MinIO ----------------------------------------------------------------------------------------


def _rule_for(prefix: str) -> dict:
    rules = json.loads((INFRA / "minio" / "lifecycle.json").read_text())["Rules"]
    matching = [r for r in rules if r["Status"] == "Enabled" and r["Filter"]["Prefix"] == prefix]
    assert len(matching) == 1, f"expected one enabled lifecycle rule for {prefix}"
    return matching[0]


def test_lifecycle_expires_recordings_and_quarantine():
    recordings = _rule_for("recordings/")
    assert recordings["Expiration"]["Days"] == 180
    assert _rule_for("quarantine/")["Expiration"]["Days"] == 30
    setup = (INFRA / "minio" / "setup.sh").read_text()
    assert f'--id {recordings["ID"]} --expire-days "$DAYS"' in setup
    assert "RECORDINGS_RETENTION_DAYS:-180" in setup


def test_lifecycle_never_touches_tasks_in_flight():
    rules = json.loads((INFRA / "minio" / "lifecycle.json").read_text())["Rules"]
    for rule in rules:
        prefix = rule.get("Filter", {}).get("Prefix", "")
        assert not "scoring-tasks/processing/".startswith(prefix), f"rule {rule['ID']} would expire claims"


def test_bi_policy_reads_docs_only():
    policy = json.loads((INFRA / "minio" / "policy-bi.json").read_text())
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        for action in statement["Action"]:
            assert action in ("s3:GetObject", "s3:ListBucket"), f"BI policy grants {action}"
        for resource in statement["Resource"]:
            if statement["Action"] == ["s3:GetObject"]:
                assert resource == "arn:aws:s3:::talentflow/docs/*"
            else:
                assert resource == "arn:aws:s3:::talentflow"
                assert statement["Condition"]["StringLike"]["s3:prefix"] == ["docs/", "docs/*"]


def test_minio_setup_service_runs_setup_script(services):
    setup = services["minio-setup"]
    assert setup["image"].startswith("minio/mc:")
    mount = _mount(setup["volumes"][0])
    assert _resolve(mount[0]) == INFRA / "minio" and mount[2] == "ro"
    assert setup["entrypoint"][-1] == f"{mount[1]}/setup.sh"
    script = (INFRA / "minio" / "setup.sh").read_text()
    for name in ("lifecycle.json", "policy-bi.json", "policy-app.json"):
        assert name in script and (INFRA / "minio" / name).is_file(), name


# ---- Helm -----------------------------------------------------------------------------------------


def test_helm_values_run_celery_against_external_postgres():
    values = yaml.safe_load((INFRA / "helm" / "values.yaml").read_text())
    assert "CeleryExecutor" in values["executor"]
    assert values["airflowVersion"] == _airflow_pin()
    assert values["postgresql"]["enabled"] is False and values["data"]["metadataSecretName"]
    assert values["dags"]["gitSync"]["enabled"] is True and values["dags"]["gitSync"]["subPath"] == "dags"
    names = {item["name"] for item in values["env"]}
    assert {"TALENTFLOW_S3_ENDPOINT", "TALENTFLOW_BUCKET"} <= names
    assert all(name.startswith("TALENTFLOW_") for name in names)
    assert "talentflow-platform" in values["extraEnvFrom"]


def test_helm_transcription_worker_set():
    overlay = yaml.safe_load((INFRA / "helm" / "values-transcription.yaml").read_text())
    (worker_set,) = overlay["workers"]["celery"]["sets"]
    assert worker_set["queue"] == "transcription" and worker_set["resources"]["limits"]["memory"]


# ---- docker compose itself ------------------------------------------------------------------------


def _compose_command() -> list[str]:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run([docker, "compose", "version"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return [docker, "compose"]
    v1 = shutil.which("docker-compose")
    if v1:
        return [v1]
    pytest.skip("docker compose not installed (neither `docker compose` nor `docker-compose` found)")


def _run_compose_config(env_file: Path, cwd: Path) -> subprocess.CompletedProcess:
    # A bare environment: compose prefers shell variables over --env-file, and the test must see
    # the values of the file under test only.
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(cwd)}
    return subprocess.run(
        [*_compose_command(), "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config", "-q"],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_docker_compose_config_accepts_the_file(tmp_path):
    result = _run_compose_config(ENV_EXAMPLE, tmp_path)
    assert result.returncode == 0, result.stderr


def test_docker_compose_refuses_a_missing_secret(tmp_path):
    env_file = tmp_path / "incomplete.env"
    env_file.write_text(
        "".join(
            line + "\n"
            for line in ENV_EXAMPLE.read_text().splitlines()
            if not line.startswith("REDIS_PASSWORD=")
        )
    )
    result = _run_compose_config(env_file, tmp_path)
    assert result.returncode != 0
    assert "set REDIS_PASSWORD in infra/.env" in result.stderr
