"""Bounded delivery with tenacity: exponential back-off between tries, give up after ``attempts`` or at
the first error that retrying cannot fix (a refusal, a missing address). The caller records the
outcome; HR alerts keep it in ``audit.alerts_sent``, ops alerts in the task log."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from talentflow.core.config import Settings, get_settings
from talentflow.core.notifications.channels import Channel, DeliveryError, NotConfigured, configured_channels
from talentflow.core.notifications.messages import Message
from talentflow.core.notifications.secrets import redact

log = logging.getLogger(__name__)

OPS_ATTEMPTS = 3
OPS_BACKOFF_SECONDS = 2.0


@dataclass(frozen=True)
class Delivery:
    delivered: bool
    attempts: int
    error: str | None = None
    configured: bool = True

    @property
    def outcome(self) -> str:
        if self.delivered:
            return "sent"
        return self.error if not self.configured else f"failed: {self.error}"


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, DeliveryError) and exc.retryable


def deliver(
    post: Callable[[], None],
    attempts: int,
    backoff: float,
    sleep: Callable[[float], None] = time.sleep,
    label: str = "alert",
) -> Delivery:
    """Call ``post`` until it returns, at most ``attempts`` times, waiting backoff, 2x, 4x... between."""
    if attempts < 1:
        return Delivery(False, 0, "attempts exhausted")
    made = 0

    def attempt() -> None:
        nonlocal made
        made += 1
        try:
            post()
        except DeliveryError:
            raise
        except Exception as exc:  # noqa: BLE001 - an unexpected error fails this alert, not the batch
            raise DeliveryError(f"{type(exc).__name__}: {exc}", retryable=False) from None

    def before_sleep(state: RetryCallState) -> None:
        log.warning(
            "%s, attempt %d/%d: %s; retrying in %.1fs",
            label,
            state.attempt_number,
            attempts,
            state.outcome.exception(),
            state.upcoming_sleep,
        )

    retrying = Retrying(
        stop=stop_after_attempt(attempts),
        wait=wait_exponential(multiplier=backoff, exp_base=2),
        retry=retry_if_exception(_retryable),
        sleep=sleep,
        before_sleep=before_sleep,
        reraise=True,
    )
    try:
        retrying(attempt)
    except NotConfigured as exc:
        log.warning("%s not sent: %s", label, exc)
        return Delivery(False, 0, str(exc), configured=False)
    except DeliveryError as exc:
        log.warning("%s gave up after attempt %d/%d: %s", label, made, attempts, exc)
        return Delivery(False, made, str(exc))
    return Delivery(True, made)


def send_to(
    channel: Channel,
    msg: Message,
    attempts: int = OPS_ATTEMPTS,
    backoff: float = OPS_BACKOFF_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    payload = channel.payload(msg)
    return deliver(
        lambda: channel.post(payload), attempts, backoff, sleep, f"alert {msg.title!r} via {channel.name}"
    )


def send(
    msg: Message,
    settings: Settings | None = None,
    attempts: int = OPS_ATTEMPTS,
    backoff: float = OPS_BACKOFF_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, str]:
    """Send to every configured ops channel; returns channel → 'sent' or 'failed: <reason>'.

    With no channel configured nothing is tried: it says so in the log and returns ``{}``.
    """
    settings = settings or get_settings()
    channels = configured_channels(settings)
    if not channels:
        log.warning(
            "alert %r not sent: no channel configured (set TALENTFLOW_SLACK_WEBHOOK_URL, "
            "TALENTFLOW_WECOM_WEBHOOK_URL, TALENTFLOW_DINGTALK_WEBHOOK_URL or TALENTFLOW_ALERT_EMAIL_TO)",
            redact(msg.title),
        )
        return {}
    outcome = {c.name: send_to(c, msg, attempts, backoff, sleep).outcome for c in channels}
    for channel, result in outcome.items():
        (log.info if result == "sent" else log.warning)("alert via %s: %s", channel, result)
    return outcome
