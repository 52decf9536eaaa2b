"""What reading one resume may cost, checked before the expensive work (decompression bombs).

A DOCX is a zip and a PDF holds Flate streams, so a small file can inflate to gigabytes.
:class:`ExtractLimits` (from the ``TALENTFLOW_RESUME_*`` settings) are checked on what a file
*declares and inflates to* before python-docx or pdfminer touch it; pages, characters and time are
capped while reading (:mod:`talentflow.resumes.extract` calls these checks).
"""

from __future__ import annotations

import io
import re
import signal
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

ReasonCode = Literal[
    "corrupt",
    "encrypted",
    "empty",
    "too_large",
    "unsupported_type",
    "undecodable",
    "missing",
    # limits on what a file inflates to and costs to read (decompression bombs)
    "too_large_uncompressed",
    "too_many_entries",
    "compression_ratio",
    "too_large_xml",
    "xml_too_deep",
    "xml_entities",
    "too_many_pages",
    "too_much_text",
    "parse_timeout",
]


class UnreadableResume(Exception):
    """A resume file that cannot be read; ``reason_code`` is one of :data:`ReasonCode`."""

    def __init__(self, reason_code: ReasonCode, message: str, filename: str | None = None) -> None:
        self.reason_code = reason_code
        self.filename = filename
        self.message = message
        super().__init__(f"{filename}: {message}" if filename else message)

    def as_dict(self) -> dict[str, Any]:
        """The ``<key>.error.json`` body for quarantine."""
        return {"file": self.filename, "reason_code": self.reason_code, "message": self.message}


@dataclass(frozen=True)
class ExtractLimits:
    """What reading one resume may cost; defaults match the ``TALENTFLOW_RESUME_*`` settings."""

    max_uncompressed_bytes: int = 50 * 1024 * 1024
    max_zip_entries: int = 1000
    max_compression_ratio: float = 100.0
    max_xml_bytes: int = 16 * 1024 * 1024
    max_xml_depth: int = 200
    max_pages: int = 50
    max_page_chars: int = 100_000
    max_text_chars: int = 1_000_000
    parse_timeout_s: float = 30.0

    @classmethod
    def from_settings(cls, settings: Any = None) -> ExtractLimits:
        from talentflow.core.config import get_settings

        s = settings or get_settings()
        return cls(
            max_uncompressed_bytes=s.resume_max_uncompressed_bytes,
            max_zip_entries=s.resume_max_zip_entries,
            max_compression_ratio=s.resume_max_compression_ratio,
            max_xml_bytes=s.resume_max_xml_bytes,
            max_xml_depth=s.resume_max_xml_depth,
            max_pages=s.resume_max_pages,
            max_page_chars=s.resume_max_page_chars,
            max_text_chars=s.resume_max_text_chars,
            parse_timeout_s=s.resume_parse_timeout_s,
        )


_RATIO_MIN_ENTRY = 1024 * 1024
"""Entries smaller than this inflate too little to matter, whatever their ratio (tiny XML parts of
repeated markup reach ratios of 100 and more)."""


class _ParseTimeout(BaseException):
    """Raised by the alarm inside a library's parsing loop; a BaseException so that the libraries'
    ``except Exception`` clauses cannot swallow it."""


@contextmanager
def deadline(seconds: float, name: str) -> Iterator[float]:
    """Hard time limit on reading one file: SIGALRM where we can (the main thread, no timer already
    set), and the readers' own checks between pages and parts everywhere (see :func:`check_time`)."""
    start = time.monotonic()
    use_alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if use_alarm and signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        use_alarm = False  # someone else's timer: do not replace it

    def on_alarm(signum, frame):  # noqa: ARG001
        raise _ParseTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm) if use_alarm else None
    if use_alarm:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield start
    except _ParseTimeout:
        raise UnreadableResume(
            "parse_timeout", f"reading the file took over {seconds:g} s (the limit)", name
        ) from None
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def check_time(start: float, limits: ExtractLimits, name: str) -> None:
    elapsed = time.monotonic() - start
    if elapsed > limits.parse_timeout_s:
        raise UnreadableResume(
            "parse_timeout", f"reading the file took over {limits.parse_timeout_s:g} s (the limit)", name
        )


# ---- PDF ----------------------------------------------------------------------------------

_STREAM_RE = re.compile(rb"stream\r?\n")


def check_pdf_streams(data: bytes, limits: ExtractLimits, name: str) -> None:
    """Inflate every Flate stream of the file into a bounded buffer and refuse the file when they add
    up to more than the limit: pdfminer inflates each stream whole in memory, with no cap of its own.
    Streams that are not zlib data (images, other filters) are skipped at their first bytes."""
    budget = limits.max_uncompressed_bytes
    total = 0
    pos = 0
    while True:
        m = _STREAM_RE.search(data, pos)
        if m is None:
            return
        begin = m.end()
        end = data.find(b"endstream", begin)
        if end < 0:
            end = len(data)
        pos = end
        inflater = zlib.decompressobj()
        chunk = data[begin:end]
        try:
            out = inflater.decompress(chunk, budget - total + 1)
            total += len(out)
            while inflater.unconsumed_tail and total <= budget:
                out = inflater.decompress(inflater.unconsumed_tail, budget - total + 1)
                if not out:
                    break
                total += len(out)
        except zlib.error:
            continue
        if total > budget:
            raise UnreadableResume(
                "too_large_uncompressed",
                f"the PDF's compressed streams inflate to over {budget:,} bytes (the limit)",
                name,
            )


# ---- DOCX ---------------------------------------------------------------------------------


def check_docx_package(data: bytes, limits: ExtractLimits, name: str) -> None:
    """Refuse a zip bomb from its central directory, before anything is inflated: entry count, total
    declared size, per-entry ratio and XML part size; then stream the XML parts through a pull
    parser (bounded by the size checks) for nesting depth and entity declarations.

    zipfile stops inflating an entry at its declared size (and fails on the CRC), so a central
    directory that lies about sizes cannot get past these checks."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > limits.max_zip_entries:
                raise UnreadableResume(
                    "too_many_entries",
                    f"the DOCX package holds {len(infos):,} entries; the limit is {limits.max_zip_entries:,}",
                    name,
                )
            total = sum(i.file_size for i in infos)
            if total > limits.max_uncompressed_bytes:
                raise UnreadableResume(
                    "too_large_uncompressed",
                    f"the DOCX inflates to {total:,} bytes; the limit is {limits.max_uncompressed_bytes:,}",
                    name,
                )
            for info in infos:
                if info.file_size > _RATIO_MIN_ENTRY:
                    ratio = info.file_size / max(1, info.compress_size)
                    if ratio > limits.max_compression_ratio:
                        raise UnreadableResume(
                            "compression_ratio",
                            f"entry {info.filename!r} inflates {ratio:,.0f}-fold; "
                            f"the limit is {limits.max_compression_ratio:g}",
                            name,
                        )
                if (
                    info.filename.lower().endswith((".xml", ".rels"))
                    and info.file_size > limits.max_xml_bytes
                ):
                    raise UnreadableResume(
                        "too_large_xml",
                        f"XML part {info.filename!r} is {info.file_size:,} bytes; "
                        f"the limit is {limits.max_xml_bytes:,}",
                        name,
                    )
            for info in infos:
                if _WALKED_PART.match(info.filename):
                    with zf.open(info) as part:
                        check_xml_part(part, info.filename, limits, name)
                elif info.filename.lower().endswith((".xml", ".rels")):
                    with zf.open(info) as part:
                        _check_no_dtd(part.read(_PROLOG_BYTES), info.filename, name)
    except UnreadableResume:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise UnreadableResume("corrupt", f"damaged DOCX ({type(exc).__name__}: {exc})"[:300], name) from exc


_WALKED_PART = re.compile(r"^word/(?:document|header\d*|footer\d*)\.xml$", re.IGNORECASE)
"""The parts whose elements our reader walks recursively (nested tables): their depth is checked. The
others (styles, theme, settings) only pass through lxml, whose parser stops at 256 levels itself."""
_PROLOG_BYTES = 64 * 1024


def _check_no_dtd(head: bytes, part: str, name: str) -> None:
    """A DTD can only stand before the root element: an OOXML part never has one, and one that does
    is an entity-expansion attempt."""
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise UnreadableResume("xml_entities", f"XML part {part!r} declares a DTD", name)


def check_xml_part(stream: Any, part: str, limits: ExtractLimits, name: str) -> None:
    from lxml import etree

    depth = 0
    first = True
    try:
        for event, elem in etree.iterparse(
            stream, events=("start", "end"), resolve_entities=False, no_network=True, huge_tree=False
        ):
            if event == "start":
                if first:
                    first = False
                    # an OOXML part never has a DTD; one that does is an entity-expansion attempt
                    if elem.getroottree().docinfo.internalDTD is not None:
                        raise UnreadableResume("xml_entities", f"XML part {part!r} declares a DTD", name)
                depth += 1
                if depth > limits.max_xml_depth:
                    raise UnreadableResume(
                        "xml_too_deep",
                        f"XML part {part!r} nests deeper than {limits.max_xml_depth} elements",
                        name,
                    )
            else:
                depth -= 1
                elem.clear()  # only the depth is wanted: keep memory flat
    except etree.XMLSyntaxError as exc:
        raise UnreadableResume("corrupt", f"damaged DOCX part {part!r}: {exc}"[:300], name) from exc


# ---- text ---------------------------------------------------------------------------------


def check_text_size(text: str, limits: ExtractLimits, name: str) -> str:
    """The decoded text's size, checked before the layout work on it."""
    if len(text) > limits.max_text_chars:
        raise UnreadableResume(
            "too_much_text", f"{len(text):,} characters of text; the limit is {limits.max_text_chars:,}", name
        )
    return text
