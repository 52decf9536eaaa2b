"""One notification layer for every alert: ops failures (an Airflow notifier on every DAG) and HR
alerts (attrition), through the same channels, retries and secret masking.

- ``messages``: what an alert says and each channel's body (HTML always escaped);
- ``channels``: Slack/WeCom/DingTalk webhooks (JSON POST) and e-mail (the SMTP provider's notifier);
- ``delivery``: bounded retries with tenacity, and ``send`` to every configured ops channel;
- ``notifier``: ``TalentFlowNotifier`` (``airflow.sdk.BaseNotifier``), ``notify_failure``;
- ``secrets``: webhook URLs are credentials, masked in every log line, stored error and exception.
"""

from talentflow.core.notifications.channels import (
    Channel,
    DeliveryError,
    EmailChannel,
    NotConfigured,
    WebhookChannel,
    configured_channels,
    register_secrets,
    webhook_channel,
)
from talentflow.core.notifications.delivery import Delivery, deliver, send, send_to
from talentflow.core.notifications.messages import (
    Message,
    email_html,
    email_payload,
    failure_message,
    run_message,
    webhook_payload,
)
from talentflow.core.notifications.notifier import TalentFlowNotifier, notify_failure, notify_success
from talentflow.core.notifications.secrets import redact

__all__ = [
    "Channel",
    "Delivery",
    "DeliveryError",
    "EmailChannel",
    "Message",
    "NotConfigured",
    "TalentFlowNotifier",
    "WebhookChannel",
    "configured_channels",
    "deliver",
    "email_html",
    "email_payload",
    "failure_message",
    "notify_failure",
    "notify_success",
    "redact",
    "register_secrets",
    "run_message",
    "send",
    "send_to",
    "webhook_channel",
    "webhook_payload",
]
