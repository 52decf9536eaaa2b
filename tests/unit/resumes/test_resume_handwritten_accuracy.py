"""Extraction precision and recall per field over the hand-written resumes (tests/fixtures/resumes).

The resumes and their expected fields were written by hand in varied real-world styles, not by the
world generator. Expected skills are the skills a resume names, in the taxonomy's canonical names;
skills the taxonomy does not know count as misses, so skills recall measures the taxonomy too.
Run with ``-s`` to see the table.
"""

from __future__ import annotations

from talentflow.resumes.dates import total_years
from talentflow.resumes.evaluation import aggregate, format_report, report, score_resume

from .conftest import AS_OF, corpus

# Floors a little under the measured figures (see the table), so a regression fails the test.
FLOORS = {
    "name": (0.95, 0.95),
    "email": (0.99, 0.99),
    "phone": (0.95, 0.95),
    "location": (0.9, 0.9),
    "language": (0.95, 0.95),
    "experience_years": (0.9, 0.9),
    "skills": (0.9, 0.8),
    "certifications": (0.85, 0.85),
    "languages": (0.95, 0.9),
    "education": (0.9, 0.9),
    "experience": (0.9, 0.9),
    "experience.company": (0.9, 0.9),
    "experience.title": (0.9, 0.9),
    "experience.start": (0.95, 0.95),
}


def test_corpus_is_large_and_varied():
    files = [path for path, _ in corpus()]
    assert len(files) >= 30
    assert {p.suffix for p in files} == {".txt", ".pdf", ".docx", ".json"}


def test_handwritten_precision_recall(parsed_corpus, taxonomy):
    per_resume = []
    for _path, parsed, truth in parsed_corpus:
        truth = dict(truth)
        truth.setdefault(
            "experience_years", total_years([(e["start"], e["end"]) for e in truth["experience"]], AS_OF)
        )
        per_resume.append(score_resume(parsed.contract(), truth, taxonomy))
    table = report(aggregate(per_resume))
    print("\nhand-written resumes:", len(per_resume))
    print(format_report(table))
    for field, (p_floor, r_floor) in FLOORS.items():
        assert table[field]["precision"] >= p_floor, (field, table[field])
        assert table[field]["recall"] >= r_floor, (field, table[field])
