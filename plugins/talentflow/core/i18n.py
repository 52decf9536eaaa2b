"""One message catalogue for every text people read (issue 18): gettext catalogues read with Babel.

Catalogues live in ``plugins/talentflow/locale/<locale>/LC_MESSAGES/<domain>.po`` — one domain per
audience (``messages`` for alerts, feedback and CLI texts; ``web`` for the pages). English is the source
language: a message missing from a catalogue falls back to its English msgid. The ``.po`` files are read
directly (compiled in memory with Babel), so no build step is needed after editing one.

Locales are written the way people write them (``zh-CN``, ``en``) and normalised here; dates, amounts and
names are formatted per locale with Babel (CNY with ``¥``, Chinese names family name first).
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency as _format_currency
from babel.numbers import format_decimal as _format_decimal
from babel.support import NullTranslations, Translations

from talentflow.core.errors import UserError

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DEFAULT_LOCALE = "en"
SUPPORTED_LOCALES = ("en", "zh-CN")


def normalise(locale: str | None) -> str:
    """``zh_cn``, ``zh-Hans-CN``, ``ZH-cn`` → ``zh-CN``; ``en-US`` → ``en``; None/empty → the default.

    An unsupported locale is a clear error, not a silent fallback: a company that asked for Japanese
    should hear that it is not there yet."""
    if not locale:
        return DEFAULT_LOCALE
    try:
        parsed = Locale.parse(str(locale).replace("-", "_"))
    except (ValueError, UnknownLocaleError) as exc:
        raise UserError(f"unknown locale {locale!r}; supported: {', '.join(SUPPORTED_LOCALES)}") from exc
    if parsed.language == "zh":
        return "zh-CN"
    if parsed.language == "en":
        return "en"
    raise UserError(f"locale {locale!r} is not supported yet; supported: {', '.join(SUPPORTED_LOCALES)}")


def _babel_locale(locale: str) -> str:
    return normalise(locale).replace("-", "_")


@lru_cache(maxsize=32)
def translations(locale: str | None = None, domain: str = "messages") -> NullTranslations:
    """The gettext translations of one locale and domain (``.gettext``/``.ngettext``; Jinja2's
    ``install_gettext_translations`` takes it as is). English, or a domain with no catalogue yet,
    returns the msgids unchanged."""
    code = _babel_locale(locale)
    po = LOCALE_DIR / code / "LC_MESSAGES" / f"{domain}.po"
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=code, domain=domain)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf, domain=domain)


def gettext(message: str, locale: str | None = None, domain: str = "messages", **values) -> str:
    """``message`` in ``locale``, with ``{name}`` placeholders filled from ``values`` after translation
    (so a translator may move them)."""
    text = translations(locale, domain).gettext(message)
    return text.format(**values) if values else text


def format_date(value: date | datetime, locale: str | None = None, fmt: str = "medium") -> str:
    if isinstance(value, datetime):
        return _format_datetime(value, format=fmt, locale=_babel_locale(locale))
    return _format_date(value, format=fmt, locale=_babel_locale(locale))


def format_money(amount: float | Decimal, currency: str, locale: str | None = None) -> str:
    """``format_money(18000, "CNY", "zh-CN")`` → ``¥18,000.00``; the currency is the amount's own,
    never inferred from the locale."""
    return _format_currency(amount, currency, locale=_babel_locale(locale))


def format_number(value: float | int, locale: str | None = None) -> str:
    return _format_decimal(value, locale=_babel_locale(locale))


def person_name(given: str | None, family: str | None, locale: str | None = None) -> str:
    """A person's name in the order its locale writes it: family name first, no space, in Chinese."""
    given, family = (given or "").strip(), (family or "").strip()
    if normalise(locale) == "zh-CN":
        return f"{family}{given}"
    return " ".join(part for part in (given, family) if part)
