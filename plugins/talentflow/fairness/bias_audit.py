"""The bias audit of the interview scoring tool in the NYC Local Law 144 form, published yearly.

Two measures over the candidates the tool assessed in the period (their latest scored interview):

- **selection rate**: the share whose interview recommendation was ``advance``;
- **scoring rate**: the share whose overall score is above the median of all assessed (LL144's
  definition for tools that score rather than select).

Each by sex, by race/ethnicity and by both (intersectional categories), with the number of people
whose category is unknown and categories under 2% of the known shown but left out of the ratios
(:mod:`talentflow.fairness.impact`). Demographics come from ``restricted.candidate_demographics``
(self-reported, collected for this audit only); the output is a self-contained HTML page and JSON
on the object store (``reports/bias-audit/``) and a row in ``audit.bias_audits``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta

import pandas as pd

from talentflow.core import storage, warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.tables.people import BIAS_AUDITS
from talentflow.fairness.impact import FOUR_FIFTHS, UNKNOWN, impact_table

PREFIX = "reports/bias-audit"
MIN_SHARE = 0.02
DIMENSIONS = {"sex": "Sex", "ethnicity": "Race/ethnicity", "intersectional": "Sex × race/ethnicity"}
MEASURES = {
    "selection": "Interview recommendation: selection rate (recommended to advance)",
    "scoring": "Interview score: scoring rate (overall score above the sample median)",
}
DATA_SOURCES = [
    "raw.interview_results (status done: the tool's overall score and recommendation per interview)",
    "restricted.candidate_demographics (self-reported sex and race/ethnicity, from the ATS)",
]


def load_assessments(conn, date_from: date, date_to: date) -> pd.DataFrame:
    """One row per candidate assessed in [date_from, date_to]: their latest scored interview."""
    rows = warehouse.fetch_all(
        conn,
        """
        SELECT DISTINCT ON (r.candidate_id) r.candidate_id, r.recommendation, r.overall,
               r.scoring_model_version, d.sex, d.ethnicity
        FROM raw.interview_results r
        LEFT JOIN restricted.candidate_demographics d USING (candidate_id)
        WHERE r.status = 'done' AND r.overall IS NOT NULL
          AND r.scored_at >= %s AND r.scored_at < %s
        ORDER BY r.candidate_id, r.scored_at DESC
        """,
        (date_from, date_to + timedelta(days=1)),
    )
    return pd.DataFrame(
        rows,
        columns=["candidate_id", "recommendation", "overall", "scoring_model_version", "sex", "ethnicity"],
    )


def _known(value) -> bool:
    return value is not None and not pd.isna(value) and str(value).strip().lower() not in UNKNOWN


def compute(frame: pd.DataFrame, date_from: date, date_to: date, *, min_share: float = MIN_SHARE) -> dict:
    """The report as data: per measure and dimension, the categories with rates and impact ratios."""
    frame = frame.copy()
    frame["intersectional"] = [
        f"{s} · {e}" if _known(s) and _known(e) else "unknown"
        for s, e in zip(frame["sex"], frame["ethnicity"], strict=True)
    ]
    median = float(frame["overall"].median()) if len(frame) else None
    selected = {
        "selection": frame["recommendation"].eq("advance"),
        "scoring": frame["overall"].astype(float) > median if median is not None else frame["overall"],
    }
    measures = {}
    flags = []
    for measure, label in MEASURES.items():
        dims = {}
        for dim, dim_label in DIMENSIONS.items():
            table = impact_table(selected[measure], frame[dim], min_share=min_share)
            table["label"] = dim_label
            dims[dim] = table
            flags += [
                {
                    "measure": measure,
                    "dimension": dim,
                    "category": c["category"],
                    "impact_ratio": c["impact_ratio"],
                    "p_value": c.get("p_value"),
                    "significant": c["category"] in table["adverse_impact"],
                }
                for c in table["categories"]
                if c["impact_ratio"] is not None and c["impact_ratio"] < FOUR_FIFTHS
            ]
        measures[measure] = {"label": label, "dimensions": dims}
    measures["scoring"]["median_score"] = median
    return {
        "title": "Bias audit of the TalentFlow interview scoring tool",
        "form": "NYC Local Law 144 (6 RCNY § 5-301): selection and scoring rates, impact ratios",
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "generated_at": datetime.now(UTC).isoformat(),
        "assessed": int(len(frame)),
        "unknown": {
            dim: int((~frame[dim].map(_known)).sum())
            if dim != "intersectional"
            else int((frame[dim] == "unknown").sum())
            for dim in DIMENSIONS
        },
        "min_share": min_share,
        "four_fifths": FOUR_FIFTHS,
        "model_versions": sorted({str(v) for v in frame["scoring_model_version"].dropna()}),
        "data_sources": DATA_SOURCES,
        "measures": measures,
        "below_four_fifths": flags,
        "adverse_impact": [f for f in flags if f["significant"]],
    }


def render_html(report: dict) -> str:
    """A self-contained page (inline CSS, no scripts, no external assets), autoescaped."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("talentflow.fairness", "templates"), autoescape=select_autoescape(default=True)
    )
    return env.get_template("bias_audit.html.j2").render(r=report, dimensions=DIMENSIONS)


def run_audit(
    date_from: date,
    date_to: date,
    *,
    settings: Settings | None = None,
    run_id: str = "cli",
    publish: bool = True,
) -> dict:
    """Compute the audit for the period; with ``publish`` store HTML + JSON and log it in audit."""
    if date_to < date_from:
        raise ValueError(f"--to {date_to} is before --from {date_from}")
    settings = settings or get_settings()
    with warehouse.connect(settings) as conn:
        report = compute(load_assessments(conn, date_from, date_to), date_from, date_to)
        if not publish:
            return report
        stem = f"{PREFIX}/{date_from.isoformat()}_{date_to.isoformat()}"
        store = storage.get_store(settings)
        html = render_html(report)
        store.put(f"{stem}.html", html.encode(), content_type="text/html; charset=utf-8")
        store.put_json(f"{stem}.json", report)
        report["html_key"], report["json_key"] = f"{stem}.html", f"{stem}.json"
        ratios = [
            c["impact_ratio"]
            for m in report["measures"].values()
            for d in m["dimensions"].values()
            for c in d["categories"]
            if c["impact_ratio"] is not None
        ]
        warehouse.ensure_table(conn, BIAS_AUDITS)
        warehouse.upsert(
            conn,
            BIAS_AUDITS,
            [
                {
                    "audit_id": hashlib.sha256(f"{stem}\n{report['generated_at']}".encode()).hexdigest()[:24],
                    "period_from": date_from,
                    "period_to": date_to,
                    "created_at": datetime.now(UTC),
                    "assessed": report["assessed"],
                    "min_impact_ratio": min(ratios) if ratios else None,
                    "html_key": report["html_key"],
                    "json_key": report["json_key"],
                    "report": json.loads(json.dumps(report, default=str)),
                    "run_id": run_id,
                }
            ],
            create=False,
        )
    return report
