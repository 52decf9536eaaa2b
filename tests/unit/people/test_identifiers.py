"""Pure parts of people's rights: keyed hashes, which objects are one person's, what counts as a mention."""

from __future__ import annotations

from pydantic import SecretStr

from talentflow.core.config import Settings
from talentflow.people.catalog import owned_object
from talentflow.people.identity import Subject, keyed_hash


def test_keyed_hash_normalises_and_depends_on_the_secret(tmp_path):
    s = Settings(home=tmp_path)
    assert keyed_hash("email", "Ava.Jones+jobs@Example.org", s) == keyed_hash(
        "email", "ava.jones@example.org", s
    )
    assert keyed_hash("phone", "+1 (512) 555-0185", s) == keyed_hash("phone", "+15125550185", s)
    other = Settings(home=tmp_path, tombstone_key=SecretStr("another secret"))
    assert keyed_hash("email", "ava.jones@example.org", other) != keyed_hash(
        "email", "ava.jones@example.org", s
    )
    assert "ava" not in keyed_hash("email", "ava.jones@example.org", s)


def _subject() -> Subject:
    return Subject(
        query="C000003",
        candidate_ids={"C000003"},
        task_ids={"task-INT-000002"},
        resume_files={"ava-jones-resume.pdf"},
        names={"Ava Jones"},
        emails={"avajones18@example.org"},
    )


def test_owned_objects_are_the_persons_own_files_only():
    s = _subject()
    assert owned_object("archive/resumes/ava-jones-resume.pdf", s)
    assert owned_object("quarantine/resumes/ava-jones-resume.pdf.error.json", s)
    assert owned_object("recordings/C000003/INT-000002/q1.wav", s)
    assert owned_object("scoring-tasks/done/task-INT-000002.json", s)
    assert owned_object("scoring-tasks/duplicates/task-INT-000002-0a1b2c.json", s)
    assert not owned_object("archive/resumes/alexander-thompson-resume.pdf", s)
    assert not owned_object("recordings/C000030/INT-000020/q1.wav", s)
    assert not owned_object("scoring-tasks/done/task-INT-000020.json", s)
    assert not owned_object("archive/ats/x/applications.csv", s)


def test_needles_leave_out_short_and_single_word_names():
    s = _subject()
    s.names |= {"Ava", "Li Na"}
    assert {"Ava Jones", "Li Na", "C000003", "avajones18@example.org"} <= s.needles()
    assert "Ava" not in s.needles()
