"""HR alerts: employees who became high-risk are sent, once per risk episode, to the HR business
partner of their department (seed ``hr_business_partners.csv``) by e-mail (Airflow's SMTP connection)
or a WeCom, DingTalk or Slack webhook.

An episode is a run of consecutive daily scores in the high band; it ends when the risk falls below
it, and a later rise starts a new episode (and a new alert). The alert id is derived from the
episode, channel and recipient, so re-running a day sends nothing twice. A failed delivery is retried
with exponential back-off (``alert_attempts`` per run, through ``talentflow.core.notifications``),
recorded in ``audit.alerts_sent`` and tried again by the next run until ``alert_max_total_attempts``,
after which it is marked ``gave_up``. A partner whose channel has no address yet is recorded as
``not_configured`` (nothing tried, no attempt counted) and alerted once the channel is set. Webhook
secrets never reach the stored error or the log (the notification layer masks them).
"""

from __future__ import annotations

import csv
import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from talentflow.attrition.settings import AttritionSettings, get_attrition_settings
from talentflow.core import links, warehouse
from talentflow.core.config import Settings, get_settings
from talentflow.core.notifications import (
    Channel,
    Delivery,
    EmailChannel,
    Message,
    deliver,
    email_payload,
    webhook_channel,
    webhook_payload,
)
from talentflow.core.notifications.messages import attrition_alert
from talentflow.core.tables.attrition import ALERTS_SENT, SCORES

log = logging.getLogger(__name__)
CHANNELS = ("email", "slack", "wecom", "dingtalk")
DASHBOARD_PREFIX = "reports/dashboard"
_LOCK_ID = 0x7A1E47F12  # one alert sender at a time (a second run waits for nothing, it refuses)


PARTNERS_SEED = "hr_business_partners"
# People's names and addresses: seeded into restricted, never into a schema BI reads.
PARTNERS_TABLE = f"restricted.{PARTNERS_SEED}"
PARTNER_COLUMNS = ("department", "hrbp_name", "hrbp_email", "channel")


def partners_seed_file() -> Path:
    """The seed's CSV in the dbt project (what ``dbt seed`` loads into ``PARTNERS_TABLE``)."""
    from talentflow.warehouse_build.dbt_project import project_dir

    return project_dir() / "seeds" / f"{PARTNERS_SEED}.csv"


# ---- who gets what ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Partner:
    department: str
    name: str
    email: str
    channel: str

    @property
    def recipient(self) -> str:
        return self.email if self.channel == "email" else f"{self.channel}:{self.name}"


def parse_partners(rows: Iterable[dict], source: str = "hr_business_partners.csv") -> list[Partner]:
    partners = []
    for n, row in enumerate(rows, start=2):
        department = (row.get("department") or "").strip().lower()
        channel = (row.get("channel") or "").strip().lower()
        name, email = (row.get("hrbp_name") or "").strip(), (row.get("hrbp_email") or "").strip()
        if not department or not name:
            raise ValueError(f"{source} row {n}: department and hrbp_name are required")
        if channel not in CHANNELS:
            raise ValueError(f"{source} row {n}: channel '{channel}' is not one of {', '.join(CHANNELS)}")
        if channel == "email" and "@" not in email:
            raise ValueError(f"{source} row {n}: channel email needs an address in hrbp_email")
        partners.append(Partner(department, name, email, channel))
    return partners


def load_partners(path: Path | str | None = None, settings: Settings | None = None) -> list[Partner]:
    """The partners in ``path`` when given, else the seeded table in the warehouse."""
    if path is None:
        from talentflow.warehouse_build.seeds import read_seed

        return parse_partners(read_seed(PARTNERS_TABLE, PARTNER_COLUMNS, settings), PARTNERS_TABLE)
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"HR business partners file not found: {path}")
    with path.open(newline="", encoding="utf-8") as fh:
        return parse_partners(csv.DictReader(fh), path.name)


def partners_for(department: str | None, partners: list[Partner]) -> list[Partner]:
    own = [p for p in partners if p.department == (department or "").lower()]
    return own or [p for p in partners if p.department == "*"]


# ---- risk episodes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Episode:
    employee_key: str
    episode_id: str
    started_at: date
    kind: str  # "new" (from low or no score) or "worsened" (from medium)


def episode_id(employee_key: str, started_at: date) -> str:
    return hashlib.sha256(f"{employee_key}:{started_at.isoformat()}".encode()).hexdigest()[:16]


def current_episodes(history: pd.DataFrame, day: date, band: str = "high") -> list[Episode]:
    """Employees whose score on ``day`` is in ``band``, with the start of that unbroken run of scores.

    ``history``: employee_key, scored_at, risk_band (any order; days after ``day`` are ignored).
    """
    if history.empty:
        return []
    frame = history[history["scored_at"] <= day].sort_values(["employee_key", "scored_at"])
    episodes = []
    for key, rows in frame.groupby("employee_key", sort=True):
        bands, days = rows["risk_band"].tolist(), rows["scored_at"].tolist()
        if days[-1] != day or bands[-1] != band:
            continue
        i = len(bands) - 1
        while i > 0 and bands[i - 1] == band:
            i -= 1
        before = bands[i - 1] if i > 0 else None
        episodes.append(
            Episode(key, episode_id(key, days[i]), days[i], "worsened" if before == "medium" else "new")
        )
    return episodes


# ---- messages ---------------------------------------------------------------------------------


@dataclass
class Alert:
    alert_id: str
    episode: Episode
    partner: Partner
    message: Message
    payload: dict


def alert_id(episode: Episode, channel: str, recipient: str) -> str:
    return hashlib.sha256(f"{episode.episode_id}:{channel}:{recipient}".encode()).hexdigest()[:24]


def alert_message(
    episode: Episode,
    score: dict,
    employee_id: str | None,
    department: str | None,
    partner: Partner,
    dashboard_url: str | None,
    horizon_months: int,
    base_rate: float | None = None,
    employee_url: str | None = None,
    locale: str | None = None,
) -> Message:
    """The alert's text, in ``locale`` (TALENTFLOW_LOCALE): rendered by the notifications layer from
    the message catalogue (``attrition_alert``)."""
    return attrition_alert(
        employee_id=employee_id,
        employee_key=episode.employee_key,
        kind=episode.kind,
        probability=score.get("probability"),
        rules_score=score.get("rules_score"),
        base_rate=base_rate,
        horizon_months=horizon_months,
        partner_name=partner.name,
        department=department,
        reasons=score.get("reasons") or [],
        factors=score.get("top_factors") or [],
        employee_url=employee_url,
        dashboard_url=dashboard_url,
        episode_id=episode.episode_id,
        started_at=episode.started_at,
        locale=locale,
    )


def payload_for(partner: Partner, msg: Message) -> dict:
    if partner.channel == "email":
        return email_payload([partner.email], msg)
    return webhook_payload(partner.channel, msg)


# ---- delivery ---------------------------------------------------------------------------------


def channel_for(partner: Partner, settings: Settings, att: AttritionSettings) -> Channel:
    """The partner's channel (``NotConfigured`` when its webhook URL is not set)."""
    if partner.channel == "email":
        return EmailChannel([partner.email], att.smtp_conn_id)
    return webhook_channel(partner.channel, settings)


def deliver_alert(
    alert: Alert,
    settings: Settings,
    att: AttritionSettings,
    attempts: int,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """One alert through its partner's channel, with the notification layer's bounded retries."""
    label = f"alert {alert.alert_id} via {alert.partner.channel}"

    def post() -> None:
        channel_for(alert.partner, settings, att).post(alert.payload)

    return deliver(post, attempts, att.alert_backoff_seconds, sleep, label)


# ---- the daily run ----------------------------------------------------------------------------


@dataclass
class AlertRun:
    day: str
    high_risk: int = 0
    episodes_new: int = 0
    sent: int = 0
    failed: int = 0
    gave_up: int = 0
    already_sent: int = 0
    unrouted: int = 0
    not_configured: int = 0
    alerts: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "alerts"} | {
            "alert_ids": [a["alert_id"] for a in self.alerts]
        }


def _context(conn, day: date) -> tuple[pd.DataFrame, dict, dict, dict]:
    history = pd.DataFrame(
        warehouse.fetch_all(
            conn,
            f"SELECT employee_key, scored_at, risk_band FROM {SCORES.qualified} WHERE scored_at <= %s",
            (day,),
        ),
        columns=["employee_key", "scored_at", "risk_band"],
    )
    today = {
        r["employee_key"]: r
        for r in warehouse.fetch_all(conn, f"SELECT * FROM {SCORES.qualified} WHERE scored_at = %s", (day,))
    }
    departments = {
        r["employee_key"]: r["department"]
        for r in warehouse.fetch_all(conn, "SELECT employee_key, department FROM marts.attrition_features")
    }
    # HR business partners act on the HRIS id; the alert carries nothing else that identifies a person.
    ids = {
        r["employee_key"]: r["employee_id"]
        for r in warehouse.fetch_all(
            conn, "SELECT employee_key, employee_id FROM restricted.employee_key_map"
        )
    }
    return history, today, departments, ids


def _base_rate(conn, version: str | None) -> float | None:
    if not version:
        return None
    row = warehouse.fetch_all(
        conn,
        "SELECT details->'production_trained_on' AS t FROM audit.model_evaluations "
        "WHERE details->>'production_version' = %s ORDER BY evaluated_at DESC LIMIT 1",
        (version,),
    )
    trained = row[0]["t"] if row else None
    if trained and trained.get("rows"):
        return trained["positives"] / trained["rows"]
    return None


def send_alerts(
    day: date,
    settings: Settings | None = None,
    att: AttritionSettings | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict:
    """Alert HR business partners about the high-risk episodes current on ``day`` not yet alerted."""
    settings = settings or get_settings()
    att = att or get_attrition_settings()
    partners = load_partners(att.hrbp_file, settings)
    dashboard_url = links.dashboard_url(settings, day)  # the HR pages, not a file:// or s3:// path
    run = AlertRun(day.isoformat())
    with warehouse.connect(settings) as conn:
        warehouse.ensure_table(conn, ALERTS_SENT)
        conn.commit()
        if not conn.execute("SELECT pg_try_advisory_lock(%s)", (_LOCK_ID,)).fetchone()[0]:
            raise RuntimeError("another send_alerts run holds the alert lock; nothing was sent")
        try:
            history, today, departments, ids = _context(conn, day)
            episodes = current_episodes(history, day)
            run.high_risk = len(episodes)
            known = {
                r["alert_id"]: r
                for r in warehouse.fetch_all(
                    conn,
                    f"SELECT alert_id, status, attempts, sent_at FROM {ALERTS_SENT.qualified} "
                    "WHERE episode_id = ANY(%s)",
                    ([e.episode_id for e in episodes],),
                )
            }
            base_rate = _base_rate(conn, next(iter(today.values()))["model_version"] if today else None)
            for episode in episodes:
                department = departments.get(episode.employee_key)
                routed = partners_for(department, partners)
                if not routed:
                    run.unrouted += 1
                    log.warning(
                        "no HR business partner for department %r (nor a '*' row): employee %s not alerted",
                        department,
                        episode.employee_key,
                    )
                    continue
                ids_of_episode = [alert_id(episode, p.channel, p.recipient) for p in routed]
                run.episodes_new += not any(a in known for a in ids_of_episode)
                for partner, aid in zip(routed, ids_of_episode, strict=True):
                    previous = known.get(aid)
                    if previous and previous["status"] in ("sent", "gave_up"):
                        run.already_sent += 1
                        continue
                    msg = alert_message(
                        episode,
                        today[episode.employee_key],
                        ids.get(episode.employee_key),
                        department,
                        partner,
                        dashboard_url,
                        att.horizon_months,
                        base_rate,
                        employee_url=links.employee_url(settings, episode.employee_key),
                        locale=settings.locale,
                    )
                    alert = Alert(aid, episode, partner, msg, payload_for(partner, msg))
                    tried = previous["attempts"] if previous else 0
                    allowed = max(0, min(att.alert_attempts, att.alert_max_total_attempts - tried))
                    result = deliver_alert(alert, settings, att, allowed, sleep)
                    ok, made = result.delivered, result.attempts
                    if not result.configured:  # nothing tried: not a failure, and tried again once set
                        status = "not_configured"
                    elif ok:
                        status = "sent"
                    else:
                        status = "gave_up" if tried + made >= att.alert_max_total_attempts else "failed"
                    row = {
                        "alert_id": aid,
                        "employee_key": episode.employee_key,
                        "episode_id": episode.episode_id,
                        "channel": partner.channel,
                        "recipient": partner.recipient,
                        "status": status,
                        "attempts": tried + made,
                        "error": result.error,
                        "sent_at": datetime.now(UTC) if ok else None,
                        "payload": alert.payload,
                    }
                    warehouse.upsert(conn, ALERTS_SENT, [row], create=False)
                    conn.commit()  # recorded before the next one: a crash later never re-sends this one
                    setattr(run, status, getattr(run, status) + 1)
                    run.alerts.append(row)
        finally:
            conn.rollback()  # every alert row is already committed; this only clears a failed statement
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_ID,))
    log.info("attrition alerts for %s: %s", day, run.to_dict())
    return run.to_dict()
