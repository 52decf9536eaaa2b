"""The local object store holds files only: a symbolic link (to /etc/passwd, to a folder outside the
bucket) is never listed, read, moved or written through, and keys cannot leave the bucket folder."""

from __future__ import annotations

import os

import pytest

from talentflow.core.storage import LocalObjectStore, ObjectNotFound, UnsafeObject


@pytest.fixture
def store(tmp_path):
    s = LocalObjectStore(tmp_path / "objects", "talentflow")
    s.ensure_ready()
    s.put("incoming/resumes/good.txt", b"Jane Doe\njane@example.com\n")
    return s


@pytest.fixture
def outside(tmp_path):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    return secret


def test_linked_file_is_neither_listed_nor_read(store, outside):
    os.symlink("/etc/passwd", store.base / "incoming/resumes/passwd.txt")
    os.symlink(outside, store.base / "incoming/resumes/secret.txt")
    assert [o.key for o in store.list("incoming/")] == ["incoming/resumes/good.txt"]
    for key in ("incoming/resumes/passwd.txt", "incoming/resumes/secret.txt"):
        with pytest.raises(UnsafeObject, match="is a symbolic link"):
            store.get(key)
        with pytest.raises(UnsafeObject):
            store.stat(key)
        with pytest.raises(UnsafeObject):
            store.move(key, "archive/resumes/x.txt")
    assert store.get("incoming/resumes/good.txt").startswith(b"Jane Doe")  # nothing else blocked


def test_linked_folder_is_not_followed(store, outside):
    os.symlink(outside.parent, store.base / "incoming/evil")
    assert [o.key for o in store.list("")] == ["incoming/resumes/good.txt"]
    with pytest.raises(UnsafeObject):
        store.get("incoming/evil/secret.txt")
    with pytest.raises(UnsafeObject):  # never written through the link either
        store.put("incoming/evil/planted.txt", b"x")
    assert sorted(p.name for p in outside.parent.iterdir()) == ["secret.txt"]


@pytest.mark.parametrize("key", ["/etc/passwd", "../../etc/passwd", "a/../../b", "a\\b", "", "a//b", "./a"])
def test_keys_that_leave_the_bucket_are_refused(store, key):
    with pytest.raises(ValueError, match="invalid object key"):
        store.get(key)
    with pytest.raises(ValueError, match="invalid object key"):
        store.put(key, b"x")


def test_a_missing_object_is_still_not_found(store):
    with pytest.raises(ObjectNotFound):
        store.get("incoming/resumes/absent.txt")
