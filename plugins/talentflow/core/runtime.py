"""The embedded runtime: a real PostgreSQL from the ``pgserver`` wheel plus the local object store.

``up`` is safe to repeat: it starts what is not running, creates what is missing and migrates
Airflow's database. When ``TALENTFLOW_WAREHOUSE_URL`` (and ``AIRFLOW__DATABASE__SQL_ALCHEMY_CONN``)
or ``TALENTFLOW_S3_ENDPOINT`` are set, those external services are used instead and only checked.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

from talentflow.core.config import (
    AIRFLOW_DB,
    EMBEDDED_PG_ROLES,
    EMBEDDED_PG_USER,
    WAREHOUSE_DB,
    Settings,
    embedded_pg_passwords,
    get_settings,
    mask_url,
    pg_password_file,
)
from talentflow.core.errors import UserError
from talentflow.core.paths import DAGS_DIR

# PostgreSQL refuses to run as root; as root we run it as this system user (pgserver's approach).
PG_SYSTEM_USER = "pgserver"


@dataclass
class RuntimeStatus:
    home: str
    postgres: dict = field(default_factory=dict)
    warehouse: dict = field(default_factory=dict)
    airflow: dict = field(default_factory=dict)
    object_store: dict = field(default_factory=dict)
    models: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


# ---- embedded PostgreSQL ----------------------------------------------------------------------


def _pg_bin(name: str) -> str:
    try:
        from pgserver._commands import POSTGRES_BIN_PATH
    except ImportError as exc:  # pragma: no cover - setup problem
        raise UserError("the 'pgserver' package is missing: run `make setup`") from exc
    return str(POSTGRES_BIN_PATH / name)


def _system_user() -> str | None:
    if os.name != "posix" or os.geteuid() != 0:
        return None
    with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR on import
        warnings.simplefilter("ignore")
        from pgserver.utils import ensure_user_exists

    ensure_user_exists(PG_SYSTEM_USER)
    return PG_SYSTEM_USER


def _run_pg(args: list[str], user: str | None, timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run(args, user=user, capture_output=True, text=True, timeout=timeout, check=False)


def _postmaster_pid(pgdata: Path) -> int | None:
    pidfile = pgdata / "postmaster.pid"
    if not pidfile.exists():
        return None
    try:
        return int(pidfile.read_text().splitlines()[0])
    except (ValueError, IndexError, OSError):
        return -1


def _postmaster_port(pgdata: Path) -> int | None:
    try:
        return int((pgdata / "postmaster.pid").read_text().splitlines()[3])
    except (ValueError, IndexError, OSError):
        return None


def _is_our_postgres(pid: int, pgdata: Path) -> bool:
    try:
        proc = psutil.Process(pid)
        return proc.name().startswith("postgres") and str(pgdata) in " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (for a second embedded runtime)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def postgres_running(settings: Settings) -> bool:
    pid = _postmaster_pid(settings.pgdata)
    return bool(pid and pid > 0 and _is_our_postgres(pid, settings.pgdata))


def _init_pgdata(settings: Settings, user: str | None) -> None:
    pgdata = settings.pgdata
    if (pgdata / "PG_VERSION").exists():
        return
    if pgdata.exists() and any(pgdata.iterdir()):
        raise UserError(
            f"{pgdata} is not empty but holds no PostgreSQL cluster: move it away or set TALENTFLOW_HOME "
            "to another folder"
        )
    pgdata.mkdir(parents=True, exist_ok=True)
    if user:
        from pgserver.utils import ensure_prefix_permissions

        ensure_prefix_permissions(pgdata)
        shutil.chown(pgdata, user)
        ensure_prefix_permissions(Path(_pg_bin("initdb")))
    # The superuser's password goes in through a file only the server's user can read, never argv; in
    # a private folder of its own under the system's temp dir, which the server's user can always
    # reach (TALENTFLOW_HOME may sit below folders only root can traverse, e.g. pytest's tmp_path).
    pwdir = Path(tempfile.mkdtemp(prefix="tf-initdb-"))
    pwfile = pwdir / "password"
    fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(embedded_pg_passwords(settings)[EMBEDDED_PG_USER] + "\n")
    if user:
        shutil.chown(pwdir, user)
        shutil.chown(pwfile, user)
    try:
        result = _run_pg(
            [
                _pg_bin("initdb"),
                "-D",
                str(pgdata),
                "-U",
                EMBEDDED_PG_USER,
                "--auth=scram-sha-256",
                f"--pwfile={pwfile}",
                "--encoding=UTF8",
                "--no-instructions",
            ],
            user,
        )
    finally:
        shutil.rmtree(pwdir, ignore_errors=True)
    if result.returncode != 0:
        raise UserError(f"initdb failed for {pgdata}: {result.stderr.strip().splitlines()[-1:]}")
    _write_hba(pgdata)


def start_postgres(settings: Settings) -> dict:
    """Start the embedded server if it is not running; explain port, lock and data-dir problems."""
    pgdata = settings.pgdata
    user = _system_user()
    _init_pgdata(settings, user)
    pid = _postmaster_pid(pgdata)
    if pid and pid > 0 and _is_our_postgres(pid, pgdata):
        running_port = _postmaster_port(pgdata)
        if running_port != settings.pg_port:
            raise UserError(
                f"the embedded PostgreSQL in {pgdata} already runs on port {running_port}, not "
                f"TALENTFLOW_PG_PORT={settings.pg_port}: run `talentflow down` first or set the port back"
            )
        _upgrade_trusting_cluster(settings)
        return {"started": False, "pid": pid}
    if pid:
        # A postmaster.pid whose process is gone (crash, reboot, kill -9): PostgreSQL would refuse to
        # start if the pid was reused by another process, so remove the stale lock ourselves.
        (pgdata / "postmaster.pid").unlink(missing_ok=True)
    if _port_in_use(settings.pg_port):
        raise UserError(
            f"port {settings.pg_port} on 127.0.0.1 is in use by another program: stop it or set "
            "TALENTFLOW_PG_PORT to a free port"
        )
    socket_dir = settings.home_dir / "postgres"
    log = socket_dir / "postgres.log"
    if user:
        shutil.chown(socket_dir, user)
        if log.exists():
            shutil.chown(log, user)
    _make_private(socket_dir, pgdata)
    result = _run_pg(
        [
            _pg_bin("pg_ctl"),
            "-D",
            str(pgdata),
            "-w",
            "-t",
            "60",
            "-l",
            str(log),
            "-o",
            f"-p {settings.pg_port} -h 127.0.0.1 -k {socket_dir} -c unix_socket_permissions=0700",
            "start",
        ],
        user,
        timeout=90,
    )
    if result.returncode != 0:
        tail = log.read_text().strip().splitlines()[-3:] if log.exists() else []
        raise UserError(f"PostgreSQL did not start ({pgdata}): {' | '.join(tail) or result.stderr.strip()}")
    _upgrade_trusting_cluster(settings)
    return {"started": True, "pid": _postmaster_pid(pgdata)}


# ---- embedded PostgreSQL: secure by default ----------------------------------------------------
# Every role has a generated scram-sha-256 password (config.embedded_pg_passwords: a 0600 file under
# TALENTFLOW_HOME); pg_hba.conf trusts nobody, on the socket or on 127.0.0.1/::1; the socket and data
# folders are the server user's alone. ``COPY ... TO PROGRAM`` needs superuser or
# pg_execute_server_program, which none of the platform's roles has.

HBA = """\
# Written by TalentFlow (talentflow.core.runtime): every connection proves a scram-sha-256 password;
# the passwords are in $TALENTFLOW_HOME/secrets/postgres.json. No `trust` anywhere.
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 scram-sha-256
host    all       all   127.0.0.1/32  scram-sha-256
host    all       all   ::1/128       scram-sha-256
"""


def _write_hba(pgdata: Path) -> None:
    hba = pgdata / "pg_hba.conf"
    with hba.open("w") as fh:  # the file initdb made: keeps its owner (the server's user) and mode
        fh.write(HBA)


def _hba_trusts(pgdata: Path) -> bool:
    try:
        lines = (pgdata / "pg_hba.conf").read_text().splitlines()
    except FileNotFoundError:
        return False
    rules = [line.split("#", 1)[0].split() for line in lines]
    return any(rule and rule[-1] in ("trust", "password", "md5") for rule in rules)


def _make_private(*folders: Path) -> None:
    for folder in folders:
        if folder.exists():
            folder.chmod(0o700)


def _upgrade_trusting_cluster(settings: Settings) -> None:
    """A data dir from before passwords (``trust`` in pg_hba.conf): set the superuser's password while
    trust still lets us in, then switch pg_hba.conf to scram and reload. Runs once per data dir."""
    import psycopg
    from psycopg import sql

    if not _hba_trusts(settings.pgdata):
        return
    password = embedded_pg_passwords(settings)[EMBEDDED_PG_USER]
    try:
        with psycopg.connect(settings.embedded_url("postgres"), autocommit=True, connect_timeout=10) as conn:
            conn.execute("SET password_encryption = 'scram-sha-256'")
            conn.execute(
                sql.SQL("ALTER ROLE {} WITH PASSWORD {}").format(
                    sql.Identifier(EMBEDDED_PG_USER), sql.Literal(password)
                )
            )
            _write_hba(settings.pgdata)
            conn.execute("SELECT pg_reload_conf()")
    except psycopg.OperationalError as exc:
        raise UserError(
            f"{settings.pgdata / 'pg_hba.conf'} still allows password-less logins and could not be upgraded "
            f"({exc}): replace it with scram-sha-256 rules (see talentflow.core.runtime.HBA) or move "
            f"{settings.pgdata} away and run `talentflow up` again"
        ) from exc


def secure_roles(settings: Settings) -> list[str]:
    """Give every platform role its generated scram password (idempotent); returns the roles set."""
    import psycopg
    from psycopg import sql

    passwords = embedded_pg_passwords(settings)
    done = []
    with psycopg.connect(settings.embedded_url("postgres"), autocommit=True) as conn:
        conn.execute("SET password_encryption = 'scram-sha-256'")
        existing = {r[0] for r in conn.execute("SELECT rolname FROM pg_roles")}
        for role in EMBEDDED_PG_ROLES:
            if role not in existing or role not in passwords:
                continue
            conn.execute(
                sql.SQL("ALTER ROLE {} WITH PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(passwords[role])
                )
            )
            done.append(role)
    return done


def stop_postgres(settings: Settings) -> bool:
    if not postgres_running(settings):
        return False
    result = _run_pg(
        [_pg_bin("pg_ctl"), "-D", str(settings.pgdata), "-w", "-m", "fast", "stop"], _system_user()
    )
    if result.returncode != 0:
        raise UserError(f"could not stop PostgreSQL in {settings.pgdata}: {result.stderr.strip()}")
    return True


def _ensure_databases(settings: Settings) -> None:
    import psycopg

    try:
        conn = psycopg.connect(settings.embedded_url("postgres"), autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        if "password authentication failed" not in str(exc):
            raise
        raise UserError(
            f"the embedded PostgreSQL in {settings.pgdata} refused the password in "
            f"{pg_password_file(settings)}: restore that file from a backup, or move {settings.pgdata} "
            "away to start with an empty warehouse"
        ) from None
    with conn:
        existing = {r[0] for r in conn.execute("SELECT datname FROM pg_database")}
        for db in (WAREHOUSE_DB, AIRFLOW_DB):
            if db not in existing:
                conn.execute(f'CREATE DATABASE "{db}"')


# ---- Airflow ----------------------------------------------------------------------------------


def migrate_airflow(settings: Settings) -> None:
    from talentflow.core.airflow_env import airflow_environment

    env = {**os.environ, **airflow_environment(settings)}
    airflow = Path(sys.executable).with_name("airflow")
    result = subprocess.run(
        [str(airflow), "db", "migrate"], env=env, capture_output=True, text=True, check=False, timeout=600
    )
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise UserError(f"`airflow db migrate` failed: {lines[-1] if lines else 'no output'}")


# Airflow pools the DAGs use: name -> (the setting that sizes it, what it is for).
AIRFLOW_POOLS = {
    "transcription": (
        "transcription_pool_slots",
        "Interview scoring batches (speech-to-text + rubric scoring); TALENTFLOW_TRANSCRIPTION_POOL_SLOTS",
    ),
}


def ensure_airflow_pools(settings: Settings) -> None:
    """Create or resize the pools the DAGs name (``interview_scoring.score`` runs in ``transcription``)."""
    from talentflow.core.airflow_env import airflow_environment
    from talentflow.core.airflow_services import ensure_pool

    env = {**os.environ, **airflow_environment(settings)}
    for name, (setting, description) in AIRFLOW_POOLS.items():
        ensure_pool(name, getattr(settings, setting), description, env)


# ---- the whole runtime ------------------------------------------------------------------------


def _lock(settings: Settings):
    import fasteners

    settings.home_dir.mkdir(parents=True, exist_ok=True)
    return fasteners.InterProcessLock(str(settings.home_dir / "runtime.lock"))


def up(settings: Settings | None = None, migrate: bool = True) -> dict:
    """Start and prepare everything; returns the same object as ``status``."""
    from talentflow.core import pseudonym, storage, warehouse
    from talentflow.core import tables as raw_tables

    settings = settings or get_settings()
    lock = _lock(settings)
    if not lock.acquire(blocking=True, timeout=300):
        raise UserError(f"another `talentflow up` holds {settings.home_dir / 'runtime.lock'}; wait for it")
    try:
        if settings.needs_embedded_postgres:
            start_postgres(settings)
            _ensure_databases(settings)
        warehouse.ensure_warehouse(settings)
        if settings.embedded_warehouse:
            secure_roles(settings)  # the roles ensure_warehouse created get their passwords
        pseudonym.ensure_installed(settings)  # generated once on the embedded runtime
        raw_tables.ensure_all(settings)
        (settings.airflow_home / "logs").mkdir(parents=True, exist_ok=True)
        if migrate:
            migrate_airflow(settings)
            ensure_airflow_pools(settings)
        storage.get_store(settings).ensure_ready()
    finally:
        lock.release()
    return status(settings)


def down(settings: Settings | None = None) -> dict:
    settings = settings or get_settings()
    stop_postgres(settings)
    return status(settings)


def status(settings: Settings | None = None) -> dict:
    from talentflow.core import storage, warehouse

    settings = settings or get_settings()
    pg_running = postgres_running(settings)
    state = RuntimeStatus(home=str(settings.home_dir))
    state.postgres = {
        "embedded": settings.needs_embedded_postgres,
        "running": pg_running,
        "pgdata": str(settings.pgdata),
        "port": settings.pg_port,
        "pid": _postmaster_pid(settings.pgdata) if pg_running else None,
        "passwords": str(pg_password_file(settings)) if settings.needs_embedded_postgres else None,
    }
    state.warehouse = {
        "url": mask_url(settings.warehouse_dsn),
        "external": not settings.embedded_warehouse,
        "reachable": warehouse.ping(settings),
    }
    state.airflow = {
        "home": str(settings.airflow_home),
        "db_url": mask_url(settings.airflow_db_url),
        "external": not settings.embedded_airflow_db,
        "dags_folder": str(DAGS_DIR),
    }
    store = storage.get_store(settings)
    state.object_store = {
        "backend": settings.storage_backend,
        "location": store.describe(),
        "reachable": store.ping(),
    }
    state.models = _models(settings)
    return state.to_dict()


def _models(settings: Settings) -> dict:
    from talentflow.core.config import ConfigError

    out = {}
    for name, getter in (("whisper", "whisper_model_path"), ("embedding", "embedding_model_path")):
        try:
            out[name] = getattr(settings, getter)
        except ConfigError as exc:
            out[name] = f"missing: {exc}"
    return out


def format_status(state: dict) -> str:
    pg, wh, af, st = state["postgres"], state["warehouse"], state["airflow"], state["object_store"]
    pg_line = (
        f"embedded PostgreSQL {'running' if pg['running'] else 'stopped'} on 127.0.0.1:{pg['port']} "
        f"(data {pg['pgdata']}; role passwords in {pg.get('passwords')})"
        if pg["embedded"]
        else "external PostgreSQL only (no embedded server)"
    )
    ok = {True: "reachable", False: "NOT reachable"}
    return "\n".join(
        [
            f"home          {state['home']}",
            f"postgres      {pg_line}",
            f"warehouse     {wh['url']} ({'external' if wh['external'] else 'embedded'}, {ok[wh['reachable']]})",
            f"airflow db    {af['db_url']} ({'external' if af['external'] else 'embedded'})",
            f"airflow home  {af['home']}",
            f"object store  {st['backend']}: {st['location']} ({ok[st['reachable']]})",
            f"models        whisper={state['models']['whisper']}",
            f"              embedding={state['models']['embedding']}",
        ]
    )
