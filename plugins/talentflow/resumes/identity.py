"""Who is who: submissions with the same normalised e-mail, or the same text, belong to one candidate;
a shared phone (with agreeing names and no differing e-mails) or a near-identical text (with no
differing names) links them only when nothing contradicts it: two people can share a phone or a template.

Candidate keys come from content (the e-mail, else the phone, else the text hash of the cluster), so
re-running a batch gives the same keys; pass earlier submissions as ``known`` records so that a new
submission joins the candidate it matches instead of founding a new one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from pydantic import BaseModel

from talentflow.resumes.model import ParsedResume
from talentflow.resumes.normalize import fold

NUM_PERM = 128
MINHASH_SCHEME = "affine32"
"""datasketch's permutation scheme: stored signatures are only comparable within one scheme."""
SHINGLE = 3
TEXT_THRESHOLD = 0.85
"""Estimated Jaccard similarity of word 3-shingles above which two texts are the same resume."""
_GMAIL = {"gmail.com", "googlemail.com"}


def normalize_email(email: str | None) -> str | None:
    """Lower case, no ``+tag``; Gmail ignores dots in the local part, so they go too."""
    if not email or "@" not in email:
        return None
    local, _, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in _GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}" if local and domain else None


def normalize_phone(phone: str | None, default_region: str = "US") -> str | None:
    """E.164 (``+14155550134``) when the number can be parsed, else its digits; None for too few."""
    if not phone:
        return None
    import phonenumbers

    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return None
    try:
        number = phonenumbers.parse(phone, default_region)
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return "+" + digits if phone.strip().startswith("+") else digits


def shingles(text: str, k: int = SHINGLE) -> set[bytes]:
    words = re.findall(r"\w+", fold(text))
    if len(words) < k:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)}


def text_minhash(text: str) -> list[int]:
    """A MinHash signature of the text (store it to compare with later submissions)."""
    from datasketch import MinHash

    mh = MinHash(num_perm=NUM_PERM, seed=1, scheme=MINHASH_SCHEME)
    mh.update_batch(list(shingles(text)))
    return [int(v) for v in mh.hashvalues]


@dataclass
class IdentityRecord:
    """What identity resolution needs of one submission (earlier ones come from the warehouse)."""

    submission_id: str
    """The submission's content key (``text_sha256``)."""
    email: str | None = None
    phone: str | None = None
    minhash: list[int] = field(default_factory=list)
    candidate_key: str | None = None
    """Set for submissions already assigned to a candidate."""
    file: str | None = None
    name: str | None = None
    """As written; a shared phone number links two resumes only when the names agree."""


class IdentityLink(BaseModel):
    submission_id: str
    file: str | None = None
    candidate_key: str
    matched_on: list[str]
    """Why this submission joined others: ``email``, ``phone``, ``text`` (empty when alone)."""
    linked_submissions: list[str]
    """The other submissions of the same candidate (this batch and ``known``)."""


# The ingestion batch asks for each resume's record twice (erasure refusals, then identity
# resolution); the MinHash is the costly part, so records are kept for the last few thousand resumes.
_RECORDS: dict[tuple, IdentityRecord] = {}
_RECORDS_MAX = 4096


def identity_record(resume: ParsedResume, default_region: str = "US") -> IdentityRecord:
    key = (resume.text_sha256, resume.email, resume.phone, resume.name, resume.file, default_region)
    cached = _RECORDS.get(key)
    if cached is None:
        cached = IdentityRecord(
            submission_id=resume.text_sha256,
            email=normalize_email(resume.email),
            phone=normalize_phone(resume.phone, default_region),
            minhash=text_minhash(resume.text),
            file=resume.file,
            name=resume.name,
        )
        if len(_RECORDS) >= _RECORDS_MAX:
            _RECORDS.clear()
        _RECORDS[key] = cached
    return replace(cached, minhash=list(cached.minhash))


def candidate_key_for(anchor: str) -> str:
    return "cand_" + hashlib.sha256(anchor.encode()).hexdigest()[:20]


def _same_person_name(a: str | None, b: str | None, threshold: float = 85.0) -> bool:
    from rapidfuzz import fuzz

    if not a or not b:
        return True
    return fuzz.token_sort_ratio(a.casefold(), b.casefold()) >= threshold


def resolve_identities(
    resumes: Sequence[ParsedResume | IdentityRecord],
    known: Sequence[IdentityRecord] = (),
    *,
    text_threshold: float = TEXT_THRESHOLD,
    default_region: str = "US",
) -> list[IdentityLink]:
    """One :class:`IdentityLink` per item of ``resumes`` (same order), linking duplicates."""
    import numpy as np
    from datasketch import LeanMinHash, MinHashLSH

    new = [r if isinstance(r, IdentityRecord) else identity_record(r, default_region) for r in resumes]
    records = list(known) + new
    parent = list(range(len(records)))
    reasons: dict[int, set[str]] = {i: set() for i in range(len(records))}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # What each cluster says about the person, to refuse links that contradict it.
    emails: dict[int, set[str]] = {i: {rec.email} if rec.email else set() for i, rec in enumerate(records)}
    names: dict[int, list[str]] = {i: [rec.name] if rec.name else [] for i, rec in enumerate(records)}

    def merge(a: int, b: int, why: str) -> None:
        reasons[a].add(why)
        reasons[b].add(why)
        ra, rb = find(a), find(b)
        if ra != rb:
            root, other = min(ra, rb), max(ra, rb)
            parent[other] = root
            emails[root] |= emails.pop(other)
            names[root] += names.pop(other)

    def names_agree(ra: int, rb: int) -> bool:
        return any(_same_person_name(x, y) for x in names[ra] for y in names[rb])

    def contradicts(a: int, b: int, *, emails_must_agree: bool) -> bool:
        """Both clusters name a person and the names never agree, or (for a shared phone, or when a
        name is missing) both have e-mails and share none: then they are two people."""
        ra, rb = find(a), find(b)
        if ra == rb:
            return False
        named = bool(names[ra] and names[rb])
        if named and not names_agree(ra, rb):
            return True
        if emails_must_agree or not named:
            return bool(emails[ra] and emails[rb] and not emails[ra] & emails[rb])
        return False

    def link_equal(value_of: Callable[[IdentityRecord], str | None], why: str) -> None:
        """Link every record to the first one with the same non-empty value (strong evidence)."""
        first: dict[str, int] = {}
        for i, rec in enumerate(records):
            value = value_of(rec)
            if value:
                if value in first:
                    merge(first[value], i, why)
                else:
                    first[value] = i

    # Strong evidence: the same e-mail, an earlier decision (the same candidate key), the same text.
    link_equal(lambda rec: rec.email, "email")
    link_equal(lambda rec: rec.candidate_key, "known")
    link_equal(lambda rec: rec.submission_id, "text")
    # Weak evidence links only what nothing contradicts. Phones are shared (switchboards, families,
    # recycled numbers): a phone links two resumes only when both name the person and the names
    # agree, and their e-mails do not differ.
    by_phone: dict[str, list[int]] = {}
    for i, rec in enumerate(records):
        if rec.phone:
            for j in by_phone.get(rec.phone, []):
                ri, rj = find(i), find(j)
                if (
                    names[ri]
                    and names[rj]
                    and names_agree(ri, rj)
                    and not contradicts(i, j, emails_must_agree=True)
                ):
                    merge(j, i, "phone")
                    break
            by_phone.setdefault(rec.phone, []).append(i)

    # Near-identical texts (one template, a copied resume) are the same person only when their names,
    # e-mails and phones do not say otherwise.
    lsh = MinHashLSH(threshold=text_threshold, num_perm=NUM_PERM)
    sigs: dict[int, LeanMinHash] = {}
    for i, rec in enumerate(records):
        if len(rec.minhash) == NUM_PERM:
            sigs[i] = LeanMinHash(
                seed=1, hashvalues=np.array(rec.minhash, dtype=np.uint32), scheme=MINHASH_SCHEME
            )
            lsh.insert(str(i), sigs[i])
    for i, sig in sigs.items():
        for other in lsh.query(sig):
            j = int(other)
            if (
                j > i
                and sig.jaccard(sigs[j]) >= text_threshold
                and not contradicts(i, j, emails_must_agree=False)
            ):
                merge(i, j, "text")

    clusters: dict[int, list[int]] = {}
    for i in range(len(records)):
        clusters.setdefault(find(i), []).append(i)
    keys: dict[int, str] = {}
    for root, members in clusters.items():
        existing = sorted(records[m].candidate_key for m in members if records[m].candidate_key)
        if existing:
            keys[root] = existing[0]
            continue
        emails = sorted(records[m].email for m in members if records[m].email)
        # Not the phone: two people sharing a number are two clusters and need two keys.
        anchor = f"email:{emails[0]}" if emails else "text:" + min(records[m].submission_id for m in members)
        keys[root] = candidate_key_for(anchor)
    out = []
    offset = len(known)
    for i in range(offset, len(records)):
        root = find(i)
        others = [records[m].submission_id for m in clusters[root] if m != i]
        out.append(
            IdentityLink(
                submission_id=records[i].submission_id,
                file=records[i].file,
                candidate_key=keys[root],
                matched_on=sorted(reasons[i] - {"known"}) if others else [],
                linked_submissions=sorted(set(others) - {records[i].submission_id}) or [],
            )
        )
    return out
