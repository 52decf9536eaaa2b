"""Object storage: one small interface, a local-directory backend and an S3 (MinIO) backend.

Both backends keep the same contract (tests/integration/test_storage_contract.py runs against each):
keys are ``/``-separated relative paths; writes are atomic (a reader never sees half an object);
``put(..., if_absent=True)`` never overwrites, which is what claims and idempotent writes rely on;
``move`` is how files change state (incoming → archive, pending → processing).
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from talentflow.core.config import ConfigError, Settings, get_settings

log = logging.getLogger(__name__)
CHUNK = 1024 * 1024
S3_PART_SIZE = 16 * 1024 * 1024


class ObjectNotFound(KeyError):
    """The key does not exist."""

    def __str__(self) -> str:
        return f"object not found: {self.args[0]}"


class ObjectExists(FileExistsError):
    """``if_absent=True`` and the key already exists."""


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    modified: datetime
    etag: str | None = None


class UnsafeObject(ValueError):
    """The local store found a symbolic link where an object or folder should be: refused."""


def validate_key(key: str) -> str:
    if not key or key.startswith("/") or "\\" in key or any(p in ("", ".", "..") for p in key.split("/")):
        raise ValueError(f"invalid object key {key!r}: use a relative path like 'incoming/resumes/a.pdf'")
    return key


Data = bytes | bytearray | BinaryIO


class ObjectStore(ABC):
    """put/get/list/stat/move/delete with streaming for large objects."""

    @abstractmethod
    def put(
        self,
        key: str,
        data: Data,
        *,
        length: int | None = None,
        content_type: str | None = None,
        if_absent: bool = False,
    ) -> ObjectInfo: ...

    @abstractmethod
    @contextmanager
    def open(self, key: str) -> Iterator[BinaryIO]:
        """A readable binary stream of the object (for large objects: read in chunks)."""

    @abstractmethod
    def stat(self, key: str) -> ObjectInfo: ...

    @abstractmethod
    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every object whose key starts with ``prefix``, recursively, in key order."""

    @abstractmethod
    def delete(self, key: str) -> bool:
        """Remove the object; False when it was not there."""

    @abstractmethod
    def move(self, src: str, dst: str, *, if_absent: bool = False) -> bool:
        """Move ``src`` to ``dst``. False when ``src`` is gone (somebody else moved it first)."""

    @abstractmethod
    def ensure_ready(self) -> None: ...

    @abstractmethod
    def ping(self) -> bool: ...

    @abstractmethod
    def describe(self) -> str: ...

    @abstractmethod
    def url_for(self, key: str) -> str: ...

    def presign_put(self, key: str, expires: timedelta) -> str | None:
        """A URL anyone holding it may PUT the object to until ``expires`` from now; None when the
        backend cannot sign one (the local directory: the API service takes such uploads itself)."""
        return None

    # ---- conveniences built on the primitives --------------------------------------------------
    def get(self, key: str) -> bytes:
        with self.open(key) as stream:
            return stream.read()

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
        except ObjectNotFound:
            return False
        return True

    def put_file(self, key: str, path: Path | str, **kwargs) -> ObjectInfo:
        path = Path(path)
        with path.open("rb") as fh:
            return self.put(key, fh, length=path.stat().st_size, **kwargs)

    def get_file(self, key: str, path: Path | str) -> Path:
        """Stream the object to ``path`` (atomically: a partial download never appears there)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with self.open(key) as src, tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            shutil.copyfileobj(src, tmp, CHUNK)
        os.replace(tmp.name, path)
        return path

    def put_json(self, key: str, obj, **kwargs) -> ObjectInfo:
        import json

        return self.put(
            key, json.dumps(obj, indent=2, default=str).encode(), content_type="application/json", **kwargs
        )

    def get_json(self, key: str):
        import json

        return json.loads(self.get(key))

    def sha256(self, key: str) -> str:
        """Hex SHA-256 of the object's bytes (streamed)."""
        import hashlib

        digest = hashlib.sha256()
        with self.open(key) as stream:
            for chunk in iter(lambda: stream.read(CHUNK), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def free_key(self, wanted: str, sha256: str) -> str:
        """Where an object with these bytes may be stored under the name ``wanted`` without
        replacing anything else: ``wanted`` itself when it is free or already holds the same bytes,
        else the content-addressed ``<folder>/<sha256[:16]>/<name>`` (the file keeps its name, and two
        different files can never meet there)."""
        validate_key(wanted)
        try:
            if self.sha256(wanted) != sha256:
                folder, _, name = wanted.rpartition("/")
                return f"{folder}/{sha256[:16]}/{name}" if folder else f"{sha256[:16]}/{name}"
        except ObjectNotFound:
            pass
        return wanted

    def move_unique(self, src: str, wanted: str) -> str | None:
        """Move ``src`` to :meth:`free_key` of ``wanted`` (never over a different object); returns
        the key it now has, or None when ``src`` is gone (somebody else moved it first)."""
        try:
            digest = self.sha256(src)
        except ObjectNotFound:
            return None
        for _ in range(3):  # another writer may take the free name between the check and the move
            target = self.free_key(wanted, digest)
            try:
                return target if self.move(src, target, if_absent=True) else None
            except ObjectExists:
                if self.exists(target) and self.sha256(target) == digest:
                    self.delete(src)  # the same bytes are already there
                    return target
        raise ObjectExists(f"{wanted}: no free name after 3 attempts")


# ---- local directory ----------------------------------------------------------------------------


class LocalObjectStore(ObjectStore):
    """Objects as files under ``root/bucket``; atomic by write-to-temp-then-rename."""

    def __init__(self, root: Path, bucket: str) -> None:
        self.base = Path(root) / bucket

    def _path(self, key: str) -> Path:
        """The file of ``key``; a symlink anywhere below the bucket folder is refused, so an object
        can never be a link to a file elsewhere (``/etc/passwd``) nor be written through one."""
        path = self.base / validate_key(key)
        current = self.base
        for part in key.split("/"):
            current = current / part
            if current.is_symlink():
                raise UnsafeObject(
                    f"object {key!r} is a symbolic link ({current.relative_to(self.base)}): the local "
                    "store holds files only; remove the link and put the file itself"
                )
        return path

    def put(self, key, data, *, length=None, content_type=None, if_absent=False) -> ObjectInfo:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as tmp:
            if isinstance(data, bytes | bytearray):
                tmp.write(data)
            else:
                shutil.copyfileobj(data, tmp, CHUNK)
        try:
            if if_absent:
                # link() fails when the target exists: an atomic create-if-absent.
                try:
                    os.link(tmp.name, path)
                except FileExistsError as exc:
                    raise ObjectExists(f"object already exists: {key}") from exc
            else:
                os.replace(tmp.name, path)
        finally:
            if os.path.exists(tmp.name):
                os.unlink(tmp.name)
        return self.stat(key)

    @contextmanager
    def open(self, key):
        try:
            fh = self._path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError) as exc:
            raise ObjectNotFound(key) from exc
        with fh:
            yield fh

    def stat(self, key) -> ObjectInfo:
        try:
            st = self._path(key).stat()
        except FileNotFoundError as exc:
            raise ObjectNotFound(key) from exc
        if not self._path(key).is_file():
            raise ObjectNotFound(key)
        return ObjectInfo(key, st.st_size, datetime.fromtimestamp(st.st_mtime, UTC))

    def list(self, prefix=""):
        if not self.base.exists():
            return
        keys = []
        for dirpath, _dirs, files in os.walk(self.base):  # never descends into linked folders
            for name in files:
                if name.startswith(".tmp-"):
                    continue
                if os.path.islink(os.path.join(dirpath, name)):
                    log.warning("%s is a symbolic link, not an object: skipped", os.path.join(dirpath, name))
                    continue
                key = Path(dirpath, name).relative_to(self.base).as_posix()
                if key.startswith(prefix):
                    keys.append(key)
        for key in sorted(keys):
            try:
                yield self.stat(key)
            except ObjectNotFound:  # removed while listing
                continue

    def delete(self, key) -> bool:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            return False
        return True

    def move(self, src, dst, *, if_absent=False) -> bool:
        source, target = self._path(src), self._path(dst)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            if if_absent:
                os.link(source, target)
                source.unlink()
            else:
                os.replace(source, target)
        except FileNotFoundError:
            return False
        except FileExistsError as exc:
            raise ObjectExists(f"object already exists: {dst}") from exc
        return True

    def ensure_ready(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)

    def ping(self) -> bool:
        return self.base.is_dir()

    def describe(self) -> str:
        return str(self.base)

    def url_for(self, key: str) -> str:
        return self._path(key).as_uri()


# ---- S3 / MinIO ---------------------------------------------------------------------------------


class S3ObjectStore(ObjectStore):
    """Objects in an S3 bucket through the ``minio`` SDK."""

    def __init__(
        self,
        endpoint: str,
        bucket: str,
        access_key: str | None,
        secret_key: str | None,
        secure: bool = False,
        region: str | None = None,
    ) -> None:
        import certifi
        import urllib3
        from minio import Minio

        endpoint = endpoint.removeprefix("http://").removeprefix("https://").rstrip("/")
        self.endpoint, self.bucket, self.secure = endpoint, bucket, secure
        # The SDK's default retries an unreachable endpoint for ~15 s; fail faster with a clear error.
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=5, read=300),
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            retries=urllib3.Retry(total=3, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
        )
        self.client = Minio(
            endpoint,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure,
            region=region,
            http_client=http,
        )

    def _call(self, func, *args, **kwargs):
        from minio.error import S3Error
        from urllib3.exceptions import HTTPError

        try:
            return func(*args, **kwargs)
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchObject", "ResourceNotFound"):
                raise ObjectNotFound(
                    kwargs.get("object_name") or (args[1] if len(args) > 1 else "?")
                ) from exc
            if exc.code == "PreconditionFailed":
                raise ObjectExists(f"object already exists: {args[1] if len(args) > 1 else '?'}") from exc
            raise
        except HTTPError as exc:
            raise ConfigError(
                f"object store at {self.endpoint} (TALENTFLOW_S3_ENDPOINT) is unreachable: {exc}"
            ) from exc

    def put(self, key, data, *, length=None, content_type=None, if_absent=False) -> ObjectInfo:
        validate_key(key)
        content_type = content_type or "application/octet-stream"
        if if_absent:
            # S3 conditional write (If-None-Match: *, supported by MinIO and AWS): the public SDK call
            # cannot send it, so the SDK's own single-PUT helper is used. Claims and markers are
            # small, so reading them into memory is fine.
            body = bytes(data) if isinstance(data, bytes | bytearray) else data.read()
            self._call(
                self.client._put_object,
                self.bucket,
                key,
                body,
                {"If-None-Match": "*", "Content-Type": content_type},
            )
            return self.stat(key)
        if isinstance(data, bytes | bytearray):
            length, data = len(data), io.BytesIO(bytes(data))
        self._call(
            self.client.put_object,
            self.bucket,
            key,
            data,
            length if length is not None else -1,
            content_type=content_type,
            part_size=S3_PART_SIZE if length is None else 0,
        )
        return self.stat(key)

    @contextmanager
    def open(self, key):
        response = self._call(self.client.get_object, self.bucket, validate_key(key))
        try:
            yield response
        finally:
            response.close()
            response.release_conn()

    def stat(self, key) -> ObjectInfo:
        st = self._call(self.client.stat_object, self.bucket, validate_key(key))
        return ObjectInfo(key, st.size, st.last_modified, st.etag)

    def list(self, prefix=""):
        for obj in self._call(self.client.list_objects, self.bucket, prefix=prefix or None, recursive=True):
            if obj.is_dir:
                continue
            yield ObjectInfo(obj.object_name, obj.size, obj.last_modified, obj.etag)

    def delete(self, key) -> bool:
        if not self.exists(key):
            return False
        self._call(self.client.remove_object, self.bucket, validate_key(key))
        return True

    def move(self, src, dst, *, if_absent=False) -> bool:
        # S3 has no rename: write the copy (conditionally, when asked), then delete the source.
        # Two movers racing on one source: at most one conditional write wins.
        try:
            with self.open(src) as stream:
                size = self.stat(src).size
                self.put(dst, stream, length=size, if_absent=if_absent)
        except ObjectNotFound:
            return False
        self.delete(src)
        return True

    def ensure_ready(self) -> None:
        if not self._call(self.client.bucket_exists, self.bucket):
            self._call(self.client.make_bucket, self.bucket)

    def ping(self) -> bool:
        try:
            self._call(self.client.bucket_exists, self.bucket)
        except Exception:  # noqa: BLE001 - status reporting: any failure means "not reachable"
            return False
        return True

    def describe(self) -> str:
        return f"{'https' if self.secure else 'http'}://{self.endpoint}/{self.bucket}"

    def url_for(self, key: str) -> str:
        return f"s3://{self.bucket}/{validate_key(key)}"

    def presign_put(self, key: str, expires: timedelta) -> str | None:
        return self._call(self.client.presigned_put_object, self.bucket, validate_key(key), expires=expires)


def get_store(settings: Settings | None = None) -> ObjectStore:
    """The configured backend: S3 when TALENTFLOW_S3_ENDPOINT is set, else the local directory."""
    settings = settings or get_settings()
    if settings.storage_backend == "s3":

        def secret(v):
            return v.get_secret_value() if v else None

        return S3ObjectStore(
            settings.s3_endpoint,
            settings.bucket,
            secret(settings.s3_access_key),
            secret(settings.s3_secret_key),
            settings.s3_secure,
            settings.s3_region,
        )
    return LocalObjectStore(settings.local_store_root, settings.bucket)
