"""One contract, every backend: the local directory, S3 over real HTTP (moto's server, started
here), and a real MinIO when TALENTFLOW_TEST_S3_ENDPOINT is set."""

from __future__ import annotations

import io
import os
import threading
import uuid

import pytest

from talentflow.core.storage import (
    LocalObjectStore,
    ObjectExists,
    ObjectNotFound,
    S3ObjectStore,
    validate_key,
)
from tests.conftest import free_port


@pytest.fixture(params=["local", "s3-moto", "s3-minio"])
def store(request, tmp_path):
    bucket = f"tf-{uuid.uuid4().hex[:12]}"
    if request.param == "local":
        s = LocalObjectStore(tmp_path, bucket)
    elif request.param == "s3-moto":
        endpoint = request.getfixturevalue("moto_endpoint")
        s = S3ObjectStore(endpoint, bucket, "testing", "testing", secure=False, region="us-east-1")
    else:
        endpoint = os.environ.get("TALENTFLOW_TEST_S3_ENDPOINT")
        if not endpoint:
            pytest.skip("TALENTFLOW_TEST_S3_ENDPOINT not set: no real MinIO to test against")
        s = S3ObjectStore(
            endpoint,
            bucket,
            os.environ.get("TALENTFLOW_TEST_S3_ACCESS_KEY", "minioadmin"),
            os.environ.get("TALENTFLOW_TEST_S3_SECRET_KEY", "minioadmin"),
        )
    s.ensure_ready()
    s.ensure_ready()  # idempotent
    return s


def test_put_get_stat_roundtrip(store):
    info = store.put("incoming/resumes/a.txt", b"hello")
    assert info.key == "incoming/resumes/a.txt" and info.size == 5
    assert store.get("incoming/resumes/a.txt") == b"hello"
    assert store.stat("incoming/resumes/a.txt").size == 5
    assert store.exists("incoming/resumes/a.txt")
    store.put("incoming/resumes/a.txt", b"changed")
    assert store.get("incoming/resumes/a.txt") == b"changed"


def test_missing_objects_raise_not_found(store):
    with pytest.raises(ObjectNotFound):
        store.get("nope/missing.json")
    with pytest.raises(ObjectNotFound):
        store.stat("nope/missing.json")
    assert not store.exists("nope/missing.json")
    assert store.delete("nope/missing.json") is False


def test_list_is_recursive_sorted_and_prefix_filtered(store):
    for key in ["b/2.txt", "a/1.txt", "a/sub/3.txt", "c.txt"]:
        store.put(key, key.encode())
    assert [o.key for o in store.list("a/")] == ["a/1.txt", "a/sub/3.txt"]
    assert [o.key for o in store.list()] == ["a/1.txt", "a/sub/3.txt", "b/2.txt", "c.txt"]
    assert list(store.list("zzz/")) == []


def test_move_and_delete(store):
    store.put("scoring-tasks/pending/t1.json", b"{}")
    assert store.move("scoring-tasks/pending/t1.json", "scoring-tasks/processing/t1.json") is True
    assert not store.exists("scoring-tasks/pending/t1.json")
    assert store.get("scoring-tasks/processing/t1.json") == b"{}"
    # The source is gone: a second mover learns it lost the race instead of failing.
    assert store.move("scoring-tasks/pending/t1.json", "scoring-tasks/processing/t1.json") is False
    assert store.delete("scoring-tasks/processing/t1.json") is True
    assert list(store.list("scoring-tasks/")) == []


def test_put_if_absent_never_overwrites(store):
    store.put("claims/x", b"first", if_absent=True)
    with pytest.raises(ObjectExists):
        store.put("claims/x", b"second", if_absent=True)
    assert store.get("claims/x") == b"first"


def test_concurrent_if_absent_has_exactly_one_winner(store):
    winners, barrier = [], threading.Barrier(4)

    def claim(i):
        barrier.wait()
        try:
            store.put("claims/race", str(i).encode(), if_absent=True)
            winners.append(i)
        except ObjectExists:
            pass

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1
    assert store.get("claims/race") == str(winners[0]).encode()


def test_streaming_large_object(store, tmp_path):
    size = 24 * 1024 * 1024 + 123  # more than one multipart part
    src = tmp_path / "big.bin"
    with src.open("wb") as fh:
        for i in range(size // (1024 * 1024) + 1):
            fh.write(bytes([i % 251]) * min(1024 * 1024, size - i * 1024 * 1024))
    with src.open("rb") as fh:
        store.put("recordings/c1/i1/big.bin", fh)  # unknown length: streamed in parts
    assert store.stat("recordings/c1/i1/big.bin").size == size
    out = store.get_file("recordings/c1/i1/big.bin", tmp_path / "down" / "big.bin")
    assert out.read_bytes() == src.read_bytes()
    with store.open("recordings/c1/i1/big.bin") as stream:
        assert stream.read(10) == bytes([0]) * 10


def test_json_helpers(store):
    store.put_json("done/t.json", {"a": 1})
    assert store.get_json("done/t.json") == {"a": 1}
    store.put("x/y.bin", io.BytesIO(b"stream"), length=6)
    assert store.get("x/y.bin") == b"stream"


@pytest.mark.parametrize("bad", ["", "/abs", "a/../b", "a//b", "a\\b", "./a"])
def test_invalid_keys_are_rejected(bad):
    with pytest.raises(ValueError, match="invalid object key"):
        validate_key(bad)


def test_unreachable_s3_names_the_setting():
    from talentflow.core.config import ConfigError

    s = S3ObjectStore(f"127.0.0.1:{free_port()}", "tf-unreachable", "k", "s")
    with pytest.raises(ConfigError, match="TALENTFLOW_S3_ENDPOINT"):
        s.ensure_ready()
    assert s.ping() is False
