"""The HR dashboard: one self-contained HTML page (inline SVG charts, no scripts, no CDN) rendered from
the marts and the audit trail, stored at ``reports/dashboard/<date>.html`` and ``…/latest.html``.

Sections: hiring funnel, interview scores by requisition, attrition risk by department, salary-band
compliance, data quality (latest result per suite), and what the attrition scorer and alerts did.
Every query tolerates a table that does not exist yet: the section then says there is nothing yet.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import psycopg
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from talentflow.core import links, storage, warehouse
from talentflow.core.config import Settings, get_settings

log = logging.getLogger(__name__)
PREFIX = "reports/dashboard"
TEMPLATE = "dashboard.html.j2"
BAND_COLOURS = {"high": "#c0392b", "medium": "#e67e22", "low": "#7f8c8d"}
STAGES = ("applications", "screened", "interviewed", "offered", "hired")


def _rows(conn, query: str, params=None) -> list[dict] | None:
    """Rows, or None when a table is missing (not built yet); each query in its own savepoint."""
    try:
        with conn.transaction():
            return warehouse.fetch_all(conn, query, params)
    except psycopg.errors.UndefinedTable:
        return None


# ---- charts (matplotlib → inline SVG) ----------------------------------------------------------


def _svg(fig) -> Markup:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    text = text[text.index("<svg") :]  # drop the XML prolog and DOCTYPE: the SVG lives inside HTML
    return Markup(re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S))


def _figure(width: float = 7.0, height: float = 3.2):
    import matplotlib as mpl
    from matplotlib.figure import Figure

    mpl.rcParams["svg.fonttype"] = "none"  # text stays text: searchable, selectable, crisp
    mpl.rcParams["svg.hashsalt"] = "talentflow-dashboard"  # stable ids: the same data, the same file
    mpl.rcParams["font.size"] = 9
    fig = Figure(figsize=(width, height))
    return fig, fig.add_subplot()


def funnel_chart(totals: dict) -> Markup:
    fig, ax = _figure(7, 2.6)
    values = [totals.get(s) or 0 for s in STAGES]
    bars = ax.barh(list(STAGES)[::-1], values[::-1], color="#2e86c1")
    ax.bar_label(bars, labels=[f"{v:,}" for v in values[::-1]], padding=3)
    ax.set_xlabel("candidates")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def interview_chart(scores: dict[str, list[float]]) -> Markup:
    fig, ax = _figure(7, max(2.2, 0.35 * len(scores) + 1))
    labels = list(scores)
    ax.boxplot([scores[k] for k in labels], orientation="horizontal", tick_labels=labels)
    ax.set_xlabel("overall interview score (0-100)")
    ax.set_xlim(0, 100)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def risk_chart(by_department: list[dict]) -> Markup:
    fig, ax = _figure(7, max(2.4, 0.4 * len(by_department) + 1))
    names = [r["department"] for r in by_department][::-1]
    left = [0] * len(names)
    for band in ("high", "medium", "low"):
        values = [r[band] for r in by_department][::-1]
        ax.barh(names, values, left=left, color=BAND_COLOURS[band], label=band)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlabel("current employees by attrition-risk band")
    ax.legend(loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def pay_chart(by_department: list[dict]) -> Markup:
    fig, ax = _figure(7, max(2.4, 0.4 * len(by_department) + 1))
    names = [r["department"] for r in by_department][::-1]
    shares = [100 * float(r["below_share"] or 0) for r in by_department][::-1]
    bars = ax.barh(names, shares, color="#8e44ad")
    ax.bar_label(bars, labels=[f"{v:.1f}%" for v in shares], padding=3)
    ax.set_xlabel("% of current employees paid below their grade band")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


# ---- data -------------------------------------------------------------------------------------


@dataclass
class DashboardData:
    day: str
    generated_at: str
    funnel: dict | None = None
    funnel_by_requisition: list[dict] = field(default_factory=list)
    interview_scores: dict[str, list[float]] = field(default_factory=dict)
    interviews_scored: int = 0
    risk_by_department: list[dict] = field(default_factory=list)
    risk_totals: dict = field(default_factory=dict)
    scorer: dict | None = None
    alerts: dict = field(default_factory=dict)
    salary: dict | None = None
    pay_by_department: list[dict] = field(default_factory=list)
    quality: list[dict] = field(default_factory=list)
    base_url: str = ""  # where the HR pages are (links to requisitions, departments' risk lists)


def collect(conn, day: date) -> DashboardData:
    data = DashboardData(day.isoformat(), datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    totals = _rows(
        conn,
        "SELECT "
        + ", ".join(f"coalesce(sum({s}), 0)::bigint AS {s}" for s in STAGES)
        + " FROM marts.hiring_funnel",
    )
    if totals and totals[0]["applications"]:
        data.funnel = totals[0]
        data.funnel_by_requisition = (
            _rows(
                conn,
                """
            SELECT requisition_id, max(requisition_title) AS title, sum(applications)::bigint AS applications,
                   sum(interviewed)::bigint AS interviewed, sum(hired)::bigint AS hired,
                   round(sum(hired)::numeric / nullif(sum(applications), 0), 4) AS hire_rate
            FROM marts.hiring_funnel GROUP BY requisition_id ORDER BY applications DESC LIMIT 15""",
            )
            or []
        )
    scores = (
        _rows(
            conn,
            """
        SELECT DISTINCT task_id, requisition_id, overall FROM marts.fct_interview_scores
        WHERE overall IS NOT NULL ORDER BY requisition_id""",
        )
        or []
    )
    for r in scores:
        data.interview_scores.setdefault(r["requisition_id"], []).append(float(r["overall"]))
    data.interviews_scored = len(scores)
    risk = (
        _rows(
            conn,
            """
        SELECT coalesce(department, 'unknown') AS department,
               count(*) FILTER (WHERE risk_band = 'high')::int AS high,
               count(*) FILTER (WHERE risk_band = 'medium')::int AS medium,
               count(*) FILTER (WHERE risk_band = 'low')::int AS low,
               round(avg(probability)::numeric, 4) AS mean_probability
        FROM marts.attrition_risk GROUP BY 1 ORDER BY 2 DESC, 1""",
        )
        or []
    )
    data.risk_by_department = risk
    data.risk_totals = {b: sum(r[b] for r in risk) for b in ("high", "medium", "low")}
    used = _rows(
        conn,
        """
        SELECT model_name, model_version, roc_auc, precision_at_top_decile, brier, evaluated_at,
               details->'decision'->>'reason' AS reason, details->>'production_version' AS production_version
        FROM audit.model_evaluations WHERE (details->>'used')::boolean
        ORDER BY evaluated_at DESC LIMIT 1""",
    )
    data.scorer = used[0] if used else None
    alerts = (
        _rows(
            conn,
            """
        SELECT status, count(*)::int AS n FROM audit.alerts_sent GROUP BY status""",
        )
        or []
    )
    data.alerts = {r["status"]: r["n"] for r in alerts}
    salary = _rows(
        conn,
        """
        SELECT count(*)::int AS recommendations,
               count(*) FILTER (WHERE recommended_salary BETWEEN band_min AND band_max)::int AS within_band,
               count(*) FILTER (WHERE pay_equity_flag)::int AS pay_equity_flags
        FROM marts.salary_recommendation""",
    )
    data.salary = salary[0] if salary else None
    data.pay_by_department = (
        _rows(
            conn,
            """
        SELECT department, count(*)::int AS employees, count(*) FILTER (WHERE pay_below_band)::int AS below,
               round(avg(pay_below_band::int)::numeric, 4) AS below_share
        FROM marts.attrition_features WHERE NOT exited GROUP BY department ORDER BY department""",
        )
        or []
    )
    data.quality = (
        _rows(
            conn,
            """
        SELECT DISTINCT ON (suite) suite, dataset, success, evaluated, failed, row_count,
               to_char(checked_at, 'YYYY-MM-DD HH24:MI') AS checked_at
        FROM audit.data_quality_results ORDER BY suite, checked_at DESC""",
        )
        or []
    )
    return data


def render(data: DashboardData) -> str:
    env = Environment(
        loader=PackageLoader("talentflow.attrition", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    charts = {
        "funnel": funnel_chart(data.funnel) if data.funnel else None,
        "interviews": interview_chart(data.interview_scores) if data.interview_scores else None,
        "risk": risk_chart(data.risk_by_department) if data.risk_by_department else None,
        "pay": pay_chart(data.pay_by_department) if data.pay_by_department else None,
    }
    return env.get_template(TEMPLATE).render(d=data, charts=charts, colours=BAND_COLOURS)


def render_and_store(day: date, settings: Settings | None = None) -> dict:
    """Render the dashboard for ``day`` and store it under its date and as latest."""
    settings = settings or get_settings()
    with warehouse.connect(settings) as conn:
        data = collect(conn, day)
    data.base_url = links.base(settings)
    page = render(data).encode()
    store = storage.get_store(settings)
    keys = [f"{PREFIX}/{day.isoformat()}.html", f"{PREFIX}/latest.html"]
    for key in keys:
        store.put(key, page, content_type="text/html; charset=utf-8")
    return {
        "keys": keys,
        "url": store.url_for(keys[0]),
        "bytes": len(page),
        "sections": {
            "funnel": data.funnel is not None,
            "interviews_scored": data.interviews_scored,
            "risk_departments": len(data.risk_by_department),
            "quality_suites": len(data.quality),
        },
    }
