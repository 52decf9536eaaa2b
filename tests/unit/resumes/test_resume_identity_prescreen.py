"""Identity resolution (same person twice → one candidate) and the interviewer's pre-screening note."""

from __future__ import annotations

from talentflow.resumes.identity import (
    identity_record,
    normalize_email,
    normalize_phone,
    resolve_identities,
)
from talentflow.resumes.parse import parse_resume, parse_text
from talentflow.resumes.prescreen import prescreen

from .conftest import AS_OF, FIXTURES

BASE = (FIXTURES / "01_classic_chrono.txt").read_text(encoding="utf-8")


def test_normalisation():
    assert normalize_email(" Jane.Doe+jobs@GoogleMail.com ") == "janedoe@gmail.com"
    assert normalize_email("A.B@example.com") == "a.b@example.com"
    assert normalize_phone("(206) 555-0117") == normalize_phone("+1 206 555 0117") == "+12065550117"
    assert normalize_phone("020 7946 0991", "GB") == normalize_phone("+44 20 7946 0991") == "+442079460991"
    assert normalize_phone("12") is None


def test_same_email_phone_or_text_links_submissions():
    a = parse_text(BASE, "daniel.txt")
    b = parse_text(BASE.replace("(206) 555-0117", "206.555.0999"), "daniel-v2.txt")  # same e-mail
    c = parse_text(  # the same phone and name, no e-mail
        BASE.replace("daniel.okafor@example.com", "").replace("Mentored four", "Coached four"),
        "daniel.pdf.txt",
    )
    d = parse_text(  # new e-mail and phone, nearly the same text
        BASE.replace("daniel.okafor@example.com", "d.o@example.net")
        .replace("(206) 555-0117", "(206) 555-0190")
        .replace("Mentored four engineers", "Mentored five engineers"),
        "okafor.txt",
    )
    other = parse_resume(FIXTURES / "02_work_history_numeric.txt")
    links = resolve_identities([a, b, c, d, other])
    keys = [link.candidate_key for link in links]
    assert len(set(keys[:4])) == 1 and keys[4] != keys[0]
    assert "email" in links[1].matched_on and "phone" in links[2].matched_on and "text" in links[3].matched_on
    assert set(links[0].linked_submissions) == {b.text_sha256, c.text_sha256, d.text_sha256}
    assert links[4].matched_on == [] and links[4].linked_submissions == []
    # keys come from content: a re-run in another order gives the same keys
    again = resolve_identities([other, d, c, b, a])
    assert {x.submission_id: x.candidate_key for x in again} == {
        x.submission_id: x.candidate_key for x in links
    }


def test_known_candidates_keep_their_key():
    first = parse_text(BASE, "daniel.txt")
    earlier = identity_record(first)
    earlier.candidate_key = "cand_from_warehouse"
    later = parse_text(
        BASE.replace("Seattle, WA", "Tacoma, WA").replace("(206) 555-0117", "(253) 555-0100"), "b.txt"
    )
    [link] = resolve_identities([later], known=[earlier])
    assert link.candidate_key == "cand_from_warehouse"
    assert link.linked_submissions == [first.text_sha256]


def test_prescreen_career_change_and_gap():
    note = prescreen(parse_resume(FIXTURES / "07_teacher_career_change.txt", as_of=AS_OF), as_of=AS_OF)
    kinds = {p.kind: p for p in note.focus_points}
    assert "career_change" in kinds
    assert "education" in kinds["career_change"].question and "data" in kinds["career_change"].question
    assert "Mathematics Teacher" in kinds["career_change"].evidence
    assert "timeline_gap" not in kinds  # two months between jobs is no gap worth a question
    gap = prescreen(parse_resume(FIXTURES / "11_gap_freelancer.txt", as_of=AS_OF), as_of=AS_OF)
    [point] = [p for p in gap.focus_points if p.kind == "timeline_gap"]
    assert point.evidence == ["no role listed from 2019-04 to 2021-12 (33 months)"]
    assert gap.headline.startswith("Samuel Mensah, Senior UI Designer at Northwind Studio")


def test_prescreen_projects_without_outcomes():
    note = prescreen(parse_resume(FIXTURES / "16_projects_no_outcomes.txt", as_of=AS_OF), as_of=AS_OF)
    [point] = [p for p in note.focus_points if p.kind == "unquantified_projects"]
    assert "role" in point.question and len(point.evidence) == 3
    quantified = prescreen(parse_resume(FIXTURES / "15_sales_exec.txt", as_of=AS_OF), as_of=AS_OF)
    assert not [p for p in quantified.focus_points if p.kind == "unquantified_projects"]
    assert not [p for p in quantified.focus_points if p.kind == "career_change"]
