"""Object names never collide (issue 19, finding 7): a different resume arriving under a name that is
already archived or quarantined gets its own content-addressed key, the earlier file and its
``.error.json`` stay as they were, and every row keeps pointing at its own file with that file's hash.

Runs the resume_ingestion batch (``process_batch``: real PostgreSQL, real parser and embedding model,
the local object store) with names unique to this module, so it needs no clean runtime.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest

from talentflow.core import storage, warehouse
from talentflow.resumes.ingestion import ARCHIVE, INCOMING, QUARANTINE, process_batch
from talentflow.resumes.parse import parse_text

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "resumes"
pytestmark = pytest.mark.slow


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rows(settings, names: list[str]) -> list[dict]:
    with warehouse.connect(settings) as conn:
        return warehouse.fetch_all(
            conn,
            "SELECT submission_id, object_key, file_name, file_sha256 FROM raw.resume_submissions "
            "WHERE file_name = ANY(%s) ORDER BY received_at",
            (names,),
        )


def _deliver(store, name: str, data: bytes) -> dict:
    store.put(INCOMING + name, data)
    return process_batch([INCOMING + name], run_id=f"names-{uuid.uuid4().hex[:6]}")


def test_a_different_resume_under_an_archived_name_gets_its_own_key(tf_runtime):
    store = storage.get_store(tf_runtime)
    name = f"resume-{uuid.uuid4().hex[:8]}.txt"
    first = (FIXTURES / "01_classic_chrono.txt").read_bytes()
    other = (FIXTURES / "06_nurse.txt").read_bytes()

    assert _deliver(store, name, first)["loaded"] == 1
    assert _deliver(store, name, other)["loaded"] == 1

    assert store.get(ARCHIVE + name) == first  # not replaced
    second_key = f"{ARCHIVE}{_sha(other)[:16]}/{name}"
    assert store.get(second_key) == other
    rows = _rows(tf_runtime, [name])
    assert [r["object_key"] for r in rows] == [ARCHIVE + name, second_key]
    for row in rows:  # each row describes the very file it points at
        assert row["file_sha256"] == _sha(store.get(row["object_key"]))

    # The same bytes again under the same name: nothing new, nothing replaced, no third object.
    assert _deliver(store, name, first)["loaded"] == 1
    assert sorted(o.key for o in store.list(ARCHIVE) if o.key.endswith(name)) == sorted(
        [ARCHIVE + name, second_key]
    )


def test_file_sha256_stays_the_hash_of_the_archived_file(tf_runtime):
    """Two files with the same text (LF and CRLF line ends) are one submission: the row keeps the first
    file's key and hash (it flipped to the second file's hash before: the upsert updated it)."""
    store = storage.get_store(tf_runtime)
    name = f"same-text-{uuid.uuid4().hex[:8]}.txt"
    lf = (FIXTURES / "04_skills_first.txt").read_bytes().replace(b"\r\n", b"\n")
    crlf = lf.replace(b"\n", b"\r\n")
    assert parse_text(lf.decode(), name).text_sha256 == parse_text(crlf.decode(), name).text_sha256
    assert _sha(lf) != _sha(crlf)

    _deliver(store, name, lf)
    _deliver(store, name, crlf)

    [row] = _rows(tf_runtime, [name])
    assert row["object_key"] == ARCHIVE + name and row["file_sha256"] == _sha(lf)
    assert store.get(ARCHIVE + name) == lf
    assert store.get(f"{ARCHIVE}{_sha(crlf)[:16]}/{name}") == crlf  # kept, under its own key


def test_quarantine_never_replaces_a_file_or_its_error(tf_runtime):
    store = storage.get_store(tf_runtime)
    name = f"broken-{uuid.uuid4().hex[:8]}.pdf"
    bad_one = (FIXTURES / "bad" / "corrupt.pdf").read_bytes()
    bad_two = b"%PDF-1.4\n" + b"not a pdf at all " * 20

    assert _deliver(store, name, bad_one)["quarantined"] == 1
    error_one = store.get_json(f"{QUARANTINE}{name}.error.json")
    assert _deliver(store, name, bad_two)["quarantined"] == 1

    assert store.get(QUARANTINE + name) == bad_one
    assert store.get_json(f"{QUARANTINE}{name}.error.json") == error_one
    second = f"{QUARANTINE}{_sha(bad_two)[:16]}/{name}"
    assert store.get(second) == bad_two
    assert store.get_json(f"{second}.error.json")["source_key"] == INCOMING + name
    with warehouse.connect(tf_runtime) as conn:
        targets = {
            r["target"]
            for r in warehouse.fetch_all(
                conn,
                "SELECT details->>'quarantined_as' AS target FROM audit.ingest_errors WHERE object_key = %s",
                (INCOMING + name,),
            )
        }
    assert targets == {QUARANTINE + name, second}


@pytest.mark.parametrize("backend", ["local", "s3-moto"])
def test_move_unique_never_replaces(backend, request, tmp_path):
    """The naming rule on both backends (S3 over HTTP against moto's server)."""
    bucket = f"names-{uuid.uuid4().hex[:8]}"
    if backend == "local":
        store = storage.LocalObjectStore(tmp_path, bucket)
    else:
        endpoint = request.getfixturevalue("moto_endpoint")
        store = storage.S3ObjectStore(
            endpoint, bucket, "testing", "testing", secure=False, region="us-east-1"
        )
    store.ensure_ready()
    store.put("incoming/a.pdf", b"one")
    assert store.move_unique("incoming/a.pdf", "archive/a.pdf") == "archive/a.pdf"
    store.put("incoming/a.pdf", b"two")
    other = f"archive/{_sha(b'two')[:16]}/a.pdf"
    assert store.move_unique("incoming/a.pdf", "archive/a.pdf") == other
    store.put("incoming/a.pdf", b"one")
    assert store.move_unique("incoming/a.pdf", "archive/a.pdf") == "archive/a.pdf"
    assert store.get("archive/a.pdf") == b"one" and store.get(other) == b"two"
    assert not store.exists("incoming/a.pdf")
    assert store.move_unique("incoming/a.pdf", "archive/a.pdf") is None
