"""Webhook URLs are credentials: whoever has one can post to the group. WeCom carries it in ``?key=``,
DingTalk in ``?access_token=``, Slack in the path of ``/services/T…/B…/…``. They must never reach a
log line, a stored error or an exception message.

Every URL a channel is built from is registered here; ``redact`` replaces each registered fragment in
any text with ``***``. The fragments are also handed to Airflow's secrets masker (task logs), and a
logging filter redacts urllib3's own debug lines (it logs the request path, query string included).
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import parse_qsl, urlsplit

MASK = "***"
_MIN_QUERY_VALUE = 8  # shorter query values (``msgtype=text``) are not credentials
_MIN_PATH_SEGMENT = 16  # Slack's token segment is 24 characters; ``/robot/send`` is not a secret

_lock = threading.Lock()
_fragments: set[str] = set()
_ordered: list[str] = []  # longest first, so a whole URL is replaced before its parts


def fragments_of(url: str) -> set[str]:
    """The parts of ``url`` that give access: the URL itself, its path and query, token-like pieces."""
    parts = urlsplit(url)
    found = {url, url.rstrip("/")}
    if parts.query:
        found |= {parts.query, f"{parts.path}?{parts.query}"}
        found |= {v for _, v in parse_qsl(parts.query, keep_blank_values=True) if len(v) >= _MIN_QUERY_VALUE}
    if parts.password:
        found.add(parts.password)
    segments = [s for s in parts.path.split("/") if s]
    if any(len(s) >= _MIN_PATH_SEGMENT for s in segments):
        found.add(parts.path)
        found |= {s for s in segments if len(s) >= _MIN_PATH_SEGMENT}
    return {f for f in found if f and f not in ("/", "?")}


def register(url: str | None) -> None:
    """Remember ``url`` as a secret (idempotent); redaction covers it from now on, in every thread."""
    if not url:
        return
    new = fragments_of(url) - _fragments
    if not new:
        return
    with _lock:
        _fragments.update(new)
        _ordered[:] = sorted(_fragments, key=len, reverse=True)
    _install_log_filter()
    try:  # task logs: Airflow's own masker, in the task process and its supervisor
        from airflow.sdk.log import mask_secret

        for fragment in new:
            mask_secret(fragment)
    except Exception:  # noqa: BLE001 - outside Airflow (CLI, tests) our own redaction still applies
        pass


def redact(text: object) -> str:
    """``text`` as a string with every registered secret replaced by ``***``."""
    out = str(text)
    for fragment in _ordered:
        if fragment in out:
            out = out.replace(fragment, MASK)
    return out


def display(url: str) -> str:
    """What may be shown of a webhook URL: scheme, host and port (``https://qyapi.weixin.qq.com/***``)."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/{MASK}"


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with secrets masked (for loggers we do not control)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_FILTER = RedactingFilter()
# requests logs nothing itself; urllib3 logs "POST /path?query HTTP/1.1" at DEBUG
_NOISY_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry", "urllib3.connection")


def _install_log_filter() -> None:
    for name in _NOISY_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
