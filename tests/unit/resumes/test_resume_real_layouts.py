"""Layouts seen in real resumes (bench/real_resumes) that the parser used to miss: dates with the dash
lost in the PDF, a month range sharing one year, phone numbers written as one run of digits, places
with a postcode or "Republic of", LinkedIn's "Metropolitan Area", Europass' mid-line address, and
resumes written in Markdown. The texts are made up in those layouts, not copied from the corpus."""

from __future__ import annotations

import pytest

from talentflow.resumes.contact import find_phone
from talentflow.resumes.dates import find_date_ranges
from talentflow.resumes.parse import parse_text
from talentflow.resumes.places import find_location


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Site Reliability Engineer\tSep. 2023 Mar. 2024", "2023-09", "2024-03"),
        ("Team Lead\tMar. 2021 Present", "2021-03", None),
        ("Core Member\tNov. 2011 PRESENT", "2011-11", None),
        ("Researcher\tMar. 2016 Exp. Jun. 2017", "2016-03", "2017-06"),
        ("Marketing Analyst Intern\tMay - August 2023", "2023-05", "2023-08"),
        ("Winter intern\tNovember - February 2020", "2019-11", "2020-02"),
        ("Pen tester\tSep. 2013, Mar. 2011 Oct. 2011", "2011-03", "2011-10"),
        ("Engineer\tJan 2019 – Mar 2021", "2019-01", "2021-03"),
    ],
)
def test_date_ranges_without_a_separator_or_with_one_year(text, start, end):
    ranges = find_date_ranges(text)
    assert [(r.start, r.end) for r in ranges] == [(start, end)]


def test_a_lowercase_may_is_not_a_month():
    assert find_date_ranges("we may - March 2020 be there") == []


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        (": a.b@example.com\t:+919493206902", "+919493206902"),
        ("+91 7981419024\tname@example.com", "+91 7981419024"),
        ("Alexandria, Egypt | 01013946047 | me@example.com", "01013946047"),
        ("Contact\n5202620535 (Mobile)", "5202620535"),
        ("Phone number: (+386) 069984236 (Mobile)", "(+386) 069984236"),
        ("(+82) 10-9030-1843 | me@example.com", "(+82) 10-9030-1843"),
    ],
)
def test_phone_numbers_as_real_resumes_write_them(text, phone):
    assert find_phone(text) == phone


def test_a_thirteen_digit_isbn_is_no_phone():
    assert find_phone("ISBN: 9786204737850") is None


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Warangal, Telangana (506005)", "Warangal, Telangana"),
        ("Mapo-gu, Seoul, Republic of Korea", "Mapo-gu, Seoul, Republic of Korea"),
        (
            "SWE Intern @ Meta | CS @ Columbia\nNew York City Metropolitan Area",
            "New York City Metropolitan Area",
        ),
        ("Greater Seattle Area", "Greater Seattle Area"),
        (
            "Email address: me@example.com Email address: me@uni.example\n"
            "Whatsapp Messenger: +38669984236 Address: 1000, Ljubljana, Slovenia (Main)",
            "Ljubljana, Slovenia",
        ),
    ],
)
def test_places_as_real_resumes_write_them(text, place):
    assert find_location(text) == place


def test_a_business_area_is_no_place():
    assert find_location("Sales Area") is None


def test_awesome_cv_layout_company_place_then_title_dates():
    text = (
        "Jin Woo Kim\nDevOps Engineer\nMapo-gu, Seoul, Republic of Korea\n"
        "(+82) 10-1234-5678 | jin.kim@example.com\n\n"
        "Work Experience\n\n"
        "Hanbit Pay Inc.\tSeoul, S.Korea\n"
        "Site Reliability Engineer & Infrastructure Team Lead\tMar. 2021 Jun. 2023\n"
        "• Designed the infrastructure on AWS.\n\n"
        "Orbit Corp.\tSeoul, S.Korea\n"
        "Cofounder & Software Engineer\tJan. 2016 Present\n"
        "• Built the booking API.\n"
    )
    parsed = parse_text(text)
    jobs = [(e.company, e.title, e.start, e.end) for e in parsed.experience]
    assert jobs == [
        ("Hanbit Pay Inc.", "Site Reliability Engineer & Infrastructure Team Lead", "2021-03", "2023-06"),
        ("Orbit Corp.", "Cofounder & Software Engineer", "2016-01", None),
    ]
    assert parsed.location == "Mapo-gu, Seoul, Republic of Korea"


def test_markdown_resume_fields_come_without_markup():
    text = (
        "# Profile\n\nBackend engineer.\n\n"
        "## Experience\n\n"
        "### Python Developer | Octa Systems | 2021–2023\n\n"
        "- Built a Flask API bridge.\n\n"
        "## Education\n\n"
        "**Master of Artificial Intelligence** | Kharazmi University | 2019–2023\n"
    )
    parsed = parse_text(text)
    assert [(e.title, e.company, e.start, e.end) for e in parsed.experience] == [
        ("Python Developer", "Octa Systems", "2021-01", "2023-12")
    ]
    assert parsed.education[0].degree == "Master of Artificial Intelligence"
    assert parsed.education[0].school == "Kharazmi University"
    assert "### Python Developer" in parsed.text  # the stored text (and its hash) stays the file's
