"""Dates in the many ways resumes write them, and the skills taxonomy with its synonyms."""

from __future__ import annotations

from datetime import date

import pytest

from talentflow.resumes.dates import find_date_ranges, total_years
from talentflow.resumes.taxonomy import ENV_VAR, TaxonomyError, load_taxonomy


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Jan 2019 – Mar 2021", "2019-01", "2021-03"),
        ("01/2019 - 12/2020", "2019-01", "2020-12"),
        ("2019-01 to 2020-06", "2019-01", "2020-06"),
        ("2020.11 - 2021.11", "2020-11", "2021-11"),
        ("2019 – present", "2019-01", None),
        ("Sept. 2015 — Current", "2015-09", None),
        ("March 2018 -- Now", "2018-03", None),
        ("Jun '19 - Aug '21", "2019-06", "2021-08"),
        ("enero 2019 a marzo 2020", "2019-01", "2020-03"),
        ("sept. 2019 – aujourd'hui", "2019-09", None),
        ("Software Engineer (2016-2018)", "2016-01", "2018-12"),
        ("since 2020", "2020-01", None),
    ],
)
def test_date_ranges(text, start, end):
    ranges = find_date_ranges(text)
    assert (ranges[0].start, ranges[0].end) == (start, end)


def test_years_of_experience_count_overlaps_once():
    ranges = [("2019-01", "2021-01"), ("2020-01", "2022-01"), ("2015-01", "2016-01")]
    assert total_years(ranges) == 4.0
    assert total_years([("2023-06", None)], as_of=date(2024, 6, 15)) == 1.0


def test_synonyms_map_to_canonical_skills(taxonomy):
    assert taxonomy.canonical("k8s") == "Kubernetes"
    assert taxonomy.canonical("JS") == "JavaScript"
    found = taxonomy.find_skills(
        "Built services in Golang and JS on k8s; CI-CD with GitHub Actions; C++ and C#."
    )
    assert found == ["Go", "JavaScript", "Kubernetes", "CI/CD", "C++", "C#"]


def test_ambiguous_spellings_count_only_in_skill_lists(taxonomy):
    assert "Go" not in taxonomy.find_skills("Go to market with R and C")
    assert taxonomy.find_skills("", skill_lists="Go, R, C") == ["Go", "R", "C"]
    assert "Sales" not in taxonomy.find_skills("four years in sales roles")


def test_operator_extension_file_via_environment(tmp_path, monkeypatch):
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "skills:\n  - {name: Kubernetes, aliases: [kube]}\n  - {name: Gainsight, aliases: [GS CRM]}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(ENV_VAR, str(extra))
    tax = load_taxonomy()
    assert tax.canonical("kube") == "Kubernetes" and tax.canonical("k8s") == "Kubernetes"
    assert tax.find_skills("Daily work in Gainsight") == ["Gainsight"]
    assert str(extra) in tax.sources
    assert load_taxonomy([extra]).canonical("GS CRM") == "Gainsight"


def test_broken_extension_file_names_itself(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "missing.yaml"))
    with pytest.raises(TaxonomyError, match="missing.yaml"):
        load_taxonomy()
    bad = tmp_path / "bad.yaml"
    bad.write_text("skills:\n  - {aliases: [x]}\n", encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(bad))
    with pytest.raises(TaxonomyError, match=r"skills\[0\] needs a 'name'"):
        load_taxonomy()
