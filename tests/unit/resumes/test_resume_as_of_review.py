"""The resume's own date is what "Present" means, overlapping jobs count once, and every parse says
how sure it is of each field and whether a person should review it (issue 13, points 3 and 4)."""

from __future__ import annotations

import io
from datetime import date

import docx

from talentflow.resumes.dates import latest_mentioned, resume_as_of, total_years
from talentflow.resumes.parse import parse_resume, parse_text

# A job-board export as the issue describes it: title, "Company - City, State -", "Month YYYY to
# Present", written in early 2019 (its other job ends then) and read years later.
JOB_BOARD_2019 = """Dana Whitfield
Austin, TX
dana.whitfield@example.com
+1 512 555 0199

Work Experience

Sales Associate
Lone Star Outfitters - Austin, TX -
March 2016 to Present

Helped customers choose outdoor gear.

Cashier
Capitol Grocers - Austin, TX -
January 2015 to February 2019

Ran the register on weekends.

Sales Associate
Lone Star Outfitters - Austin, TX -
March 2016 to Present

Education

Associate of Arts in Business
Austin Community College - Austin, TX
2013 to 2015
"""


def test_present_means_the_resume_date_not_today():
    parsed = parse_text(JOB_BOARD_2019, "indeed_export.txt")
    assert (parsed.as_of, parsed.as_of_source) == ("2019-02-01", "latest_date")
    # January 2015 .. February 2019 once, the repeated and overlapping jobs inside it: 4.1 years
    assert parsed.experience_years == 4.1
    today_years = total_years([(e.start, e.end) for e in parsed.experience if e.start], date.today())
    assert today_years > 7 and parsed.experience_years < today_years
    # the caller can still say what "present" means
    given = parse_text(JOB_BOARD_2019, "indeed_export.txt", as_of=date(2020, 1, 15))
    assert (given.as_of, given.as_of_source, given.experience_years) == ("2020-01-15", "given", 5.0)


def test_overlapping_and_repeated_jobs_count_once():
    jobs = [("2015-01", "2019-02"), ("2016-03", None), ("2016-03", None), ("2017-01", "2018-01")]
    assert total_years(jobs, date(2019, 2, 1)) == 4.1
    assert total_years([("2010-01", "2011-01"), ("2012-01", "2013-01")], date(2020, 1, 1)) == 2.0
    assert total_years([("2018-01", "2019-01"), ("2018-06", "2020-01")], date(2020, 1, 1)) == 2.0


def test_file_metadata_is_the_as_of_unless_the_text_is_newer():
    doc = docx.Document()
    for line in JOB_BOARD_2019.split("\n"):
        doc.add_paragraph(line)
    doc.core_properties.created = doc.core_properties.modified = __import__("datetime").datetime(2019, 6, 3)
    buf = io.BytesIO()
    doc.save(buf)
    parsed = parse_resume(buf.getvalue(), "export.docx")
    assert (parsed.as_of, parsed.as_of_source) == ("2019-06-03", "file_metadata")
    assert parsed.experience_years == 4.4  # January 2015 .. June 2019

    # an old file date under newer text (a converted copy) loses to the text
    assert resume_as_of(None, date(2010, 1, 1), "Engineer, 2018 - 2021") == (date(2021, 12, 1), "latest_date")
    assert resume_as_of(None, None, "no dates at all", today=date(2026, 1, 2)) == (date(2026, 1, 2), "today")
    assert latest_mentioned("from 2031 to 2032", today=date(2026, 1, 1)) is None  # never the future


def test_pdf_creation_date_is_read():
    from pypdf import PdfReader, PdfWriter

    from .test_resume_bombs import pdf_pages

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_pages(3))))
    writer.add_metadata({"/CreationDate": "D:20180301090000Z", "/ModDate": "D:20190415120000+01'00'"})
    buf = io.BytesIO()
    writer.write(buf)
    from talentflow.resumes.extract import ExtractLimits, extract_document

    assert extract_document(buf.getvalue(), "cv.pdf", limits=ExtractLimits()).document_date == date(
        2019, 4, 15
    )


def test_confidence_and_needs_review():
    good = parse_text(JOB_BOARD_2019, "indeed_export.txt")
    assert not good.needs_review and good.review_reasons == []
    assert good.confidence["name"] >= 0.9 and good.confidence["email"] >= 0.9
    assert 0 < good.confidence["experience_years"] < 0.9  # "present" read against a guessed date

    bare = parse_text(
        "Skills\nPython, SQL, Excel, data analysis, reporting, dashboards and stakeholder management\n",
        "bare.txt",
    )
    assert bare.needs_review
    assert {"missing_name", "missing_contact", "missing_history"} <= set(bare.review_reasons)
    assert bare.confidence["experience"] == 0.0

    dates_only = parse_text(
        "Morgan Lee\nmorgan@example.com\n\nExperience\n2015 - 2018\n2018 - 2020\n\nSkills\nPython, SQL\n",
        "dates_only.txt",
    )
    assert dates_only.experience and all(not (e.company or e.title) for e in dates_only.experience)
    assert "unsure_history" in dates_only.review_reasons and dates_only.needs_review


def test_parse_cli_json_carries_the_new_fields():
    import json

    from typer.testing import CliRunner

    from talentflow.cli import app

    from .conftest import FIXTURES

    result = CliRunner().invoke(app, ["resume", "parse", str(FIXTURES / "14_minimal.txt"), "--json"])
    assert result.exit_code == 0, result.output
    obj = json.loads(result.stdout)
    assert obj["as_of_source"] in ("file_metadata", "latest_date", "today")
    assert obj["needs_review"] is False and obj["review_reasons"] == []
    assert set(obj["confidence"]) >= {"name", "email", "phone", "experience", "education"}
