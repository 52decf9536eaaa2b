"""Texts people read, in Chinese: the HR attrition alert (WeCom/DingTalk markdown) and candidate feedback
come from the one message catalogue (locale/zh_CN/LC_MESSAGES/messages.po)."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from talentflow.attrition.alerting import Episode, Partner, alert_message
from talentflow.core import i18n
from talentflow.core.config import Settings
from talentflow.core.notifications import webhook_payload

ROOT = Path(__file__).resolve().parents[2]
EPISODE = Episode("k" * 24, "3f2a9c1d0e4b5a67", date(2026, 3, 1), "new")
SCORE = {
    "probability": 0.18,
    "reasons": [{"description": "Paid below the band", "suggested_action": "Pay review"}],
    "top_factors": [{"label": "Overtime hours, last 90 days", "value": 44.0}],
}


def test_the_locale_is_a_setting_english_by_default(monkeypatch):
    assert Settings().locale == "en"
    monkeypatch.setenv("TALENTFLOW_LOCALE", "zh-CN")
    assert Settings().locale == "zh-CN"


@pytest.mark.parametrize("channel", ["wecom", "dingtalk"])
def test_an_attrition_alert_renders_in_chinese_markdown(channel):
    partner = Partner("研发部", "张伟", "zhang.wei@example.cn", channel)
    msg = alert_message(
        EPISODE, SCORE, "E100123", "研发部", partner, "https://hr.example.cn/d", 6, 0.06, locale="zh-CN"
    )
    assert msg.title == "离职风险：员工 E100123（研发部）"
    lines = msg.text.splitlines()
    assert lines[0] == "@张伟（HRBP，研发部）"
    assert lines[1] == "员工 E100123 新进入高离职风险：6 个月内主动离职的概率为 18%（为平均水平的 3.0 倍）。"
    assert (
        "原因：" in lines and "建议行动：Pay review" in lines
    )  # data without a translation stays as written
    assert "仪表板：https://hr.example.cn/d" in lines
    assert (
        lines[-1]
        == "这只是一次沟通的提示，绝不是关于该员工的决定。风险事件 3f2a9c1d0e4b5a67，始于 2026年3月1日。"
    )
    body = webhook_payload(channel, msg)
    assert body["msgtype"] == "markdown"
    text = body["markdown"]["content" if channel == "wecom" else "text"]
    assert "离职风险：员工 E100123（研发部）" in text and "6 个月内主动离职的概率为 18%" in text


def test_the_english_alert_is_unchanged_by_the_catalogue():
    partner = Partner("eng", "Wei Zhang", "w@example.com", "email")
    msg = alert_message(EPISODE, SCORE, "E100123", "eng-plt", partner, None, 6, 0.06)
    assert msg.title == "Attrition risk: employee E100123 (eng-plt)"
    assert msg.text.splitlines()[1] == (
        "Employee E100123 is newly at high risk: 18% chance of leaving voluntarily within 6 months "
        "(3.0x the average)."
    )
    assert msg.text.endswith("Risk episode 3f2a9c1d0e4b5a67 since 2026-03-01.")
    rules = alert_message(
        Episode("k", "e", date(2026, 1, 1), "worsened"), {"rules_score": 7.0}, None, None, partner, None, 6
    )
    assert "Employee key k has moved from medium to high risk: HR rules score 7." in rules.text
    assert "talk about growth, pay and workload in the next one-to-one" in rules.text


def _msgids(path: Path, call: str) -> set[str]:
    """String literals passed as the first argument of ``call(...)`` in a module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == call and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
            elif isinstance(first, ast.IfExp):
                found |= {b.value for b in (first.body, first.orelse) if isinstance(b, ast.Constant)}
    return found


def test_every_feedback_and_alert_text_has_a_chinese_translation():
    feedback = ROOT / "scoring_tasks" / "feedback.py"
    ids = _msgids(feedback, "_") | _msgids(ROOT / "plugins/talentflow/core/notifications/messages.py", "_")
    tips = set(
        re.findall(r'tips\.append\(\s*(?:"|\')(.+?)(?:"|\')\s*\)', feedback.read_text(encoding="utf-8"))
    )
    tips.add("add one more concrete example that shows the same strength in a new situation")
    ids |= {t.replace('\\"', '"') for t in tips}
    assert len(ids) > 30
    missing = sorted(m for m in ids if i18n.gettext(m, "zh-CN") == m)
    assert not missing, f"not in messages.po: {missing}"
    placeholders = re.compile(r"\{(\w+)\}")
    for m in ids:  # a translator may move placeholders, never drop or rename them
        assert set(placeholders.findall(i18n.gettext(m, "zh-CN"))) == set(placeholders.findall(m)), m
