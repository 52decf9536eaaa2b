"""Where an alert can go: a group-robot webhook (Slack, WeCom, DingTalk: a JSON POST) or e-mail
through the SMTP provider's notifier and an Airflow SMTP connection (``smtp_default``).

A channel posts one payload or raises ``DeliveryError`` saying whether trying again can help. Every
message it raises or logs has the webhook's secrets masked (``secrets.redact``); the original
exception is not chained, because its text and its request carry the URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import requests

from talentflow.core.config import Settings
from talentflow.core.notifications import secrets
from talentflow.core.notifications.messages import Message, email_payload, webhook_payload

WEBHOOKS = ("slack", "wecom", "dingtalk")
SMTP_CONN_ID = "smtp_default"


class DeliveryError(RuntimeError):
    def __init__(self, message: str, retryable: bool = True) -> None:
        super().__init__(secrets.redact(message))
        self.retryable = retryable


class NotConfigured(DeliveryError):
    """The channel has no address: nothing was tried, and trying again will not help."""

    def __init__(self, message: str) -> None:
        super().__init__(f"no channel configured: {message}", retryable=False)


def webhook_setting(kind: str) -> str:
    return f"{kind}_webhook_url"


def _plain(value) -> str | None:
    """A setting's value whether it is a str or a pydantic SecretStr."""
    if value is not None and hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    return value or None


@dataclass
class WebhookChannel:
    kind: str
    url: str = field(repr=False)
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if self.kind not in WEBHOOKS:
            raise ValueError(f"unknown webhook channel {self.kind!r}")
        secrets.register(self.url)

    @property
    def name(self) -> str:
        return self.kind

    @property
    def target(self) -> str:
        return secrets.display(self.url)

    def payload(self, msg: Message) -> dict:
        return webhook_payload(self.kind, msg)

    def post(self, payload: dict) -> None:
        try:
            resp = requests.post(self.url, json=payload, timeout=self.timeout)
        except requests.RequestException as exc:
            raise DeliveryError(f"{self.kind} webhook {self.target} unreachable: {exc}") from None
        if resp.status_code >= 400:
            raise DeliveryError(
                f"{self.kind} webhook {self.target} answered HTTP {resp.status_code}: {resp.text[:200]}",
                retryable=resp.status_code >= 500 or resp.status_code == 429,
            ) from None
        # WeCom and DingTalk answer 200 with {"errcode": n} when they refuse a message.
        try:
            body = resp.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get("errcode") not in (None, 0):
            raise DeliveryError(
                f"{self.kind} webhook {self.target} refused the message: {body}", retryable=False
            )


@dataclass
class EmailChannel:
    to: list[str]
    conn_id: str = SMTP_CONN_ID

    name = "email"

    @property
    def target(self) -> str:
        return ", ".join(self.to)

    def payload(self, msg: Message) -> dict:
        return email_payload(self.to, msg)

    def post(self, payload: dict) -> None:
        from airflow.providers.smtp.notifications.smtp import SmtpNotifier

        # notify(), not __call__: __call__ would render the (already escaped) body as a Jinja template,
        # and a message holding "{{ ... }}" is data, not a template.
        notifier = SmtpNotifier(
            to=payload["to"],
            subject=payload["subject"],
            html_content=payload["html"],
            smtp_conn_id=self.conn_id,
        )
        try:
            notifier.notify({})
        except Exception as exc:  # noqa: BLE001 - SMTP, connection lookup and network errors alike
            text = str(exc)
            if "connection is not found" in text.lower() or "isn't defined" in text:
                raise NotConfigured(
                    f"e-mail needs the Airflow connection '{self.conn_id}' "
                    f"(set AIRFLOW_CONN_{self.conn_id.upper()})"
                ) from None
            if "from_email" in text:
                raise DeliveryError(
                    f"e-mail via '{self.conn_id}': set from_email in the connection's extra",
                    retryable=False,
                ) from None
            raise DeliveryError(
                f"e-mail via Airflow connection '{self.conn_id}' failed: {type(exc).__name__}: {text}"
            ) from None


Channel = WebhookChannel | EmailChannel


def webhook_channel(kind: str, settings: Settings, timeout: float = 10.0) -> WebhookChannel:
    """The ``kind`` webhook from settings; ``NotConfigured`` when its URL is not set."""
    url = _plain(getattr(settings, webhook_setting(kind)))
    if not url:
        raise NotConfigured(f"set TALENTFLOW_{webhook_setting(kind).upper()}")
    return WebhookChannel(kind, url, timeout)


def register_secrets(settings: Settings) -> None:
    """Mask every configured webhook URL from now on, before any text that might hold one is built."""
    for kind in WEBHOOKS:
        secrets.register(_plain(getattr(settings, webhook_setting(kind))))


def configured_channels(settings: Settings, smtp_conn_id: str = SMTP_CONN_ID) -> list[Channel]:
    """The ops channels: every webhook with a URL, and e-mail when ``alert_email_to`` is set."""
    channels: list[Channel] = []
    for kind in WEBHOOKS:
        url = _plain(getattr(settings, webhook_setting(kind)))
        if url:
            channels.append(WebhookChannel(kind, url))
    if settings.alert_email_to:
        to = [a.strip() for a in settings.alert_email_to.split(",") if a.strip()]
        channels.append(EmailChannel(to, smtp_conn_id))
    return channels
