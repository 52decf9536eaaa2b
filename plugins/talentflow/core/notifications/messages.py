"""What an alert says, and the body each channel expects.

Every value interpolated into HTML goes through Jinja2 with autoescape on: task ids, exception text and
object keys are data, and a hostile one (``<script>``) must reach the reader as text.
"""

from __future__ import annotations

from dataclasses import dataclass

import jinja2

from talentflow.core.notifications.secrets import redact


@dataclass
class Message:
    title: str
    text: str


_HTML = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
    "<html><body><h3>{{ title }}</h3>"
    "{% for item, line in lines %}{% if item %}<li>{{ line }}</li>{% else %}<p>{{ line }}</p>{% endif %}"
    "{% endfor %}</body></html>"
)


def email_html(msg: Message) -> str:
    """The e-mail body: a heading, one paragraph per line, ``- `` lines as list items; all escaped."""
    lines = [(True, line[2:]) if line.startswith("- ") else (False, line) for line in msg.text.splitlines()]
    return _HTML.render(title=msg.title, lines=lines)


def _slack_escape(text: str) -> str:
    # Slack's mrkdwn reads <...> as links and mentions (<!channel>); its docs ask for these three escapes.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webhook_payload(channel: str, msg: Message) -> dict:
    """The JSON body each webhook expects (Slack plain text, WeCom/DingTalk markdown)."""
    if channel == "slack":
        return {"text": f"*{_slack_escape(msg.title)}*\n{_slack_escape(msg.text)}"}
    if channel == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": f"**{msg.title}**\n{msg.text}"}}
    if channel == "dingtalk":
        return {
            "msgtype": "markdown",
            "markdown": {"title": msg.title, "text": f"### {msg.title}\n{msg.text}"},
        }
    raise ValueError(f"unknown webhook channel {channel!r}")


def email_payload(to: list[str], msg: Message) -> dict:
    return {"to": list(to), "subject": msg.title, "html": email_html(msg)}


def run_message(context: dict, outcome: str = "failed") -> Message:
    """What ops read when a task (or a DAG run) ``outcome``: where, which try, why, how to re-run."""
    ti = context.get("task_instance") or context.get("ti")
    dag_run = context.get("dag_run")
    dag_id = (
        getattr(ti, "dag_id", None)
        or getattr(context.get("dag"), "dag_id", None)
        or getattr(dag_run, "dag_id", None)
        or "?"
    )
    task_id = getattr(ti, "task_id", None)
    where = f"{dag_id}.{task_id}" if task_id else dag_id
    run_id = context.get("run_id") or getattr(ti, "run_id", None) or getattr(dag_run, "run_id", "?")
    lines = [f"run {run_id}, try {getattr(ti, 'try_number', '?')}"]
    exc = context.get("exception") or context.get("reason")
    if exc:
        lines.append(f"reason: {redact(exc)}")
    if outcome == "failed":
        lines.append("Re-run safely from the Airflow UI (Clear) once the cause is fixed.")
    return Message(f"TalentFlow: {where} {outcome}", "\n".join(lines))


def failure_message(context: dict) -> Message:
    return run_message(context, "failed")
