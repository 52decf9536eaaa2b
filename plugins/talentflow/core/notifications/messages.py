"""What an alert says, and the body each channel expects.

Every value interpolated into HTML goes through Jinja2 with autoescape on: task ids, exception text and
object keys are data, and a hostile one (``<script>``) must reach the reader as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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


def _(message: str, locale: str | None, **values) -> str:
    from talentflow.core import i18n

    return i18n.gettext(message, locale, **values)


def attrition_alert(
    *,
    employee_id: str | None,
    employee_key: str,
    kind: str,
    probability: float | None,
    rules_score: float | None,
    base_rate: float | None,
    horizon_months: int,
    partner_name: str,
    department: str | None,
    reasons: list[dict],
    factors: list[dict],
    employee_url: str | None,
    dashboard_url: str | None,
    episode_id: str,
    started_at: date,
    locale: str | None = None,
) -> Message:
    """The HR business partner's attrition alert, in ``locale`` (``TALENTFLOW_LOCALE``; WeCom and
    DingTalk render it as markdown). English is the message catalogue's source text; the reasons'
    descriptions and actions are looked up in the catalogue too and stay as written when absent."""
    from talentflow.core import i18n

    chinese = i18n.normalise(locale) == "zh-CN"
    sep = "；" if chinese else "; "
    who = (
        _("employee {id}", locale, id=employee_id)
        if employee_id
        else _("employee key {key}", locale, key=employee_key[:12])
    )
    dept = department or _("unknown department", locale)
    state = _("is newly at high risk" if kind == "new" else "has moved from medium to high risk", locale)
    if probability is not None:
        lift = (
            _(" ({ratio}x the average)", locale, ratio=f"{probability / base_rate:.1f}") if base_rate else ""
        )
        risk = (
            _(
                "{percent} chance of leaving voluntarily within {months} months",
                locale,
                percent=f"{probability:.0%}",
                months=horizon_months,
            )
            + lift
        )
    else:
        risk = _("HR rules score {score}", locale, score=f"{rules_score or 0:g}")
    lines = [
        _("@{name} (HR business partner, {department})", locale, name=partner_name, department=dept),
        _("{who} {state}: {risk}.", locale, who=who[:1].upper() + who[1:], state=state, risk=risk),
    ]
    if reasons:
        lines.append(_("Why:", locale))
        lines += [f"- {_(r['description'], locale)}" for r in reasons]
    if factors:
        lines.append(
            _(
                "Model factors: {factors}",
                locale,
                factors=sep.join(f"{_(f['label'], locale)} ({_fmt(f.get('value'))})" for f in factors),
            )
        )
    actions = list(
        dict.fromkeys(_(r["suggested_action"], locale) for r in reasons if r.get("suggested_action"))
    )
    lines.append(
        _(
            "Suggested action: {actions}",
            locale,
            actions=sep.join(actions)
            if actions
            else _("talk about growth, pay and workload in the next one-to-one", locale),
        )
    )
    if employee_url:
        lines.append(_("Employee page: {url}", locale, url=employee_url))
    if dashboard_url:
        lines.append(_("Dashboard: {url}", locale, url=dashboard_url))
    since = i18n.format_date(started_at, locale, fmt="long") if chinese else started_at.isoformat()
    lines.append(
        _(
            "A prompt for a conversation, never a decision about the employee. "
            "Risk episode {episode} since {since}.",
            locale,
            episode=episode_id,
            since=since,
        )
    )
    return Message(
        _("Attrition risk: {who} ({department})", locale, who=who, department=dept), "\n".join(lines)
    )


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
