"""A shared phone number alone never merges two different people."""

from talentflow.resumes.identity import IdentityRecord, resolve_identities


def test_shared_phone_with_different_names_stays_apart():
    a = IdentityRecord("s1", phone="+14045550178", name="Nadia Carter")
    b = IdentityRecord("s2", phone="+14045550178", name="Ethan Khan")
    c = IdentityRecord("s3", phone="+14045550178", name="Carter, Nadia")
    links = resolve_identities([a, b, c])
    assert links[0].candidate_key == links[2].candidate_key != links[1].candidate_key
    assert links[2].matched_on == ["phone"]


def test_shared_phone_links_when_a_name_is_missing():
    links = resolve_identities(
        [
            IdentityRecord("s1", phone="+15035550111", name="Luca Tanaka"),
            IdentityRecord("s2", phone="+15035550111"),
        ]
    )
    assert links[0].candidate_key == links[1].candidate_key
