"""Jinja2 rendering of the pages in the reader's language (the ``web`` domain of the message
catalogue), and the few small inline-SVG charts the pages draw on the server."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from talentflow.core import i18n
from talentflow.service.web import TEMPLATE_DIR


def pick_locale(query: str | None, session: str | None, profile: str | None, accept: str | None) -> str:
    """?lang= first, then the session's choice, the user's profile, then Accept-Language."""
    for candidate in (query, session, profile):
        if candidate:
            try:
                return i18n.normalise(candidate)
            except Exception:  # noqa: BLE001 - an unsupported ?lang= falls through to the next source
                continue
    for part in (accept or "").split(","):
        tag = part.split(";")[0].strip()
        if not tag or tag == "*":
            continue
        try:
            return i18n.normalise(tag)
        except Exception:  # noqa: BLE001 - skip languages we do not have
            continue
    return i18n.DEFAULT_LOCALE


# Values stored as codes (roles, stages, bands, decisions, competencies) and the notices after a form,
# in English; the catalogue translates the English text like any other message.
LABELS = {
    "hr_admin": "HR admin",
    "hrbp": "HR business partner",
    "hiring_manager": "Hiring manager",
    "candidate": "Candidate",
    "decision_saved": "The decision was saved.",
    "correction_saved": "The correction was saved.",
    "review_requested": "Your request was sent to HR: a person will review your interview.",
    "applications": "applications",
    "screened": "screened",
    "interviewed": "interviewed",
    "offered": "offered",
    "hired": "hired",
    "high": "high",
    "medium": "medium",
    "low": "low",
    "advance": "advance to the next round",
    "talent_pool": "talent pool",
    "human_review": "human review",
    "approve": "approved for the next round",
    "decline": "declined",
    "open": "open",
    "done": "done",
    "completed": "completed",
    "enrolled": "enrolled",
    "in_progress": "in progress",
    "communication": "communication",
    "problem_solving": "problem solving",
    "teamwork": "teamwork",
    "ownership": "ownership",
    "learning_agility": "learning agility",
    "innovation": "innovation",
    "customer_focus": "customer focus",
    "negotiation": "negotiation",
    "technical_depth": "technical depth",
    "system_design": "system design",
    "process_improvement": "process improvement",
    "planning": "planning",
    "leadership": "leadership",
    "coaching": "coaching",
}


@lru_cache(maxsize=8)
def environment(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    catalogue = i18n.translations(locale, "web")
    env.install_gettext_translations(catalogue, newstyle=True)

    def label(code) -> str:
        if code is None:
            return "–"
        return catalogue.gettext(LABELS.get(str(code), str(code).replace("_", " ")))

    env.globals.update(locale=locale, bar_chart=bar_chart, line_chart=line_chart, label=label)
    env.filters["date"] = lambda v, fmt="medium": i18n.format_date(v, locale, fmt) if v else "–"
    env.filters["money"] = lambda v, cur: i18n.format_money(v, cur or "CNY", locale) if v is not None else "–"
    env.filters["pct"] = lambda v: f"{100 * float(v):.0f}%" if v is not None else "–"
    env.filters["num"] = lambda v, digits=1: f"{float(v):.{digits}f}" if v is not None else "–"
    return env


def render(locale: str, template: str, **context) -> str:
    return environment(locale).get_template(template).render(**context)


def bar_chart(
    items: list[tuple[str, float]], width: int = 420, colour: str = "#2e86c1", label=None
) -> Markup:
    """Horizontal bars with their labels and values, as inline SVG (readable offline, no script)."""
    if not items:
        return Markup("")
    row, label_w = 22, 120
    top = max((v for _, v in items), default=0) or 1
    height = row * len(items) + 4
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
    ]
    for i, (name, value) in enumerate(items):
        y = i * row + 2
        w = max(1, int((width - label_w - 60) * (value or 0) / top))
        parts.append(
            f'<text x="0" y="{y + 15}" font-size="12">{escape(label(name) if label else name)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row - 8}" fill="{colour}"></rect>'
            f'<text x="{label_w + w + 6}" y="{y + 15}" font-size="12">{value:g}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    points: list[float], width: int = 260, height: int = 60, lo: float = 1, hi: float = 5
) -> Markup:
    """A small line of values between ``lo`` and ``hi`` (e.g. performance ratings), as inline SVG."""
    if not points:
        return Markup("")
    n = len(points)
    xs = [6 + (width - 12) * (i / (n - 1) if n > 1 else 0.5) for i in range(n)]
    ys = [height - 6 - (height - 12) * ((float(p) - lo) / ((hi - lo) or 1)) for p in points]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#2e86c1"></circle>'
        for x, y in zip(xs, ys, strict=True)
    )
    return Markup(
        f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<polyline points="{path}" fill="none" stroke="#2e86c1" stroke-width="2"></polyline>{dots}</svg>'
    )
