"""The dashboard page from data alone: self-contained, charts inline, empty sections say so."""

from __future__ import annotations

import re

from talentflow.attrition.dashboard import DashboardData, render


def test_sections_with_data_get_inline_svg_charts_and_no_external_resources():
    data = DashboardData(
        "2026-11-24",
        "now",
        funnel={"applications": 120, "screened": 60, "interviewed": 30, "offered": 12, "hired": 9},
        funnel_by_requisition=[
            {
                "requisition_id": "REQ-1",
                "title": "Engineer",
                "applications": 120,
                "interviewed": 30,
                "hired": 9,
                "hire_rate": 0.075,
            }
        ],
        interview_scores={"REQ-1": [55.0, 70.0, 81.0]},
        interviews_scored=3,
        risk_by_department=[
            {"department": "eng-plt", "high": 3, "medium": 5, "low": 40, "mean_probability": 0.06}
        ],
        risk_totals={"high": 3, "medium": 5, "low": 40},
        pay_by_department=[{"department": "eng-plt", "employees": 48, "below": 2, "below_share": 0.0417}],
        quality=[
            {
                "suite": "hris_exits",
                "dataset": "exits.csv",
                "success": False,
                "evaluated": 3,
                "failed": 1,
                "row_count": 10,
                "checked_at": "2026-11-24 06:00",
            }
        ],
        alerts={"sent": 3, "failed": 1},
    )
    page = render(data)
    assert len(re.findall(r"<svg\b", page)) == 4
    assert "<?xml" not in page and "<script" not in page and not re.search(r"(src|href)=\"https?:", page)
    assert "Applications<b>120</b>" in page and "1 failed" in page and "FAILED" in page
    assert ">eng-plt<" in page and "4.2%" in page


def test_empty_warehouse_renders_every_section_with_its_empty_message():
    page = render(DashboardData("2026-11-24", "now"))
    for text in (
        "No applications loaded yet.",
        "No interviews scored yet.",
        "No attrition risk scores yet.",
        "No salary recommendations yet.",
        "No data-quality results yet.",
    ):
        assert text in page
    assert "<svg" not in page
