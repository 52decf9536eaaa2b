"""Alert channels: Slack, WeCom and DingTalk webhooks and e-mail through Airflow's SMTP connection.

Used by every DAG's ``on_failure_callback`` (ops/HR hear about failures where they already are) and
by the HR alerting DAG. A channel that is not configured is skipped; a delivery failure is logged,
never raised from a callback.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import requests

from talentflow.core.config import Settings, get_settings

log = logging.getLogger(__name__)


@dataclass
class Message:
    title: str
    text: str


def webhook_payload(channel: str, msg: Message) -> dict:
    """The JSON body each webhook expects (Slack blocks-free text, WeCom/DingTalk markdown)."""
    if channel == "slack":
        return {"text": f"*{msg.title}*\n{msg.text}"}
    if channel == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": f"**{msg.title}**\n{msg.text}"}}
    if channel == "dingtalk":
        return {
            "msgtype": "markdown",
            "markdown": {"title": msg.title, "text": f"### {msg.title}\n{msg.text}"},
        }
    raise ValueError(f"unknown webhook channel {channel!r}")


def configured_webhooks(settings: Settings) -> dict[str, str]:
    urls = {
        "slack": settings.slack_webhook_url,
        "wecom": settings.wecom_webhook_url,
        "dingtalk": settings.dingtalk_webhook_url,
    }
    return {k: v for k, v in urls.items() if v}


def send(msg: Message, settings: Settings | None = None, timeout: float = 10.0) -> dict[str, str]:
    """Send to every configured channel; returns channel → 'sent' or the error."""
    settings = settings or get_settings()
    outcome: dict[str, str] = {}
    for channel, url in configured_webhooks(settings).items():
        try:
            resp = requests.post(url, json=webhook_payload(channel, msg), timeout=timeout)
            resp.raise_for_status()
            outcome[channel] = "sent"
        except requests.RequestException as exc:
            outcome[channel] = f"failed: {exc}"
    if settings.alert_email_to:
        try:
            from airflow.utils.email import send_email

            send_email(settings.alert_email_to.split(","), msg.title, f"<pre>{msg.text}</pre>")
            outcome["email"] = "sent"
        except Exception as exc:  # noqa: BLE001 - any SMTP/config error is reported, not raised
            outcome["email"] = f"failed: {exc}"
    for channel, result in outcome.items():
        (log.info if result == "sent" else log.warning)("alert via %s: %s", channel, result)
    return outcome


def failure_message(context: dict) -> Message:
    ti = context.get("task_instance") or context.get("ti")
    dag_id = getattr(ti, "dag_id", None) or getattr(context.get("dag"), "dag_id", "?")
    task_id = getattr(ti, "task_id", "?")
    run_id = context.get("run_id") or getattr(ti, "run_id", "?")
    exc = context.get("exception")
    return Message(
        title=f"TalentFlow: {dag_id}.{task_id} failed",
        text=f"run {run_id}, try {getattr(ti, 'try_number', '?')}\nreason: {exc}\n"
        f"Re-run safely from the Airflow UI (Clear) once the cause is fixed.",
    )


def notify_failure(context: dict) -> None:
    """``on_failure_callback`` for every DAG."""
    msg = failure_message(context)
    log.error("%s: %s", msg.title, msg.text)
    try:
        send(msg)
    except Exception:  # noqa: BLE001 - a callback must never fail the scheduler
        log.exception("could not deliver the failure alert")
