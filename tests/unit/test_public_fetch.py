"""The public-set fetcher reads one member by name from an archive and refuses any hash mismatch."""

from __future__ import annotations

import hashlib
import io
import tarfile
import zipfile

import pytest

from bench.public_fetch import FetchError, PackageFile, fetch, load_sources, sha256


def _tgz(path, files: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))


def _item(archive, member: str, data: bytes, registry: str = "npm") -> PackageFile:
    return PackageFile(
        registry, "cv", "1.0.0", archive.name, sha256(archive.read_bytes()), member, sha256(data)
    )


def test_fetch_reads_the_named_member_and_checks_both_hashes(tmp_path):
    (tmp_path / "archives").mkdir()
    archive = tmp_path / "archives" / "cv-1.0.0.tgz"
    resume, other = b"Jane Roe\nEngineer", b"not asked for"
    _tgz(archive, {"package/resume.txt": resume, "package/other.txt": other})
    item = _item(archive, "package/resume.txt", resume)
    target = fetch(item, tmp_path)
    assert target.read_bytes() == resume
    assert target == tmp_path / "npm" / "cv-1.0.0" / "package" / "resume.txt"
    assert not (target.parent / "other.txt").exists()
    wrong = PackageFile(**{**item.__dict__, "member_sha256": hashlib.sha256(b"x").hexdigest()})
    target.unlink()
    with pytest.raises(FetchError, match="expected"):
        fetch(wrong, tmp_path)


def test_a_changed_archive_is_refused_and_removed(tmp_path):
    (tmp_path / "archives").mkdir()
    archive = tmp_path / "archives" / "cv-1.0.0-py3-none-any.whl"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("cv/resume.txt", b"text")
    item = PackageFile("pypi", "cv", "1.0.0", archive.name, "0" * 64, "cv/resume.txt", sha256(b"text"))
    with pytest.raises(FetchError, match="SHA-256"):
        fetch(item, tmp_path)
    assert not archive.exists()


def test_bad_entries_are_refused(tmp_path):
    with pytest.raises(ValueError, match="relative path"):
        PackageFile("npm", "cv", "1", "a.tgz", "0" * 64, "../etc/passwd", "0" * 64)
    with pytest.raises(ValueError, match="registry"):
        PackageFile("github", "cv", "1", "a.tgz", "0" * 64, "a", "0" * 64)
    sources = tmp_path / "sources.yaml"
    sources.write_text("- {registry: npm, package: cv, version: 1}\n")
    with pytest.raises(ValueError, match="lacks"):
        load_sources(sources)
