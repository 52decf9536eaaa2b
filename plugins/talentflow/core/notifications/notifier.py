"""The Airflow face of the notification layer: a ``BaseNotifier`` for ``on_failure_callback`` /
``on_success_callback`` (task or DAG level), delivering through the same channels and retries as the
HR alerts."""

from __future__ import annotations

import logging

from airflow.sdk import BaseNotifier

from talentflow.core.config import Settings, get_settings
from talentflow.core.notifications.channels import register_secrets
from talentflow.core.notifications.messages import Message, run_message
from talentflow.core.notifications.secrets import redact

log = logging.getLogger(__name__)


class TalentFlowNotifier(BaseNotifier):
    """Alert every configured channel. Without ``title`` the message is built from the context (where,
    which try, the exception, how to re-run); ``title``/``text`` given are Airflow templates. Never
    raises: a callback that fails would only hide the failure it reports."""

    template_fields = ("title", "text")

    def __init__(
        self,
        title: str | None = None,
        text: str | None = None,
        *,
        outcome: str = "failed",
        settings: Settings | None = None,
        attempts: int | None = None,
        backoff: float | None = None,
    ) -> None:
        super().__init__()
        self.title, self.text, self.outcome, self.settings = title, text, outcome, settings
        # None: the layer's defaults (OPS_ATTEMPTS tries, OPS_BACKOFF_SECONDS doubling)
        self.delivery = {k: v for k, v in (("attempts", attempts), ("backoff", backoff)) if v is not None}

    def _key(self) -> tuple:
        return (type(self), self.title, self.text, self.outcome, tuple(sorted(self.delivery.items())))

    # DAG(default_args=...) deep-copies its callbacks: two copies of one notifier are the same notifier.
    def __eq__(self, other: object) -> bool:
        return isinstance(other, TalentFlowNotifier) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def message(self, context: dict) -> Message:
        if self.title:
            return Message(self.title, self.text or "")
        return run_message(context, self.outcome)

    def notify(self, context) -> None:
        # Looked up on the package so a test (or an operator) can swap the transport in one place.
        from talentflow.core import notifications

        try:
            register_secrets(self.settings or get_settings())  # the exception text may quote a webhook
            msg = self.message(context)
            (log.error if self.outcome == "failed" else log.info)("%s: %s", msg.title, redact(msg.text))
            notifications.send(msg, self.settings, **self.delivery)
        except Exception as exc:  # noqa: BLE001 - a callback must never fail the task runner
            log.error("could not deliver the %s alert: %s", self.outcome, redact(exc))


notify_failure = TalentFlowNotifier(outcome="failed")
notify_success = TalentFlowNotifier(outcome="succeeded")
