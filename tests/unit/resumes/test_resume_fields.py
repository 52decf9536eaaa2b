"""Structured fields from resume texts: section synonyms, contact, jobs in several layouts, degrees."""

from __future__ import annotations

from talentflow.resumes.education import parse_education
from talentflow.resumes.experience import parse_experience
from talentflow.resumes.parse import parse_text
from talentflow.resumes.sections import split_sections

from .conftest import AS_OF


def test_section_heading_synonyms():
    text = "Jane Roe\nWork History\nx\nAcademic Background\ny\nCore Competencies\nz\nLicenses & Certifications\nw"
    assert [s.name for s in split_sections(text)] == [
        "header",
        "experience",
        "education",
        "skills",
        "certifications",
    ]
    # a job line that ends with a heading word is content, and "Languages: Go" inside Skills stays there
    text = "EXPERIENCE\nSoftware Developer, Brightpath Education\nSKILLS\nLanguages: Go, Python"
    assert [s.name for s in split_sections(text)] == ["experience", "skills"]


def test_contact_fields():
    r = parse_text(
        "Dr. Ana María López, PhD\nana.lopez@Example.com · +34 612 345 678 · Madrid, España\n\nSkills\nPython"
    )
    assert (r.name, r.email, r.phone, r.location) == (
        "Ana María López",
        "ana.lopez@example.com",
        "+34 612 345 678",
        "Madrid, España",
    )
    assert parse_text("JEAN-LUC O'NEILL\nRemote\nj@example.com\n\nSkills\nSQL").name == "Jean-Luc O'Neill"


def test_experience_layouts():
    title_first = parse_experience(
        "Senior Engineer, Acme Corp, Berlin, Germany\tJan 2020 – Present\n• Built things.\n"
        "Engineer | Initech | 2017 – 2019\n• Fixed things."
    )
    assert [(e.title, e.company, e.start, e.end) for e in title_first] == [
        ("Senior Engineer", "Acme Corp", "2020-01", None),
        ("Engineer", "Initech", "2017-01", "2019-12"),
    ]
    date_first = parse_experience(
        "2021 – present\tSenior Accountant, Ridgeway & Cole LLP\nAudit work.\n"
        "2018 – 2021\tStaff Accountant, Front Range Dental Group"
    )
    assert [e.company for e in date_first] == ["Ridgeway & Cole LLP", "Front Range Dental Group"]
    stacked = parse_experience(
        "Northwind Studio, London\nSenior Designer\nMar 2019 - Feb 2021\n• Led design."
    )
    assert (stacked[0].company, stacked[0].title) == ("Northwind Studio", "Senior Designer")
    bulleted = parse_experience(
        "• Lumen Freight | Junior Software Engineer (Jun 2021 – Now)\n• Migrated services"
    )
    assert (bulleted[0].company, bulleted[0].title, bulleted[0].bullets) == (
        "Lumen Freight",
        "Junior Software Engineer",
        ["Migrated services"],
    )
    season = parse_experience("Software Engineering Intern, Kestrel Labs — Summer 2024")
    assert (season[0].start, season[0].end) == ("2024-06", "2024-08")


def test_several_roles_under_one_employer_inherit_the_company():
    jobs = parse_experience("Acme Corp\nSenior Engineer\t2020 – Present\nEngineer\t2018 – 2020")
    assert [(j.title, j.company) for j in jobs] == [
        ("Senior Engineer", "Acme Corp"),
        ("Engineer", "Acme Corp"),
    ]


def test_education_entries():
    eds = parse_education(
        "Massachusetts Institute of Technology, Cambridge, MA\n"
        "Bachelor of Science in Computer Science, expected May 2025\n"
        "M.Ed. Secondary Mathematics Education, North Carolina State University, 2015\n"
        "2016\tB.S. Accounting, University of Colorado Denver"
    )
    assert [(e.degree, e.degree_level, e.school, e.year) for e in eds] == [
        (
            "Bachelor of Science in Computer Science",
            "bachelor",
            "Massachusetts Institute of Technology",
            2025,
        ),
        ("M.Ed. Secondary Mathematics Education", "master", "North Carolina State University", 2015),
        ("B.S. Accounting", "bachelor", "University of Colorado Denver", 2016),
    ]


def test_skills_ignore_employer_names_and_job_titles():
    r = parse_text(
        "Sam Poe\nExperience\nData Engineer, Bluefin Analytics\t2019 – 2021\n• Built Kafka consumers.\n"
        "Skills\nPython",
        as_of=AS_OF,
    )
    assert "Data Analysis" not in r.skills
    assert r.skills == ["Kafka", "Python"]


def test_certifications_and_languages():
    r = parse_text(
        "Aisha Bello, RN\nCertifications\nRegistered Nurse (RN), Georgia Board of Nursing\n"
        "AWS Certified Solutions Architect – Associate, 2019\nPMP, CSM, ITIL Foundation\n"
        "Languages\nEnglish (native), Español (C1) · Yoruba"
    )
    assert r.certifications == [
        "Registered Nurse",
        "AWS Certified Solutions Architect",
        "PMP",
        "Certified ScrumMaster",
        "ITIL Foundation",
    ]
    assert r.languages == ["English", "Spanish", "Yoruba"]
