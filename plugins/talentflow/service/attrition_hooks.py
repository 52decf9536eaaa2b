"""``attrition.alert`` webhooks for connected HR systems, from what the attrition_alerts DAG wrote.

The alerting step (``talentflow.attrition.alerting``) raises one alert per high-risk episode and HR
business partner, recorded in ``audit.alerts_sent``. Here each episode current on the run's day that
has an alert becomes one signed ``attrition.alert`` per subscribed endpoint, keyed on the episode id
(``webhooks.enqueue(once_per=...)``): re-running the day, or the next day while the episode lasts,
queues nothing new. The payload names the employee by the pseudonymous ``employee_key`` only: no name,
no HRIS id, no address.
"""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd

from talentflow.attrition.alerting import current_episodes
from talentflow.core import warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.tables.attrition import ALERTS_SENT, SCORES
from talentflow.service import webhooks
from talentflow.service.settings import ServiceSettings

log = logging.getLogger(__name__)
EVENT = "attrition.alert"


def alerts_for_day(conn, day: date) -> list[dict]:
    """One payload per risk episode current on ``day`` for which the alerting step raised an alert."""
    history = pd.DataFrame(
        warehouse.fetch_all(
            conn,
            f"SELECT employee_key, scored_at, risk_band FROM {SCORES.qualified} WHERE scored_at <= %s",
            (day,),
        ),
        columns=["employee_key", "scored_at", "risk_band"],
    )
    episodes = {e.episode_id: e for e in current_episodes(history, day)}
    if not episodes:
        return []
    alerted = {
        r["episode_id"]
        for r in warehouse.fetch_all(
            conn,
            f"SELECT DISTINCT episode_id FROM {ALERTS_SENT.qualified} WHERE episode_id = ANY(%s)",
            (list(episodes),),
        )
    }
    scores = {
        r["employee_key"]: r
        for r in warehouse.fetch_all(
            conn,
            f"SELECT employee_key, probability, risk_band, rules_score, scorer, model_version, reasons"
            f" FROM {SCORES.qualified} WHERE scored_at = %s AND employee_key = ANY(%s)",
            (day, [episodes[e].employee_key for e in alerted]),
        )
    }
    out = []
    for episode_id in sorted(alerted):
        ep, score = episodes[episode_id], scores[episodes[episode_id].employee_key]
        out.append(
            {
                "episode_id": episode_id,
                "employee_key": ep.employee_key,
                "kind": ep.kind,
                "episode_started_at": ep.started_at.isoformat(),
                "scored_at": day.isoformat(),
                "risk_band": score["risk_band"],
                "probability": score["probability"],
                "rules_score": score["rules_score"],
                "scorer": score["scorer"],
                "model_version": score["model_version"],
                # the HR rules that matched (rule text and suggested action; never the person's values)
                "reasons": [
                    {k: r.get(k) for k in ("rule", "description", "suggested_action")}
                    for r in (score["reasons"] or [])
                ],
            }
        )
    return out


def notify_attrition_alerts(
    day: date, settings: Settings | None = None, service: ServiceSettings | None = None
) -> dict:
    """Queue ``attrition.alert`` for the day's alerted episodes (once each), then deliver what is pending."""
    settings = settings or get_settings()
    with warehouse.connect(settings) as conn:
        if not conn.execute("SELECT to_regclass(%s)", (ALERTS_SENT.qualified,)).fetchone()[0]:
            return {"day": day.isoformat(), "alerts": 0, "queued": 0, "delivered": 0, "failed": 0}
        alerts = alerts_for_day(conn, day)
        queued = [
            i
            for a in alerts
            for i in webhooks.broadcast(conn, EVENT, a["employee_key"], a, once_per=a["episode_id"])
        ]
    results = webhooks.deliver_pending(settings, service)
    counts = {
        "day": day.isoformat(),
        "alerts": len(alerts),
        "queued": len(queued),
        "delivered": sum(r["status"] == "delivered" for r in results),
        "failed": sum(r["status"] == "failed" for r in results),
    }
    log.info("attrition.alert webhooks for %s: %s", day, counts)
    return counts
