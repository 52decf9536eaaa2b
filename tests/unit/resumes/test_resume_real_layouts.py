"""Layouts seen in real resumes (bench/real_resumes) that the parser used to miss: dates with the dash
lost in the PDF, a month range sharing one year, phone numbers written as one run of digits, places
with a postcode or "Republic of", LinkedIn's "Metropolitan Area", Europass' mid-line address, and
resumes written in Markdown. The texts are made up in those layouts, not copied from the corpus."""

from __future__ import annotations

import pytest

from talentflow.resumes.contact import find_phone
from talentflow.resumes.dates import find_date_ranges
from talentflow.resumes.education import parse_education
from talentflow.resumes.experience import parse_experience
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
        (": a.b@example.com\t:+919000012345", "+919000012345"),
        ("+91 7000012345\tname@example.com", "+91 7000012345"),
        ("Alexandria, Egypt | 01000012345 | me@example.com", "01000012345"),
        ("Contact\n5550001234 (Mobile)", "5550001234"),
        ("Phone number: (+386) 069000123 (Mobile)", "(+386) 069000123"),
        ("(+82) 10-5550-0123 | me@example.com", "(+82) 10-5550-0123"),
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
            "Whatsapp Messenger: +38669000123 Address: 1000, Ljubljana, Slovenia (Main)",
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


def test_narrative_jobs_of_indian_resumes():
    section = (
        "Currently working with Nimbus Aero India, from Nov 2018 to till date in the designation of\n"
        "Senior Data Engineer.\n"
        "Worked for Harbor Bank, from Mar 2016 to Nov 2018 in the designation of Associate.\n"
        "Worked for Quill Soft Solutions, Hyderabad from Oct 2011 to June 2012 in the\n"
        "designation – Software Engineer.\n"
    )
    jobs = [(e.company, e.title, e.start, e.end) for e in parse_experience(section)]
    assert jobs == [
        ("Nimbus Aero India", "Senior Data Engineer", "2018-11", None),
        ("Harbor Bank", "Associate", "2016-03", "2018-11"),
        ("Quill Soft Solutions", "Software Engineer", "2011-10", "2012-06"),
    ]


def test_title_with_a_slash_on_one_line_with_the_employer():
    section = "CEO/President, Pied Widget\tDec 2013 – Dec 2014\n• Built the compression engine.\n"
    assert [(e.company, e.title) for e in parse_experience(section)] == [("Pied Widget", "CEO/President")]


def test_a_country_beside_the_employer_is_no_title():
    section = (
        "Orbit Corp.\tSeoul, S.Korea\nSoftware Engineer\tJan. 2016 Jun. 2017\n• Built the API.\n\n"
        "Hanbit Electronics\tS.Korea\nFreelance Penetration Tester\tMar. 2011 Oct. 2011\n"
    )
    jobs = [(e.company, e.title) for e in parse_experience(section)]
    assert jobs == [
        ("Orbit Corp.", "Software Engineer"),
        ("Hanbit Electronics", "Freelance Penetration Tester"),
    ]


def test_extracurricular_activity_ends_the_work_history():
    text = (
        "Jin Woo Kim\njin.kim@example.com\n\nExperience\n\n"
        "Orbit Corp.\tSeoul, S.Korea\nSoftware Engineer\tJan. 2016 Jun. 2017\n\n"
        "Extracurricular Activity\n\n"
        "Hacker Club (Security research group)\tS.Korea\nCore Member\tNov. 2011 PRESENT\n"
    )
    assert [e.company for e in parse_text(text).experience] == ["Orbit Corp."]


def test_linkedin_education_school_then_degree_line():
    section = (
        "Lakeshore University in the City of Avon\n"
        "Bachelor of Science - BS, Computer Science · (2019 - 2023)\n\n"
        "Avon Hills High School\n"
        "High School Diploma · (2015 - 2019)\n"
    )
    got = [(e.school, e.degree_level, e.year) for e in parse_education(section)]
    assert got == [
        ("Lakeshore University in the City of Avon", "bachelor", 2023),
        ("Avon Hills High School", "high_school", 2019),
    ]


def test_education_place_grade_and_indian_school_levels():
    section = (
        "Harvard University\tCambridge, MA\n"
        "A.B. Honors degree in History. GPA 3.73.\tMay 2024\n"
        "Bachelor of Sciences (Mathematics), Godavari University 2007 with 72%, Guntur, India.\n"
        "Senior Secondary Education (Class XII) — 2020–2022\n"
        "Sughar Vidya Academy – 77%\n"
    )
    got = [(e.school, e.degree_level, e.year) for e in parse_education(section)]
    assert got == [
        ("Harvard University", "bachelor", 2024),
        ("Godavari University", "bachelor", 2007),
        ("Sughar Vidya Academy", "high_school", 2022),
    ]


def test_entry_parts_neither_side_states_are_not_counted():
    from talentflow.resumes.evaluation import score_resume

    truth = {
        "education": [{"degree": None, "school": "Damanhur University, Faculty of Engineering", "year": 2027}]
    }
    pred = {"education": [{"degree": None, "school": "Damanhur University", "year": 2027}]}
    counts = score_resume(pred, truth)
    assert (counts["education.degree"].fp, counts["education.degree"].fn) == (0, 0)
    assert counts["education.school"].tp == 1


def test_linkedin_durations_date_the_export():
    from datetime import date

    from talentflow.resumes.dates import latest_mentioned

    text = (
        "Orbit\nSoftware Engineer\nMay 2022 - Present (11 months)\n"
        "Build Lab\nVice President\nFebruary 2021 - Present (2 years 2 months)\n"
        "Education\nLakeshore University\nBachelor of Science · (2019 - 2023)\n"
    )
    # May 2022 + 11 months counted inclusively is March 2023; the degree's bare "2023" does not win
    assert latest_mentioned(text, today=date(2026, 1, 1)) == date(2023, 3, 1)


def test_unknown_skills_are_kept_as_written_apart_from_the_taxonomy():
    text = (
        "Dana Reyes\ndana@example.com\n\nSkills\n"
        "Big Data Tools\tHadoop, Sqoop, Flume, Python\n"
        "Technical: Stata, SQL, R (intermediate), SPSS (beginner)\n"
        "Backend & Databases: Firebase (Auth, Firestore), SQLite\n"
        "Interests: Ultimate Frisbee, Bhangra dance\n"
    )
    parsed = parse_text(text)
    assert parsed.unknown_skills == ["Sqoop", "Flume", "Stata", "SPSS", "Firebase"]
    assert {"Python", "SQL", "SQLite"} <= set(parsed.skills)
    assert not set(parsed.unknown_skills) & set(parsed.skills)
