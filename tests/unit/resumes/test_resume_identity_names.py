"""A shared phone number alone never merges two different people."""

from talentflow.resumes.identity import IdentityRecord, resolve_identities


def test_shared_phone_with_different_names_stays_apart():
    a = IdentityRecord("s1", phone="+14045550178", name="Nadia Carter")
    b = IdentityRecord("s2", phone="+14045550178", name="Ethan Khan")
    c = IdentityRecord("s3", phone="+14045550178", name="Carter, Nadia")
    links = resolve_identities([a, b, c])
    assert links[0].candidate_key == links[2].candidate_key != links[1].candidate_key
    assert links[2].matched_on == ["phone"]


def test_shared_phone_alone_does_not_link():
    """A phone with no name to compare, or with different e-mails, is not enough (issue 19)."""
    nameless = resolve_identities(
        [
            IdentityRecord("s1", phone="+15035550111", name="Luca Tanaka"),
            IdentityRecord("s2", phone="+15035550111"),
        ]
    )
    assert nameless[0].candidate_key != nameless[1].candidate_key
    emails_differ = resolve_identities(
        [
            IdentityRecord("s1", phone="+15035550111", name="Luca Tanaka", email="luca@example.com"),
            IdentityRecord("s2", phone="+15035550111", name="Luca Tanaka", email="l.t@example.org"),
        ]
    )
    assert emails_differ[0].candidate_key != emails_differ[1].candidate_key


def test_shared_phone_and_agreeing_name_link():
    links = resolve_identities(
        [
            IdentityRecord("s1", phone="+15035550111", name="Luca Tanaka", email="luca@example.com"),
            IdentityRecord("s2", phone="+15035550111", name="Tanaka, Luca"),
        ]
    )
    assert links[0].candidate_key == links[1].candidate_key and links[1].matched_on == ["phone"]


def test_near_identical_resumes_of_different_people_stay_apart():
    """One template, two people: the texts are near-identical but the names (or, without names, the
    e-mails) say otherwise."""
    sig = [7] * 128  # identical MinHash signatures: as alike as two texts can be
    links = resolve_identities(
        [
            IdentityRecord("s1", name="Nadia Carter", email="nadia@example.com", minhash=sig),
            IdentityRecord("s2", name="Ethan Khan", email="ethan@example.com", minhash=sig),
            IdentityRecord("s3", email="someone@example.org", minhash=sig),
            IdentityRecord("s4", name="Nadia Carter", minhash=sig),
        ]
    )
    keys = [link.candidate_key for link in links]
    assert keys[0] != keys[1] and keys[2] not in (keys[0], keys[1])
    assert keys[3] == keys[0] and links[3].matched_on == ["text"]
