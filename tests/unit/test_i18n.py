"""The message catalogue: locale names, translation with placeholders, and locale formats."""

from datetime import date

import pytest
from babel.messages.pofile import read_po

from talentflow.core import i18n
from talentflow.core.errors import UserError


@pytest.mark.parametrize(
    ("given", "expected"),
    [("zh-CN", "zh-CN"), ("zh_cn", "zh-CN"), ("zh-Hans-CN", "zh-CN"), ("en-US", "en"), (None, "en")],
)
def test_locales_are_normalised(given, expected):
    assert i18n.normalise(given) == expected


def test_an_unsupported_locale_is_a_clear_error():
    with pytest.raises(UserError, match="not supported"):
        i18n.normalise("ja-JP")


def test_chinese_catalogue_translates_and_english_is_the_source():
    assert i18n.gettext("no channel configured", "zh-CN") == "未配置通知渠道"
    assert i18n.gettext("no channel configured", "en") == "no channel configured"
    # a message nobody translated yet falls back to its English text, placeholders filled
    assert i18n.gettext("{n} alerts", "zh-CN", n=3) == "3 alerts"


def test_every_catalogue_parses_and_has_no_empty_translation():
    catalogues = sorted(i18n.LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
    assert catalogues, "no message catalogue found"
    for po in catalogues:
        with po.open("rb") as fh:
            catalog = read_po(fh)
        empty = [m.id for m in catalog if m.id and not m.string]
        assert not empty, f"untranslated entries in {po}: {empty[:5]}"


def test_locale_formats():
    assert i18n.format_money(18000, "CNY", "zh-CN") == "¥18,000.00"
    assert i18n.format_date(date(2026, 12, 4), "zh-CN") == "2026年12月4日"
    assert i18n.format_date(date(2026, 12, 4), "en") == "Dec 4, 2026"
    assert i18n.person_name("伟", "王", "zh-CN") == "王伟"
    assert i18n.person_name("Ava", "Jones", "en") == "Ava Jones"
